//! A lexical scan of rule text for error recovery (see `recover`): its
//! lines, their indentation and first word, and the braces on them outside
//! strings and comments; then a matching of those braces that trusts the
//! indentation when the braces do not balance, so an unclosed `{` is found
//! where it was opened rather than at the end of the file.

/// One line of the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Line {
    /// Byte offset of the line's first character.
    pub start: usize,
    /// Byte offset of its first token (the line end if it has none).
    pub first: usize,
    /// Byte offset just past its last token, comments left out (`first`
    /// if it has none).
    pub end: usize,
    /// Columns of leading white space (a tab to the next multiple of 4,
    /// an ideographic space 2).
    pub indent: usize,
    /// Nothing but white space and comments.
    pub blank: bool,
    /// Braces outside strings and comments, in order: offset, and `true`
    /// for an opening one. Full-width `｛｝` count (they are reported as
    /// full-width punctuation by the parser, not as unbalanced).
    pub braces: Vec<(usize, bool)>,
    /// Closing braces before any other token on the line.
    pub leading_closes: usize,
    /// Braces open at the line's first token once its leading closing
    /// braces are counted (set by [`match_braces`]): 0 for a top-level
    /// statement, 1 inside one block.
    pub level: usize,
}

/// A brace the matching could not pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// An opening brace never closed; `before` is the line (index) before
    /// which its indentation says it should close, if one does.
    Unclosed { open: usize, before: Option<usize> },
    /// A closing brace with no opening brace to close.
    Stray { at: usize },
    /// A closing brace whose `{` the indentation says is missing at the
    /// end (`after`, past its last token) of the line that heads its block.
    MissingOpen { close: usize, after: usize },
}

impl Problem {
    /// The offset of the brace in question.
    pub(crate) fn at(self) -> usize {
        match self {
            Problem::Unclosed { open, .. } => open,
            Problem::Stray { at } => at,
            Problem::MissingOpen { after, .. } => after,
        }
    }

    /// The closing brace that pairs with nothing, to leave out of a parse.
    pub(crate) fn unpaired_close(self) -> Option<usize> {
        match self {
            Problem::Unclosed { .. } => None,
            Problem::Stray { at } => Some(at),
            Problem::MissingOpen { close, .. } => Some(close),
        }
    }
}

/// The lines of `text`. A line ends at `\n`, `\r\n` or a lone `\r` (the
/// grammar's `NEWLINE`).
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\n') => {
                out.push(line(text, start, i));
                i += 1;
                start = i;
            }
            Some(b'\r') => {
                out.push(line(text, start, i));
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        out.push(line(text, start, text.len()));
    }
    out
}

/// The facts of the line `text[start..end]` (no line break inside).
pub(crate) fn line(text: &str, start: usize, end: usize) -> Line {
    let body = text.get(start..end).unwrap_or("");
    let mut l = Line {
        start,
        first: end,
        end,
        blank: true,
        ..Line::default()
    };
    let mut chars = body.char_indices().peekable();
    let mut quote: Option<char> = None;
    let mut other_token = false;
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        if let Some(close) = quote {
            if c == close {
                quote = None;
            }
            l.end = at + c.len_utf8();
            continue;
        }
        match c {
            ' ' | '\t' | '\u{3000}' | '\u{feff}' if l.blank => {
                l.indent = match c {
                    '\t' => (l.indent / 4 + 1) * 4,
                    '\u{3000}' => l.indent + 2,
                    '\u{feff}' => l.indent,
                    _ => l.indent + 1,
                }
            }
            ' ' | '\t' | '\u{3000}' => {}
            '#' => break,
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => break,
            _ => {
                if l.blank {
                    l.blank = false;
                    l.first = at;
                }
                l.end = at + c.len_utf8();
                match c {
                    '"' => quote = Some('"'),
                    '“' => quote = Some('”'),
                    '{' | '｛' => l.braces.push((at, true)),
                    '}' | '｝' => {
                        l.braces.push((at, false));
                        if !other_token {
                            l.leading_closes += 1;
                        }
                        continue;
                    }
                    _ => {}
                }
                other_token = true;
            }
        }
    }
    l
}

