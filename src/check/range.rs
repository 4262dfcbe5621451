//! The range of scores a leaf's rule can give, before rounding, from the
//! declared ranges of the fields it reads. The checker's E0307, E0308 and
//! W0002 compare it with the indicator's points; [`score_range`] gives it
//! for a checked model, so tests can show every evaluated score lies in it.

use super::bounds::Bounds;
use super::env::Env;
use super::interval::Interval;
use crate::ir::{self, Rule, ScoredRow};
use crate::number::{self, Num};

/// The scores indicator `ind` of a checked model can get from its rule
/// and its `若 … 得 …` cases; `None` for a parent or an unknown index.
/// Missing data (0 points) and a zero denominator (its policy's score)
/// are not part of it.
pub fn score_range(model: &ir::Model, ind: ir::IndId) -> Option<Interval> {
    let i = model.indicators.get(ind)?;
    let rule = i.rule.as_ref()?;
    let env = Env::new(
        model.subject.clone(),
        model.events.clone(),
        model.enums.clone(),
        model.params.clone(),
        model.periods.clone(),
    );
    let bounds = Bounds::new(&env, &i.lets, model.policy.zero_denominator.is_some());
    Some(rule_range(rule, &i.guards, &bounds, i.full))
}

/// The range of one rule with its guards, for an indicator of `full` points.
pub(super) fn rule_range(
    rule: &Rule,
    guards: &[ir::Guard],
    bounds: &Bounds,
    full: Num,
) -> Interval {
    let mut range = match rule {
        Rule::Bands { rows, .. } | Rule::Lookup { rows, .. } => hull(rows.iter().map(|r| r.score)),
        Rule::Interp { anchors, .. } => hull(anchors.iter().map(|a| a.1)),
        Rule::Formula(e) => bounds.of(e),
        Rule::Deduct { floor, rows } => {
            let left = deducted(rows, bounds, full);
            // Without 扣完为止 a possibly negative result is an error
            // (E0310); the evaluator stops at 0 either way.
            if *floor || left.lo.is_none_or(|l| l < number::zero()) {
                left.max(&Interval::point(number::zero()))
            } else {
                left
            }
        }
        Rule::Checklist(rows) => {
            let top = rows
                .iter()
                .try_fold(number::zero(), |acc, r| number::add(&acc, &r.score));
            let low = rows
                .iter()
                .map(|r| r.score.min(number::zero()))
                .try_fold(number::zero(), |a, s| number::add(&a, &s));
            Interval { lo: low, hi: top }
        }
    };
    for g in guards {
        range = range.hull(&Interval::point(g.score));
    }
    range
}

/// What is left of `full` points after the deductions, without a floor.
pub(super) fn deducted(rows: &[ScoredRow], bounds: &Bounds, full: Num) -> Interval {
    let mut total = Interval::point(number::zero());
    for r in rows {
        total = total.add(&bounds.of(&r.expr).mul(&Interval::point(r.score)));
    }
    Interval::point(full).sub(&total)
}

fn hull(scores: impl Iterator<Item = Num>) -> Interval {
    let all: Vec<Num> = scores.collect();
    Interval {
        lo: all.iter().copied().reduce(Num::min),
        hi: all.iter().copied().reduce(Num::max),
    }
}
