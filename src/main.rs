//! The `zhibiao` command line: its arguments, and which command runs.
//! Each command is in `cli/`.

mod cli;

use clap::{Parser, Subcommand, ValueEnum};
use cli::{check::check, diff::diff, eval::eval, explain::explain, finish};
use cli::{rules::doc, rules::fmt, rules::test};
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::evidence::DataArg;

#[derive(Parser)]
#[command(
    name = "zhibiao",
    version,
    about = "政务诚信评价指标规则语言与评分工具"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查规则文件（语法与类型检查）；有错误时退出码为 1
    Check {
        /// 规则文件或目录（目录中除 *.test.zb 以外的全部 .zb 文件）
        #[arg(required = true)]
        rules: Vec<PathBuf>,
        /// 诊断输出格式
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 对全部主体评分
    Eval {
        #[command(flatten)]
        data: DataOpts,
        /// 输出格式（默认按 -o 的扩展名：.csv .json .md .html .xlsx；无扩展名或 .txt 为终端表格）
        #[arg(long, value_enum)]
        format: Option<OutFormat>,
        /// 写入文件（出错时不改动该文件）；结果.xlsx 为结果工作簿（结果、指标统计、说明三张表）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvOpts,
        #[command(flatten)]
        table: TableOpts,
    },
    /// 评价结果反馈函：一个主体（或 --all 每个主体）每一项得分的计算过程、失分、排名与等级
    Explain {
        #[command(flatten)]
        data: DataOpts,
        /// 主体的编码或名称
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        subject: Option<String>,
        /// 为每个主体各写一封反馈函，写入 -o 指定的目录（文件名为 编码-名称.md / .html）
        #[arg(long, requires = "output")]
        all: bool,
        /// 格式：md（默认）、html（可打印 A4）、json（含精确值）；--all 未指定时写 md 与 html 两种
        #[arg(long, value_enum)]
        format: Option<LetterFormat>,
        /// 写入文件（一个主体）或目录（--all，不存在时创建）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// 生成年度评价报告：一个独立的网页（图表、分组结果、各指标、否决与缺失、排名、各主体），可打印为 A4
    Report {
        #[command(flatten)]
        data: DataOpts,
        /// 按此主体字段分组（默认为规则中标了 分组 的字段）
        #[arg(long, value_name = "字段")]
        by: Option<String>,
        /// 解释信所在的目录（相对于报告；由 explain --all -o 目录 写出）：每个主体一节链接到其解释信
        #[arg(long, value_name = "目录")]
        letters: Option<PathBuf>,
        /// 写入的报告（.html；出错时不改动该文件）
        #[arg(short = 'o', long = "output", required = true)]
        output: PathBuf,
    },
    /// 阈值敏感性：每个阈值（分档、对照、插值点、若 的常数、扣分分值、等级界限）上下移动 δ 后精确重评，
    /// 统计得分、等级改变的主体；并列出总分在等级界限附近的主体
    Sensitivity {
        #[command(flatten)]
        data: DataOpts,
        /// 比率、百分数、分数阈值移动的百分点数（默认 1%，即 1 个百分点）
        #[arg(long, value_name = "百分点", default_value = "1%", value_parser = parse_amount)]
        delta: rust_decimal::Decimal,
        /// 计数、年份阈值移动的数量（默认 1）
        #[arg(long = "delta-count", value_name = "数量", default_value = "1", value_parser = parse_amount)]
        delta_count: rust_decimal::Decimal,
        /// 扣分分值与等级界限移动的分数（默认 0.5 分）
        #[arg(long = "delta-points", value_name = "分", default_value = "0.5", value_parser = parse_amount)]
        delta_points: rust_decimal::Decimal,
        /// 金额等其他阈值按其取值的百分比移动（默认 1%）
        #[arg(long = "delta-relative", value_name = "百分比", default_value = "1%", value_parser = parse_amount)]
        delta_relative: rust_decimal::Decimal,
        /// 列出总分距等级界限不超过此分数的主体（默认 0.5 分）
        #[arg(long, value_name = "分", default_value = "0.5", value_parser = parse_amount)]
        epsilon: rust_decimal::Decimal,
        /// 分值的不确定性：随机抽取各末级指标分值的次数（不写则不做此项分析）
        #[arg(long, value_name = "次数", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        runs: Option<u32>,
        /// 各末级指标分值上下浮动的幅度（整数百分比，默认 20%）
        #[arg(long, value_name = "百分比", default_value = "20%", value_parser = parse_spread)]
        spread: u32,
        /// 随机数种子：同一种子得到逐字节相同的结果（默认 1）
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 格式：md（默认）、csv、json、html；未指定时按 -o 的扩展名
        #[arg(long, value_enum)]
        format: Option<OutFormat>,
        /// 写入文件（出错时不改动该文件）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// 比较两套规则对全部主体的影响：规则变化、各主体得分与等级的变化
    Diff {
        /// 旧规则文件与新规则文件（OLD NEW）；用 --old 给出旧规则时只写 NEW。
        /// 规则文件可写 git:版本:路径，表示该文件在某个 git 版本中的样子（如 git:HEAD~1:rules/national.zb）
        #[arg(value_name = "OLD NEW", num_args = 1..=2, required = true)]
        files: Vec<PathBuf>,
        /// 旧规则（代替第一个位置参数），如 --old HEAD~1:rules/national.zb
        #[arg(long, value_name = "OLD")]
        old: Option<PathBuf>,
        /// 证据数据：表名=路径（可重复）；工作簿（每个表一个同名工作表）；或包含 表名.csv / .json / .xlsx 的目录
        #[arg(long = "data", required = true, value_parser = DataArg::parse)]
        data: Vec<DataArg>,
        /// 参数：名称=值，例如 评价年度=2024（两套规则都使用）
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        /// 输出格式（默认按 -o 的扩展名：.csv .json .md .html .xlsx；csv、html 只输出各主体的变化）
        #[arg(long, value_enum)]
        format: Option<OutFormat>,
        /// 写入文件（出错时不改动该文件）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// 列出变化最大的前 N 个主体和贡献最大的前 N 项指标
        #[arg(long, value_name = "N", default_value_t = zhibiao::diff::TOP)]
        top: usize,
        /// 按主体表的某个文本或枚举字段分组汇总变化（如 --by 所属地区）
        #[arg(long, value_name = "字段")]
        by: Option<String>,
        #[command(flatten)]
        csv: CsvOpts,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 同一套规则对两个或更多年度的证据评分并逐年比较：各主体的总分、变化、排名与等级的变动，
    /// 变化的主要原因（指标），等级转移矩阵，进步与退步最大的主体
    Compare {
        /// 规则文件（各年度共用；某一年度可用 --rules 年度=文件 另行指定）
        rules: PathBuf,
        /// 一个年度的证据：年度=目录|工作簿|表名=路径（可重复，至少两个年度），
        /// 如 --data 2024=examples/evidence-2024 --data 2025=examples/evidence；
        /// 参数 评价年度 默认取年度标签
        #[arg(long = "data", required = true, value_name = "年度=证据", value_parser = cli::compare::parse_year_data)]
        data: Vec<(String, DataArg)>,
        /// 某一年度使用另一个规则文件：年度=规则文件（可重复），如 --rules 2024=old.zb
        #[arg(long = "rules", value_name = "年度=规则", value_parser = cli::compare::parse_year_rules)]
        rules_by_year: Vec<(String, PathBuf)>,
        /// 参数：名称=值（各年度都用），或 年度:名称=值（只用于该年度），如 --param 去年:评价年度=2024
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        /// 输出格式（默认按 -o 的扩展名：.csv .json .md .html .xlsx；无扩展名或 .txt 为终端表格）
        #[arg(long, value_enum)]
        format: Option<OutFormat>,
        /// 写入文件（出错时不改动该文件）；比较.xlsx 为工作簿（各主体、等级转移两张表）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// 列出进步最大与退步最大的前 N 个主体
        #[arg(long, value_name = "N", default_value_t = zhibiao::analysis::compare::TOP)]
        top: usize,
        #[command(flatten)]
        csv: CsvOpts,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 运行规则测试（*.test.zb）；最后一行为 “N passed, M failed”
    Test {
        /// 测试文件、规则文件（使用旁边的 同名.test.zb）或目录
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 列出没有任何测试到达的分档行、扣分项和分支
        #[arg(long)]
        coverage: bool,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 按统一格式排版规则文件（保留注释与空行分组）
    Fmt {
        /// 规则文件或目录（目录中的全部 .zb 文件）
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 只检查：有文件需要排版时退出码为 1，不改动文件
        #[arg(long)]
        check: bool,
    },
    /// 由规则中声明的表生成证据模板（Excel 工作簿，供填报）
    Template {
        /// 规则文件
        rules: PathBuf,
        /// 写入的工作簿（.xlsx）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// 把已有证据填入模板：表名=路径（可重复），或包含 表名.csv / 表名.json 的目录
        #[arg(long = "data", value_parser = DataArg::parse)]
        data: Vec<DataArg>,
        /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 由规则生成评分细则（附录）文本
    Doc {
        /// 规则文件
        rules: PathBuf,
        /// 输出格式（默认按 -o 的扩展名：.html、.docx，其余为 md）；docx 须用 -o 写入文件
        #[arg(long, value_enum)]
        format: Option<DocFormat>,
        /// 写入文件
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        root: RootOpts,
    },
    /// 语言服务器（LSP，经标准输入输出）：诊断、悬停、跳转定义、查找引用、补全、大纲、排版与快速修复
    Lsp {
        #[command(flatten)]
        root: RootOpts,
    },
    /// 输出命令补全脚本：放入 shell 的补全目录后，按 Tab 即可补全命令、选项与取值
    Completions {
        /// shell 的种类
        #[arg(value_enum)]
        shell: cli::completions::Shell,
    },
}

/// The format of an explain letter.
#[derive(Clone, Copy, ValueEnum)]
enum LetterFormat {
    Md,
    Html,
    Json,
}

impl From<LetterFormat> for cli::explain::Format {
    fn from(f: LetterFormat) -> Self {
        match f {
            LetterFormat::Md => cli::explain::Format::Md,
            LetterFormat::Html => cli::explain::Format::Html,
            LetterFormat::Json => cli::explain::Format::Json,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DocFormat {
    Md,
    Html,
    /// Word 文档
    Docx,
}

/// Options shared by the commands that read evidence.
#[derive(clap::Args)]
struct DataOpts {
    /// 规则文件
    rules: PathBuf,
    /// 证据数据：表名=路径（可重复）；工作簿（每个表一个同名工作表）；或包含 表名.csv / .json / .xlsx 的目录
    #[arg(long = "data", required = true, value_parser = DataArg::parse)]
    data: Vec<DataArg>,
    /// 参数：名称=值，例如 评价年度=2024
    #[arg(long = "param", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
    /// 证据有错误时把每一处错误写入此文件（.xlsx 或 .csv：文件、工作表、单元格、行、编码、名称、字段、取值、问题、如何修改），
    /// 可发回各地核改；证据无误时写入只有表头的空表
    #[arg(long = "errors", value_name = "FILE")]
    errors: Option<PathBuf>,
    #[command(flatten)]
    root: RootOpts,
}

/// Which indicators the `eval` terminal table shows.
#[derive(clap::Args)]
struct TableOpts {
    /// 终端表格显示到第几级指标（默认 1，即一级指标；2、3 显示更多）；宽度（COLUMNS 或终端宽度，否则 80 列）放不下的指标不显示
    #[arg(long, value_name = "级", conflicts_with = "columns", value_parser = clap::value_parser!(u8).range(1..=9))]
    level: Option<u8>,
    /// 终端表格显示这些指标（逗号分隔的编号），如 --columns 1.1,2.3
    #[arg(long, value_name = "编号", value_delimiter = ',')]
    columns: Vec<String>,
}

impl TableOpts {
    /// The choice, `None` when neither option is given.
    fn choice(&self) -> Option<zhibiao::report::terminal::Choice> {
        use zhibiao::report::terminal::Choice;
        match (self.level, self.columns.is_empty()) {
            (Some(l), _) => Some(Choice::Level(l.into())),
            (None, false) => Some(Choice::Codes(self.columns.clone())),
            (None, true) => None,
        }
    }
}

/// Where `继承` may point (every command that compiles rules).
#[derive(clap::Args, Clone, Default)]
struct RootOpts {
    /// 规则根目录：继承 的文件不能在此目录之外（默认为被检查文件所在的 git 工作区，否则为当前目录）
    #[arg(long = "rules-root", value_name = "DIR")]
    rules_root: Option<PathBuf>,
    /// 允许 继承 使用绝对路径或根目录之外的文件
    #[arg(long = "allow-outside-root")]
    allow_outside_root: bool,
}

impl RootOpts {
    fn driver(&self) -> zhibiao::driver::Options {
        zhibiao::driver::Options {
            rules_root: self.rules_root.clone(),
            allow_outside_root: self.allow_outside_root,
        }
    }
}

/// How CSV output treats text from the data.
#[derive(clap::Args)]
struct CsvOpts {
    /// CSV 中以 = + - @、制表符或回车开头的文本不加前导撇号
    /// （默认加撇号，使电子表格不把数据当作公式执行）
    #[arg(long)]
    csv_keep_formulas: bool,
    /// CSV 输出为带 BOM 的 UTF-8（Windows 上的 Excel 双击打开不乱码）
    #[arg(long, conflicts_with = "output_encoding")]
    bom: bool,
    /// CSV 输出的编码：utf-8（默认）或 gbk（中文 Windows 上的 Excel 默认按 GBK 读 CSV）。
    /// 注意 --encoding 指的是输入证据 CSV 的编码，与此无关
    #[arg(long = "output-encoding", value_enum, value_name = "ENCODING")]
    output_encoding: Option<EncodingArg>,
}

impl CsvOpts {
    fn report_options(&self) -> zhibiao::report::Options {
        use zhibiao::output::encode::CsvEncoding;
        zhibiao::report::Options {
            csv_formula_guard: !self.csv_keep_formulas,
            csv_encoding: match (self.bom, self.output_encoding) {
                (_, Some(EncodingArg::Gbk)) => CsvEncoding::Gbk,
                (true, _) => CsvEncoding::Utf8Bom,
                (false, _) => CsvEncoding::Utf8,
            },
        }
    }

    /// Whether an output encoding other than plain UTF-8 was asked for.
    fn encoding_given(&self) -> Option<&'static str> {
        match (self.bom, self.output_encoding) {
            (true, _) => Some("--bom"),
            (_, Some(_)) => Some("--output-encoding"),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    Gbk,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum OutFormat {
    Table,
    Csv,
    Json,
    Md,
    Html,
    Xlsx,
}

impl OutFormat {
    /// The text format, `None` for a workbook.
    fn text(self) -> Option<zhibiao::report::Format> {
        Some(match self {
            OutFormat::Table => zhibiao::report::Format::Table,
            OutFormat::Csv => zhibiao::report::Format::Csv,
            OutFormat::Json => zhibiao::report::Format::Json,
            OutFormat::Md => zhibiao::report::Format::Markdown,
            OutFormat::Html => zhibiao::report::Format::Html,
            OutFormat::Xlsx => return None,
        })
    }
}

/// The output format of `eval` and `diff`: `--format`, else the `-o`
/// file's extension. A conflict, or an extension we cannot write, is a
/// usage error (exit 2) before anything is read or written.
fn output_format(
    command: &str,
    format: Option<OutFormat>,
    output: Option<&std::path::Path>,
    csv: &CsvOpts,
) -> OutFormat {
    match cli::format::resolve(format, output, csv.encoding_given()) {
        Ok(f) => f,
        Err(message) => usage_error(command, message),
    }
}

/// Exit 2 with a usage error of `command`.
fn usage_error(command: &str, message: String) -> ! {
    use clap::CommandFactory;
    cli::usage::fail(Cli::command(), command, &message)
}

/// `diff OLD NEW`, or `diff --old OLD NEW`: exactly two rule sets.
fn diff_sides(files: Vec<PathBuf>, old: Option<PathBuf>) -> (PathBuf, PathBuf) {
    let mut files = files.into_iter();
    let sides = match (old, files.next(), files.next()) {
        (None, Some(o), Some(n)) | (Some(o), Some(n), None) => Some((o, n)),
        _ => None,
    };
    sides.unwrap_or_else(|| {
        usage_error(
            "diff",
            "应给出旧规则与新规则：zhibiao diff OLD NEW，或 zhibiao diff --old OLD NEW".into(),
        )
    })
}

/// A non-negative amount, `0.5` or `1%` (the `%` is only a reminder of
/// the unit: `1%` and `1` are the same one point).
fn parse_amount(s: &str) -> Result<rust_decimal::Decimal, String> {
    let t = s.trim().trim_end_matches(['%', '％']);
    match t.parse::<rust_decimal::Decimal>() {
        Ok(d) if d >= rust_decimal::Decimal::ZERO => Ok(d),
        _ => Err(format!("“{s}”不是非负的数（如 0.5 或 1%）")),
    }
}

/// A whole percentage below 100: `20%` or `20`.
fn parse_spread(s: &str) -> Result<u32, String> {
    let t = s.trim().trim_end_matches(['%', '％']);
    match t.parse::<u32>() {
        Ok(n) if n < 100 => Ok(n),
        _ => Err(format!("“{s}”不是 0–99 之间的整数百分比（如 20%）")),
    }
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("“{s}”不是 名称=值 的形式")),
    }
}

/// `--param` names each parameter once: a second value would silently win.
fn reject_repeated_params(command: &str, params: &[(String, String)]) {
    for (i, (name, _)) in params.iter().enumerate() {
        if params.iter().skip(i + 1).any(|(other, _)| other == name) {
            let values: Vec<String> = params
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(n, v)| format!("--param {n}={v}"))
                .collect();
            usage_error(
                command,
                format!("参数“{name}”给了不止一次（{}）", values.join("，")),
            );
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli: Cli = cli::usage::parse();
    match &cli.command {
        Command::Eval { data, .. } => reject_repeated_params("eval", &data.params),
        Command::Explain { data, .. } => reject_repeated_params("explain", &data.params),
        Command::Report { data, .. } => reject_repeated_params("report", &data.params),
        Command::Sensitivity { data, .. } => reject_repeated_params("sensitivity", &data.params),
        Command::Diff { params, .. } => reject_repeated_params("diff", params),
        Command::Compare { params, .. } => reject_repeated_params("compare", params),
        _ => {}
    }
    match cli.command {
        Command::Check {
            rules,
            format,
            root,
        } => check(&rules, format, &root.driver()),
        Command::Eval {
            data,
            format,
            output,
            csv,
            table,
        } => {
            let format = output_format("eval", format, output.as_deref(), &csv);
            let choice = table.choice();
            if choice.is_some() && format != OutFormat::Table {
                usage_error(
                    "eval",
                    "--level 与 --columns 只用于终端表格；csv、json 等格式总是输出全部指标".into(),
                );
            }
            finish(eval(
                &data,
                format,
                output.as_deref(),
                csv.report_options(),
                choice,
            ))
        }
        Command::Explain {
            data,
            subject,
            all,
            format,
            output,
        } => finish(explain(
            &data,
            subject.as_deref(),
            all,
            format.map(LetterFormat::into),
            output.as_deref(),
        )),
        Command::Report {
            data,
            by,
            letters,
            output,
        } => finish(cli::report::report(
            &data,
            by.as_deref(),
            letters.as_deref(),
            &output,
        )),
        Command::Sensitivity {
            data,
            delta,
            delta_count,
            delta_points,
            delta_relative,
            epsilon,
            runs,
            spread,
            seed,
            format,
            output,
        } => {
            use zhibiao::number::from_decimal;
            let hundred = rust_decimal::Decimal::ONE_HUNDRED;
            let deltas = zhibiao::analysis::sensitivity::Deltas {
                percent_points: from_decimal(delta),
                count: from_decimal(delta_count),
                points: from_decimal(delta_points),
                relative: from_decimal(delta_relative / hundred),
            };
            let args = cli::sensitivity::Args {
                deltas,
                uncertainty: runs.map(|r| zhibiao::analysis::sensitivity::uncertainty::Options {
                    runs: r as usize,
                    spread,
                    seed,
                }),
                epsilon: from_decimal(epsilon),
                format,
                output: output.as_deref(),
            };
            finish(cli::sensitivity::sensitivity(&data, args))
        }
        Command::Diff {
            files,
            old,
            data,
            params,
            encoding,
            format,
            output,
            top,
            by,
            csv,
            root,
        } => {
            let (old, new) = diff_sides(files, old);
            finish(diff(
                &old,
                &new,
                &data,
                &params,
                encoding,
                output_format("diff", format, output.as_deref(), &csv),
                output.as_deref(),
                top,
                by.as_deref(),
                csv.report_options(),
                &root,
            ))
        }
        Command::Compare {
            rules,
            data,
            rules_by_year,
            params,
            encoding,
            format,
            output,
            top,
            csv,
            root,
        } => finish(cli::compare::compare(&cli::compare::Args {
            format: output_format("compare", format, output.as_deref(), &csv),
            rules,
            data,
            rules_by_year,
            params,
            encoding,
            output,
            top,
            options: csv.report_options(),
            root,
        })),
        Command::Test {
            paths,
            coverage,
            root,
        } => test(&paths, coverage, &root.driver()),
        Command::Fmt { paths, check } => fmt(&paths, check),
        Command::Template {
            rules,
            output,
            data,
            encoding,
            root,
        } => finish(cli::template::template(
            &rules,
            &data,
            encoding,
            output.as_deref(),
            &root,
        )),
        Command::Doc {
            rules,
            format,
            output,
            root,
        } => finish(doc(&rules, format, output.as_deref(), &root.driver())),
        Command::Lsp { root } => finish(cli::lsp::lsp(&root.driver())),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            cli::completions::print(Cli::command(), shell)
        }
    }
}
