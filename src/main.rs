//! The `zhibiao` command line.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::diagnostic;
use zhibiao::driver;
use zhibiao::eval::SubjectResult;
use zhibiao::evidence::{sources_from_args, DataArg, Encoding, LoadOptions, Schema};
use zhibiao::progress::Progress;
use zhibiao::report;

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
        /// 规则文件
        #[arg(required = true)]
        rules: Vec<PathBuf>,
        /// 诊断输出格式
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
    },
    /// 对全部主体评分
    Eval {
        #[command(flatten)]
        data: DataOpts,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = OutFormat::Table)]
        format: OutFormat,
        /// 写入文件（出错时不改动该文件）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// 解释一个主体的每一项得分
    Explain {
        #[command(flatten)]
        data: DataOpts,
        /// 主体编码
        #[arg(long)]
        subject: String,
    },
    /// 比较两套规则对全部主体的影响：规则变化、各主体得分与等级的变化
    Diff {
        /// 旧规则文件
        old: PathBuf,
        /// 新规则文件
        new: PathBuf,
        /// 证据数据：表名=路径（可重复），或包含 表名.csv / 表名.json 的目录
        #[arg(long = "data", required = true, value_parser = DataArg::parse)]
        data: Vec<DataArg>,
        /// 参数：名称=值，例如 评价年度=2024（两套规则都使用）
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        /// 输出格式（csv 只输出各主体的变化）
        #[arg(long, value_enum, default_value_t = OutFormat::Table)]
        format: OutFormat,
        /// 写入文件（出错时不改动该文件）
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// 运行规则测试（*.test.zb）；最后一行为 “N passed, M failed”
    Test {
        /// 测试文件、规则文件（使用旁边的 同名.test.zb）或目录
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 列出没有任何测试到达的分档行、扣分项和分支
        #[arg(long)]
        coverage: bool,
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
    /// 由规则生成评分细则（附录）文本
    Doc {
        /// 规则文件
        rules: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = DocFormat::Md)]
        format: DocFormat,
        /// 写入文件
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DocFormat {
    Md,
    Html,
}

/// Options shared by the commands that read evidence.
#[derive(clap::Args)]
struct DataOpts {
    /// 规则文件
    rules: PathBuf,
    /// 证据数据：表名=路径（可重复），或包含 表名.csv / 表名.json 的目录
    #[arg(long = "data", required = true, value_parser = DataArg::parse)]
    data: Vec<DataArg>,
    /// 参数：名称=值，例如 评价年度=2024
    #[arg(long = "param", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// CSV 文件的编码（默认自动识别 UTF-8 / GBK）
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    Gbk,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Table,
    Csv,
    Json,
    Md,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("“{s}”不是 名称=值 的形式")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { rules, format } => check(&rules, format),
        Command::Eval {
            data,
            format,
            output,
        } => finish(eval(&data, format, output.as_deref())),
        Command::Explain { data, subject } => finish(explain(&data, &subject)),
        Command::Diff {
            old,
            new,
            data,
            params,
            encoding,
            format,
            output,
        } => finish(diff(
            &old,
            &new,
            &data,
            &params,
            encoding,
            format,
            output.as_deref(),
        )),
        Command::Test { paths, coverage } => test(&paths, coverage),
        Command::Fmt { paths, check } => fmt(&paths, check),
        Command::Doc {
            rules,
            format,
            output,
        } => finish(doc(&rules, format, output.as_deref())),
    }
}

