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
    ZbParser::parse(Rule::file, shadow).map_err(|e| Box::new(syntax_error(file, text, e)))
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
    ZbParser::parse(top, text).map_err(|e| Box::new(syntax_error(file, text, e)))
}

fn syntax_error(file: FileId, text: &str, err: pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match err.location {
        InputLocation::Pos(p) => (p, next_char_end(text, p)),
        InputLocation::Span((s, e)) => (s, e.max(s)),
    };
    let span = Span::new(file, start, end);
    let expected = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => describe(positives),
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
    let found = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map(shown_char)
        .unwrap_or_else(|| "文件结尾".to_string());
    Diagnostic::error(
        "E0001",
        format!("语法错误：此处应为{expected}，实际为{found}"),
    )
    .primary(span, format!("应为{expected}"))
    .help("对照 docs/language.md 检查本行的写法；关键字与名称之间须有空格")
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
