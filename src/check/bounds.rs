//! The range of values an expression can take, from the declared ranges of
//! the fields it reads (interval analysis).

use super::env::Env;
use super::interval::Interval;
use crate::ir::{Expr, ExprKind as K, Func, Let, Ty, Value};
use crate::number::{self, Num};
use crate::syntax::ast::{AggFn, BinOp, UnOp};

pub struct Bounds<'a> {
    pub env: &'a Env,
    pub lets: &'a [Let],
    /// A zero denominator from the subject's own data is handled by the
    /// 分母为零 policy, so the range analysis may assume it is not zero.
    pub zero_den_policy: bool,
    /// The range of each `令`, worked out once, in order: a `令` reads only
    /// earlier ones, so a chain is never followed recursively, and one that
    /// reads the previous twice costs no more than once (not 2^n).
    let_ranges: Vec<Interval>,
}

impl<'a> Bounds<'a> {
    pub fn new(env: &'a Env, lets: &'a [Let], zero_den_policy: bool) -> Self {
        let mut b = Bounds {
            env,
            lets,
            zero_den_policy,
            let_ranges: Vec::with_capacity(lets.len()),
        };
        for l in lets {
            let range = b.of(&l.value);
            b.let_ranges.push(range);
        }
        b
    }

    /// The `令` an expression stands for, through any chain of plain
    /// `令 b = a` aliases (followed in a loop: indices only go down).
    fn resolve<'e>(&'e self, mut e: &'e Expr) -> &'e Expr {
        while let K::Let(i) = &e.kind {
            match self.lets.get(*i) {
                Some(l) => e = &l.value,
                None => break,
            }
        }
        e
    }

    pub fn of(&self, e: &Expr) -> Interval {
        match &e.kind {
            K::Const(Value::Num(n)) => Interval::point(*n),
            K::Const(_) | K::Period(_) => Interval::unbounded(),
            K::Field(f) | K::PopMax(f) | K::PopMin(f) => {
                self.field(self.env.subject.fields.get(*f).map(|f| (&f.ty, f.range)))
            }
            K::EventField(t, f) => self.field(
                self.env
                    .events
                    .get(*t)
                    .and_then(|t| t.fields.get(*f))
                    .map(|f| (&f.ty, f.range)),
            ),
            K::Let(i) => self
                .let_ranges
                .get(*i)
                .cloned()
                .unwrap_or_else(Interval::unbounded),
            K::Param(_) => Interval::unbounded(),
            K::Aggregate { func, .. } => match func {
                AggFn::Count => Interval::at_least(number::zero()),
                AggFn::Sum if self.of_ty(&e.ty).non_negative() => {
                    Interval::at_least(number::zero())
                }
                AggFn::Sum => Interval::unbounded(),
            },
            K::Unary(UnOp::Neg, inner) => self.of(inner).neg(),
            K::Unary(UnOp::Not, _) => Interval::unbounded(),
            K::Binary(op, a, b) => self.binary(*op, a, b),
            K::Func(f, args) => self.func(*f, args),
        }
    }

    fn of_ty(&self, ty: &Ty) -> Interval {
        self.field(Some((ty, None)))
    }

    fn field(&self, f: Option<(&Ty, Option<(Num, Num)>)>) -> Interval {
        match f {
            Some((_, Some((lo, hi)))) => Interval::new(lo, hi),
            Some((Ty::Count | Ty::Money, None)) => Interval::at_least(number::zero()),
            Some((Ty::Percent | Ty::Score, None)) => {
                Interval::new(number::zero(), number::int(100))
            }
            _ => Interval::unbounded(),
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Interval {
        match op {
            BinOp::Add => self.of(a).add(&self.of(b)),
            BinOp::Sub => self.of(a).sub(&self.of(b)),
            BinOp::Mul => self.of(a).mul(&self.of(b)),
            BinOp::Div => self.div(a, b),
            _ => Interval::unbounded(),
        }
    }

    fn div(&self, a: &Expr, b: &Expr) -> Interval {
        if let Some(unit) = self.unit_ratio(a, b) {
            return unit;
        }
        // Pull constant factors out so `5 × x ÷ 最高(x)` is seen as 5 × (x ÷ 最高(x)).
        if let K::Binary(BinOp::Mul, l, r) = &a.kind {
            if let Some(c) = super::schema::constant(l) {
                if let Some(unit) = self.unit_ratio(r, b) {
                    return Interval::point(c).mul(&unit);
                }
            }
        }
        let mut den = self.of(b);
        if den.contains_zero() && self.zero_den_policy && !reads_population(b) {
            // Zero is handled by the policy; counts are at least 1 otherwise.
            if is_integer_valued(b) && den.non_negative() {
                den.lo = Some(number::int(1));
            } else {
                return Interval::unbounded();
            }
        }
        self.of(a).div(&den)
    }

    /// Quotients known to lie in [0, 1]: a field over the field it may not
    /// exceed, `x ÷ 最高(x)`, and `(x − 最低(x)) ÷ (最高(x) − 最低(x))`.
    fn unit_ratio(&self, a: &Expr, b: &Expr) -> Option<Interval> {
        let unit = Some(Interval::new(number::zero(), number::int(1)));
        let a = self.resolve(a);
        match (&a.kind, &b.kind) {
            (K::Field(x), K::Field(y)) => {
                let f = self.env.subject.fields.get(*x)?;
                (f.at_most == Some(*y) && self.of(a).non_negative()).then_some(())?;
                unit
            }
            (K::Field(x), K::PopMax(y)) if x == y && self.of(a).non_negative() => unit,
            (K::Binary(BinOp::Sub, x, xmin), K::Binary(BinOp::Sub, max, min)) => {
                match (&x.kind, &xmin.kind, &max.kind, &min.kind) {
                    (K::Field(f1), K::PopMin(f2), K::PopMax(f3), K::PopMin(f4))
                        if f1 == f2 && f2 == f3 && f3 == f4 =>
                    {
                        unit
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn func(&self, f: Func, args: &[Expr]) -> Interval {
        let ivs: Vec<Interval> = args.iter().map(|a| self.of(a)).collect();
        match (f, ivs.as_slice()) {
            (Func::Min, [first, rest @ ..]) => rest.iter().fold(first.clone(), |acc, i| acc.min(i)),
            (Func::Max, [first, rest @ ..]) => rest.iter().fold(first.clone(), |acc, i| acc.max(i)),
            (Func::Clamp, [x, lo, hi]) => x.max(lo).min(hi),
            _ => Interval::unbounded(),
        }
    }
}

/// Whether an expression reads a population statistic (最高/最低).
pub fn reads_population(e: &Expr) -> bool {
    match &e.kind {
        K::PopMax(_) | K::PopMin(_) => true,
        K::Unary(_, a) => reads_population(a),
        K::Binary(_, a, b) => reads_population(a) || reads_population(b),
        K::Func(_, args) => args.iter().any(reads_population),
        _ => false,
    }
}

/// Whether an expression only takes integer values (counts and their sums).
pub fn is_integer_valued(e: &Expr) -> bool {
    match &e.kind {
        K::Const(Value::Num(n)) => n.is_integer(),
        K::Aggregate {
            func: AggFn::Count, ..
        } => true,
        K::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul, a, b) => {
            is_integer_valued(a) && is_integer_valued(b)
        }
        K::Unary(UnOp::Neg, a) => is_integer_valued(a),
        _ => matches!(e.ty, Ty::Count | Ty::Year),
    }
}