fn fmt(paths: &[PathBuf], check_only: bool) -> ExitCode {
    let mut files = Vec::new();
    for p in paths {
        collect_rule_files(p, &mut files);
    }
    let mut failed = false;
    for f in files {
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("错误: 无法读取 {}：{e}", f.display());
                failed = true;
                continue;
            }
        };
        let Some(formatted) = zhibiao::fmt::format(&text) else {
            eprintln!("错误: {} 有未闭合的引号，未排版", f.display());
            failed = true;
            continue;
        };
        if formatted == text {
            continue;
        }
        if check_only {
            println!("需要排版：{}", f.display());
            failed = true;
        } else if write_atomically(&f, &formatted).is_err() {
            failed = true;
        } else {
            println!("已排版：{}", f.display());
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file as given, or the `.zb` files under a directory, in name order.
fn collect_rule_files(p: &std::path::Path, out: &mut Vec<PathBuf>) {
    if !p.is_dir() {
        out.push(p.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(p) else {
        eprintln!("错误: 无法读取目录 {}", p.display());
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect_rule_files(&e, out);
        } else if e.extension().is_some_and(|x| x == "zb") {
            out.push(e);
        }
    }
}

fn test(paths: &[PathBuf], coverage: bool) -> ExitCode {
    let outcome = zhibiao::ruletest::run(paths, coverage);
    print!("{}", outcome.report);
    if outcome.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn doc(
    rules: &std::path::Path,
    format: DocFormat,
    output: Option<&std::path::Path>,
) -> Result<(), ()> {
    let compiled = driver::compile_file(rules).map_err(|m| eprintln!("错误: {m}"))?;
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        eprintln!("错误: 规则文件有错误，未生成");
        return Err(());
    };
    let text = match format {
        DocFormat::Md => report::doc::markdown(&model),
        DocFormat::Html => report::doc::html(&model),
    };
    match output {
        Some(path) => write_atomically(path, &text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Exit 0 on success; on failure the error has been printed: exit 1.
fn finish(result: Result<(), ()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}

/// Compile the rules, load and validate the evidence, and score everyone.
/// The plan of the rules and the evidence files and options to read.
fn prepare(
    opts: &DataOpts,
) -> Result<
    (
        zhibiao::plan::Plan,
        Vec<zhibiao::evidence::Source>,
        LoadOptions,
    ),
    (),
> {
    let compiled = driver::compile_file(&opts.rules).map_err(|m| eprintln!("错误: {m}"))?;
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        eprintln!("错误: 规则文件有错误，未评分");
        return Err(());
    };
    let plan = zhibiao::plan::build(model, &opts.params).map_err(|e| eprintln!("错误: {e}"))?;
    let sources = sources_from_args(&opts.data, &Schema::of(&plan.model))
        .map_err(|errs| report_evidence(&errs))?;
    let load_opts = LoadOptions {
        encoding: opts.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk => Encoding::Gbk,
        }),
        ..LoadOptions::default()
    };
    Ok((plan, sources, load_opts))
}

/// With `detail`, every score's explanation is recorded (explain).
fn run(opts: &DataOpts, detail: bool) -> Result<(zhibiao::plan::Plan, Vec<SubjectResult>), ()> {
    let (plan, sources, load_opts) = prepare(opts)?;
    let schema = Schema::of(&plan.model);
    // Plain scoring folds event rows into aggregates as they are read;
    // explanations keep the rows to name the events behind a deduction.
    let folder = if detail {
        None
    } else {
        zhibiao::eval::Folded::new(&plan)
    };
    let results = match folder {
        Some(mut folder) => {
            let mut progress = Progress::bytes("读取证据", total_bytes(&sources));
            let loaded = zhibiao::evidence::load_with(
                &schema,
                &sources,
                &load_opts,
                &mut folder,
                &mut |n| progress.inc(n),
            );
            progress.finish();
            let loaded = loaded.map_err(|errs| report_evidence(&errs))?;
            print_notes(&loaded.notes);
            zhibiao::eval::run_folded(&plan, &loaded.evidence, folder)
        }
        None => {
            let loaded = zhibiao::evidence::load(&schema, &sources, &load_opts)
                .map_err(|errs| report_evidence(&errs))?;
            print_notes(&loaded.notes);
            if detail {
                zhibiao::eval::run_explained(&plan, &loaded.evidence)
            } else {
                zhibiao::eval::run(&plan, &loaded.evidence)
            }
        }
    }
    .map_err(|e| eprintln!("错误: {e}"))?;
    Ok((plan, results))
}

/// The size of every evidence file, for the progress bar.
fn total_bytes(sources: &[zhibiao::evidence::Source]) -> u64 {
    sources
        .iter()
        .filter_map(|s| std::fs::metadata(&s.path).ok())
        .map(|m| m.len())
        .sum()
}

fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("注意: {note}");
    }
}

fn report_evidence(errs: &[zhibiao::evidence::EvidenceError]) {
    for e in errs {
        eprintln!("{e}");
    }
    let counted = errs
        .iter()
        .filter(|e| e.kind != zhibiao::evidence::ErrorKind::TooMany)
        .count();
    eprintln!("证据数据有错误（以上列出 {counted} 处），未评分");
}

