//! Rules in words: expressions and scoring rules printed the way the
//! scoring appendix writes them (for `doc`, and for `diff`'s rule text).

use crate::ir::{self, ExprKind as K, Model, Rule, Ty, Value};
use crate::number::{self, Num};
use crate::syntax::ast::{AggFn, BinOp, UnOp};

pub struct Words<'a> {
    pub model: &'a Model,
    /// `令` bindings of the indicator being printed.
    pub lets: &'a [ir::Let],
}

impl Words<'_> {
    pub fn expr(&self, e: &ir::Expr) -> String {
        self.prec(e, 0)
    }

    fn prec(&self, e: &ir::Expr, outer: u8) -> String {
        let (text, own) = match &e.kind {
            K::Const(v) => (self.value(v, &e.ty), 9),
            K::Field(f) => (
                self.model
                    .subject
                    .fields
                    .get(*f)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::EventField(t, f) => (
                self.model
                    .events
                    .get(*t)
                    .and_then(|t| t.fields.get(*f))
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::Let(i) => (
                self.lets
                    .get(*i)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::Param(i) => (
                self.model
                    .params
                    .get(*i)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::Period(i) => (
                self.model
                    .periods
                    .get(*i)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::PopMax(f) => (format!("最高({})", self.field(*f)), 9),
            K::PopMin(f) => (format!("最低({})", self.field(*f)), 9),
            K::Aggregate {
                func,
                table,
                field,
                filter,
                ..
            } => (self.aggregate(*func, *table, *field, filter.as_deref()), 9),
            K::Unary(UnOp::Not, a) => (format!("非 {}", self.prec(a, 8)), 3),
            K::Unary(UnOp::Neg, a) => (format!("-{}", self.prec(a, 8)), 8),
            K::Binary(op, a, b) => {
                let p = precedence(*op);
                (
                    format!(
                        "{} {} {}",
                        self.prec(a, p),
                        op.symbol(),
                        self.prec(b, p + 1)
                    ),
                    p,
                )
            }
            K::Func(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.prec(a, 0)).collect();
                (format!("{}({})", f.name(), args.join(", ")), 9)
            }
        };
        if own < outer {
            format!("({text})")
        } else {
            text
        }
    }

    fn field(&self, f: usize) -> String {
        self.model
            .subject
            .fields
            .get(f)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    }

    fn aggregate(
        &self,
        func: AggFn,
        table: usize,
        field: Option<usize>,
        filter: Option<&ir::Expr>,
    ) -> String {
        let t = self.model.events.get(table);
        let name = t.map(|t| t.name.clone()).unwrap_or_default();
        let target = match (func, field) {
            (AggFn::Sum, Some(f)) => format!(
                "{name}.{}",
                t.and_then(|t| t.fields.get(f))
                    .map(|f| f.name.as_str())
                    .unwrap_or("")
            ),
            _ => name,
        };
        let f = match func {
            AggFn::Count => "条数",
            AggFn::Sum => "合计",
        };
        match filter {
            Some(c) => format!("{f}({target} 满足 {})", self.expr(c)),
            None => format!("{f}({target})"),
        }
    }

    pub fn value(&self, v: &Value, ty: &Ty) -> String {
        match (v, ty) {
            (Value::Num(n), Ty::Ratio) => number::show_percent(n),
            (Value::Enum(i), Ty::Enum(e)) => self
                .model
                .enums
                .get(*e)
                .and_then(|v| v.get(*i as usize))
                .cloned()
                .unwrap_or_default(),
            (v, t) => crate::eval::show_value(self.model, v, Some(t)),
        }
    }

    pub fn num(&self, n: &Num, ty: &Ty) -> String {
        if *ty == Ty::Ratio {
            number::show_percent(n)
        } else {
            number::show(n)
        }
    }

    /// One indicator's scoring in words: definitions, special cases, rule.
    pub fn indicator(&self, ind: &ir::Indicator) -> String {
        let mut parts: Vec<String> = ind
            .lets
            .iter()
            .map(|l| format!("{} = {}", l.name, self.expr(&l.value)))
            .collect();
        for g in &ind.guards {
            parts.push(format!(
                "{} 时得 {} 分",
                self.expr(&g.cond),
                number::show(&g.score)
            ));
        }
        if let Some(rule) = &ind.rule {
            parts.push(self.rule(rule, &ind.full));
        }
        let mut text = parts.join("。");
        if !text.is_empty() {
            text.push('。');
        }
        text
    }

    pub fn rule(&self, rule: &Rule, full: &Num) -> String {
        let pts = |n: &Num| format!("得 {} 分", number::show(n));
        match rule {
            Rule::Bands { subject, rows } => {
                let s = self.expr(subject);
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| match r.test {
                        Some((op, t)) => format!(
                            "{s} {} {} {}",
                            op.symbol(),
                            self.num(&t, &subject.ty),
                            pts(&r.score)
                        ),
                        None => format!("其他 {}", pts(&r.score)),
                    })
                    .collect();
                rows.join("；")
            }
            Rule::Lookup { subject, rows } => {
                let s = self.expr(subject);
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| match r.test {
                        Some((_, t)) => {
                            format!("{s} 为 {} {}", self.num(&t, &subject.ty), pts(&r.score))
                        }
                        None => format!("其他 {}", pts(&r.score)),
                    })
                    .collect();
                rows.join("；")
            }
            Rule::Interp { subject, anchors } => {
                let s = self.expr(subject);
                let (Some(first), Some(last)) = (anchors.first(), anchors.last()) else {
                    return String::new();
                };
                let inner: Vec<String> = anchors
                    .iter()
                    .skip(1)
                    .take(anchors.len().saturating_sub(2))
                    .map(|(x, y)| format!("{s} = {} {}", self.num(x, &subject.ty), pts(y)))
                    .collect();
                let mut text = format!(
                    "{s} ≤ {} {}",
                    self.num(&first.0, &subject.ty),
                    pts(&first.1)
                );
                for i in inner {
                    text.push_str(&format!("；{i}"));
                }
                text.push_str(&format!(
                    "；{s} ≥ {} {}；其间按线性插值",
                    self.num(&last.0, &subject.ty),
                    pts(&last.1)
                ));
                text
            }
            Rule::Formula(e) => format!("得分 = {}", self.expr(e)),
            Rule::Deduct { floor, rows } => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "{} 每件扣 {} 分",
                            self.expr(&r.expr),
                            number::show(&r.score)
                        )
                    })
                    .collect();
                format!(
                    "{} 分起扣：{}{}",
                    number::show(full),
                    rows.join("，"),
                    if *floor { "，扣完为止" } else { "" }
                )
            }
            Rule::Checklist(rows) => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "{} 为“是”得 {} 分",
                            self.expr(&r.expr),
                            number::show(&r.score)
                        )
                    })
                    .collect();
                rows.join("；")
            }
        }
    }
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Cmp(_) | BinOp::In => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div => 6,
    }
}
