//! What each name in the rule files means: every declaration and every use
//! of a field, table, `令`, parameter, period and indicator code, resolved
//! as the checker resolves names (`令` of the indicator, then the event
//! table's fields inside `条数(…)`/`合计(…)`, then the subject's fields,
//! parameters, periods). Hover, go to definition, references and
//! completion read it.

use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Expr, ExprKind, Item, TableKind};
use std::collections::{HashMap, HashSet};

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Table(String),
    Field {
        table: String,
        field: String,
    },
    /// A `令` of the indicator body numbered `scope`.
    Let {
        scope: usize,
        name: String,
    },
    Param(String),
    Period(String),
    Indicator(String),
    Bonus(String),
    Veto(String),
}

/// One place a name is written.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub target: Target,
    pub span: Span,
    /// The declaration, not a use.
    pub decl: bool,
}

/// A `令`: its name and its definition.
#[derive(Clone, Debug)]
pub struct LetDecl {
    /// The code of the indicator it belongs to.
    pub indicator: String,
    pub name: ast::Name,
    pub value: Span,
}

#[derive(Debug, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
    /// `令`, by scope number.
    pub lets: Vec<LetDecl>,
    /// The subject table's name.
    pub subject: Option<String>,
    /// Fields by table name.
    pub fields: HashMap<String, Vec<ast::Field>>,
    pub tables: Vec<(TableKind, ast::Name)>,
    pub params: Vec<ast::Param>,
    pub periods: Vec<ast::Period>,
    /// Indicator codes and names, in order, with their file.
    pub indicators: Vec<(ast::Spanned<String>, ast::Name, ast::Weight)>,
}

impl Index {
    /// The index of a chain of files, the base first.
    pub fn new(files: &[&ast::File]) -> Self {
        let mut index = Index::default();
        for f in files {
            index.declare(f);
        }
        for f in files {
            Walker {
                index: &mut index,
                lets: Vec::new(),
                event: None,
            }
            .file(f);
        }
        index
    }

    /// The name written at `offset` of `file`, the innermost if several.
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.end.saturating_sub(o.span.start))
    }

    /// Where `target` is declared (the first declaration).
    pub fn declaration(&self, target: &Target) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.decl && o.target == *target)
    }

    /// Every place `target` is written.
    pub fn references<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.target == *target)
    }

    pub fn field(&self, table: &str, field: &str) -> Option<&ast::Field> {
        self.fields
            .get(table)?
            .iter()
            .find(|f| f.name.node == field)
    }

    pub fn table_kind(&self, table: &str) -> Option<TableKind> {
        self.tables
            .iter()
            .find(|(_, n)| n.node == table)
            .map(|(k, _)| *k)
    }

    /// The subject table's fields.
    pub fn subject_fields(&self) -> &[ast::Field] {
        self.subject
            .as_ref()
            .and_then(|s| self.fields.get(s))
            .map_or(&[], Vec::as_slice)
    }

    /// First pass: the tables, fields, parameters and periods every
    /// expression can name.
    fn declare(&mut self, file: &ast::File) {
        for item in &file.items {
            match item {
                Item::Table(t) => {
                    if t.kind == TableKind::Subject && self.subject.is_none() {
                        self.subject = Some(t.name.node.clone());
                    }
                    self.tables.push((t.kind, t.name.clone()));
                    self.fields
                        .entry(t.name.node.clone())
                        .or_default()
                        .extend(t.fields.iter().cloned());
                }
                Item::Extend { table, fields } => self
                    .fields
                    .entry(table.node.clone())
                    .or_default()
                    .extend(fields.iter().cloned()),
                Item::Param(p) => self.params.push(p.clone()),
                Item::Period(p) => self.periods.push(p.clone()),
                _ => {}
            }
        }
    }
}

/// Second pass: every use, resolved.
struct Walker<'a> {
    index: &'a mut Index,
    /// `令` in scope: name → scope number.
    lets: Vec<(String, usize)>,
    /// Inside `条数(表 满足 …)`: that table.
    event: Option<String>,
}

