//! `zhibiao fmt`: canonical layout of rule files. Indentation follows the
//! braces, operators take one spelling (≥ ≤ ≠ = × ÷) with single spaces
//! around them, comments and blank-line grouping are kept. The formatter
//! only changes white space and operator spellings, and checks that the
//! token stream is unchanged before it returns a result.

/// One lexical token of a line, as far as layout is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// Names, numbers, codes, dates, percentages, field paths.
    Word(String),
    /// A quoted string, kept verbatim.
    Str(String),
    /// Operators and punctuation, in canonical spelling.
    Op(&'static str),
    /// A comment to the end of the line, kept verbatim.
    Comment(String),
}

/// Words after which `(` opens a group rather than a call's arguments.
const KEYWORDS: &[&str] = &[
    "若", "得", "公式", "分档", "插值", "对照", "每", "扣", "加", "当", "为", "且", "或", "非",
    "在", "满足", "至", "期望", "令",
];

/// Format a rule file's text. `None` if the text cannot be tokenised
/// consistently (the file is then left alone). A byte-order mark at the
/// start is kept there, outside the layout.
pub fn format(src: &str) -> Option<String> {
    match src.strip_prefix('\u{feff}') {
        Some(rest) => layout(rest).map(|text| format!("\u{feff}{text}")),
        // A stray mark that the layout would move to the very start would
        // be taken for the byte-order mark next time (not idempotent, and
        // a different file): such a file is left alone.
        None => layout(src).filter(|text| !text.starts_with('\u{feff}')),
    }
}

fn layout(src: &str) -> Option<String> {
    let mut out = String::new();
    let mut depth: usize = 0;
    let mut blank_pending = false;
    let mut after_open = true;
    for raw in src.lines() {
        let toks = tokens(raw)?;
        if toks.is_empty() {
            blank_pending = !after_open;
            continue;
        }
        let closes = toks.iter().take_while(|t| **t == Tok::Op("}")).count();
        let indent = depth.saturating_sub(usize::from(closes > 0));
        if blank_pending && closes == 0 {
            out.push('\n');
        }
        blank_pending = false;
        // Indentation stops growing at the nesting limit: a file nested
        // deeper is refused by the parser anyway, and this keeps the output
        // linear in the input (100,000 open braces would otherwise ask
        // for gigabytes of spaces).
        out.push_str(&"  ".repeat(indent.min(crate::syntax::limits::MAX_NESTING)));
        out.push_str(&join(&toks));
        out.push('\n');
        for t in &toks {
            match t {
                Tok::Op("{") => depth += 1,
                Tok::Op("}") => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        after_open = matches!(
            toks.iter().rev().find(|t| !matches!(t, Tok::Comment(_))),
            Some(Tok::Op("{"))
        );
    }
    let same = tokens_of(src)? == tokens_of(&out)?;
    same.then_some(out)
}

fn tokens_of(text: &str) -> Option<Vec<Tok>> {
    let mut all = Vec::new();
    for line in text.lines() {
        all.extend(tokens(line)?);
    }
    Some(all)
}

fn join(toks: &[Tok]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Tok> = None;
    for (i, t) in toks.iter().enumerate() {
        if let Some(p) = prev {
            if space_between(p, t, toks.get(i.wrapping_sub(2))) {
                s.push(' ');
            }
        }
        match t {
            Tok::Word(w) | Tok::Str(w) | Tok::Comment(w) => s.push_str(w),
            Tok::Op(o) => s.push_str(o),
        }
        prev = Some(t);
    }
    s
}

/// Whether a `-` is a sign (after an operator or at the start), not a minus.
fn is_sign(before: Option<&Tok>) -> bool {
    match before {
        None => true,
        Some(Tok::Op(o)) => !matches!(*o, ")" | "}"),
        Some(Tok::Word(w)) => KEYWORDS.contains(&w.as_str()) || w == "范围",
        _ => false,
    }
}

fn space_between(a: &Tok, b: &Tok, before_a: Option<&Tok>) -> bool {
    use Tok::*;
    match (a, b) {
        (_, Comment(_)) => true,
        (Op("(") | Op(".."), _) | (_, Op(")") | Op(",") | Op(":") | Op("..")) => false,
        (Op("-"), _) if is_sign(before_a) => false,
        (Word(w), Op("(")) => KEYWORDS.contains(&w.as_str()),
        _ => true,
    }
}

/// Tokens of one line; `None` for an unterminated string.
fn tokens(line: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '#' || (c == '/' && next == Some('/')) {
            out.push(Tok::Comment(
                chars
                    .get(i..)?
                    .iter()
                    .collect::<String>()
                    .trim_end()
                    .to_string(),
            ));
            break;
        } else if c == '"' || c == '“' {
            let close = if c == '"' { '"' } else { '”' };
            let end = chars.get(i + 1..)?.iter().position(|&d| d == close)? + i + 1;
            out.push(Tok::Str(chars.get(i..=end)?.iter().collect()));
            i = end + 1;
        } else if let Some((op, len)) = operator(c, next) {
            out.push(Tok::Op(op));
            i += len;
        } else {
            let start = i;
            while let Some(&d) = chars.get(i) {
                let dot_dot = d == '.' && chars.get(i + 1) == Some(&'.');
                let date_dash = d == '-' && is_date_dash(&chars, start, i);
                if !(is_word_char(d) || date_dash) || dot_dot {
                    break;
                }
                i += 1;
            }
            if i == start {
                // A character no rule file uses: keep it as its own word.
                i += 1;
            }
            out.push(Tok::Word(chars.get(start..i)?.iter().collect()));
        }
    }
    Some(out)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '%' | '％')
}

