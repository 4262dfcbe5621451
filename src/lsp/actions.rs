//! Code actions: the quick fixes that the diagnostics' fixes make.

use super::document::Document;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, WorkspaceEdit};
use std::collections::HashMap;

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
