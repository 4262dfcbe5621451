//! Hover: what the name under the cursor is. An indicator: its code,
//! name, points, parent and rule in words (from `prose`); a field: its
//! table, type, unit and constraints; a `令`: its definition; a parameter
//! or period: its value.

use super::document::Snapshot;
use super::index::{Index, Target};
use crate::ir::{Indicator, Model};
use crate::number;
use crate::prose;
use crate::source::FileId;
use crate::syntax::ast::{self, Constraint, FieldType, TableKind};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub fn hover(snap: &Snapshot, file: FileId, offset: usize) -> Option<Hover> {
    let at = snap.index.at(file, offset)?;
    let text = match &at.target {
        Target::Indicator(code) => indicator(snap, code)?,
        Target::Field { table, field } => field_text(&snap.index, table, field)?,
        Target::Table(name) => table_text(&snap.index, name)?,
        Target::Let { scope, .. } => let_text(snap, *scope)?,
        Target::Param(name) => param(snap, name)?,
        Target::Period(name) => period(snap, name)?,
        Target::Bonus(code) => item(snap, code, true)?,
        Target::Veto(code) => item(snap, code, false)?,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(snap.range(at.span)),
    })
}

fn indicator(snap: &Snapshot, code: &str) -> Option<String> {
    if let Some(model) = &snap.model {
        if let Some(ind) = model.indicators.iter().find(|i| i.code == code) {
            return Some(from_model(model, ind));
        }
    }
    // Not in the model: the rules have errors, or a variant removed it.
    let (code, name, weight) = snap
        .index
        .indicators
        .iter()
        .find(|(c, ..)| c.node == code)?;
    let weight = super::symbols::weight(weight);
    let why = match &snap.model {
        Some(_) => "变体删除了此指标，不参与评分。",
        None => "规则有错误，改正后显示评分规则。",
    };
    Some(format!(
        "**指标 {} {}**（{weight}）\n\n{why}",
        code.node, name.node
    ))
}

fn from_model(model: &Model, ind: &Indicator) -> String {
    let mut out = format!(
        "**指标 {} {}**\n\n满分 {} 分",
        ind.code,
        ind.name,
        prose::points(&ind.full)
    );
    if model.mode == crate::ir::Mode::Weights {
        out.push_str(&format!("，权重 {}", number::show_percent(&ind.weight)));
    }
    match ind.parent.and_then(|p| model.indicators.get(p)) {
        Some(p) => out.push_str(&format!("；上级指标 {} {}", p.code, p.name)),
        None => out.push_str("；一级指标"),
    }
    out.push_str(&format!("\n\n{}", prose::rule(model, ind)));
    out
}

fn field_text(index: &Index, table: &str, name: &str) -> Option<String> {
    let field = index.field(table, name)?;
    let kind = match index.table_kind(table) {
        Some(TableKind::Event) => "事件表",
        _ => "对象表",
    };
    let ty = match &field.ty {
        FieldType::Named(t) => t.node.clone(),
        FieldType::Enum(values, _) => {
            let v: Vec<&str> = values.iter().map(|v| v.node.as_str()).collect();
            format!("枚举 {{ {} }}", v.join("，"))
        }
    };
    let mut out = format!("**字段 {name}**\n\n{kind} {table} 的字段，类型：{ty}");
    if let Some(unit) = unit(&ty) {
        out.push_str(&format!("（{unit}）"));
    }
    let constraints: Vec<String> = field
        .constraints
        .iter()
        .map(|c| constraint(&c.node))
        .collect();
    if !constraints.is_empty() {
        out.push_str(&format!("\n\n约束：{}", constraints.join("，")));
    }
    Some(out)
}

/// What a value of a field type is measured in.
fn unit(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "计数" => "非负整数，件数或个数",
        "百分数" => "百分点，0–100，数据中写 95 表示 95%",
        "分数" => "0–100 分",
        "金额" => "元，非负",
        "年份" => "公历年份",
        "小数" => "任意小数",
        "是否" => "是 或 否",
        "日期" => "YYYY-MM-DD",
        "文本" => "文字",
        _ => return None,
    })
}

