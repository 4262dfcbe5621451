//! Every number a committee could be asked to defend — band thresholds,
//! lookup keys, interpolation points, guard constants, deduction amounts,
//! grade boundaries — found in a checked model, and a copy of the model's
//! indicator (or grade table) with one of them moved.

use crate::ir::{self, ExprKind as K, Rule, Ty, Value};
use crate::number::{self, Num};
use crate::syntax::ast::BinOp;

/// What kind of number a knob is, which decides its unit and its δ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Band,
    Lookup,
    Anchor,
    Guard,
    Deduction,
    Grade,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Band => "分档阈值",
            Kind::Lookup => "对照取值",
            Kind::Anchor => "插值点",
            Kind::Guard => "若 的常数",
            Kind::Deduction => "扣分分值",
            Kind::Grade => "等级界限",
        }
    }
}

/// The unit a knob is written in, for its default δ and how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A ratio written as a percentage (95%): δ in percentage points.
    Ratio,
    /// A 百分数 or 分数 field (0–100): δ in the same points.
    Percent,
    /// A count or a year: δ of whole units.
    Count,
    /// Points of a score (deductions, grade boundaries).
    Points,
    /// Amounts and other numbers: δ relative to the value.
    Other,
}

impl Unit {
    pub fn of(ty: &Ty) -> Unit {
        match ty {
            Ty::Ratio => Unit::Ratio,
            Ty::Percent | Ty::Score => Unit::Percent,
            Ty::Count | Ty::Year => Unit::Count,
            _ => Unit::Other,
        }
    }

    /// A value in this unit as the rules write it.
    pub fn show(self, v: &Num) -> String {
        match self {
            Unit::Ratio => number::show_percent(v),
            _ => number::show(v),
        }
    }
}

/// One number of the rules.
#[derive(Clone, Debug)]
pub struct Knob {
    pub kind: Kind,
    /// The leaf it belongs to (index in `Model::indicators`); `None` for
    /// a grade boundary.
    pub indicator: Option<usize>,
    /// Which row, point, guard or grade (0-based), and for a guard which
    /// of its constants. A band threshold shared by several rows (`≥ 80`
    /// and the closing `< 80`) is one knob: `rows` are all of them, and
    /// they move together.
    pub index: usize,
    pub rows: Vec<usize>,
    pub constant: usize,
    pub value: Num,
    pub unit: Unit,
    /// How the rules write it: `1.1.1 分档 ≥ 95%`.
    pub label: String,
}

/// Every knob of the model, indicators in tree order, then grades.
pub fn all(model: &ir::Model) -> Vec<Knob> {
    let mut out = Vec::new();
    for (i, ind) in model.indicators.iter().enumerate() {
        if !ind.is_leaf() {
            continue;
        }
        let knob = |kind, index, constant, value, unit: Unit, text: String| Knob {
            kind,
            indicator: Some(i),
            index,
            rows: vec![index],
            constant,
            value,
            unit,
            label: format!("{} {}", ind.code, text),
        };
        for (g, guard) in ind.guards.iter().enumerate() {
            for (c, (value, ty)) in guard_constants(&guard.cond).into_iter().enumerate() {
                let unit = Unit::of(&ty);
                let text = format!(
                    "若 … {} 得 {} 分",
                    unit.show(&value),
                    number::show(&guard.score)
                );
                out.push(knob(Kind::Guard, g, c, value, unit, text));
            }
        }
        match &ind.rule {
            Some(Rule::Bands { subject, rows }) | Some(Rule::Lookup { subject, rows }) => {
                let lookup = matches!(ind.rule, Some(Rule::Lookup { .. }));
                let unit = Unit::of(&subject.ty);
                for (r, row) in rows.iter().enumerate() {
                    let Some((op, t)) = row.test else { continue };
                    // Rows sharing a threshold move with its first row.
                    let first = rows
                        .iter()
                        .position(|o| o.test.is_some_and(|(_, u)| u == t));
                    if first != Some(r) {
                        continue;
                    }
                    let (kind, text) = match lookup {
                        true => (Kind::Lookup, format!("对照 {}", unit.show(&t))),
                        false => (
                            Kind::Band,
                            format!("分档 {} {}", op.symbol(), unit.show(&t)),
                        ),
                    };
                    let text = format!("{text} 得 {} 分", number::show(&row.score));
                    let mut k = knob(kind, r, 0, t, unit, text);
                    k.rows = (rows.iter().enumerate())
                        .filter(|(_, o)| o.test.is_some_and(|(_, u)| u == t))
                        .map(|(j, _)| j)
                        .collect();
                    out.push(k);
                }
            }
            Some(Rule::Interp { subject, anchors }) => {
                let unit = Unit::of(&subject.ty);
                for (a, (x, y)) in anchors.iter().enumerate() {
                    let text = format!("插值 {} 得 {} 分", unit.show(x), number::show(y));
                    out.push(knob(Kind::Anchor, a, 0, *x, unit, text));
                }
            }
            Some(Rule::Deduct { rows, .. }) => {
                for (r, row) in rows.iter().enumerate() {
                    let text = format!("扣分 第 {} 行 扣 {} 分", r + 1, number::show(&row.score));
                    out.push(knob(Kind::Deduction, r, 0, row.score, Unit::Points, text));
                }
            }
            Some(Rule::Formula(_) | Rule::Checklist(_)) | None => {}
        }
    }
    for (g, row) in model.grades.iter().enumerate() {
        let Some((op, t)) = row.test else { continue };
        out.push(Knob {
            kind: Kind::Grade,
            indicator: None,
            index: g,
            rows: vec![g],
            constant: 0,
            value: t,
            unit: Unit::Points,
            label: format!("等级 {} {} 为 {}", op.symbol(), number::show(&t), row.grade),
        });
    }
    out
}

