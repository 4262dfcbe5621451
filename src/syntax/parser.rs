//! The pest parser and the translation of its errors into diagnostics.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pairs;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/zhibiao.pest"]
pub(crate) struct ZbParser;

/// Parse a rule file. `shadow` is [`shadow`]`(text)`: pest reads it, the
/// diagnostics quote `text`.
pub(crate) fn parse<'s>(
    file: FileId,
    text: &str,
    shadow: &'s str,
) -> Result<Pairs<'s, Rule>, Box<Diagnostic>> {
    ZbParser::parse(Rule::file, shadow).map_err(|e| Box::new(syntax_error(file, text, 0, e)))
}

/// Parse one piece of a rule file on its own (error recovery): `piece` is
/// the text pest reads, standing at byte `base` of `text`, with `top`
/// either [`Rule::file`] (top-level statements) or [`Rule::body_items`]
/// (statements of an indicator's body). The error quotes `text`.
pub(crate) fn parse_piece(
    top: Rule,
    file: FileId,
    text: &str,
    piece: &str,
    base: usize,
) -> Result<(), Box<Diagnostic>> {
    match ZbParser::parse(top, piece) {
        Ok(_) => Ok(()),
        Err(mut e) => {
            // At the piece's end the parse of the whole file would have
            // gone on over white space and comments to the next token.
            if let InputLocation::Pos(p) = &mut e.location {
                if *p >= piece.len() {
                    *p = skip_trivia(text, base + *p).saturating_sub(base);
                }
            }
            if top == Rule::body_items {
                // The end of a body's statements is where its `}` may
                // come, not the end of the file.
                if let ErrorVariant::ParsingError { positives, .. } = &mut e.variant {
                    positives.retain(|r| *r != Rule::EOI);
                }
            }
            Err(Box::new(syntax_error(file, text, base, e)))
        }
    }
}

/// The text as pest is given it: every line feed replaced by a carriage
/// return, which the grammar reads the same way (both are `NEWLINE`, and no
/// token contains one), at the same byte offsets. pest indexes the start of
/// every line of its input (8 bytes a line); with no line feeds that index
/// has one entry, so a file of blank lines costs one copy of the text
/// instead of eight bytes per line.
pub(crate) fn shadow(text: &str) -> String {
    text.replace('\n', "\r")
}

/// Parse with another top rule (rule test files use `test_file`).
pub(crate) fn parse_as(
    top: Rule,
    file: FileId,
    text: &str,
) -> Result<Pairs<'_, Rule>, Box<Diagnostic>> {
    ZbParser::parse(top, text).map_err(|e| Box::new(syntax_error(file, text, 0, e)))
}

/// The offset of the first token at or after `at`: white space and
/// comments skipped as the grammar skips them.
fn skip_trivia(text: &str, mut at: usize) -> usize {
    while let Some(rest) = text.get(at..) {
        let trimmed = rest.trim_start_matches([' ', '\t', '\u{3000}', '\r', '\n']);
        at += rest.len() - trimmed.len();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            at += trimmed.find(['\r', '\n']).unwrap_or(trimmed.len());
        } else {
            break;
        }
    }
    at
}

