//! Text from rules and evidence made safe for the place it is written to.
//!
//! Names, codes and grades come from files a user did not necessarily
//! write. Written raw, they can move a terminal's cursor or recolour it
//! (ESC sequences), split a Markdown table row (a line break), run script
//! in a browser (`<script>`), or run a formula in a spreadsheet (`=…`).
//! Each output format escapes through one function here.

use crate::diagnostic::shown::{self, is_invisible};
use std::borrow::Cow;

/// A cell or a name for a terminal: every invisible or control
/// character, line breaks and tabs included, is shown by its code point
/// (`<U+001B>`, as diagnostics show them) so it can be seen and none acts.
pub fn terminal(s: &str) -> Cow<'_, str> {
    shown::escape_where(s, |c| is_invisible(c) || c == '\n' || c == '\t')
}

/// Running text for a terminal (messages, explanations): as [`terminal`],
/// but line breaks and tabs are kept, as the text's own layout.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    shown::escape(s)
}

/// A Markdown table cell: HTML is escaped (so no tag or entity from the
/// data is interpreted), Markdown's own syntax characters are
/// backslash-escaped, a line break becomes `<br>` so the row stays one
/// line, and other invisible characters are shown as `&lt;U+001B&gt;`.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push_str("<br>"),
            c if is_invisible(c) => out.push_str(&format!("&lt;U+{:04X}&gt;", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Text or an attribute value in HTML.
pub fn html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A CSV cell a spreadsheet would take as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe,
/// which Excel, WPS and LibreOffice show as text and do not run.
pub fn csv_formula_guard(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_controls_as_escapes() {
        assert_eq!(terminal("东城区"), "东城区");
        assert_eq!(terminal("a\u{1b}[31mb"), "a<U+001B>[31mb");
        assert_eq!(terminal("a\nb\tc"), "a<U+000A>b<U+0009>c");
        assert_eq!(terminal("\u{202E}abc"), "<U+202E>abc");
        assert_eq!(terminal("x\u{9b}y\u{7f}"), "x<U+009B>y<U+007F>");
    }

    #[test]
    fn terminal_text_keeps_its_lines() {
        assert_eq!(terminal_text("一\n二\t三"), "一\n二\t三");
        assert_eq!(terminal_text("一\u{1b}]0;x\u{7}"), "一<U+001B>]0;x<U+0007>");
        assert_eq!(terminal_text("\u{b}"), "<U+000B>");
    }

    #[test]
    fn markdown_cells_stay_one_inert_cell() {
        assert_eq!(
            markdown_cell("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            markdown_cell("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(markdown_cell("甲|乙"), "甲\\|乙");
        assert_eq!(markdown_cell("一\r\n二\n三"), "一<br>二<br>三");
        assert_eq!(markdown_cell("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(markdown_cell("a\u{1b}b"), "a&lt;U+001B&gt;b");
        assert_eq!(markdown_cell("1.1.1"), "1.1.1");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(html("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert!(matches!(html("东城区"), Cow::Borrowed(_)));
    }

    #[test]
    fn formula_cells_get_an_apostrophe() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(csv_formula_guard(s), format!("'{s}"));
        }
        for s in ["东城区", "1.1.1", "", " =x", "'=x"] {
            assert_eq!(csv_formula_guard(s), s);
        }
    }
}
