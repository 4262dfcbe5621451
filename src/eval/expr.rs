//! Evaluating typed expressions for one subject.

use crate::evidence::Evidence;
use crate::ir::{self, ExprKind as K, Func, Value};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{AggFn, BinOp, CmpOp, UnOp};
use std::cmp::Ordering;

/// Why an expression has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// An empty evidence cell (or a statistic over no values).
    Missing,
    /// Division by zero at this denominator.
    ZeroDivision(Span),
    /// A number too large for exact arithmetic.
    Overflow(Span),
    /// `日期(年, 月, 日)` over evidence values that form no date (the
    /// values, so the message can say why).
    BadDate(Span, [Num; 3]),
}

impl Fault {
    /// What went wrong, for the user (Chinese).
    pub fn message(&self) -> String {
        match self {
            Fault::Overflow(_) => "数值过大，超出精确计算的范围".to_string(),
            Fault::BadDate(_, [y, m, d]) => format!(
                "日期(…) 无法构成日期：{}",
                crate::date::make(y, m, d).err().unwrap_or_default()
            ),
            Fault::ZeroDivision(_) => "除数为 0".to_string(),
            Fault::Missing => "所需数据为空，而规则的通则未声明“缺失 得零分”".to_string(),
        }
    }
}

pub type Res<T> = Result<T, Fault>;

/// Everything an expression can read while one subject is scored.
pub struct Ctx<'a> {
    pub plan: &'a crate::plan::Plan,
    pub model: &'a ir::Model,
    /// Aggregate values per subject (`subject × aggregates + slot`), from
    /// the one pass over the events; empty while that pass runs.
    pub slots: &'a [Num],
    pub evidence: &'a Evidence,
    pub params: &'a [Value],
    /// Population statistics, looked up by the planner's `Stat`.
    pub stats: &'a [(crate::plan::Stat, Option<Num>)],
    pub subject: usize,
    /// Event rows of this subject, per event table.
    pub events: &'a [Vec<u32>],
    /// `令` bindings of the current indicator, evaluated in order.
    pub lets: Vec<Res<Value>>,
    /// Event row being filtered: (table, row).
    pub row: Option<(usize, usize)>,
    /// Event ids matched by aggregates, for explanations.
    pub matched: Vec<(usize, usize)>,
    /// Whether to record explanations (explain, tests) or only score.
    pub detail: bool,
    /// An event row being folded into aggregates as it is read (not
    /// stored in the evidence): its values by field.
    pub row_values: Option<&'a [Option<Value>]>,
    /// Subject rows holding each population statistic (in `stats`
    /// order); empty unless explaining.
    pub holders: &'a [Vec<u32>],
}

impl<'a> Ctx<'a> {
    /// A context for plain scoring (no explanation, no event rows of its
    /// own, no row being folded), positioned on subject row `subject`.
    pub fn plain(
        plan: &'a crate::plan::Plan,
        evidence: &'a Evidence,
        slots: &'a [Num],
        stats: &'a [(crate::plan::Stat, Option<Num>)],
        subject: usize,
    ) -> Self {
        Ctx {
            plan,
            model: &plan.model,
            slots,
            evidence,
            params: &plan.params,
            stats,
            subject,
            events: &[],
            lets: Vec::new(),
            row: None,
            matched: Vec::new(),
            detail: false,
            row_values: None,
            holders: &[],
        }
    }
}

