//! Error recovery: after the parse of a whole file failed, find every
//! syntax error in it, not just the first.
//!
//! The file is cut into pieces at statement boundaries: a top-level
//! statement starts on a line outside every brace whose first word is a
//! statement keyword (`指标`, `对象表`, `等级` …); inside a `指标 … { }`
//! block, a statement of its body starts on a line one brace deeper with a
//! body keyword (`令`, `若`, `分档`, `指标` …). Each piece is parsed on its
//! own, a body's statements apart from the indicator they are in (whose
//! copy has them blanked out, so its head and braces are still checked),
//! and a piece that fails gives one diagnostic. A broken piece thus costs
//! nothing to the pieces after it: one error per slip, no cascade.
//!
//! Braces come first: where they do not pair (see `scan`), the piece that
//! holds the unpaired one reports that, at the `{` left open (with the line
//! before which the indentation says it should close) or at the `}` too
//! many, instead of whatever error pest would find further on.

use super::parser::{self, Rule};
use super::scan::{self, Line, Problem};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use std::borrow::Cow;
use std::ops::Range;

/// The most syntax errors reported for one file; the last one then says
/// that there are more.
pub const MAX_SYNTAX_ERRORS: usize = 50;

/// Keywords that start a top-level statement.
const TOP: [&str; 17] = [
    "继承",
    "标准",
    "版本",
    "适用",
    "计分",
    "参数",
    "期间",
    "对象表",
    "事件表",
    "通则",
    "指标",
    "加分",
    "否决",
    "等级",
    "删除",
    "修改",
    "扩展",
];

/// Keywords that start a statement of an indicator's body.
const BODY: [&str; 9] = [
    "指标", "令", "若", "分档", "插值", "公式", "扣分", "清单", "对照",
];

/// Every syntax error of a file whose parse failed with `first` (the
/// error of the parse of the whole file). `shadow` is the text pest read
/// (see `parser::shadow`). Never empty: at worst `first` alone.
pub(crate) fn errors(file: FileId, text: &str, shadow: &str, first: Diagnostic) -> Vec<Diagnostic> {
    if first.code != "E0001" {
        // pest's own limits (E0004): nothing to recover from.
        return vec![first];
    }
    let mut lines = scan::lines(text);
    let mut problems = scan::match_braces(&mut lines);
    problems.sort_by_key(|p| p.at());
    let mut closes: Vec<usize> = problems.iter().filter_map(|p| p.unpaired_close()).collect();
    closes.sort_unstable();
    let mut r = Recovery {
        file,
        text,
        shadow,
        lines: &lines,
        problems: &problems,
        closes,
        found: Vec::new(),
    };
    for piece in split(text, &lines, 0..lines.len(), 0, &TOP, true) {
        r.piece(piece, 0);
    }
    // From the line of the first unpaired brace on, the pieces are the
    // truth (see `reconcile`).
    let cut = problems.first().map_or(usize::MAX, |p| {
        let line = r.line_number(p.at());
        lines.get(line.saturating_sub(1)).map_or(0, |l| l.start)
    });
    let found = r.found;
    let mut out = reconcile(found, first, cut);
    out.sort_by_key(start);
    if out.len() > MAX_SYNTAX_ERRORS {
        out.truncate(MAX_SYNTAX_ERRORS);
        if let Some(last) = out.pop() {
            out.push(last.note(format!(
                "语法错误超过 {MAX_SYNTAX_ERRORS} 处，其余的未列出；改正以上错误后再检查"
            )));
        }
    }
    out
}

/// A diagnostic found in one piece, with the piece's byte range.
struct Found {
    piece: Range<usize>,
    diagnostic: Diagnostic,
}

