//! Formatting: the edits of the `fmt` engine (`zhibiao fmt`).

use super::position::Lines;
use crate::source::FileId;
use lsp_types::TextEdit;

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
