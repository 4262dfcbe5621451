//! `zhibiao check`: diagnostics of rule files, as text or JSON.

use crate::DiagFormat;
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::diagnostic::Severity;
use zhibiao::{diagnostic, driver};

/// Each path is a rule file, or a folder whose rule files (`*.zb`, not
/// the rule-test files `*.test.zb`, which `test` reads) are checked, as
/// `fmt` and `test` take folders.
///
/// In human format a summary ends the output on stderr (`3 个文件：0 个错误，
/// 1 个警告`), so a clean check is not silent.
pub fn check(paths: &[PathBuf], format: DiagFormat, opts: &driver::Options) -> ExitCode {
    let mut failed = false;
    let mut counts = Counts::default();
    let mut all_json = Vec::new();
    // Files that could not be read, as JSON items like the diagnostics.
    let mut file_errors: Vec<serde_json::Value> = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            super::rules::collect_rule_files(p, &mut found);
            files.extend(found.into_iter().filter(|f| !super::is_test_file(f)));
        } else {
            files.push(p.clone());
        }
    }
    for path in &files {
        let compiled = match driver::compile_file_with(path, opts) {
            Ok(c) => c,
            Err(e) => {
                match format {
                    DiagFormat::Human => say!("{e}"),
                    DiagFormat::Json => file_errors.push(e.to_json()),
                }
                failed = true;
                counts.errors += 1;
                continue;
            }
        };
        failed |= compiled.has_errors();
        for d in &compiled.diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
            }
        }
        match format {
            DiagFormat::Human => diagnostic::render_stderr(&compiled.files, &compiled.diagnostics),
            DiagFormat::Json => all_json.push(diagnostic::render_json(
                &compiled.files,
                &compiled.diagnostics,
            )),
        }
    }
    match format {
        DiagFormat::Json => {
            let json = merge_json(file_errors, &all_json);
            failed |= super::stdout(&format!("{json}\n")).is_err();
        }
        DiagFormat::Human => say!("{}", counts.summary(files.len())),
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The diagnostics of a check, counted.
#[derive(Default)]
struct Counts {
    errors: usize,
    warnings: usize,
}

impl Counts {
    /// `3 个文件：0 个错误，1 个警告`.
    fn summary(&self, files: usize) -> String {
        format!(
            "{files} 个文件：{} 个错误，{} 个警告",
            self.errors, self.warnings
        )
    }
}

/// One JSON array: the unreadable files, then the per-file arrays.
fn merge_json(mut all: Vec<serde_json::Value>, parts: &[String]) -> String {
    for p in parts {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(p) {
            all.extend(items);
        }
    }
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_string())
}