/// Merge the errors found piece by piece with the whole file's first
/// error. Before the line of the first unpaired brace (`cut`), the whole
/// file's parse is the truth: nothing before its error is wrong (a piece
/// that failed there failed only for being read on its own), and its
/// error replaces the one of the innermost piece it falls in. From that
/// line on, the whole file's parse went astray (or found what the brace
/// message says better) and the pieces are the truth.
fn reconcile(found: Vec<Found>, first: Diagnostic, cut: usize) -> Vec<Diagnostic> {
    let at = start(&first);
    if at >= cut {
        if found.is_empty() {
            return vec![first];
        }
        return found.into_iter().map(|f| f.diagnostic).collect();
    }
    let innermost = found
        .iter()
        .enumerate()
        .filter(|(_, f)| f.piece.contains(&at) || f.piece.end == at)
        .min_by_key(|(_, f)| f.piece.len())
        .map(|(i, _)| i);
    let mut out: Vec<Diagnostic> = found
        .into_iter()
        .enumerate()
        .filter(|(i, f)| Some(*i) != innermost && start(&f.diagnostic) > at)
        .map(|(_, f)| f.diagnostic)
        .collect();
    out.push(first);
    out
}

fn start(d: &Diagnostic) -> usize {
    d.labels
        .iter()
        .find(|l| l.primary)
        .map_or(0, |l| l.span.start)
}

struct Recovery<'a> {
    file: FileId,
    text: &'a str,
    shadow: &'a str,
    lines: &'a [Line],
    problems: &'a [Problem],
    /// Closing braces that pair with nothing, in order.
    closes: Vec<usize>,
    found: Vec<Found>,
}

