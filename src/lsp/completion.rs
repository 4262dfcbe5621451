//! Completion: keywords, and the names the cursor can use. Where the line
//! shows that a number is expected (after `分档`, `插值`, `对照`, `公式`,
//! `每`, `令 x =`, or an arithmetic operator) only numeric fields are
//! offered; in a `清单` only yes/no fields. After `修改` or `删除`: the
//! indicator codes (and bonus and veto codes). The line is read as text,
//! so completion works while the file does not parse.

use super::document::Snapshot;
use super::index::Target;
use super::position::Lines;
use crate::syntax::ast::FieldType;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Position, Range,
    TextEdit,
};

/// Keywords offered, with what each begins.
const KEYWORDS: &[(&str, &str)] = &[
    ("指标", "指标 编码 名称 N 分 { … }"),
    ("令", "令 名称 = 表达式"),
    ("若", "若 条件 得 N 分"),
    ("分档", "分档 数值 { ≥ 阈值 得 N 分 … }"),
    ("插值", "插值 数值 { 点 得 N 分 … }"),
    ("对照", "对照 数值 { 值 得 N 分 … 否则 得 N 分 }"),
    ("公式", "公式 表达式"),
    ("扣分", "扣分 扣完为止 { 每 数 扣 N 分 }"),
    ("清单", "清单 { 是否字段 得 N 分 }"),
    ("每", "每 数 扣/加 N 分"),
    ("否则", "否则 得 N 分"),
    ("条数", "条数(事件表 满足 条件)"),
    ("合计", "合计(事件表.字段 满足 条件)"),
    ("满足", "事件表 满足 条件"),
    ("最高", "最高(字段)：全部主体的最高值"),
    ("最低", "最低(字段)：全部主体的最低值"),
    ("加分", "加分 编码 名称 { … }"),
    ("否决", "否决 编码 名称 当 条件"),
    ("等级", "等级 { ≥ N 为 等级名 … }"),
    ("通则", "通则 { 满分 … }"),
    ("参数", "参数 名称: 类型 = 值"),
    ("期间", "期间 名称 = 日期 至 日期"),
    ("对象表", "对象表 名称 { 字段: 类型 }"),
    ("事件表", "事件表 名称 { 字段: 类型 }"),
    ("继承", "继承 \"基础规则.zb\""),
    ("修改", "修改 指标 编码 …"),
    ("删除", "删除 编码"),
    ("扩展", "扩展 表 { 新字段 }"),
    ("扣完为止", "扣分 扣完为止"),
    ("得", "得 N 分"),
    ("且", "条件 且 条件"),
    ("或", "条件 或 条件"),
    ("非", "非 条件"),
    ("在", "日期 在 期间"),
    ("是", "是"),
    ("否", "否"),
];

const NUMERIC: &[&str] = &["计数", "小数", "百分数", "分数", "金额", "年份"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Number,
    YesNo,
}

pub fn complete(text: &str, offset: usize, snap: Option<&Snapshot>) -> CompletionList {
    let lines = Lines::new(text);
    let cursor = lines.position(offset);
    let line_start = lines.offset(Position::new(cursor.line, 0));
    let head = text.get(line_start..offset).unwrap_or("");
    let mut items = Vec::new();
    if let Some((partial, start)) = code_after_modify(head) {
        let range = Range::new(lines.position(line_start + start), cursor);
        if let Some(snap) = snap {
            items = codes(snap, partial, range);
        }
        return CompletionList {
            is_incomplete: true,
            items,
        };
    }
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(head.len(), |(i, _)| i);
    let prefix = head.get(word_start..).unwrap_or("");
    let before = head.get(..word_start).unwrap_or("");
    let range = Range::new(lines.position(line_start + word_start), cursor);
    let mut add = |label: &str, kind, detail: String| {
        if label.starts_with(prefix) && label != prefix {
            items.push(item(label, kind, detail, range));
        }
    };
    // `表.` : that table's fields only.
    if let Some(table) = before.strip_suffix('.').map(last_word) {
        if let Some(fields) = snap.and_then(|s| s.index.fields.get(table)) {
            for f in fields {
                add(&f.name.node, CompletionItemKind::FIELD, type_of(&f.ty));
            }
        }
        return CompletionList {
            is_incomplete: true,
            items,
        };
    }
    let want = want(text, line_start, before);
    if want == Want::Any || before.trim().is_empty() {
        for (k, d) in KEYWORDS {
            add(k, CompletionItemKind::KEYWORD, (*d).to_string());
        }
    }
    for name in lets_above(text, line_start) {
        add(&name, CompletionItemKind::VARIABLE, "令".into());
    }
    let Some(snap) = snap else {
        return CompletionList {
            is_incomplete: true,
            items,
        };
    };
    let index = &snap.index;
    if let Some(table) = event_table(before) {
        for f in index.fields.get(table).map_or(&[][..], Vec::as_slice) {
            add(
                &f.name.node,
                CompletionItemKind::FIELD,
                format!("{table} 的字段：{}", type_of(&f.ty)),
            );
        }
    }
    for f in index.subject_fields() {
        let ty = type_of(&f.ty);
        let fits = match want {
            Want::Any => true,
            Want::Number => NUMERIC.contains(&ty.as_str()),
            Want::YesNo => ty == "是否",
        };
        if fits {
            add(
                &f.name.node,
                CompletionItemKind::FIELD,
                format!("字段：{ty}"),
            );
        }
    }
    if want != Want::YesNo {
        for p in &index.params {
            add(
                &p.name.node,
                CompletionItemKind::CONSTANT,
                format!("参数：{}", p.ty.node),
            );
        }
    }
    if want == Want::Any {
        for p in &index.periods {
            add(&p.name.node, CompletionItemKind::VALUE, "期间".into());
        }
        for (_, name) in &index.tables {
            add(&name.node, CompletionItemKind::STRUCT, "表".into());
        }
    }
    CompletionList {
        is_incomplete: true,
        items,
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: String, range: Range) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            label.to_string(),
        ))),
        ..Default::default()
    }
}