/// `-` inside `YYYY-MM-DD`.
fn is_date_dash(chars: &[char], start: usize, i: usize) -> bool {
    let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
    let digits = |from: usize, n: usize| {
        (from..from + n).all(|k| chars.get(k).is_some_and(|c| c.is_ascii_digit()))
    };
    (word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()) && digits(i + 1, 2))
        || (word.len() == 7 && digits(i + 1, 2) && word.chars().nth(4) == Some('-'))
}

fn operator(c: char, next: Option<char>) -> Option<(&'static str, usize)> {
    Some(match (c, next) {
        ('>', Some('=')) => ("≥", 2),
        ('<', Some('=')) => ("≤", 2),
        ('!', Some('=')) => ("≠", 2),
        ('=', Some('=')) => ("=", 2),
        ('.', Some('.')) => ("..", 2),
        ('≥', _) => ("≥", 1),
        ('≤', _) => ("≤", 1),
        ('≠', _) => ("≠", 1),
        ('=', _) => ("=", 1),
        ('>', _) => (">", 1),
        ('<', _) => ("<", 1),
        ('+', _) => ("+", 1),
        ('-', _) => ("-", 1),
        ('*' | '×', _) => ("×", 1),
        ('/' | '÷', _) => ("÷", 1),
        ('(', _) => ("(", 1),
        (')', _) => (")", 1),
        ('{', _) => ("{", 1),
        ('}', _) => ("}", 1),
        (',', _) => (",", 1),
        (':', _) => (":", 1),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn layout_is_canonical_and_idempotent() {
        let src = "指标 1 甲 10 分 {\n\n\n      令 率 = 甲数/乙数\n分档 率 {\n >=95% 得 10 分\n  否则 得 0 分 # 其他\n}\n\n}\n";
        let once = format(src).unwrap_or_default();
        assert_eq!(
            once,
            "指标 1 甲 10 分 {\n  令 率 = 甲数 ÷ 乙数\n  分档 率 {\n    ≥ 95% 得 10 分\n    否则 得 0 分 # 其他\n  }\n}\n"
        );
        assert_eq!(format(&once).as_deref(), Some(once.as_str()));
    }

    #[test]
    fn calls_signs_dates_and_ranges() {
        let src = "公式 5 × (x - 最低( x )) ÷ -2\n期间 甲 = 日期(评价年度, 1, 1) 至 2025-12-31\n  字段: 小数 , 范围 -10 .. 10\n";
        assert_eq!(
            format(src).unwrap_or_default(),
            "公式 5 × (x - 最低(x)) ÷ -2\n期间 甲 = 日期(评价年度, 1, 1) 至 2025-12-31\n字段: 小数, 范围 -10..10\n"
        );
    }

    #[test]
    fn a_byte_order_mark_stays_first() {
        let src = "\u{feff}# 注释\n标准   \"示例\"\n";
        assert_eq!(
            format(src).as_deref(),
            Some("\u{feff}# 注释\n标准 \"示例\"\n")
        );
    }

    #[test]
    fn indentation_stops_at_the_nesting_limit() {
        let deep = 10 * crate::syntax::limits::MAX_NESTING;
        let src = "{\n".repeat(deep);
        let out = format(&src).unwrap_or_default();
        let widest = out.lines().map(str::len).max();
        assert_eq!(widest, Some(2 * crate::syntax::limits::MAX_NESTING + 1));
    }

    #[test]
    fn unterminated_string_is_left_alone() {
        assert_eq!(format("标准 \"甲\n"), None);
    }
}