impl Recovery<'_> {
    /// Check the piece made of `lines[range]`, `level` braces deep: its
    /// own text, then the statements of its body if it is an indicator.
    fn piece(&mut self, range: Range<usize>, level: usize) {
        if self.found.len() > MAX_SYNTAX_ERRORS {
            return;
        }
        let bytes = self.bytes(&range);
        let indicator = self
            .lines
            .get(range.start)
            .is_some_and(|l| starts_with_keyword(self.text, l.first, &["指标"]));
        let children = if indicator {
            split(
                self.text,
                self.lines,
                range.start + 1..range.end,
                level + 1,
                &BODY,
                false,
            )
        } else {
            Vec::new()
        };
        let child_bytes: Vec<Range<usize>> = children.iter().map(|c| self.bytes(c)).collect();
        // Unpaired braces in this piece and in none of its children
        // (both in order of position).
        let from = self.problems.partition_point(|p| p.at() < bytes.start);
        let to = self.problems.partition_point(|p| p.at() < bytes.end);
        let in_child = |at: usize| {
            let i = child_bytes.partition_point(|c| c.end <= at);
            child_bytes.get(i).is_some_and(|c| c.contains(&at))
        };
        let own: Vec<Problem> = self
            .problems
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .filter(|p| !in_child(p.at()))
            .take(MAX_SYNTAX_ERRORS + 1)
            .copied()
            .collect();
        // The piece is parsed without its children and without the `}`
        // that pair with nothing.
        let mut blank = child_bytes.clone();
        blank.extend(
            self.closes
                .iter()
                .filter(|&&at| bytes.contains(&at) && !in_child(at))
                .map(|&at| at..at + char_len(self.text, at)),
        );
        blank.sort_by_key(|r| r.start);
        let error = self.parse(bytes.clone(), &blank, level);
        // An unpaired brace is reported unless the parse went wrong on a
        // line before it (then that is the slip, the brace perhaps a
        // consequence). On the brace's own line the brace is the clearer
        // message: pest's for a missing `{` names the wrong token.
        let first = own.first().map_or(usize::MAX, |p| self.line_number(p.at()));
        match error {
            Some(d) if self.line_number(start(&d)) < first => self.found.push(Found {
                piece: bytes.clone(),
                diagnostic: d,
            }),
            _ => {
                for &p in &own {
                    let diagnostic = self.unpaired(p);
                    self.found.push(Found {
                        piece: bytes.clone(),
                        diagnostic,
                    });
                }
            }
        }
        for child in children {
            self.piece(child, level + 1);
        }
    }

    /// Parse the text of `bytes`, with the ranges `blank` (in order,
    /// apart) blanked out: its syntax error, if any.
    fn parse(
        &self,
        bytes: Range<usize>,
        blank: &[Range<usize>],
        level: usize,
    ) -> Option<Diagnostic> {
        let piece = self.shadow.get(bytes.clone())?;
        let piece = if blank.is_empty() {
            Cow::Borrowed(piece)
        } else {
            Cow::Owned(blanked(piece, bytes.start, blank))
        };
        let top = if level == 0 {
            Rule::file
        } else {
            Rule::body_items
        };
        parser::parse_piece(top, self.file, self.text, &piece, bytes.start)
            .err()
            .map(|d| *d)
    }

    /// The byte range of `lines[range]`.
    fn bytes(&self, range: &Range<usize>) -> Range<usize> {
        let at = |i: usize| self.lines.get(i).map_or(self.text.len(), |l| l.start);
        at(range.start)..at(range.end)
    }

    /// E0001 for a brace the matching could not pair.
    fn unpaired(&self, p: Problem) -> Diagnostic {
        let at = p.at();
        let brace = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('{');
        let span = Span::new(self.file, at, at + brace.len_utf8());
        match p {
            Problem::Stray { .. } => {
                Diagnostic::error("E0001", format!("语法错误：多余的“{brace}”"))
                    .primary(span, "前面没有与它配对的“{”")
                    .help(format!("删除这个“{brace}”；若是前面少写了“{{”，在该处补上"))
            }
            Problem::MissingOpen { close, after } => {
                let row = self.line_number(after);
                Diagnostic::error("E0001", "语法错误：缺少“{”")
                    .primary(Span::new(self.file, after, after), "此处应有“{”")
                    .secondary(
                        Span::new(self.file, close, close + char_len(self.text, close)),
                        "按缩进，与它配对的“}”在此",
                    )
                    .help(format!(
                        "在第 {row} 行末尾补上“{{”；若这个“}}”是多写的，删除它"
                    ))
            }
            Problem::Unclosed { before, .. } => {
                let d = Diagnostic::error("E0001", format!("语法错误：“{brace}”没有闭合"))
                    .primary(span, "此处的“{”没有配对的“}”");
                match before.and_then(|i| self.lines.get(i)) {
                    Some(line) => {
                        let row = self.line_number(line.start);
                        let first = self
                            .text
                            .get(line.first..)
                            .and_then(|rest| rest.chars().next())
                            .map_or(0, char::len_utf8);
                        d.secondary(
                            Span::new(self.file, line.first, line.first + first),
                            "按缩进，“}”应在此行之前",
                        )
                        .help(format!(
                            "在第 {row} 行之前补上“}}”；若这个“{brace}”是多写的，删除它"
                        ))
                    }
                    None => d
                        .note("直到文件结尾都没有与它配对的“}”")
                        .help("在这个块的末尾补上“}”；若这个“{”是多写的，删除它"),
                }
            }
        }
    }

    /// The 1-based line number of a byte offset.
    fn line_number(&self, at: usize) -> usize {
        self.lines.partition_point(|l| l.start <= at)
    }
}

/// The length of the character at `at` (0 at the end of the text).
fn char_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8)
}

/// `piece` (standing at byte `base`) with the bytes of the ranges `blank`
/// (in order, apart, within the piece) turned into spaces, line breaks
/// kept: the same offsets, nothing to parse.
fn blanked(piece: &str, base: usize, blank: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(piece.len());
    let mut cursor = 0;
    for r in blank {
        let (from, to) = (r.start.saturating_sub(base), r.end.saturating_sub(base));
        out.push_str(piece.get(cursor..from).unwrap_or(""));
        for c in piece.get(from..to).unwrap_or("").chars() {
            match c {
                '\r' | '\n' => out.push(c),
                _ => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
            }
        }
        cursor = to.max(cursor);
    }
    out.push_str(piece.get(cursor..).unwrap_or(""));
    out
}