/// E0001 for a parse of `text[base..]` (or of a copy of it) that failed.
fn syntax_error(
    file: FileId,
    text: &str,
    base: usize,
    err: pest::error::Error<Rule>,
) -> Diagnostic {
    let (start, end) = match err.location {
        InputLocation::Pos(p) => (base + p, next_char_end(text, base + p)),
        InputLocation::Span((s, e)) => (base + s, base + e.max(s)),
    };
    let span = Span::new(file, start, end);
    let (expected, continues) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => (
            describe(positives),
            !positives.is_empty() && positives.iter().all(|r| CONTINUATIONS.contains(r)),
        ),
        // pest's own guards ("stack limit reached", "call limit reached"):
        // the bracket scan before parsing should make them unreachable.
        ErrorVariant::CustomError { .. } => {
            return Diagnostic::error("E0004", "规则嵌套过深，无法分析")
                .primary(span, "分析在此停止")
                .help(format!(
                    "圆括号、方括号、花括号（含指标的花括号）合计最多嵌套 {} 层；把深层的计算拆成几个 令",
                    super::limits::MAX_NESTING
                ));
        }
    };
    if let Some(d) = full_width(file, text, start) {
        return d;
    }
    // What is missing could only continue the statement before, and the
    // parser looked for it on the next line: it is missing at the end of
    // the statement's line.
    if let Some(end) = continues.then(|| line_end_before(text, start)).flatten() {
        let d = Diagnostic::error("E0001", format!("语法错误：此处应为{expected}，实际为行尾"))
            .primary(Span::new(file, end, end), format!("应为{expected}"));
        let single = expected.strip_prefix('“').and_then(|e| e.strip_suffix('”'));
        let line_start = text
            .get(..end)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text.get(line_start..end).unwrap_or_default();
        return match single.filter(|t| !t.contains('“')) {
            Some(token) => d
                .fix(Span::new(file, end, end), format!(" {token}"))
                .help(format!(
                    "本行没有写完，在行尾写上“{token}”：`{} {token}`",
                    strip_comment(line).trim()
                )),
            None => d.help(format!(
                "本行没有写完：行尾还应有{expected}；写法见 docs/language.md {}",
                section_of(line.trim_start())
            )),
        };
    }
    let word = word_at(text, start);
    let found = match word {
        Some(w) if w.chars().count() > 1 => format!("“{w}”"),
        _ => text
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map(shown_char)
            .unwrap_or_else(|| "文件结尾".to_string()),
    };
    let d = Diagnostic::error(
        "E0001",
        format!("语法错误：此处应为{expected}，实际为{found}"),
    );
    if let Some((keyword, rewritten)) = word.and_then(glued) {
        let w = word.unwrap_or_default();
        let span = Span::new(file, start, start + w.len());
        return d
            .primary(span, format!("关键字“{keyword}”与后面的文字连在一起了"))
            .help(format!(
                "关键字与数值、名称之间须有空格：把“{w}”写作“{rewritten}”"
            ))
            .fix(span, rewritten);
    }
    // The whole word the parser stopped at is underlined, not its first
    // character.
    let span = match word {
        Some(w) if w.chars().count() > 1 => Span::new(file, start, start + w.len()),
        _ => span,
    };
    let d = d.primary(span, format!("应为{expected}"));
    specific_help(d, text, start, span, &expected, word)
}

/// The help of a syntax error, from what the line holds: the keyword
/// that is missing inserted where it goes, the text that needs quotes
/// quoted (both also as fixes), or else the section of docs/language.md
/// on this kind of statement.
fn specific_help(
    d: Diagnostic,
    text: &str,
    start: usize,
    span: Span,
    expected: &str,
    word: Option<&str>,
) -> Diagnostic {
    let line_start = text
        .get(..start)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |i| start + i);
    let line = text.get(line_start..line_end).unwrap_or_default();
    let (before, after) = (
        text.get(line_start..start).unwrap_or_default(),
        text.get(start..line_end).unwrap_or_default(),
    );
    // A keyword expected here was glued to the end of the name before it
    // (`制度得 10 分`): the parser read it as part of the name.
    let previous = before.trim_end();
    let word_start = previous
        .char_indices()
        .rev()
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map_or(previous.len(), |(i, _)| i);
    let prev_word = previous.get(word_start..).unwrap_or_default();
    let keywords = expected
        .split('“')
        .filter_map(|p| p.split('”').next())
        .skip(1);
    for k in keywords {
        if prev_word.ends_with(k) && prev_word.len() > k.len() && !k.is_empty() {
            let name = prev_word
                .get(..prev_word.len() - k.len())
                .unwrap_or_default();
            let at = line_start + word_start + name.len();
            let rewritten = format!("{name} {k}");
            return d.fix(Span::new(span.file, at, at), " ").help(format!(
                "名称与关键字“{k}”连在一起了：把“{prev_word}”写作“{rewritten}”"
            ));
        }
    }
    // One keyword or sign expected: write it in.
    let single = expected.strip_prefix('“').and_then(|e| e.strip_suffix('”'));
    if let Some(token) = single.filter(|t| !t.contains('“')) {
        let rewritten = format!("{before}{token} {after}");
        let at = Span::new(span.file, start, start);
        return d.fix(at, format!("{token} ")).help(format!(
            "在此处写上“{token}”：`{}`",
            strip_comment(&rewritten).trim()
        ));
    }
    // Text where quotes are needed: quote the word found.
    if expected.starts_with("带引号的文本") {
        if let Some(w) = word {
            let quoted = format!("\"{w}\"");
            let rewritten = format!(
                "{before}{quoted}{}",
                after.get(w.len()..).unwrap_or_default()
            );
            return d
                .fix(Span::new(span.file, start, start + w.len()), quoted)
                .help(format!(
                    "文本须加英文双引号：`{}`",
                    strip_comment(&rewritten).trim()
                ));
        }
    }
    let section = section_of(line.trim_start());
    d.help(format!(
        "此处可以写{expected}；本行的写法见 docs/language.md {section}"
    ))
}

