//! The outline of a rule file: tables and their fields, parameters and
//! periods, the indicator tree with points, bonus items, vetoes, grades,
//! and a variant's changes.

use super::document::Snapshot;
use crate::source::Span;
use crate::syntax::ast::{self, FieldType, Item, Weight};
use lsp_types::{DocumentSymbol, SymbolKind};

pub fn symbols(snap: &Snapshot) -> Vec<DocumentSymbol> {
    snap.own
        .items
        .iter()
        .filter_map(|item| symbol(snap, item))
        .collect()
}

fn symbol(snap: &Snapshot, item: &Item) -> Option<DocumentSymbol> {
    Some(match item {
        Item::Table(t) => {
            let kind = match t.kind {
                ast::TableKind::Subject => "对象表",
                ast::TableKind::Event => "事件表",
            };
            let mut s = make(
                snap,
                &t.name.node,
                Some(kind.into()),
                SymbolKind::STRUCT,
                t.span,
                t.name.span,
            );
            s.children = Some(fields(snap, &t.fields));
            s
        }
        Item::Extend { table, fields: fs } => {
            let full = fs.iter().fold(table.span, |s, f| s.to(f.name.span));
            let mut s = make(
                snap,
                &format!("扩展 {}", table.node),
                None,
                SymbolKind::STRUCT,
                full,
                table.span,
            );
            s.children = Some(fields(snap, fs));
            s
        }
        Item::Param(p) => {
            let full = p.name.span.to(p.default.span);
            let detail = format!("{} = {}", p.ty.node, snap.files.slice(p.default.span));
            make(
                snap,
                &p.name.node,
                Some(detail),
                SymbolKind::CONSTANT,
                full,
                p.name.span,
            )
        }
        Item::Period(p) => {
            let full = p.name.span.to(p.to.span);
            make(
                snap,
                &p.name.node,
                Some("期间".into()),
                SymbolKind::VARIABLE,
                full,
                p.name.span,
            )
        }
        Item::Indicator(ind) => indicator(snap, ind),
        Item::Bonus(b) => {
            let name = format!("加分 {} {}", b.code.node, b.name.node);
            make(snap, &name, None, SymbolKind::EVENT, b.span, b.code.span)
        }
        Item::Veto(v) => {
            let name = format!("否决 {} {}", v.code.node, v.name.node);
            make(snap, &name, None, SymbolKind::EVENT, v.span, v.code.span)
        }
        Item::Grades(rows) => grades(snap, rows),
        Item::Modify(m, span) => modify(snap, m, *span),
        Item::Remove(r, span) => {
            let code = match r {
                ast::Remove::Indicator(c) | ast::Remove::Bonus(c) | ast::Remove::Veto(c) => c,
            };
            make(
                snap,
                &format!("删除 {}", code.node),
                None,
                SymbolKind::NULL,
                *span,
                code.span,
            )
        }
        Item::Meta(..) | Item::Scoring(_) | Item::Policies(_) => return None,
    })
}

fn fields(snap: &Snapshot, fields: &[ast::Field]) -> Vec<DocumentSymbol> {
    fields
        .iter()
        .map(|f| {
            let ty = match &f.ty {
                FieldType::Named(n) => n.node.clone(),
                FieldType::Enum(..) => "枚举".into(),
            };
            let full = f.constraints.iter().fold(f.name.span, |s, c| s.to(c.span));
            make(
                snap,
                &f.name.node,
                Some(ty),
                SymbolKind::FIELD,
                full,
                f.name.span,
            )
        })
        .collect()
}

/// `5 分`, `权重 30%`, as written.
pub(super) fn weight(w: &Weight) -> String {
    match w {
        Weight::Points(p) => format!("{p} 分"),
        Weight::Share(s) => match s.checked_mul(rust_decimal::Decimal::ONE_HUNDRED) {
            Some(percent) => format!("权重 {}%", percent.normalize()),
            None => format!("权重 {s}"),
        },
    }
}

fn indicator(snap: &Snapshot, ind: &ast::Indicator) -> DocumentSymbol {
    let name = format!("{} {}", ind.code.node, ind.name.node);
    let kind = if ind.children.is_empty() {
        SymbolKind::FUNCTION
    } else {
        SymbolKind::MODULE
    };
    let mut s = make(
        snap,
        &name,
        Some(weight(&ind.weight.node)),
        kind,
        ind.span,
        ind.code.span,
    );
    if !ind.children.is_empty() {
        s.children = Some(ind.children.iter().map(|c| indicator(snap, c)).collect());
    }
    s
}

fn grades(snap: &Snapshot, rows: &ast::Spanned<Vec<ast::GradeRow>>) -> DocumentSymbol {
    let children = rows
        .node
        .iter()
        .map(|r| {
            let test = match &r.test {
                Some((op, e)) => format!("{} {}", op.symbol(), snap.files.slice(e.span)),
                None => "否则".into(),
            };
            make(
                snap,
                &r.grade.node,
                Some(test),
                SymbolKind::ENUM_MEMBER,
                r.span,
                r.grade.span,
            )
        })
        .collect();
    let first = rows.node.first().map_or(rows.span, |r| r.span);
    let selection = Span::new(
        rows.span.file,
        rows.span.start,
        first.start.max(rows.span.start),
    );
    let mut s = make(snap, "等级", None, SymbolKind::ENUM, rows.span, selection);
    s.children = Some(children);
    s
}

fn modify(snap: &Snapshot, m: &ast::Modify, span: Span) -> DocumentSymbol {
    let (name, selection) = match m {
        ast::Modify::Indicator {
            code, weight: w, ..
        } => {
            let detail = w
                .as_ref()
                .map(|w| format!(" {}", weight(&w.node)))
                .unwrap_or_default();
            (format!("修改 指标 {}{detail}", code.node), code.span)
        }
        ast::Modify::Bonus { code, .. } => (format!("修改 加分 {}", code.node), code.span),
        ast::Modify::Veto { code, .. } => (format!("修改 否决 {}", code.node), code.span),
        ast::Modify::Grades(rows) => return grades(snap, rows),
        ast::Modify::Policies(_) => ("修改 通则".into(), span),
        ast::Modify::Param { name, .. } => (format!("修改 参数 {}", name.node), name.span),
    };
    make(snap, &name, None, SymbolKind::OBJECT, span, selection)
}

#[expect(
    deprecated,
    reason = "DocumentSymbol's `deprecated` field must still be written"
)]
fn make(
    snap: &Snapshot,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    full: Span,
    selection: Span,
) -> DocumentSymbol {
    let range = snap.range(full.to(selection));
    let mut selection_range = snap.range(selection);
    if selection_range.start < range.start || selection_range.end > range.end {
        selection_range = range;
    }
    DocumentSymbol {
        name: if name.is_empty() {
            "（无名）".into()
        } else {
            name.to_string()
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: None,
    }
}