impl Ctx<'_> {
    pub fn eval(&mut self, e: &ir::Expr) -> Res<Value> {
        match &e.kind {
            K::Const(v) => Ok(v.clone()),
            K::Field(f) => cell(self.evidence.subjects.columns.get(*f), self.subject),
            K::EventField(_, f) if self.row_values.is_some() => self
                .row_values
                .and_then(|v| v.get(*f))
                .cloned()
                .flatten()
                .ok_or(Fault::Missing),
            K::EventField(t, f) => {
                let (_, row) = self.row.filter(|(rt, _)| rt == t).ok_or(Fault::Missing)?;
                cell(
                    self.evidence.events.get(*t).and_then(|d| d.columns.get(*f)),
                    row,
                )
            }
            K::Let(i) => self.lets.get(*i).cloned().unwrap_or(Err(Fault::Missing)),
            K::Param(i) => self.params.get(*i).cloned().ok_or(Fault::Missing),
            K::Period(_) => Err(Fault::Missing),
            K::PopMax(f) => self.stat(crate::plan::Stat::Max(*f)),
            K::PopMin(f) => self.stat(crate::plan::Stat::Min(*f)),
            K::Aggregate {
                func,
                table,
                field,
                filter,
                slot,
            } => match self
                .slots
                .get(self.subject * self.plan.aggregates.len() + *slot)
            {
                Some(v) if !self.detail => Ok(Value::Num(*v)),
                _ => self.aggregate(*func, *table, *field, filter.as_deref(), e.span),
            },
            K::Unary(UnOp::Not, a) => Ok(Value::Bool(!self.bool(a)?)),
            K::Unary(UnOp::Neg, a) => Ok(Value::Num(-self.num(a)?)),
            K::Binary(op, a, b) => self.binary(*op, a, b, e.span),
            K::Func(f, args) => self.func(*f, args, e.span),
        }
    }

    pub fn num(&mut self, e: &ir::Expr) -> Res<Num> {
        match self.eval(e)? {
            Value::Num(n) => Ok(n),
            _ => Err(Fault::Missing),
        }
    }

    pub fn bool(&mut self, e: &ir::Expr) -> Res<bool> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            _ => Err(Fault::Missing),
        }
    }

    fn stat(&self, s: crate::plan::Stat) -> Res<Value> {
        self.stats
            .iter()
            .find(|(k, _)| *k == s)
            .and_then(|(_, v)| *v)
            .map(Value::Num)
            .ok_or(Fault::Missing)
    }

    fn aggregate(
        &mut self,
        func: AggFn,
        table: usize,
        field: Option<usize>,
        filter: Option<&ir::Expr>,
        span: Span,
    ) -> Res<Value> {
        let all: &[Vec<u32>] = self.events;
        let rows: &[u32] = all.get(table).map(Vec::as_slice).unwrap_or(&[]);
        let outer = self.row;
        let mut total = number::zero();
        for &row in rows {
            let row = row as usize;
            self.row = Some((table, row));
            let keep = match filter {
                Some(f) => self.bool(f),
                None => Ok(true),
            };
            let keep = match keep {
                Ok(k) => k,
                Err(e) => {
                    self.row = outer;
                    return Err(e);
                }
            };
            if !keep {
                continue;
            }
            if self.detail {
                self.matched.push((table, row));
            }
            let add = match (func, field) {
                (AggFn::Sum, Some(f)) => match cell(
                    self.evidence
                        .events
                        .get(table)
                        .and_then(|d| d.columns.get(f)),
                    row,
                ) {
                    Ok(Value::Num(n)) => n,
                    _ => number::zero(),
                },
                _ => number::int(1),
            };
            total = number::add(&total, &add).ok_or(Fault::Overflow(span))?;
        }
        self.row = outer;
        Ok(Value::Num(total))
    }

    fn binary(&mut self, op: BinOp, a: &ir::Expr, b: &ir::Expr, span: Span) -> Res<Value> {
        let arith = |f: fn(&Num, &Num) -> Option<Num>, x: Num, y: Num| {
            f(&x, &y).map(Value::Num).ok_or(Fault::Overflow(span))
        };
        match op {
            BinOp::And => Ok(Value::Bool(self.bool(a)? && self.bool(b)?)),
            BinOp::Or => Ok(Value::Bool(self.bool(a)? || self.bool(b)?)),
            BinOp::In => {
                let Value::Date(d) = self.eval(a)? else {
                    return Err(Fault::Missing);
                };
                let K::Period(p) = &b.kind else {
                    return Err(Fault::Missing);
                };
                let (from, to) = self.plan.periods.get(*p).copied().ok_or(Fault::Missing)?;
                Ok(Value::Bool(from <= d && d <= to))
            }
            BinOp::Cmp(c) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                Ok(Value::Bool(compare(c, &x, &y)))
            }
            BinOp::Add => arith(number::add, self.num(a)?, self.num(b)?),
            BinOp::Sub => arith(number::sub, self.num(a)?, self.num(b)?),
            BinOp::Mul => arith(number::mul, self.num(a)?, self.num(b)?),
            BinOp::Div => {
                let (x, y) = (self.num(a)?, self.num(b)?);
                if y == number::zero() {
                    return Err(Fault::ZeroDivision(b.span));
                }
                arith(number::div, x, y)
            }
        }
    }

    fn func(&mut self, f: Func, args: &[ir::Expr], span: Span) -> Res<Value> {
        let vals = args
            .iter()
            .map(|a| self.num(a))
            .collect::<Res<Vec<Num>>>()?;
        match (f, vals.as_slice()) {
            (Func::Min, [first, rest @ ..]) => {
                Ok(Value::Num(rest.iter().fold(*first, |a, b| a.min(*b))))
            }
            (Func::Max, [first, rest @ ..]) => {
                Ok(Value::Num(rest.iter().fold(*first, |a, b| a.max(*b))))
            }
            (Func::Clamp, [x, lo, hi]) => Ok(Value::Num((*x).max(*lo).min(*hi))),
            (Func::MakeDate, [y, m, d]) => crate::date::make(y, m, d)
                .map(Value::Date)
                .map_err(|_| Fault::BadDate(span, [*y, *m, *d])),
            _ => Err(Fault::Missing),
        }
    }
}

fn cell(column: Option<&crate::evidence::Column>, row: usize) -> Res<Value> {
    column.and_then(|c| c.get(row)).ok_or(Fault::Missing)
}

pub fn compare(op: CmpOp, x: &Value, y: &Value) -> bool {
    let ord = match (x, y) {
        (Value::Num(a), Value::Num(b)) => number::cmp(a, b),
        (Value::Date(a), Value::Date(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Enum(a), Value::Enum(b)) => a.cmp(b),
        (Value::Text(a), Value::Text(b)) => a.cmp(b),
        _ => return false,
    };
    test(op, ord)
}

pub fn test(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Lt => ord == Ordering::Less,
    }
}