/// The numeric constants compared in a guard's condition, with the type
/// of what they are compared with, in reading order.
fn guard_constants(cond: &ir::Expr) -> Vec<(Num, Ty)> {
    let mut out = Vec::new();
    walk_constants(cond, &mut |side, other| {
        if let K::Const(Value::Num(n)) = &side.kind {
            out.push((*n, other.ty.clone()));
        }
    });
    out
}

/// The operand compared with a guard condition's `n`th constant (as
/// [`guard_constants`] counts them).
pub fn guard_compared(cond: &ir::Expr, n: usize) -> Option<&ir::Expr> {
    let mut found = Vec::new();
    walk_constants(cond, &mut |side, other| {
        if let K::Const(Value::Num(_)) = &side.kind {
            found.push(other);
        }
    });
    found.get(n).copied()
}

/// Each operand of a comparison (in 且 / 或 / 非 too) with the other
/// operand, in reading order.
fn walk_constants<'e>(e: &'e ir::Expr, f: &mut dyn FnMut(&'e ir::Expr, &'e ir::Expr)) {
    match &e.kind {
        K::Binary(BinOp::Cmp(_), a, b) => {
            f(a, b);
            f(b, a);
        }
        K::Binary(BinOp::And | BinOp::Or, a, b) => {
            walk_constants(a, f);
            walk_constants(b, f);
        }
        K::Unary(_, a) => walk_constants(a, f),
        _ => {}
    }
}

/// The `n`th compared constant of `e` (as [`guard_constants`] counts
/// them) set to `to`.
fn set_constant(e: &mut ir::Expr, n: &mut usize, to: Num) {
    match &mut e.kind {
        K::Binary(BinOp::Cmp(_), a, b) => {
            for side in [a, b] {
                if let K::Const(Value::Num(v)) = &mut side.kind {
                    if *n == 0 {
                        *v = to;
                    }
                    *n = n.wrapping_sub(1);
                }
            }
        }
        K::Binary(BinOp::And | BinOp::Or, a, b) => {
            set_constant(a, n, to);
            set_constant(b, n, to);
        }
        K::Unary(_, a) => set_constant(a, n, to),
        _ => {}
    }
}

/// Can a knob of `unit` take `to`? A count below 0, a 百分数 outside
/// 0–100 or a ratio outside 0%–100% is a value no subject has: a row
/// moved there could never be chosen, so the move is not made.
fn possible(unit: Unit, to: &Num) -> bool {
    let zero = number::zero();
    match unit {
        Unit::Count | Unit::Points | Unit::Other => *to >= zero,
        Unit::Percent => *to >= zero && *to <= number::int(100),
        Unit::Ratio => *to >= zero && *to <= number::int(1),
    }
}

/// A copy of the knob's indicator with the knob set to `to`; `None` for
/// a grade boundary (see [`grades_with`]), a knob not in `model`, or a
/// move the rules could not be written with: past a value no subject
/// can have, or onto or past another threshold of the same table (its
/// rows would be reordered, or a row could never be chosen).
pub fn indicator_with(model: &ir::Model, knob: &Knob, to: Num) -> Option<ir::Indicator> {
    if !possible(knob.unit, &to) && knob.kind != Kind::Guard {
        return None;
    }
    let mut ind = model.indicators.get(knob.indicator?)?.clone();
    match (knob.kind, &mut ind.rule) {
        (Kind::Guard, _) => {
            let guard = ind.guards.get_mut(knob.index)?;
            set_constant(&mut guard.cond, &mut knob.constant.clone(), to);
        }
        (Kind::Band | Kind::Lookup, Some(Rule::Bands { rows, .. } | Rule::Lookup { rows, .. })) => {
            let (lo, hi) = (knob.value.min(to), knob.value.max(to));
            let crosses = (rows.iter())
                .filter_map(|r| r.test.map(|(_, t)| t))
                .any(|t| t != knob.value && t >= lo && t <= hi);
            if crosses {
                return None;
            }
            for r in &knob.rows {
                let row = rows.get_mut(*r)?;
                let (op, _) = row.test?;
                row.test = Some((op, to));
            }
        }
        (Kind::Anchor, Some(Rule::Interp { anchors, .. })) => {
            anchors.get_mut(knob.index)?.0 = to;
            // Points moved past a neighbour are out of order: no such
            // table can be scored, so the move is not made.
            let ordered = anchors.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
            if !ordered {
                return None;
            }
        }
        (Kind::Deduction, Some(Rule::Deduct { rows, .. })) => {
            rows.get_mut(knob.index)?.score = to;
        }
        _ => return None,
    }
    Some(ind)
}

/// The model's grade table with boundary `knob` set to `to`.
pub fn grades_with(model: &ir::Model, knob: &Knob, to: Num) -> Option<Vec<ir::GradeRow>> {
    if knob.kind != Kind::Grade {
        return None;
    }
    let (lo, hi) = (knob.value.min(to), knob.value.max(to));
    let crosses = (model.grades.iter())
        .filter_map(|g| g.test.map(|(_, t)| t))
        .any(|t| t != knob.value && t >= lo && t <= hi);
    if crosses {
        return None;
    }
    let mut grades = model.grades.clone();
    let row = grades.get_mut(knob.index)?;
    let (op, _) = row.test?;
    row.test = Some((op, to));
    Some(grades)
}
