//! An expression of a rule with the values one subject's evaluation read
//! put in place of the names: “按时办结数 ÷ 热线工单数” → “958 ÷ 1000”.

use super::explain_calc::Calc;
use crate::eval::Values;
use crate::ir::{self, ExprKind as K, Indicator, Ty, Value};
use crate::prose;
use crate::syntax::ast::{BinOp, UnOp};

/// An expression with the values the subject's evaluation read put in
/// place of names.
pub(super) struct Subst<'a> {
    pub calc: &'a Calc<'a>,
    pub ind: &'a Indicator,
    pub values: &'a Values,
}

impl Subst<'_> {
    /// “办结率 = 按时办结数 ÷ 热线工单数 = 958 ÷ 1000 = 95.8%”.
    pub fn definition(&self, i: usize, l: &ir::Let) -> String {
        let words = prose::definition(self.calc.model, self.ind, i);
        let numbers = self.expr(&l.value, 0);
        let value = match self.values.lets.get(i).cloned().flatten() {
            Some(Value::Num(n)) => self.calc.equals(&n, &l.value.ty),
            Some(v) => format!("= {}", self.value(&v, &l.value.ty)),
            None => String::new(),
        };
        let simple = !matches!(l.value.kind, K::Binary(..) | K::Unary(..) | K::Func(..));
        let value = if value.is_empty() {
            value
        } else {
            format!(" {value}")
        };
        if simple || words.ends_with(&format!("= {numbers}")) {
            format!("{words}{value}")
        } else {
            format!("{words} = {numbers}{value}")
        }
    }

    pub fn field_name(&self, f: ir::FieldId) -> String {
        self.calc
            .model
            .subject
            .fields
            .get(f)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    }

    fn value(&self, v: &Value, ty: &Ty) -> String {
        match v {
            Value::Num(n) => self.calc.quantity(n, ty).0,
            other => crate::eval::show_value(self.calc.model, other, Some(ty)),
        }
    }

    /// The expression with numbers for fields, bindings and statistics.
    pub fn expr(&self, e: &ir::Expr, outer: u8) -> String {
        let model = self.calc.model;
        let (text, own) = match &e.kind {
            K::Field(f) => match self.values.field(*f) {
                Some(v) => (self.value(v, &e.ty), 9),
                None => (prose::expr(model, &self.ind.lets, e), 9),
            },
            K::Let(i) => match self.values.lets.get(*i).cloned().flatten() {
                // A value that rounding would change is put in as the
                // numbers it came from, so the arithmetic stays exact.
                Some(Value::Num(n)) if !self.calc.quantity(&n, &e.ty).1 => {
                    match self.ind.lets.get(*i) {
                        Some(l) => (format!("({})", self.expr(&l.value, 0)), 9),
                        None => (self.calc.quantity(&n, &e.ty).0, 9),
                    }
                }
                Some(v) => (self.value(&v, &e.ty), 9),
                None => (prose::expr(model, &self.ind.lets, e), 9),
            },
            K::PopMax(f) | K::PopMin(f) => {
                let stat = match e.kind {
                    K::PopMax(_) => crate::plan::Stat::Max(*f),
                    _ => crate::plan::Stat::Min(*f),
                };
                match self.values.stat(stat).and_then(|p| p.value) {
                    Some(v) => (self.calc.quantity(&v, &e.ty).0, 9),
                    None => (prose::expr(model, &self.ind.lets, e), 9),
                }
            }
            K::Unary(UnOp::Neg, a) => (format!("−{}", self.expr(a, 8)), 8),
            K::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                let p = match op {
                    BinOp::Add | BinOp::Sub => 5,
                    _ => 6,
                };
                let symbol = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "−",
                    BinOp::Mul => "×",
                    _ => "÷",
                };
                (
                    format!("{} {symbol} {}", self.expr(a, p), self.expr(b, p + 1)),
                    p,
                )
            }
            K::Func(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, 0)).collect();
                (format!("{}({})", f.name(), args.join(", ")), 9)
            }
            _ => (prose::expr(model, &self.ind.lets, e), 9),
        };
        if own < outer {
            format!("({text})")
        } else {
            text
        }
    }
}
