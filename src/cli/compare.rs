//! `zhibiao compare`: the same rules (or one rule file per year) over two
//! or more years of evidence. Each year is evaluated exactly as `eval`
//! does (same loading path, same evidence errors), then the years are
//! compared by `zhibiao::analysis::compare`.

use super::eval::run_reading;
use crate::{usage_error, DataOpts, EncodingArg, OutFormat, RootOpts};
use std::path::{Path, PathBuf};
use zhibiao::analysis::compare::{compare as compare_years, Year};
use zhibiao::evidence::DataArg;

/// The parameter a year's label stands for.
const YEAR_PARAM: &str = "评价年度";

/// `--data 年度=证据`: the label, and the evidence as `eval --data` takes
/// it (a directory, a workbook, or `表名=路径`).
pub fn parse_year_data(arg: &str) -> Result<(String, DataArg), String> {
    let Some((label, rest)) = arg.split_once('=') else {
        return Err(format!(
            "“{arg}”不是 年度=证据 的形式：如 --data 2024=examples/evidence-2024"
        ));
    };
    Ok((check_label(label)?, DataArg::parse(rest)?))
}

/// `--rules 年度=规则文件`.
pub fn parse_year_rules(arg: &str) -> Result<(String, PathBuf), String> {
    match arg.split_once('=') {
        Some((label, path)) if !path.trim().is_empty() => {
            Ok((check_label(label)?, PathBuf::from(path.trim())))
        }
        _ => Err(format!(
            "“{arg}”不是 年度=规则文件 的形式：如 --rules 2024=old.zb"
        )),
    }
}

fn check_label(label: &str) -> Result<String, String> {
    let label = label.trim();
    if label.is_empty() || label.contains([':', '/', '\\']) {
        return Err(format!(
            "年度标签“{label}”不可用：应为年份（如 2024）或不含 : / \\ 的名称"
        ));
    }
    Ok(label.to_owned())
}

/// A label that is a year: four ASCII digits.
fn as_year(label: &str) -> Option<&str> {
    (label.len() == 4 && label.bytes().all(|b| b.is_ascii_digit())).then_some(label)
}

/// The command line of `compare`, as `main` parsed it.
pub struct Args {
    pub rules: PathBuf,
    pub data: Vec<(String, DataArg)>,
    pub rules_by_year: Vec<(String, PathBuf)>,
    pub params: Vec<(String, String)>,
    pub encoding: Option<EncodingArg>,
    pub format: OutFormat,
    pub output: Option<PathBuf>,
    pub top: usize,
    pub options: zhibiao::report::Options,
    pub root: RootOpts,
}

/// One year as given: label, rules, evidence and parameters.
struct Plan {
    label: String,
    rules: PathBuf,
    data: Vec<DataArg>,
    params: Vec<(String, String)>,
    year_param: Option<String>,
}

fn usage(message: String) -> ! {
    usage_error("compare", message)
}

/// The years in order (by year when every label is one, else as given),
/// each with its rules and parameters; a usage error (exit 2) for
/// anything that does not fit together.
fn years(args: &Args) -> Vec<Plan> {
    let mut labels: Vec<&str> = Vec::new();
    for (label, _) in &args.data {
        if !labels.contains(&label.as_str()) {
            labels.push(label);
        }
    }
    if labels.len() < 2 {
        usage(format!(
            "至少需要两个年度的证据（现有 {}）：如 --data 2024=目录 --data 2025=目录",
            labels.len()
        ));
    }
    if labels.iter().all(|l| as_year(l).is_some()) {
        labels.sort_unstable();
    }
    for (label, _) in &args.rules_by_year {
        if !labels.contains(&label.as_str()) {
            usage(format!(
                "--rules {label}=…：没有年度“{label}”的证据（--data 给出的年度：{}）",
                labels.join("、")
            ));
        }
    }
    let mut per_year: Vec<(&str, &str, &str)> = Vec::new();
    for (name, value) in &args.params {
        if let Some((label, name)) = name.split_once(':') {
            if !labels.contains(&label) {
                usage(format!(
                    "--param {label}:{name}=…：没有年度“{label}”的证据（--data 给出的年度：{}）",
                    labels.join("、")
                ));
            }
            per_year.push((label, name.trim(), value));
        }
    }
    labels
        .iter()
        .map(|&label| plan(args, label, &per_year))
        .collect()
}

