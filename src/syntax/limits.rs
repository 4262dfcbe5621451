//! Limits on how deeply rule text may nest.
//!
//! Every stage after the parser (lowering, checking, interval analysis,
//! planning, evaluation, doc, diff, explain) walks expressions and the
//! indicator tree recursively, and pest itself recurses once per bracket.
//! Deep input is therefore refused up front with a coded error, before any
//! recursion: bracket nesting by a scan of the text before pest runs
//! ([`nesting`]), expression depth while the expression is built (see
//! `lower_expr`), and `令` chains when the checker resolves them.
//!
//! The values leave a wide margin for real rules (the national rules nest
//! 5 brackets, 4 expression levels and 1 `令`) and keep every stage far from
//! the stack limit even in a debug build, including eval's worker threads
//! (2 MiB stacks). docs/language.md ("限制") lists them.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Brackets `(` `（` `[` `{` open at once (E0004). Indicator blocks count:
/// each nested `指标` opens one `{`.
pub const MAX_NESTING: usize = 64;

/// Depth of one expression's tree (E0005): each operator, `非`, minus sign,
/// function call and `条数`/`合计` is one level above its operands; a name or
/// literal is level 0. `a + b + c` has depth 2.
pub const MAX_EXPR_DEPTH: usize = 64;

/// Levels of the indicator tree (E0007): a top-level indicator is level 1
/// and its code has one part (`1`); `1.2.3` is level 3. Checked on every
/// code when it is read, and on the merged tree before it is walked (a
/// variant can hang a subtree below an indicator of the base).
pub const MAX_INDICATOR_DEPTH: usize = 32;

/// Length of a `令` chain (E0006): a `令` that reads no other `令` is 1, one
/// that reads a chain of length n is n + 1.
pub const MAX_LET_CHAIN: usize = 64;

/// Refuse text whose brackets nest deeper than [`MAX_NESTING`], skipping
/// strings and comments the way the grammar does. Unbalanced brackets are
/// left to the parser to report.
pub(crate) fn nesting(file: FileId, text: &str) -> Result<(), Box<Diagnostic>> {
    let mut depth = 0usize;
    // Where the outermost bracket still open was opened.
    let mut outermost = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' | '“' => {
                let close = if c == '"' { '"' } else { '”' };
                // A string ends at its closing quote or, unclosed, at the line end.
                while let Some((_, s)) = chars.next_if(|&(_, s)| s != '\n' && s != '\r') {
                    if s == close {
                        break;
                    }
                }
            }
            '#' => skip_line(&mut chars),
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => skip_line(&mut chars),
            '(' | '（' | '[' | '{' => {
                if depth == 0 {
                    outermost = at;
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Box::new(too_deep(file, outermost, at, c)));
                }
            }
            ')' | '）' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn skip_line(chars: &mut std::iter::Peekable<std::str::CharIndices>) {
    while chars.next_if(|&(_, c)| c != '\n' && c != '\r').is_some() {}
}

fn too_deep(file: FileId, outermost: usize, at: usize, bracket: char) -> Diagnostic {
    let span = Span::new(file, at, at + bracket.len_utf8());
    let outer = Span::new(file, outermost, outermost + 1);
    Diagnostic::error("E0004", format!("括号嵌套过深：超过 {MAX_NESTING} 层"))
        .primary(span, format!("第 {} 层", MAX_NESTING + 1))
        .secondary(outer, "最外层从此开始")
        .help(format!(
            "圆括号、方括号、花括号（含指标的花括号）合计最多嵌套 {MAX_NESTING} 层；把深层的计算拆成几个 令"
        ))
}

/// E0005: an expression's tree deeper than [`MAX_EXPR_DEPTH`]; `at` is the
/// operator or call that goes one level too far.
pub(crate) fn expr_too_deep(at: Span) -> Diagnostic {
    Diagnostic::error("E0005", format!("表达式嵌套过深：超过 {MAX_EXPR_DEPTH} 层"))
        .primary(at, format!("第 {} 层", MAX_EXPR_DEPTH + 1))
        .help(format!(
        "每个运算符、非、负号、函数调用算一层，一个表达式最多 {MAX_EXPR_DEPTH} 层；把它拆成几个 令"
    ))
}

/// E0007: an indicator `level` levels down, deeper than [`MAX_INDICATOR_DEPTH`].
pub fn indicator_too_deep(code: &str, at: Span, level: usize) -> Diagnostic {
    Diagnostic::error(
        "E0007",
        format!("指标 {code} 的层级过深：超过 {MAX_INDICATOR_DEPTH} 级"),
    )
    .primary(at, format!("第 {level} 级"))
    .help(format!(
        "指标最多 {MAX_INDICATOR_DEPTH} 级（编号最多 {MAX_INDICATOR_DEPTH} 段，如 1.2.3 为 3 级）"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str) -> bool {
        nesting(FileId(0), text).is_ok()
    }

    #[test]
    fn counts_every_bracket_kind_up_to_the_limit() {
        let at_limit = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(depth_ok(&at_limit));
        let over = format!("{}{}", "{".repeat(MAX_NESTING), "（");
        let err = nesting(FileId(0), &over).err().map(|d| d.code);
        assert_eq!(err, Some("E0004"));
        let mixed = "([{（".repeat(MAX_NESTING / 4 + 1);
        assert!(!depth_ok(&mixed));
    }

    #[test]
    fn closing_brackets_lower_the_depth() {
        let siblings = "(x)".repeat(10 * MAX_NESTING);
        assert!(depth_ok(&siblings));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert!(depth_ok(&format!("标准 \"{deep}\"\n")));
        assert!(depth_ok(&format!("标准 “{deep}”\n")));
        assert!(depth_ok(&format!("# {deep}\n")));
        assert!(depth_ok(&format!("// {deep}\n")));
        // An unclosed string ends at the line end; the next line counts.
        assert!(!depth_ok(&format!("标准 \"abc\n{deep}")));
        // A single slash is division, not a comment.
        assert!(!depth_ok(&format!("a / {deep}")));
    }

    #[test]
    fn the_error_points_at_the_first_bracket_too_many() {
        let text = format!("令 x = {}", "(".repeat(MAX_NESTING + 5));
        let Err(d) = nesting(FileId(0), &text) else {
            panic!("expected E0004");
        };
        let primary = d.labels.iter().find(|l| l.primary).map(|l| l.span.start);
        assert_eq!(primary, Some("令 x = ".len() + MAX_NESTING));
    }
}