fn type_of(ty: &FieldType) -> String {
    match ty {
        FieldType::Named(n) => n.node.clone(),
        FieldType::Enum(..) => "枚举".into(),
    }
}

fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(s.len(), |(i, _)| i);
    s.get(start..).unwrap_or("")
}

/// `修改 指标 1.2` / `删除 2.`: the partial code and where it starts.
fn code_after_modify(head: &str) -> Option<(&str, usize)> {
    let trimmed = head.trim_start();
    let rest = trimmed
        .strip_prefix("修改")
        .or_else(|| trimmed.strip_prefix("删除"))?;
    if !rest.starts_with([' ', '\t', '\u{3000}']) {
        return None;
    }
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let ends_blank = rest.ends_with(char::is_whitespace);
    let partial = if ends_blank {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let ok = match words.as_slice() {
        [] => true,
        [kind] => ["指标", "加分", "否决"].contains(kind),
        _ => false,
    };
    let code_like = partial
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.');
    (ok && code_like).then_some((partial, head.len() - partial.len()))
}

fn codes(snap: &Snapshot, partial: &str, range: Range) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = snap
        .index
        .indicators
        .iter()
        .filter(|(c, ..)| c.node.starts_with(partial))
        .map(|(c, n, _)| item(&c.node, CompletionItemKind::MODULE, n.node.clone(), range))
        .collect();
    for o in snap.index.occurrences.iter().filter(|o| o.decl) {
        let (code, what) = match &o.target {
            Target::Bonus(c) => (c, "加分项"),
            Target::Veto(c) => (c, "否决项"),
            _ => continue,
        };
        if code.starts_with(partial) {
            items.push(item(code, CompletionItemKind::EVENT, what.into(), range));
        }
    }
    items.dedup_by(|a, b| a.label == b.label);
    items
}

/// What kind of value the cursor's place takes, as far as the line shows.
fn want(text: &str, line_start: usize, before: &str) -> Want {
    let trimmed = before.trim();
    let first = trimmed.split_whitespace().next().unwrap_or("");
    if ["分档", "插值", "对照", "公式", "每"].contains(&first)
        || (first == "令" && trimmed.contains('='))
        || trimmed.ends_with(['+', '-', '×', '÷', '*', '/'])
    {
        return Want::Number;
    }
    if trimmed.is_empty() && opener(text, line_start).starts_with("清单") {
        return Want::YesNo;
    }
    Want::Any
}

/// The line that opens the block the line at `line_start` is in.
fn opener(text: &str, line_start: usize) -> &str {
    // Blocks closed between that line and here, going up.
    let mut closed = 0usize;
    for line in text.get(..line_start).unwrap_or("").lines().rev() {
        let closes = line.matches('}').count();
        let opens = line.matches('{').count();
        if opens > closes {
            let net = opens - closes;
            if net > closed {
                return line.trim();
            }
            closed -= net;
        } else {
            closed += closes - opens;
        }
    }
    ""
}

/// `条数(表 满足 …` not yet closed on this line: the table.
fn event_table(before: &str) -> Option<&str> {
    let open = before.rfind(['(', '（'])?;
    let inner = before.get(open..)?;
    if inner.contains([')', '）']) {
        return None;
    }
    let inner = inner.trim_start_matches(['(', '（']).trim_start();
    let end = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let table = inner.get(..end)?;
    (!table.is_empty() && inner.contains("满足")).then_some(table)
}

/// The `令` names written above the cursor in the indicator it is in.
fn lets_above(text: &str, line_start: usize) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.get(..line_start).unwrap_or("").lines().rev() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("令 ") {
            if let Some(name) = rest.split(['=', ' ']).next().filter(|n| !n.is_empty()) {
                names.push(name.to_string());
            }
        }
        if t.starts_with("指标 ") || t.starts_with("修改 ") {
            break;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_after_modify_and_remove() {
        assert_eq!(
            code_after_modify("修改 指标 1.3"),
            Some(("1.3", "修改 指标 ".len()))
        );
        assert_eq!(code_after_modify("删除 "), Some(("", "删除 ".len())));
        assert_eq!(
            code_after_modify("  修改 指标 "),
            Some(("", "  修改 指标 ".len()))
        );
        assert_eq!(code_after_modify("修改 等级"), None);
        assert_eq!(code_after_modify("修改指标"), None);
    }

    #[test]
    fn the_line_tells_what_is_wanted() {
        assert!(want("", 0, "分档 ") == Want::Number);
        assert!(want("", 0, "公式 5 × ") == Want::Number);
        assert!(want("", 0, "若 ") == Want::Any);
        let text = "指标 1 x 5 分 {\n  清单 {\n    甲 得 1 分\n    ";
        assert!(want(text, text.len() - 4, "") == Want::YesNo);
    }

    #[test]
    fn event_table_in_an_open_count() {
        assert_eq!(event_table("每 条数(失信事件 满足 类"), Some("失信事件"));
        assert_eq!(event_table("每 条数(失信事件) > "), None);
    }
}
