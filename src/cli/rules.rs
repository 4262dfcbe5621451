//! The committee's commands on rule files: `fmt`, `test` and `doc`.

use crate::DocFormat;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zhibiao::diagnostic::Diagnostic;
use zhibiao::source::Files;
use zhibiao::{diagnostic, driver, report};

pub fn fmt(paths: &[PathBuf], check_only: bool) -> ExitCode {
    let mut files = Vec::new();
    for p in paths {
        collect_rule_files(p, &mut files);
    }
    let mut failed = false;
    for f in files {
        let text = match driver::read_input(&f, driver::InputKind::Rules) {
            Ok(t) => t,
            Err(e) => {
                say!("{e}");
                failed = true;
                continue;
            }
        };
        if let Some((files, errors)) = syntax_errors(&f, &text) {
            diagnostic::render_stderr(&files, &errors);
            say!("错误: {} 有语法错误，未排版", f.display());
            failed = true;
            continue;
        }
        let Some(formatted) = zhibiao::fmt::format(&text) else {
            say!("错误: {} 有未闭合的引号，未排版", f.display());
            failed = true;
            continue;
        };
        if formatted == text {
            continue;
        }
        if check_only {
            let _ = super::stdout(&format!(
                "需要排版：{}\n{}",
                f.display(),
                unified_diff(&f, &text, &formatted)
            ));
            failed = true;
        } else if super::write_atomically(&f, &formatted).is_err() {
            failed = true;
        } else {
            let _ = super::stdout(&format!("已排版：{}\n", f.display()));
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What `fmt` would change, as a unified diff (`---` the file as it is,
/// `+++` as it would be written, three lines of context).
fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &format!("{name}（排版后）"))
        .to_string()
}

/// A file that does not parse is not formatted (the layout of text that
/// is not the language is a guess): its syntax errors, to show instead.
/// Rule-test files (`*.test.zb`) are parsed as such.
fn syntax_errors(path: &Path, text: &str) -> Option<(Files, Vec<Diagnostic>)> {
    let mut files = Files::new();
    let id = files.add(path.display().to_string(), text);
    let errors = if super::is_test_file(path) {
        zhibiao::ruletest::syntax_error(&files, id)
            .into_iter()
            .collect()
    } else {
        zhibiao::syntax::parse(id, text).err().unwrap_or_default()
    };
    (!errors.is_empty()).then_some((files, errors))
}

/// A file as given, or the `.zb` files under a directory, in name order.
pub(super) fn collect_rule_files(p: &Path, out: &mut Vec<PathBuf>) {
    if !p.is_dir() {
        out.push(p.to_path_buf());
        return;
    }
    let mut unreadable = Vec::new();
    driver::files_under(p, &driver::is_rule_file, out, &mut unreadable);
    for dir in unreadable {
        say!("错误: 无法读取目录 {}", dir.display());
    }
}

pub fn test(paths: &[PathBuf], coverage: bool, opts: &driver::Options) -> ExitCode {
    let outcome = zhibiao::ruletest::run(paths, coverage, opts);
    let written = super::stdout(&outcome.report);
    if outcome.failed == 0 && written.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub fn doc(
    rules: &Path,
    format: Option<DocFormat>,
    output: Option<&Path>,
    opts: &driver::Options,
) -> Result<(), ()> {
    let format = match (format, output.and_then(doc_format_of)) {
        (Some(f), Some(e)) if f != e => {
            say!(
                "错误: --format {} 与输出文件 {} 的扩展名不符（按扩展名应为 {}）；去掉 --format 即按扩展名输出",
                doc_format_name(f),
                zhibiao::output::escape::terminal(&output.map(|p| p.display().to_string()).unwrap_or_default()),
                doc_format_name(e)
            );
            return Err(());
        }
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => DocFormat::Md,
    };
    let Some(path) = output.or(match format {
        DocFormat::Docx => None,
        _ => Some(Path::new("")),
    }) else {
        say!("错误: Word 文档须用 -o 指定要写入的文件，如 -o 评分细则.docx");
        return Err(());
    };
    super::refuse_inputs(output, &[rules])?;
    let compiled = driver::compile_file_with(rules, opts).map_err(|e| say!("{e}"))?;
    let read = super::rule_files(&compiled.files);
    super::refuse_inputs(output, &read)?;
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        say!("错误: 规则文件有错误，未生成");
        return Err(());
    };
    let base = report::doc::base_of(&model, &compiled.files, opts);
    let appendix = report::doc::Appendix::new(&model, base.as_ref());
    match format {
        DocFormat::Md => super::emit(output, &report::doc::markdown(&appendix)),
        DocFormat::Html => super::emit(output, &report::doc::html(&appendix)),
        DocFormat::Docx => {
            let bytes = report::doc::docx(&appendix).map_err(|e| say!("错误: {e}"))?;
            zhibiao::output::file::write_bytes(path, &bytes).map_err(|e| say!("错误: {e}"))
        }
    }
}

/// The format an output file's extension names: .md, .html/.htm, .docx;
/// `None` for any other (written as Markdown unless --format says).
fn doc_format_of(output: &Path) -> Option<DocFormat> {
    let ext = output.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Some(DocFormat::Md),
        "html" | "htm" => Some(DocFormat::Html),
        "docx" => Some(DocFormat::Docx),
        _ => None,
    }
}

fn doc_format_name(f: DocFormat) -> &'static str {
    match f {
        DocFormat::Md => "md",
        DocFormat::Html => "html",
        DocFormat::Docx => "docx",
    }
}