fn eval(opts: &DataOpts, format: OutFormat, output: Option<&std::path::Path>) -> Result<(), ()> {
    if let OutFormat::Csv = format {
        return eval_csv(opts, output);
    }
    let (plan, results) = run(opts, false)?;
    let format = match format {
        OutFormat::Table => report::Format::Table,
        OutFormat::Csv => report::Format::Csv,
        OutFormat::Json => report::Format::Json,
        OutFormat::Md => report::Format::Markdown,
    };
    let text = report::render(format, &plan.model, &results);
    match output {
        Some(path) => write_atomically(path, &text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// `eval --format csv`: rows are written a chunk of subjects at a time, so
/// national-scale runs never hold every result in memory.
fn eval_csv(opts: &DataOpts, output: Option<&std::path::Path>) -> Result<(), ()> {
    use std::io::Write;
    let (plan, sources, load_opts) = prepare(opts)?;
    let schema = Schema::of(&plan.model);
    let Some(mut folder) = zhibiao::eval::Folded::new(&plan) else {
        let (plan, results) = run(opts, false)?;
        let text = report::render(report::Format::Csv, &plan.model, &results);
        return match output {
            Some(path) => write_atomically(path, &text),
            None => {
                print!("{text}");
                Ok(())
            }
        };
    };
    let mut progress = Progress::bytes("读取证据", total_bytes(&sources));
    let loaded =
        zhibiao::evidence::load_with(&schema, &sources, &load_opts, &mut folder, &mut |n| {
            progress.inc(n)
        });
    progress.finish();
    let loaded = loaded.map_err(|errs| report_evidence(&errs))?;
    print_notes(&loaded.notes);
    let tmp = output.map(|p| p.with_extension("zhibiao-tmp"));
    let sink: Box<dyn Write + Send> = match &tmp {
        Some(t) => Box::new(
            std::fs::File::create(t)
                .map_err(|e| eprintln!("错误: 无法写入 {}：{e}", t.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let model = &plan.model;
    let line = |r: zhibiao::eval::SubjectResult| {
        let mut text = String::with_capacity(64 + 8 * model.indicators.len());
        report::csv_row(model, &r, &mut text);
        text
    };
    let mut progress = Progress::new("评分", loaded.evidence.subjects.rows as u64, "个主体");
    // Lines are made on the scoring threads; this thread's writer puts one
    // chunk on disk while the next is scored.
    let written = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
        let writer = scope.spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
            out.write_all(report::csv_header(model).as_bytes())?;
            for chunk in rx {
                for text in chunk {
                    out.write_all(text.as_bytes())?;
                }
            }
            out.flush()
        });
        let scored = zhibiao::eval::run_folded_chunked(
            &plan,
            &loaded.evidence,
            folder,
            1 << 13,
            &line,
            &mut |chunk| {
                progress.inc(chunk.len() as u64);
                // A closed channel means the writer failed: its error is
                // the one reported.
                tx.send(chunk).map_err(|_| ())
            },
        );
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("写入线程异常退出")));
        match scored {
            Ok(_) => written,
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    });
    progress.finish();
    match (written, &tmp, output) {
        (Ok(()), Some(t), Some(path)) => std::fs::rename(t, path)
            .map_err(|e| eprintln!("错误: 无法写入 {}：{e}", path.display())),
        (Ok(()), _, _) => Ok(()),
        (Err(e), t, _) => {
            if let Some(t) = t {
                let _ = std::fs::remove_file(t);
            }
            eprintln!("错误: {e}");
            Err(())
        }
    }
}

/// Write to a temporary file beside the target, then rename: an error
/// never leaves a half-written file.
fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), ()> {
    let tmp = path.with_extension("zhibiao-tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("错误: 无法写入 {}：{e}", path.display());
        })
}

fn explain(opts: &DataOpts, subject: &str) -> Result<(), ()> {
    let (plan, results) = run(opts, true)?;
    match results.iter().find(|r| r.code == subject) {
        Some(r) => {
            print!("{}", report::explain(&plan.model, r));
            Ok(())
        }
        None => {
            eprintln!("错误: 证据中没有编码为“{subject}”的主体");
            Err(())
        }
    }
}

/// `zhibiao diff`: each rule set is compiled, planned and evaluated on its
/// own, exactly as `eval` does (each side reads only the evidence columns
/// it declares), then the two are compared.
fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    data: &[DataArg],
    params: &[(String, String)],
    encoding: Option<EncodingArg>,
    format: OutFormat,
    output: Option<&std::path::Path>,
) -> Result<(), ()> {
    let side = |rules: &std::path::Path| -> Result<zhibiao::diff::Side, ()> {
        let opts = DataOpts {
            rules: rules.to_path_buf(),
            data: data.to_vec(),
            params: params.to_vec(),
            encoding,
        };
        let (plan, results) = run(&opts, false)?;
        // The rule texts shown for changed rules: `run` keeps only the
        // model, so the files are read once more.
        let files = driver::compile_file(rules)
            .map_err(|m| eprintln!("错误: {m}"))?
            .files;
        let label = rules.display().to_string();
        Ok(zhibiao::diff::Side::new(label, &files, plan, results))
    };
    let (old, new) = (side(old)?, side(new)?);
    let format = match format {
        OutFormat::Table => report::Format::Table,
        OutFormat::Csv => report::Format::Csv,
        OutFormat::Json => report::Format::Json,
        OutFormat::Md => report::Format::Markdown,
    };
    let text = zhibiao::diff::render(format, &zhibiao::diff::compare(&old, &new));
    match output {
        Some(path) => write_atomically(path, &text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn check(paths: &[PathBuf], format: DiagFormat) -> ExitCode {
    let mut failed = false;
    let mut all_json = Vec::new();
    for path in paths {
        let compiled = match driver::compile_file(path) {
            Ok(c) => c,
            Err(msg) => {
                eprintln!("错误: {msg}");
                failed = true;
                continue;
            }
        };
        failed |= compiled.has_errors();
        match format {
            DiagFormat::Human => diagnostic::render_stderr(&compiled.files, &compiled.diagnostics),
            DiagFormat::Json => all_json.push(diagnostic::render_json(
                &compiled.files,
                &compiled.diagnostics,
            )),
        }
    }
    if let DiagFormat::Json = format {
        println!("{}", merge_json(&all_json));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One JSON array from the per-file arrays.
fn merge_json(parts: &[String]) -> String {
    let mut all: Vec<serde_json::Value> = Vec::new();
    for p in parts {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(p) {
            all.extend(items);
        }
    }
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_string())
}
