//! `zhibiao check`: diagnostics of rule files, as text or JSON.

use crate::DiagFormat;
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::{diagnostic, driver};

pub fn check(paths: &[PathBuf], format: DiagFormat, opts: &driver::Options) -> ExitCode {
    let mut failed = false;
    let mut all_json = Vec::new();
    for path in paths {
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
