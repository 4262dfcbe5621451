//! Stage 1: rule text → syntax tree ([`ast::File`]).

pub mod ast;
pub mod limits;
mod lower;
mod lower_expr;
pub(crate) mod parser;
mod recover;
mod scan;

pub use recover::MAX_SYNTAX_ERRORS;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Parse one rule file. Syntax errors yield no tree and one diagnostic
/// (E0001) each, up to [`MAX_SYNTAX_ERRORS`]: pest stops at the first, and
/// the file is then read again piece by piece to find the others (see
/// `recover`). Brackets nested too deeply are refused before pest recurses
/// into them.
pub fn parse(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    limits::nesting(file, text).map_err(|d| vec![*d])?;
    let shadow = parser::shadow(text);
    let pairs = parser::parse(file, text, &shadow)
        .map_err(|first| recover::errors(file, text, &shadow, *first))?;
    lower::file(file, text, pairs)
}

/// An error in turning a parse tree into the AST: the grammar and the
/// lowering code disagree. It is reported like any diagnostic, never a panic.
pub(crate) fn internal(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error("E0003", format!("语法树结构不符合预期：{what}"))
        .primary(span, "此处")
        .help("这是 zhibiao 的内部错误，请将规则文件报告给维护者")
}