/// Pair the braces of `lines`, set each line's `level`, and return the
/// braces that could not be paired, in the order found.
///
/// Balanced braces are paired as written. Otherwise the indentation
/// decides: a brace opened on a line indented `n` columns should close
/// before the first later line indented `n` or less (a `}` indented `n`
/// closes it), and a `}` that starts a line indented deeper than the
/// brace it would close closes a block whose `{` is missing. If reading it
/// so explains exactly the braces missing (all `}` or all `{`), or, with
/// as many `{` as `}` that still do not pair as written, finds no more
/// unpaired braces than pairing as written, that reading is taken;
/// otherwise (a file not indented, or indented at random) the braces are
/// paired as written.
pub(crate) fn match_braces(lines: &mut [Line]) -> Vec<Problem> {
    let (mut opens, mut closes) = (0usize, 0usize);
    for (_, open) in lines.iter().flat_map(|l| &l.braces) {
        if *open {
            opens += 1;
        } else {
            closes += 1;
        }
    }
    if opens != closes {
        let by_indent = pair(lines, true);
        let explained = by_indent.len() == opens.abs_diff(closes)
            && by_indent
                .iter()
                .all(|p| matches!(p, Problem::Unclosed { .. }) == (opens > closes));
        if explained {
            return by_indent;
        }
        return pair(lines, false);
    }
    // As many of each, yet not pairing (a `{` missing here and a `}`
    // there): the indentation's reading if it needs no more problems.
    let as_written = pair(lines, false);
    if as_written.is_empty() {
        return as_written;
    }
    let by_indent = pair(lines, true);
    if by_indent.len() <= as_written.len() {
        return by_indent;
    }
    pair(lines, false)
}

/// One pass of the pairing; `by_indent`: close braces the indentation
/// says are over, and take a `}` indented deeper than the brace it would
/// close for one whose `{` is missing.
fn pair(lines: &mut [Line], by_indent: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Open braces: offset, indentation and index of their line.
    let mut stack: Vec<(usize, usize, usize)> = Vec::new();
    for i in 0..lines.len() {
        let Some(line) = lines.get(i) else { break };
        let (indent, leading, blank) = (line.indent, line.leading_closes, line.blank);
        if blank {
            if let Some(l) = lines.get_mut(i) {
                l.level = stack.len();
            }
            continue;
        }
        while let Some(&(open, opened, at)) = stack.last() {
            let over = if leading > 0 {
                indent < opened
            } else {
                indent <= opened
            };
            if !by_indent || at >= i || !over {
                break;
            }
            problems.push(Problem::Unclosed {
                open,
                before: Some(i),
            });
            stack.pop();
        }
        let depth = stack.len();
        let mut popped = 0;
        for (k, &(at, open)) in line.braces.iter().enumerate() {
            if open {
                stack.push((at, indent, i));
                continue;
            }
            let deeper = by_indent
                && k < leading
                && stack.last().is_some_and(|&(_, opened, _)| indent > opened);
            if stack.is_empty() || deeper {
                let header = by_indent
                    .then(|| header_before(lines, i))
                    .flatten()
                    .filter(|_| problems.len() < MAX_SEARCHED);
                problems.push(match header.and_then(|h| lines.get(h)) {
                    Some(h) => Problem::MissingOpen {
                        close: at,
                        after: h.end,
                    },
                    None => Problem::Stray { at },
                });
            } else {
                stack.pop();
                if k < leading {
                    popped += 1;
                }
            }
        }
        if let Some(l) = lines.get_mut(i) {
            l.level = depth - popped;
        }
    }
    problems.extend(
        stack
            .into_iter()
            .map(|(open, _, _)| Problem::Unclosed { open, before: None }),
    );
    problems
}

/// Unpaired braces for which [`header_before`] looks back (it walks back
/// over lines; this bounds the work on a flood of them).
const MAX_SEARCHED: usize = 64;

