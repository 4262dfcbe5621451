//! How much the published grades depend on the numbers a committee
//! chose. Each threshold is moved by −δ and +δ and every subject is
//! re-scored exactly (only the indicator the threshold belongs to; the
//! rest of each subject's scores stay as they were), counting who changes
//! score and who changes grade ([`thresholds`]); and the subjects within
//! ε points of another grade ([`margins`]). See docs/sensitivity.md.

pub mod knobs;
pub mod margins;
pub mod uncertainty;

use crate::eval::{self, EvalError, Scorer, SubjectResult};
use crate::ir::{self, Rule};
use crate::number::{self, Num};
use knobs::{Kind, Knob, Unit};
use rayon::prelude::*;

/// The δ of each unit.
#[derive(Clone, Debug)]
pub struct Deltas {
    /// Percentage points, for ratios (0.01 is one point) and for 百分数
    /// and 分数 fields (1 is one point).
    pub percent_points: Num,
    /// Whole units, for counts and years.
    pub count: Num,
    /// Score points, for deduction amounts and grade boundaries.
    pub points: Num,
    /// A fraction of the value, for amounts and other numbers.
    pub relative: Num,
}

impl Default for Deltas {
    fn default() -> Self {
        Deltas {
            percent_points: number::int(1),
            count: number::int(1),
            points: Num::new(1, 2),
            relative: Num::new(1, 100),
        }
    }
}

impl Deltas {
    /// δ for a knob of `unit` at `value`, in that unit.
    pub fn of(&self, unit: Unit, value: &Num) -> Num {
        match unit {
            Unit::Ratio => {
                number::div(&self.percent_points, &number::int(100)).unwrap_or(self.percent_points)
            }
            Unit::Percent => self.percent_points,
            Unit::Count => self.count,
            Unit::Points => self.points,
            Unit::Other => {
                let v = if *value < number::zero() {
                    -*value
                } else {
                    *value
                };
                number::mul(&v, &self.relative).unwrap_or(self.relative)
            }
        }
    }
}

/// A subject whose grade a move changes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Moved {
    /// Subject row.
    #[serde(skip)]
    pub row: usize,
    pub code: String,
    pub name: String,
    /// `-δ` or `+δ`.
    pub by: &'static str,
    pub from: String,
    pub to: String,
}

/// One threshold and what moving it does.
#[derive(Clone, Debug)]
pub struct Threshold {
    pub knob: Knob,
    pub delta: Num,
    /// Subjects whose compared value lies within ±δ of the threshold (for
    /// a deduction: subjects it deducts from; for a grade boundary:
    /// totals within ±δ).
    pub near: usize,
    /// Subjects whose score of the indicator changes at −δ or at +δ.
    pub score_changed: Vec<usize>,
    /// Subjects whose grade changes, at −δ and at +δ.
    pub grade_changed: Vec<Moved>,
    /// A move that cannot be made (interpolation points would cross).
    pub skipped: Option<String>,
}