/// A line without its `#` comment.
fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or(line)
}

/// The section of docs/language.md on the statement a line begins.
fn section_of(line: &str) -> &'static str {
    const SECTIONS: [(&str, &str); 24] = [
        ("标准", "§3 标准信息"),
        ("版本", "§3 标准信息"),
        ("适用", "§3 标准信息"),
        ("计分", "§3 标准信息"),
        ("参数", "§4 参数与期间"),
        ("期间", "§4 参数与期间"),
        ("对象表", "§5 证据数据"),
        ("事件表", "§5 证据数据"),
        ("通则", "§6 通则"),
        ("指标", "§7 指标"),
        ("令", "§8 令"),
        ("若", "§9 若 … 得 …"),
        ("分档", "§10.1 分档"),
        ("插值", "§10.2 插值"),
        ("公式", "§10.3 公式"),
        ("扣分", "§10.4 扣分"),
        ("每", "§10.4 扣分 与 §13.1 加分"),
        ("清单", "§10.5 清单"),
        ("对照", "§10.6 对照"),
        ("加分", "§13.1 加分"),
        ("否决", "§13.2 否决"),
        ("等级", "§13.3 等级"),
        ("继承", "§16 变体"),
        ("修改", "§16 变体"),
    ];
    SECTIONS
        .iter()
        .find(|(k, _)| line.starts_with(k))
        .map_or("§1 书写约定（关键字与名称之间须有空格）", |(_, s)| *s)
}

/// Rules that can only continue a statement already begun (a value, a
/// name, the keyword after an expression …): a parse that stopped on a
/// later line wanting only these stopped because the statement's line
/// ends too soon. Anything else (a rule that starts a statement or a row,
/// the end of the file) may follow a complete statement.
const CONTINUATIONS: [Rule; 43] = [
    Rule::kw_not,
    Rule::constraint,
    Rule::aggregate,
    Rule::agg_fn,
    Rule::call,
    Rule::op_not,
    Rule::op_neg,
    Rule::yes,
    Rule::no,
    Rule::number,
    Rule::signed_number,
    Rule::score_lit,
    Rule::percent_lit,
    Rule::date_lit,
    Rule::string,
    Rule::name,
    Rule::ident,
    Rule::code,
    Rule::item_code,
    Rule::weight,
    Rule::points,
    Rule::share,
    Rule::expr,
    Rule::field_path,
    Rule::field_type,
    Rule::type_name,
    Rule::enum_type,
    Rule::zero_den_outcome,
    Rule::scoring_mode,
    Rule::kw_points,
    Rule::kw_gets,
    Rule::kw_minus,
    Rule::kw_plus,
    Rule::kw_as,
    Rule::kw_when,
    Rule::kw_to,
    Rule::kw_places,
    Rule::kw_half_up,
    Rule::kw_zero_points,
    Rule::data_value,
    Rule::bare_value,
    Rule::expect_target,
    Rule::expect_value,
];

/// If `at` is the first token of its line: the end of the last token on
/// the lines before it (blank lines and comments skipped).
fn line_end_before(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?;
    let mut line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = before.get(line_start..)?;
    if !indent.chars().all(|c| matches!(c, ' ' | '\t' | '\u{3000}')) {
        return None;
    }
    while line_start > 0 {
        let prev = text.get(..line_start)?.trim_end_matches(['\n', '\r']);
        let prev_start = prev.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = super::scan::line(text, prev_start, prev.len());
        if !line.blank {
            return Some(line.end);
        }
        line_start = prev_start;
    }
    None
}

/// Full-width punctuation an input method types, and the ASCII the
/// language wants instead. (Chinese quotes “” are valid string quotes.)
const FULL_WIDTH: [(char, char); 14] = [
    ('：', ':'),
    ('（', '('),
    ('）', ')'),
    ('，', ','),
    ('、', ','),
    ('＝', '='),
    ('＞', '>'),
    ('＜', '<'),
    ('％', '%'),
    ('＋', '+'),
    ('－', '-'),
    ('｛', '{'),
    ('｝', '}'),
    ('．', '.'),
];

