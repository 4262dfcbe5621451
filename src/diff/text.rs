//! Rule text for the structural diff: the source a rule covers, with
//! comments removed and indentation made relative, a comparison key that
//! ignores layout.

use crate::source::{Files, Span};

/// The source text of `span` with comments removed, trailing blanks cut,
/// empty lines dropped and the common indentation of the span's first
/// line removed from the following lines.
pub fn source_text(files: &Files, span: Span) -> String {
    let source = files.source(span.file);
    let before = source.get(..span.start).unwrap_or("");
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let prefix = before.get(line_start..).unwrap_or("");
    let indent = if prefix.chars().all(is_blank) {
        prefix.chars().count()
    } else {
        0
    };
    let text = strip_comments(files.slice(span));
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 { line } else { dedent(line, indent) };
        let line = line.trim_end();
        if !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    lines.join("\n")
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{3000}'
}

/// Remove up to `n` leading blanks.
fn dedent(line: &str, n: usize) -> &str {
    let mut rest = line;
    for _ in 0..n {
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if is_blank(c) => rest = chars.as_str(),
            _ => break,
        }
    }
    rest
}

/// Remove `#` and `//` comments (to the end of the line), leaving string
/// literals alone.
pub fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut close: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(end) = close {
            out.push(c);
            if c == end || c == '\n' {
                close = None;
            }
            continue;
        }
        let comment = c == '#' || (c == '/' && chars.peek() == Some(&'/'));
        if comment {
            for d in chars.by_ref() {
                if d == '\n' {
                    out.push('\n');
                    break;
                }
            }
            continue;
        }
        match c {
            '"' => close = Some('"'),
            '“' => close = Some('”'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A key that equal rules share however they are laid out: comments
/// removed; white space kept (as one space) only between two identifier or
/// number characters; synonymous operators spelt one way. String literals
/// are kept as written.
pub fn key(text: &str) -> String {
    let text = strip_comments(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut pending_space = false;
    let mut close: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(end) = close {
            out.push(c);
            if c == end {
                close = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            pending_space = false;
            if out.chars().next_back().is_some_and(is_word) && is_word(c) {
                out.push(' ');
            }
        }
        let next = chars.peek().copied();
        let two = |s: &str, out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars>| {
            out.push_str(s);
            chars.next();
        };
        match (c, next) {
            ('>', Some('=')) => two("≥", &mut out, &mut chars),
            ('<', Some('=')) => two("≤", &mut out, &mut chars),
            ('!', Some('=')) => two("≠", &mut out, &mut chars),
            ('=', Some('=')) => two("=", &mut out, &mut chars),
            ('*', _) => out.push('×'),
            ('/', _) => out.push('÷'),
            ('％', _) => out.push('%'),
            ('"', _) => {
                close = Some('"');
                out.push(c);
            }
            ('“', _) => {
                close = Some('”');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ignores_layout_and_comments() {
        assert_eq!(
            key("分档 审查率 {\n  ≥ 95% 得 4 分  # 注\n  否则 得 0 分\n}"),
            key("分档 审查率 { >=95% 得 4 分 否则 得 0 分 }")
        );
        assert_ne!(key("≥ 95% 得 4 分"), key("≥ 95% 得 3 分"));
        assert_ne!(key("得 1 0 分"), key("得 10 分"));
        assert_eq!(key("a / b"), key("a÷b"));
        assert_ne!(key("\"a  b\""), key("\"a b\""));
    }

    #[test]
    fn comments_in_strings_stay() {
        assert_eq!(strip_comments("\"#1\" # x\ny"), "\"#1\" \ny");
    }
}