impl Walker<'_> {
    fn push(&mut self, target: Target, span: Span, decl: bool) {
        self.index
            .occurrences
            .push(Occurrence { target, span, decl });
    }

    fn file(&mut self, file: &ast::File) {
        for item in &file.items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Table(t) => {
                self.push(Target::Table(t.name.node.clone()), t.name.span, true);
                self.fields(&t.name.node, &t.fields);
            }
            Item::Extend { table, fields } => {
                self.push(Target::Table(table.node.clone()), table.span, false);
                self.fields(&table.node, fields);
            }
            Item::Param(p) => {
                self.push(Target::Param(p.name.node.clone()), p.name.span, true);
                self.expr(&p.default);
            }
            Item::Period(p) => {
                self.push(Target::Period(p.name.node.clone()), p.name.span, true);
                self.expr(&p.from);
                self.expr(&p.to);
            }
            Item::Indicator(ind) => self.indicator(ind),
            Item::Bonus(b) => {
                self.push(Target::Bonus(b.code.node.clone()), b.code.span, true);
                self.bonus_rows(&b.rows);
            }
            Item::Veto(v) => {
                self.push(Target::Veto(v.code.node.clone()), v.code.span, true);
                self.expr(&v.cond);
            }
            Item::Grades(rows) => self.grade_rows(&rows.node),
            Item::Remove(r, _) => match r {
                ast::Remove::Indicator(c) => {
                    self.push(Target::Indicator(c.node.clone()), c.span, false)
                }
                ast::Remove::Bonus(c) => self.push(Target::Bonus(c.node.clone()), c.span, false),
                ast::Remove::Veto(c) => self.push(Target::Veto(c.node.clone()), c.span, false),
            },
            Item::Modify(m, _) => self.modify(m),
            Item::Meta(..) | Item::Scoring(_) | Item::Policies(_) => {}
        }
    }

    fn fields(&mut self, table: &str, fields: &[ast::Field]) {
        for f in fields {
            let target = Target::Field {
                table: table.to_string(),
                field: f.name.node.clone(),
            };
            self.push(target, f.name.span, true);
            for c in &f.constraints {
                match &c.node {
                    ast::Constraint::Ref(t) => {
                        self.push(Target::Table(t.node.clone()), t.span, false)
                    }
                    ast::Constraint::AtMost(other) => {
                        let target = Target::Field {
                            table: table.to_string(),
                            field: other.node.clone(),
                        };
                        self.push(target, other.span, false);
                    }
                    _ => {}
                }
            }
        }
    }

    fn modify(&mut self, m: &ast::Modify) {
        match m {
            ast::Modify::Indicator { code, body, .. } => {
                self.push(Target::Indicator(code.node.clone()), code.span, false);
                if let Some(body) = body {
                    self.body(&code.node, &body.lets, &body.guards, &body.rules);
                }
            }
            ast::Modify::Bonus { code, rows, .. } => {
                self.push(Target::Bonus(code.node.clone()), code.span, false);
                self.bonus_rows(rows);
            }
            ast::Modify::Veto { code, cond, .. } => {
                self.push(Target::Veto(code.node.clone()), code.span, false);
                self.expr(cond);
            }
            ast::Modify::Grades(rows) => self.grade_rows(&rows.node),
            ast::Modify::Param { name, default } => {
                self.push(Target::Param(name.node.clone()), name.span, false);
                self.expr(default);
            }
            ast::Modify::Policies(_) => {}
        }
    }

    fn indicator(&mut self, ind: &ast::Indicator) {
        self.push(
            Target::Indicator(ind.code.node.clone()),
            ind.code.span,
            true,
        );
        self.index
            .indicators
            .push((ind.code.clone(), ind.name.clone(), ind.weight.node));
        for child in &ind.children {
            self.indicator(child);
        }
        self.body(&ind.code.node, &ind.lets, &ind.guards, &ind.rules);
    }

    fn body(
        &mut self,
        code: &str,
        lets: &[ast::Let],
        guards: &[ast::Guard],
        rules: &[ast::Spanned<ast::Rule>],
    ) {
        let outer = std::mem::take(&mut self.lets);
        let mut seen = HashSet::new();
        for l in lets {
            let scope = self.index.lets.len();
            self.index.lets.push(LetDecl {
                indicator: code.to_string(),
                name: l.name.clone(),
                value: l.value.span,
            });
            // The value may use the `令` above it, not itself.
            self.expr(&l.value);
            if seen.insert(l.name.node.clone()) {
                self.lets.push((l.name.node.clone(), scope));
            }
            self.push(
                Target::Let {
                    scope,
                    name: l.name.node.clone(),
                },
                l.name.span,
                true,
            );
        }
        for g in guards {
            self.expr(&g.cond);
        }
        for r in rules {
            self.rule(&r.node);
        }
        self.lets = outer;
    }

    fn rule(&mut self, rule: &ast::Rule) {
        use ast::Rule as R;
        match rule {
            R::Bands { subject, rows, .. } => {
                self.expr(subject);
                for row in rows {
                    if let Some((_, e)) = &row.test {
                        self.expr(e);
                    }
                }
            }
            R::Interp {
                subject, anchors, ..
            } => {
                self.expr(subject);
                for (e, _) in anchors {
                    self.expr(e);
                }
            }
            R::Formula(e) => self.expr(e),
            R::Deduct { rows, .. } | R::Checklist(rows) => {
                for (e, _) in rows {
                    self.expr(e);
                }
            }
            R::Lookup { subject, rows, .. } => {
                self.expr(subject);
                for row in rows {
                    if let Some(e) = &row.key {
                        self.expr(e);
                    }
                }
            }
        }
    }

    fn bonus_rows(&mut self, rows: &[ast::BonusRow]) {
        for row in rows {
            match row {
                ast::BonusRow::Each(e, _) | ast::BonusRow::If(e, _) => self.expr(e),
            }
        }
    }

    fn grade_rows(&mut self, rows: &[ast::GradeRow]) {
        for row in rows {
            if let Some((_, e)) = &row.test {
                self.expr(e);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Name(name) => {
                if let Some(target) = self.resolve(name) {
                    self.push(target, e.span, false);
                }
            }
            ExprKind::Path(table, field) => self.path(table, field),
            ExprKind::Call(_, args) => {
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Aggregate { target, filter, .. } => {
                let table = match &target.node {
                    ExprKind::Name(t) => {
                        self.push(Target::Table(t.clone()), target.span, false);
                        Some(t.clone())
                    }
                    ExprKind::Path(t, f) => {
                        self.path(t, f);
                        Some(t.node.clone())
                    }
                    _ => None,
                };
                if let Some(filter) = filter {
                    let outer = std::mem::replace(&mut self.event, table);
                    self.expr(filter);
                    self.event = outer;
                }
            }
            ExprKind::Unary(_, inner) => self.expr(inner),
            ExprKind::Binary(_, l, r) => {
                self.expr(l);
                self.expr(r);
            }
            ExprKind::Number(_)
            | ExprKind::Percent(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_)
            | ExprKind::Date(_) => {}
        }
    }

    fn path(&mut self, table: &ast::Name, field: &ast::Name) {
        self.push(Target::Table(table.node.clone()), table.span, false);
        let target = Target::Field {
            table: table.node.clone(),
            field: field.node.clone(),
        };
        self.push(target, field.span, false);
    }

    fn resolve(&self, name: &str) -> Option<Target> {
        if let Some((_, scope)) = self.lets.iter().rev().find(|(n, _)| n == name) {
            return Some(Target::Let {
                scope: *scope,
                name: name.to_string(),
            });
        }
        let field = |table: &String| {
            self.index.field(table, name).map(|_| Target::Field {
                table: table.clone(),
                field: name.to_string(),
            })
        };
        if let Some(t) = self.event.as_ref().and_then(field) {
            return Some(t);
        }
        if let Some(t) = self.index.subject.as_ref().and_then(field) {
            return Some(t);
        }
        if self.index.params.iter().any(|p| p.name.node == name) {
            return Some(Target::Param(name.to_string()));
        }
        if self.index.periods.iter().any(|p| p.name.node == name) {
            return Some(Target::Period(name.to_string()));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Index {
        let file = crate::syntax::parse(FileId(0), text).unwrap();
        Index::new(&[&file])
    }

    #[test]
    fn names_resolve_as_the_checker_does() {
        let text = std::fs::read_to_string("rules/national.zb").unwrap();
        let index = index(&text);
        let used = text.find("分档 审查率").unwrap() + "分档 ".len();
        let at = index.at(FileId(0), used).unwrap();
        assert!(matches!(&at.target, Target::Let { name, .. } if name == "审查率"));
        let decl = index.declaration(&at.target).unwrap();
        assert_eq!(
            decl.span.start,
            text.find("令 审查率").unwrap() + "令 ".len()
        );
        // Inside 条数(失信事件 满足 …), 类型 is the event table's field.
        let kind = text.find("类型 = 拖欠账款").unwrap();
        let at = index.at(FileId(0), kind).unwrap();
        assert_eq!(
            at.target,
            Target::Field {
                table: "失信事件".into(),
                field: "类型".into()
            }
        );
        let year = Target::Param("评价年度".into());
        assert_eq!(index.references(&year).count(), 3);
    }

    #[test]
    fn each_indicator_has_its_own_lets() {
        let text = std::fs::read_to_string("rules/national.zb").unwrap();
        let index = index(&text);
        let first = text.find("分档 办结率").unwrap() + "分档 ".len();
        let second = text.find("公式 3 × 办结率").unwrap() + "公式 3 × ".len();
        let a = &index.at(FileId(0), first).unwrap().target;
        let b = &index.at(FileId(0), second).unwrap().target;
        assert_ne!(a, b);
        assert_eq!(index.references(a).count(), 2);
    }
}
