//! From leaf scores to a subject's total and grade: parents add up their
//! children's rounded scores (分值) or take their weighted sum rounded
//! again (权重); bonus, caps and vetoes as the 通则 declares. Shared by
//! evaluation and by the analyses that move a threshold and re-total.

use crate::ir::{self, Mode};
use crate::number::{self, Num};
use crate::source::Span;
use rust_decimal::Decimal;

use super::{IndicatorResult, Status};

/// A subject's base (the indicator tree), total and grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub base: Decimal,
    pub total: Decimal,
    pub grade: String,
}

/// Fill in the parents of `results` (leaves already scored) and total
/// the subject with its (capped, rounded) `bonus`. `Err`: what overflowed
/// and where.
pub fn totals(
    model: &ir::Model,
    results: &mut [IndicatorResult],
    bonus: Decimal,
    vetoed: bool,
) -> Result<Totals, (String, Span)> {
    let places = model.policy.round_places;
    // Children come after their parent in tree order: parents from the
    // last to the first see their children already scored.
    for (i, ind) in model.indicators.iter().enumerate().rev() {
        if !ind.is_leaf() {
            let parts = weighted(model, &ind.children, |c| results.get(c).map(|r| r.score));
            let score =
                combine(model.mode, &parts, places).ok_or_else(|| (ind.code.clone(), ind.span))?;
            if let Some(slot) = results.get_mut(i) {
                slot.score = score;
                slot.status = Status::Sum;
            }
        }
    }
    let roots = weighted(model, &model.roots, |r| results.get(r).map(|x| x.score));
    let overflow = |item: &str| (item.to_owned(), model.subject.span);
    let base = combine(model.mode, &roots, places).ok_or_else(|| overflow("基础分"))?;
    let mut total = number::add(&number::from_decimal(base), &number::from_decimal(bonus))
        .ok_or_else(|| overflow("总分"))?;
    if let Some(cap) = model.policy.total_cap {
        total = number::min(total, cap);
    }
    let total = number::round_half_up(&total, places).ok_or_else(|| overflow("总分"))?;
    let grade = grade_of(model, &model.grades, total, vetoed);
    Ok(Totals { base, total, grade })
}

/// The grade of a total under `grades` (the model's, or edited ones);
/// a vetoed subject gets the veto grade.
pub fn grade_of(
    model: &ir::Model,
    grades: &[ir::GradeRow],
    total: Decimal,
    vetoed: bool,
) -> String {
    if vetoed {
        if let Some(v) = &model.policy.veto_grade {
            return v.clone();
        }
    }
    let total = number::from_decimal(total);
    grades
        .iter()
        .find(|g| super::grade_matches(g.test, &total))
        .map(|g| g.grade.clone())
        .unwrap_or_default()
}

/// Each indicator's weight (points or share) with its rounded score.
fn weighted(
    model: &ir::Model,
    ids: &[usize],
    score: impl Fn(usize) -> Option<Decimal>,
) -> Vec<(Num, Decimal)> {
    ids.iter()
        .map(|i| {
            let w = model
                .indicators
                .get(*i)
                .map(|k| k.weight)
                .unwrap_or_default();
            (w, score(*i).unwrap_or_default())
        })
        .collect()
}

/// A parent's score: the sum of rounded children (分值), or their
/// weighted sum rounded again (权重).
fn combine(mode: Mode, parts: &[(Num, Decimal)], places: u32) -> Option<Decimal> {
    if mode == Mode::Points {
        // Rounded scores add up exactly as decimals.
        return parts
            .iter()
            .try_fold(Decimal::ZERO, |acc, (_, s)| acc.checked_add(*s));
    }
    let mut sum = number::zero();
    for (w, s) in parts {
        let term = number::mul(w, &number::from_decimal(*s))?;
        sum = number::add(&sum, &term)?;
    }
    number::round_half_up(&sum, places)
}
