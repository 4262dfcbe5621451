//! `zhibiao check`: diagnostics of rule files, as text or JSON.

use crate::DiagFormat;
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::{diagnostic, driver};

/// Each path is a rule file, or a folder whose rule files (`*.zb`, not
/// the rule-test files `*.test.zb`, which `test` reads) are checked, as
/// `fmt` and `test` take folders.
pub fn check(paths: &[PathBuf], format: DiagFormat, opts: &driver::Options) -> ExitCode {
    let mut failed = false;
    let mut all_json = Vec::new();
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
                say!("{e}");
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
        failed |= super::stdout(&format!("{}\n", merge_json(&all_json))).is_err();
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