/// A parse that stopped on a line holding full-width punctuation stopped
/// because of it (pest may stop at the start of the statement, before
/// it): E0001 at that character, naming its ASCII replacement.
fn full_width(file: FileId, text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text.get(start..)?;
    let line = rest.split(['\n', '\r']).next().unwrap_or(rest);
    // Text in quotes and comments may hold any punctuation.
    let mut quoted = false;
    let (at, wide, ascii) = line.char_indices().find_map(|(i, c)| {
        match c {
            '"' => quoted = !quoted,
            '“' => quoted = true,
            '”' => quoted = false,
            _ if quoted => {}
            _ => {
                return FULL_WIDTH
                    .iter()
                    .find(|(w, _)| *w == c)
                    .map(|(w, a)| (i, *w, *a))
            }
        }
        None
    })?;
    if line.get(..at).is_some_and(|before| before.contains('#')) {
        return None;
    }
    let from = start + at;
    let span = Span::new(file, from, from + wide.len_utf8());
    Some(
        Diagnostic::error(
            "E0001",
            format!("语法错误：全角标点“{wide}”，应为半角“{ascii}”"),
        )
        .primary(span, format!("应为半角“{ascii}”"))
        .help(format!(
            "规则中的冒号、括号、逗号、比较符、百分号须用半角（英文）标点：把“{wide}”改为“{ascii}”（输入法切换到英文标点）"
        ))
        .fix(span, ascii.to_string()),
    )
}

/// The word the parser stopped at: letters, digits and `% . _` in a run.
fn word_at(text: &str, start: usize) -> Option<&str> {
    let rest = text.get(start..)?;
    let end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '%' | '.' | '_')))
        .map_or(rest.len(), |(i, _)| i);
    let word = rest.get(..end)?;
    (!word.is_empty()).then_some(word)
}

/// Keywords a writer glues to what follows (`得4分`, `为优秀`), longest first.
const GLUED: [&str; 14] = [
    "扣完为止",
    "否则",
    "得",
    "扣",
    "加",
    "为",
    "每",
    "若",
    "当",
    "至",
    "且",
    "或",
    "非",
    "分",
];

/// Keywords that start with one of [`GLUED`]: `分母为零` is a keyword of
/// its own, not `分` glued to `母为零`.
const NOT_GLUED: [&str; 7] = [
    "分母为零",
    "分档",
    "分组",
    "得满分",
    "得零分",
    "扣分",
    "加分",
];

/// `得4分` → (`得`, `得 4 分`): a keyword glued to a number or a name,
/// and the word with the spaces it needs; `None` if it is not that.
fn glued(word: &str) -> Option<(&'static str, String)> {
    if NOT_GLUED.iter().any(|k| word.starts_with(k)) {
        return None;
    }
    let keyword = GLUED
        .iter()
        .find(|k| word.starts_with(**k) && word.len() > k.len())?;
    let mut parts: Vec<&str> = vec![keyword];
    let mut rest = word.get(keyword.len()..)?;
    while !rest.is_empty() {
        let number = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '%')))
            .map_or(rest.len(), |(i, _)| i);
        let take = if number > 0 {
            number
        } else if let Some(k) = GLUED.iter().find(|k| rest.starts_with(**k)) {
            k.len()
        } else {
            rest.char_indices()
                .find(|(i, _)| {
                    let tail = rest.get(*i..).unwrap_or_default();
                    *i > 0
                        && (tail.starts_with(|c: char| c.is_ascii_digit())
                            || GLUED.iter().any(|k| tail.starts_with(*k)))
                })
                .map_or(rest.len(), |(i, _)| i)
        };
        let (part, tail) = rest.split_at(take);
        parts.push(part);
        rest = tail;
    }
    (parts.len() <= 4).then(|| (*keyword, parts.join(" ")))
}

/// The character the parser stopped at, quoted; an invisible one (a
/// control character, a zero-width or direction mark) by its code point.
fn shown_char(c: char) -> String {
    if c == '\n' || c == '\r' {
        "行尾".to_string()
    } else if crate::diagnostic::is_invisible(c) || c.is_whitespace() && c != ' ' {
        format!("不可见字符 U+{:04X}", u32::from(c))
    } else {
        format!("“{c}”")
    }
}

fn next_char_end(text: &str, pos: usize) -> usize {
    text.get(pos..)
        .and_then(|rest| rest.chars().next())
        .map(|c| pos + c.len_utf8())
        .unwrap_or(pos)
}

