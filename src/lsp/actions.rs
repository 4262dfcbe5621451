//! Formatting (the `fmt` engine) and quick fixes (the diagnostics' fixes).

use super::document::Document;
use super::position::Lines;
use crate::source::FileId;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// The edits that format the file: none when it is already formatted, or
/// when it does not parse (a file with syntax errors is left alone).
pub fn format(text: &str) -> Vec<TextEdit> {
    if crate::syntax::parse(FileId(0), text).is_err() {
        return Vec::new();
    }
    match crate::fmt::format(text) {
        Some(formatted) if formatted != text => {
            let lines = Lines::new(text);
            vec![TextEdit::new(lines.range(0, text.len()), formatted)]
        }
        _ => Vec::new(),
    }
}

/// The quick fixes of the diagnostics that touch `range`.
#[expect(
    clippy::mutable_key_type,
    reason = "lsp-types' Uri hashes its text, which never changes"
)]
pub fn quick_fixes(doc: &Document, range: Range) -> Vec<CodeActionOrCommand> {
    doc.fixes
        .iter()
        .filter(|f| f.diagnostic.range.start <= range.end && range.start <= f.diagnostic.range.end)
        .map(|f| {
            let changes = HashMap::from([(doc.uri.clone(), vec![f.edit.clone()])]);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: f.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![f.diagnostic.clone()]),
                edit: Some(WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..Default::default()
            })
        })
        .collect()
}