fn plan(args: &Args, label: &str, per_year: &[(&str, &str, &str)]) -> Plan {
    let rules = (args.rules_by_year.iter().rev())
        .find(|(l, _)| l == label)
        .map_or_else(|| args.rules.clone(), |(_, p)| p.clone());
    let mut params: Vec<(String, String)> = args
        .params
        .iter()
        .filter(|(n, _)| !n.contains(':'))
        .cloned()
        .collect();
    for &(_, name, value) in per_year.iter().filter(|(l, _, _)| *l == label) {
        params.retain(|(n, _)| n != name);
        params.push((name.to_owned(), value.to_owned()));
    }
    let given = params
        .iter()
        .find(|(n, _)| n == YEAR_PARAM)
        .map(|(_, v)| v.clone());
    let year_param = match (given, declares_year(&rules, &args.root)) {
        (Some(v), _) => Some(v),
        (None, false) => None,
        (None, true) => match as_year(label) {
            Some(y) => {
                params.push((YEAR_PARAM.to_owned(), y.to_owned()));
                Some(y.to_owned())
            }
            None => usage(format!(
                "年度标签“{label}”不是年份，无法作为参数 {YEAR_PARAM}：\
                 用年份作标签（--data 2024=…），或用 --param {label}:{YEAR_PARAM}=2024 指定"
            )),
        },
    };
    Plan {
        label: label.to_owned(),
        rules,
        data: (args.data.iter())
            .filter(|(l, _)| l == label)
            .map(|(_, d)| d.clone())
            .collect(),
        params,
        year_param,
    }
}

/// Whether the rules declare 评价年度. Rules that do not compile count
/// as declaring nothing: evaluating them reports their errors.
fn declares_year(rules: &Path, root: &RootOpts) -> bool {
    zhibiao::driver::compile_file_with(rules, &root.driver())
        .ok()
        .and_then(|c| c.model)
        .is_some_and(|m| m.params.iter().any(|p| p.name == YEAR_PARAM))
}

fn evidence_text(data: &[DataArg]) -> String {
    data.iter()
        .map(|d| match d {
            DataArg::Dir(p) | DataArg::Workbook(p) => p.display().to_string(),
            DataArg::Table(s) => format!("{}={}", s.table, s.path.display()),
        })
        .collect::<Vec<_>>()
        .join("，")
}

/// `zhibiao compare`.
pub fn compare(args: &Args) -> Result<(), ()> {
    let plans = years(args);
    let output = args.output.as_deref();
    let mut given: Vec<&Path> = plans.iter().map(|p| p.rules.as_path()).collect();
    given.extend(plans.iter().flat_map(|p| super::eval::data_files(&p.data)));
    super::refuse_inputs(output, &given)?;
    // Every year is checked, so one run reports every year's evidence
    // errors; nothing is written unless all are valid.
    let mut years = Vec::new();
    let mut read: Vec<PathBuf> = Vec::new();
    let mut failed = Vec::new();
    for p in &plans {
        let opts = DataOpts {
            rules: p.rules.clone(),
            data: p.data.clone(),
            params: p.params.clone(),
            encoding: args.encoding,
            errors: None,
            root: args.root.clone(),
        };
        match run_reading(&opts, false) {
            Ok((plan, results, files)) => {
                read.extend(files);
                years.push(Year {
                    label: p.label.clone(),
                    rules: p.rules.display().to_string(),
                    evidence: evidence_text(&p.data),
                    year_param: p.year_param.clone(),
                    model: plan.model,
                    results,
                });
            }
            Err(()) => failed.push(p.label.as_str()),
        }
    }
    if !failed.is_empty() {
        say!(
            "错误: {} 年度未能评分，未比较，未写出任何结果",
            failed.join("、")
        );
        return Err(());
    }
    let read: Vec<&Path> = read.iter().map(PathBuf::as_path).collect();
    super::refuse_inputs(output, &read)?;
    let comparison = compare_years(&years, args.top);
    let Some(text_format) = args.format.text() else {
        // `output_format` has made sure a workbook goes to a file.
        let Some(path) = output else {
            say!("错误: Excel 工作簿须写入文件：用 -o 比较.xlsx 指定文件名");
            return Err(());
        };
        return zhibiao::output::xlsx::compare::save_compare(&comparison, path)
            .map_err(|e| say!("错误: {e}"));
    };
    let text = zhibiao::output::compare::render(text_format, &comparison, args.options);
    if text_format == zhibiao::report::Format::Csv {
        super::emit_csv(output, &text, args.options.csv_encoding)
    } else {
        super::emit(output, &text)
    }
}