/// Human names for what the parser expected, deduplicated, in Chinese.
fn describe(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules.iter().map(|r| rule_name(*r)).collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return "合法的规则内容".to_string();
    }
    names.join("、")
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "文件结尾",
        Rule::ident | Rule::name => "名称",
        Rule::code => "指标编号（如 1.1.1）",
        Rule::item_code => "编号（如 B1、V1）",
        Rule::number | Rule::signed_number | Rule::score_lit => "数值",
        Rule::percent_lit => "百分数（如 95%）",
        Rule::string => "带引号的文本",
        Rule::expr => "表达式",
        Rule::cmp_op => "比较符（=、≥、≤、>、<）",
        Rule::weight | Rule::points | Rule::share => "分值（如 5 分）或权重（如 权重 30%）",
        Rule::band_row => "分档行（如 ≥ 95% 得 4 分）",
        Rule::anchor => "插值点（如 5% 得 5 分）",
        Rule::deduct_row => "扣分行（如 每 某数 扣 1 分）",
        Rule::check_row => "清单行（如 某制度 得 1 分）",
        Rule::lookup_row => "对照行（如 0 得 3 分）",
        Rule::bonus_row | Rule::bonus_each | Rule::bonus_if => "加分行（如 每 某数 加 1 分）",
        Rule::grade_row => "等级行（如 ≥ 90 为 优秀）",
        Rule::field_decl => "字段声明（如 编码: 文本）",
        Rule::field_type | Rule::type_name | Rule::enum_type => "字段类型",
        Rule::constraint => "字段约束",
        Rule::indicator => "指标",
        Rule::zero_den_outcome => "“得满分”或“得零分”",
        Rule::scoring_mode => "“分值”或“权重”",
        Rule::kw_points => "“分”",
        Rule::kw_gets => "“得”",
        Rule::kw_minus => "“扣”",
        Rule::kw_plus => "“加”",
        Rule::kw_as => "“为”",
        Rule::kw_when => "“当”",
        Rule::kw_to => "“至”",
        Rule::kw_each => "“每”",
        Rule::kw_if => "“若”",
        Rule::kw_indicator => "“指标”",
        Rule::kw_otherwise | Rule::otherwise => "“否则”",
        Rule::kw_floor | Rule::floor => "“扣完为止”",
        Rule::kw_where => "“满足”",
        Rule::kw_places => "“位”",
        Rule::test_target => "测试对象（如 测试 \"national.zb\"）",
        Rule::baseline | Rule::test_case => "基准 { … } 或 用例 \"名称\" { … }",
        Rule::assign => "赋值（如 重大决策数 = 20）",
        Rule::expect => "期望（如 期望 1.1.1 = 5）",
        Rule::data_value | Rule::bare_value => "取值",
        _ => "规则内容",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_keywords_are_split() {
        assert_eq!(glued("得4分"), Some(("得", "得 4 分".to_owned())));
        assert_eq!(glued("扣2.5分"), Some(("扣", "扣 2.5 分".to_owned())));
        assert_eq!(glued("为优秀"), Some(("为", "为 优秀".to_owned())));
        assert_eq!(
            glued("否则得0分"),
            Some(("否则", "否则 得 0 分".to_owned()))
        );
        assert_eq!(glued("每件扣3分"), None, "too many parts to guess");
        assert_eq!(glued("得"), None);
        assert_eq!(glued("审查率"), None);
        assert_eq!(glued("分母为零"), None, "a keyword of its own");
        assert_eq!(glued("加分上限"), None);
    }

    #[test]
    fn words_end_at_spaces_and_punctuation() {
        assert_eq!(word_at("得4分\n", 0), Some("得4分"));
        assert_eq!(word_at("95% 得", 0), Some("95%"));
        assert_eq!(word_at(" x", 0), None);
    }

    #[test]
    fn full_width_punctuation_outside_quotes_and_comments() {
        let at = |t: &str| full_width(FileId(0), t, 0).map(|d| d.message);
        assert!(at("编码：文本").is_some_and(|m| m.contains("“：”，应为半角“:”")));
        assert_eq!(at("标准 \"政务（试行）\""), None);
        assert_eq!(at("标准 “政务（试行）”"), None);
        assert_eq!(at("x # 注：说明"), None);
        assert!(at("≥ 95％ 得 4 分").is_some_and(|m| m.contains("“％”")));
    }
}