/// Cut `lines[range]` into statements `level` braces deep: a statement
/// starts on a line of that level whose first word is one of `keywords`
/// and runs to the next such line, or to the first line less deep. With
/// `cover`, lines before the first statement form a piece of their own
/// (top level: nothing may be lost); without, they belong to the parent.
fn split(
    text: &str,
    lines: &[Line],
    range: Range<usize>,
    level: usize,
    keywords: &[&str],
    cover: bool,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut current: Option<usize> = cover.then_some(range.start);
    for i in range.clone() {
        let Some(l) = lines.get(i) else { break };
        if l.blank || l.level > level {
            continue;
        }
        let starts = l.level == level && starts_with_keyword(text, l.first, keywords);
        if starts || l.level < level {
            if let Some(s) = current.take().filter(|s| *s < i) {
                out.push(s..i);
            }
        }
        if starts {
            current = Some(i);
        }
    }
    if let Some(s) = current.filter(|s| *s < range.end) {
        out.push(s..range.end);
    }
    out
}

/// Whether the text at `at` is one of `keywords`: followed by a character
/// that cannot continue a name, or (a keyword of two or more characters)
/// glued to a number, the slip `指标1.1` the parser will report.
fn starts_with_keyword(text: &str, at: usize, keywords: &[&str]) -> bool {
    let Some(rest) = text.get(at..) else {
        return false;
    };
    keywords.iter().any(|k| {
        let Some(after) = rest.strip_prefix(k) else {
            return false;
        };
        match after.chars().next() {
            None => true,
            Some(c) if c.is_ascii_digit() => k.chars().count() > 1,
            Some(c) => !(c.is_alphanumeric() || c == '_'),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<Line> {
        let mut lines = scan::lines(text);
        scan::match_braces(&mut lines);
        lines
    }

    /// The first words of the pieces `text` splits into at `level`.
    fn pieces(text: &str, range: Range<usize>, level: usize, keywords: &[&str]) -> Vec<String> {
        let lines = lines_of(text);
        split(text, &lines, range, level, keywords, level == 0)
            .into_iter()
            .map(|r| {
                let l = &lines[r.start];
                let rest = &text[l.first..];
                rest.split_whitespace().next().unwrap_or("").to_string()
            })
            .collect()
    }

    /// Line numbers (1-based) and codes of the errors in `text`.
    fn errors_in(text: &str) -> Vec<(usize, &'static str)> {
        let Err(diags) = crate::syntax::parse(FileId(0), text) else {
            return Vec::new();
        };
        diags
            .iter()
            .map(|d| (text[..start(d)].matches('\n').count() + 1, d.code))
            .collect()
    }

    const TWO_INDICATORS: &str = "\
标准 \"示例\"
# 注释
指标 1 甲 5 分 {
  令 a = 1
  分档 a {
    ≥ 1 得 5 分
    否则 得 0 分
  }
  指标 1.1 乙 5 分 {
    公式 a
  }
}
等级 {
  ≥ 1 为 好
}
";

    #[test]
    fn top_level_statements_start_outside_every_brace() {
        let n = TWO_INDICATORS.lines().count();
        assert_eq!(
            pieces(TWO_INDICATORS, 0..n, 0, &TOP),
            ["标准", "指标", "等级"]
        );
    }

    #[test]
    fn body_statements_start_one_brace_deep() {
        // Lines 4.. of the indicator (after its head line), up to its `}`.
        assert_eq!(
            pieces(TWO_INDICATORS, 3..12, 1, &BODY),
            ["令", "分档", "指标"]
        );
    }

    #[test]
    fn keywords_are_words_or_glued_to_a_number() {
        assert!(starts_with_keyword("指标 1", 0, &TOP));
        assert!(starts_with_keyword("指标1.1", 0, &TOP), "a slip to report");
        assert!(!starts_with_keyword("指标值 > 1", 0, &TOP), "a name");
        assert!(starts_with_keyword("令 a", 0, &BODY));
        assert!(
            !starts_with_keyword("令1", 0, &BODY),
            "one character: a name"
        );
        assert!(!starts_with_keyword("若干", 0, &BODY));
    }

    #[test]
    fn blanking_keeps_offsets_and_line_breaks() {
        // The second line (bytes 13..17 of the file) blanked.
        let blank: Vec<Range<usize>> = std::iter::once(13..17).collect();
        assert_eq!(blanked("ab\n令c\nd", 10, &blank), "ab\n    \nd");
    }

    #[test]
    fn one_error_per_broken_statement() {
        let text = TWO_INDICATORS
            .replace("令 a = 1", "令 a 1")
            .replace("公式 a", "公式 a ×")
            .replace("≥ 1 为 好", "≥ 1 为好");
        assert_eq!(
            errors_in(&text),
            [(4, "E0001"), (10, "E0001"), (14, "E0001")]
        );
    }

    #[test]
    fn a_broken_head_keeps_its_body_checked() {
        let text = TWO_INDICATORS
            .replace("指标 1.1 乙 5 分", "指标 1.1 乙 5")
            .replace("否则 得 0 分", "否则 得 0 份");
        assert_eq!(errors_in(&text), [(7, "E0001"), (9, "E0001")]);
    }

    #[test]
    fn an_unclosed_brace_is_reported_where_it_opens() {
        let text = TWO_INDICATORS.replacen("  }\n  指标 1.1", "  指标 1.1", 1);
        let Err(diags) = crate::syntax::parse(FileId(0), &text) else {
            panic!("expected an error");
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        let brace = text.find("a {").map(|i| i + 2);
        assert_eq!(Some(start(&diags[0])), brace);
        assert!(diags[0].labels.iter().any(|l| !l.primary));
    }

    #[test]
    fn a_missing_open_brace_is_reported_at_its_line_end() {
        let text = TWO_INDICATORS.replacen("分档 a {", "分档 a", 1);
        let Err(diags) = crate::syntax::parse(FileId(0), &text) else {
            panic!("expected an error");
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(
            Some(start(&diags[0])),
            text.find("分档 a\n").map(|i| i + "分档 a".len())
        );
    }

    #[test]
    fn a_statement_cut_short_is_reported_on_its_own_line() {
        let text = TWO_INDICATORS.replace("令 a = 1", "令 a =");
        assert_eq!(errors_in(&text), [(4, "E0001")]);
    }

    #[test]
    fn an_error_only_the_whole_file_shows_is_kept() {
        // `继承` is only allowed first: alone, its piece parses.
        let text = "标准 \"示例\"\n继承 \"a.zb\"\n等级 {\n  ≥ 1 为好\n}\n";
        assert_eq!(errors_in(text), [(2, "E0001"), (4, "E0001")]);
    }

    #[test]
    fn errors_are_capped() {
        let text = "版本 1\n".repeat(MAX_SYNTAX_ERRORS + 10);
        let Err(diags) = crate::syntax::parse(FileId(0), &text) else {
            panic!("expected errors");
        };
        assert_eq!(diags.len(), MAX_SYNTAX_ERRORS);
        assert!(diags.iter().all(|d| d.code == "E0001"));
        assert_eq!(diags.last().map(|d| d.notes().len()), Some(1));
    }

    #[test]
    fn a_byte_order_mark_changes_nothing() {
        let text = format!("\u{feff}{}", TWO_INDICATORS.replace("公式 a", "公式 a ×"));
        assert!(crate::syntax::parse(FileId(0), &format!("\u{feff}{TWO_INDICATORS}")).is_ok());
        assert_eq!(errors_in(&text), [(10, "E0001")]);
    }
}