/// For a `}` starting line `i` whose `{` is missing: the line that should
/// have opened the block, if the indentation shows one. Going back over
/// lines indented deeper than the `}` (the block's content), the first
/// line indented as much as the `}`, with no brace on it.
fn header_before(lines: &[Line], i: usize) -> Option<usize> {
    let indent = lines.get(i)?.indent;
    let mut content = false;
    for j in (0..i).rev() {
        let l = lines.get(j)?;
        if l.blank {
            continue;
        }
        if l.indent > indent {
            content = true;
            continue;
        }
        return (content && l.indent == indent && l.braces.is_empty()).then_some(j);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> (Vec<Line>, Vec<Problem>) {
        let mut ls = lines(text);
        let problems = match_braces(&mut ls);
        (ls, problems)
    }

    #[test]
    fn lines_end_at_every_newline_form() {
        let starts: Vec<usize> = lines("a\nb\r\nc\rd").iter().map(|l| l.start).collect();
        assert_eq!(starts, [0, 2, 5, 7]);
        assert!(lines("").is_empty());
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let l = &lines("  标准 \"{\" “}” { # }\n")[0];
        assert_eq!(l.indent, 2);
        assert_eq!(l.first, 2);
        assert_eq!(l.end, "  标准 \"{\" “}” {".len());
        assert_eq!(l.braces, [(" 标准 \"{\" “}” ".len() + 1, true)]);
        assert!(lines("// {")[0].blank);
        assert!(!lines("a / {")[0].blank);
        assert_eq!(lines("a / {")[0].braces.len(), 1);
    }

    #[test]
    fn levels_follow_the_braces() {
        let (ls, problems) = scanned("指标 1 a 5 分 {\n  公式 1\n}\n等级 {\n}\n");
        assert!(problems.is_empty());
        let levels: Vec<usize> = ls.iter().map(|l| l.level).collect();
        assert_eq!(levels, [0, 1, 0, 0, 0]);
    }

    #[test]
    fn an_unclosed_brace_is_found_by_indentation() {
        let text = "指标 1 a 5 分 {\n  分档 x {\n    ≥ 1 得 5 分\n}\n指标 2 b 5 分 {\n}\n";
        let (ls, problems) = scanned(text);
        let open = text.find("x {").map(|i| i + 2);
        assert_eq!(
            problems,
            [Problem::Unclosed {
                open: open.unwrap_or_default(),
                before: Some(3)
            }]
        );
        // The indicator after it is a top-level statement again.
        assert_eq!(ls[4].level, 0);
    }

    #[test]
    fn a_missing_close_before_the_next_statement() {
        let (_, problems) = scanned("指标 1 a 5 分 {\n  公式 1\n指标 2 b 5 分 {\n  公式 1\n}\n");
        assert_eq!(
            problems,
            [Problem::Unclosed {
                open: "指标 1 a 5 分 ".len(),
                before: Some(2)
            }]
        );
    }

    #[test]
    fn without_indentation_braces_pair_as_written() {
        // Not indented: the indentation explains nothing, the last brace
        // left open is reported without a line to close at.
        let (_, problems) = scanned("对象表 a {\nx: 文本\n等级 {\n≥ 1 为 好\n}\n");
        assert_eq!(
            problems,
            [Problem::Unclosed {
                open: "对象表 a ".len(),
                before: None
            }]
        );
        // Balanced but not indented: nothing to report.
        assert!(scanned("对象表 a {\nx: 文本\n}\n").1.is_empty());
    }

    #[test]
    fn a_missing_open_is_found_by_indentation() {
        let text = "指标 1 a 5 分 {\n  分档 x\n    ≥ 1 得 5 分\n  }\n}\n";
        let (ls, problems) = scanned(text);
        let close = text.find("  }").map_or(0, |i| i + 2);
        let after = text.find("x\n").map_or(0, |i| i + 1);
        assert_eq!(problems, [Problem::MissingOpen { close, after }]);
        assert_eq!(ls[4].level, 0, "the indicator's own brace still pairs");
    }

    #[test]
    fn a_stray_close_is_reported() {
        let text = "等级 {\n  ≥ 1 为 好\n}\n}\n";
        let (_, problems) = scanned(text);
        assert_eq!(problems, [Problem::Stray { at: text.len() - 2 }]);
    }
}