fn constraint(c: &Constraint) -> String {
    match c {
        Constraint::Key => "主键".into(),
        Constraint::Unique => "唯一".into(),
        Constraint::Required => "必填".into(),
        Constraint::Group => "分组（结果按此字段分组）".into(),
        Constraint::Ref(t) => format!("引用 {}", t.node),
        Constraint::AtMost(f) => format!("不大于 {}", f.node),
        Constraint::Range(a, b) => format!("范围 {a} 至 {b}"),
    }
}

fn table_text(index: &Index, name: &str) -> Option<String> {
    let kind = match index.table_kind(name)? {
        TableKind::Subject => "对象表",
        TableKind::Event => "事件表",
    };
    let fields = index.fields.get(name).map_or(0, Vec::len);
    Some(format!("**{kind} {name}**\n\n{fields} 个字段"))
}

fn let_text(snap: &Snapshot, scope: usize) -> Option<String> {
    let decl = snap.index.lets.get(scope)?;
    let written = snap.files.slice(decl.value);
    let mut out = format!(
        "**令 {}**（指标 {}）\n\n```\n{} = {written}\n```",
        decl.name.node, decl.indicator, decl.name.node
    );
    if let Some((model, ind)) = model_indicator(snap, &decl.indicator) {
        if let Some(i) = ind.lets.iter().position(|l| l.name == decl.name.node) {
            let words = prose::definition(model, ind, i);
            if words != format!("{} = {written}", decl.name.node) {
                out.push_str(&format!("\n\n{words}"));
            }
        }
    }
    Some(out)
}

fn model_indicator<'a>(snap: &'a Snapshot, code: &str) -> Option<(&'a Model, &'a Indicator)> {
    let model = snap.model.as_ref()?;
    Some((model, model.indicators.iter().find(|i| i.code == code)?))
}

fn param(snap: &Snapshot, name: &str) -> Option<String> {
    let p: &ast::Param = snap.index.params.iter().find(|p| p.name.node == name)?;
    // A variant's `修改 参数` wins over the declaration: the model knows.
    let value = snap
        .model
        .as_ref()
        .and_then(|m| {
            let q = m.params.iter().find(|q| q.name == name)?;
            Some(prose::Prose::new(m, &[]).value(&q.default, &q.ty))
        })
        .unwrap_or_else(|| snap.files.slice(p.default.span).to_string());
    Some(format!(
        "**参数 {name}**：{}\n\n默认值 {value}（可用 --param {name}=值 改变）",
        p.ty.node
    ))
}

fn period(snap: &Snapshot, name: &str) -> Option<String> {
    let p = snap.index.periods.iter().find(|p| p.name.node == name)?;
    let words = snap.model.as_ref().and_then(|m| {
        let i = m.periods.iter().position(|q| q.name == name)?;
        Some(prose::period(m, i))
    });
    let written = format!(
        "{} 至 {}",
        snap.files.slice(p.from.span),
        snap.files.slice(p.to.span)
    );
    Some(match words {
        Some(w) => format!("**期间 {name}**\n\n{w}\n\n`{written}`"),
        None => format!("**期间 {name}**\n\n`{written}`"),
    })
}

fn item(snap: &Snapshot, code: &str, bonus: bool) -> Option<String> {
    let model = snap.model.as_ref()?;
    if bonus {
        let b = model.bonuses.iter().find(|b| b.code == code)?;
        Some(format!(
            "**加分 {} {}**\n\n{}",
            b.code,
            b.name,
            prose::bonus(model, b)
        ))
    } else {
        let v = model.vetoes.iter().find(|v| v.code == code)?;
        Some(format!(
            "**否决 {} {}**\n\n{}时一票否决。",
            v.code,
            v.name,
            prose::veto(model, v)
        ))
    }
}