impl Threshold {
    /// How many subjects change grade at −δ or +δ (each counted once).
    pub fn grade_subjects(&self) -> usize {
        let mut rows: Vec<usize> = self.grade_changed.iter().map(|m| m.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }
}

/// Every threshold of the plan, ranked: most grade changes first, then
/// most score changes, then rule order.
pub fn thresholds(
    scorer: &Scorer,
    base: &[SubjectResult],
    deltas: &Deltas,
) -> Result<Vec<Threshold>, EvalError> {
    let model = &scorer.plan.model;
    let all = knobs::all(model);
    let mut out: Vec<Threshold> = all
        .into_par_iter()
        .map(|knob| threshold(scorer, base, deltas, knob))
        .collect::<Result<_, _>>()?;
    // A stable sort keeps rule order among equals.
    out.sort_by_key(|t| std::cmp::Reverse((t.grade_subjects(), t.score_changed.len())));
    Ok(out)
}

fn threshold(
    scorer: &Scorer,
    base: &[SubjectResult],
    deltas: &Deltas,
    knob: Knob,
) -> Result<Threshold, EvalError> {
    let model = &scorer.plan.model;
    let delta = deltas.of(knob.unit, &knob.value);
    let shifted = |d: Num| number::add(&knob.value, &d);
    let moves: Vec<(&'static str, Num)> = [("-δ", shifted(-delta)), ("+δ", shifted(delta))]
        .into_iter()
        .filter_map(|(by, to)| to.map(|to| (by, to)))
        .collect();
    let mut result = Threshold {
        delta,
        near: 0,
        score_changed: Vec::new(),
        grade_changed: Vec::new(),
        skipped: None,
        knob,
    };
    let knob = &result.knob;
    if knob.kind == Kind::Grade {
        for (by, to) in moves {
            let Some(grades) = knobs::grades_with(model, knob, to) else {
                continue;
            };
            for (row, r) in base.iter().enumerate() {
                let grade = eval::grade_of(model, &grades, r.total, !r.vetoes.is_empty());
                if grade != r.grade {
                    result.grade_changed.push(moved(row, r, by, grade));
                }
            }
        }
        result.near = (base.iter())
            .filter(|r| within(&number::from_decimal(r.total), &knob.value, &delta))
            .count();
        return Ok(result);
    }
    let Some(i) = knob.indicator else {
        return Ok(result);
    };
    let edited: Vec<(&'static str, Option<ir::Indicator>)> = moves
        .iter()
        .map(|(by, to)| (*by, knobs::indicator_with(model, knob, *to)))
        .collect();
    if edited.iter().any(|(_, e)| e.is_none()) {
        let sides: Vec<&str> = (edited.iter())
            .filter(|(_, e)| e.is_none())
            .map(|(by, _)| *by)
            .collect();
        result.skipped = Some(format!(
            "{} 方向不计算：移动后超出取值范围，或与同表另一阈值重合、交叉",
            sides.join("、")
        ));
    }
    let Some(original) = model.indicators.get(i) else {
        return Ok(result);
    };
    let compared = compared(original, knob);
    let mut changed = vec![false; base.len()];
    for (row, r) in base.iter().enumerate() {
        if let (Some(expr), Kind::Band | Kind::Lookup | Kind::Anchor | Kind::Guard) =
            (compared, knob.kind)
        {
            if scorer
                .value(row, original, expr)
                .is_some_and(|v| within(&v, &knob.value, &delta))
            {
                result.near += 1;
            }
        }
        if knob.kind == Kind::Deduction {
            if let Some(Rule::Deduct { rows, .. }) = &original.rule {
                let counted = rows
                    .get(knob.index)
                    .and_then(|d| scorer.value(row, original, &d.expr));
                if counted.is_some_and(|c| c != number::zero()) {
                    result.near += 1;
                }
            }
        }
        let Some(before) = r.indicators.get(i).map(|x| x.score) else {
            continue;
        };
        for (by, ind) in &edited {
            let Some(ind) = ind else { continue };
            let (after, status) = scorer.leaf(row, ind)?;
            if after == before {
                continue;
            }
            if let Some(c) = changed.get_mut(row) {
                *c = true;
            }
            let mut scores = r.indicators.clone();
            if let Some(slot) = scores.get_mut(i) {
                slot.score = after;
                slot.status = status;
            }
            let totals = eval::totals(model, &mut scores, r.bonus, !r.vetoes.is_empty()).map_err(
                |(item, _)| EvalError {
                    subject: r.code.clone(),
                    item,
                    message: "数值溢出".to_owned(),
                },
            )?;
            if totals.grade != r.grade {
                result.grade_changed.push(moved(row, r, by, totals.grade));
            }
        }
    }
    result.score_changed = (changed.iter().enumerate())
        .filter(|(_, c)| **c)
        .map(|(r, _)| r)
        .collect();
    Ok(result)
}

/// What the knob's row compares with its constant: the table's subject,
/// or a guard's compared value.
fn compared<'m>(ind: &'m ir::Indicator, knob: &Knob) -> Option<&'m ir::Expr> {
    match (knob.kind, &ind.rule) {
        (
            Kind::Band | Kind::Lookup,
            Some(Rule::Bands { subject, .. } | Rule::Lookup { subject, .. }),
        ) => Some(subject),
        (Kind::Anchor, Some(Rule::Interp { subject, .. })) => Some(subject),
        (Kind::Guard, _) => {
            let guard = ind.guards.get(knob.index)?;
            knobs::guard_compared(&guard.cond, knob.constant)
        }
        _ => None,
    }
}

fn within(v: &Num, t: &Num, delta: &Num) -> bool {
    match number::add(v, &-*t) {
        Some(d) if d < number::zero() => -d <= *delta,
        Some(d) => d <= *delta,
        None => false,
    }
}

fn moved(row: usize, r: &SubjectResult, by: &'static str, to: String) -> Moved {
    Moved {
        row,
        code: r.code.clone(),
        name: r.name.clone(),
        by,
        from: r.grade.clone(),
        to,
    }
}

/// A decimal δ for display.
pub fn show_delta(unit: Unit, delta: &Num) -> String {
    match unit {
        Unit::Ratio => match number::mul(delta, &number::int(100)) {
            Some(p) => format!("{} 个百分点", number::show(&p)),
            None => number::show(delta),
        },
        Unit::Percent => format!("{} 个百分点", number::show(delta)),
        Unit::Count => number::show(delta),
        Unit::Points => format!("{} 分", number::show(delta)),
        Unit::Other => number::show(delta),
    }
}
