//! Reading rule files from disk and running the front end (parse + check).

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::ir::Model;
use crate::source::{Files, Span};
use crate::syntax;
use std::path::Path;

/// The front end's result for one rule file.
pub struct Compiled {
    pub files: Files,
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parse and check rule text already in memory (tests, tools).
pub fn compile_source(name: &str, text: &str) -> Compiled {
    let mut files = Files::new();
    let id = files.add(name, text);
    let (model, diagnostics) = match syntax::parse(id, text) {
        Ok(ast) => {
            let checked = check::check(&ast, Span::new(id, 0, 0));
            (checked.model, checked.diagnostics)
        }
        Err(diags) => (None, diags),
    };
    Compiled {
        files,
        model,
        diagnostics,
    }
}

/// Read, parse and check a rule file. An unreadable file is an `Err` with
/// a message naming it.
pub fn compile_file(path: &Path) -> Result<Compiled, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("无法读取规则文件 {}：{e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "规则文件 {} 不是 UTF-8 编码（第 {} 字节）",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(compile_source(&path.display().to_string(), &text))
}
