//! Uncertainty over points and weights (Monte Carlo), and removal of one
//! indicator at a time (its score left out of every total, nothing else
//! changed).
//!
//! Each run draws every leaf's points (or weight under 权重) on a grid of
//! whole percent within ±spread of its declared value; siblings are then
//! rescaled so every parent keeps its declared total. Each subject keeps
//! its leaf scores (they do not depend on the points, only on the
//! evidence), scaled by how its leaves' points changed, plus its bonus,
//! under the caps, rounded half-up as the rules say; vetoes keep their
//! grade. All draws come from one seeded generator in a fixed order, so a
//! seed gives the same result on any machine and any number of threads.
//!
//! Arithmetic: each leaf's scale factor is exact (a fraction); it is
//! carried to 18 decimal places (fixed point), so a run's total is exact
//! to 10⁻¹⁶ before it is rounded to the rule's places. With spread 0 the
//! factors are exactly 1 and every total is the evaluated one.

use crate::analysis::stats::{self, Standing};
use crate::eval::{self, SubjectResult};
use crate::ir::{self, Mode};
use crate::number::{self, Num};
use rayon::prelude::*;
use rust_decimal::Decimal;

/// How the runs are drawn.
#[derive(Clone, Debug)]
pub struct Options {
    pub runs: usize,
    /// ±spread in whole percent of each leaf's declared points.
    pub spread: u32,
    pub seed: u64,
}

/// One subject over all runs.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SubjectRanks {
    pub code: String,
    pub name: String,
    pub rank: usize,
    pub grade: String,
    pub median_rank: usize,
    /// The 5th and 95th percentile of its ranks (nearest rank).
    pub low_rank: usize,
    pub high_rank: usize,
    /// Per grade of the table, how many runs gave it.
    pub grades: Vec<(String, usize)>,
}

/// One leaf left out.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Removal {
    pub code: String,
    pub name: String,
    /// Mean absolute change of rank over all subjects, 2 places.
    pub mean_shift: Decimal,
    /// Subjects whose grade changes.
    pub grade_changed: usize,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Uncertainty {
    pub runs: usize,
    pub spread: u32,
    pub seed: u64,
    pub subjects: Vec<SubjectRanks>,
    pub removal: Vec<Removal>,
}

/// Fixed-point scale of the leaf factors.
const SCALE: i128 = 1_000_000_000_000_000_000;

/// The runs, and one removal per leaf.
pub fn uncertainty(model: &ir::Model, base: &[SubjectResult], opts: &Options) -> Uncertainty {
    let leaves: Vec<usize> = (model.indicators.iter().enumerate())
        .filter(|(_, i)| i.is_leaf())
        .map(|(i, _)| i)
        .collect();
    let base_ranks = stats::ranks(&base.iter().map(stats::standing).collect::<Vec<_>>());
    // Every draw first, in one fixed order: runs, then leaves.
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let spread = i64::from(opts.spread);
    let draws: Vec<Vec<i64>> = (0..opts.runs)
        .map(|_| leaves.iter().map(|_| rng.i64(-spread..=spread)).collect())
        .collect();
    let per_run: Vec<(Vec<usize>, Vec<String>)> = draws
        .par_iter()
        .map(|draw| {
            let drawn = |i: usize| {
                let at = leaves.iter().position(|l| *l == i);
                let j: i64 = at.and_then(|k| draw.get(k).copied()).unwrap_or(0);
                Num::new(i128::from(100 + j), 100)
            };
            let factors = factors(model, &leaves, drawn);
            scored(model, base, &leaves, &factors, opts.spread == 0)
        })
        .collect();
    let grades: Vec<String> = model.grades.iter().map(|g| g.grade.clone()).collect();
    let subjects = (base.iter().enumerate())
        .map(|(s, r)| {
            let mut ranks: Vec<usize> = per_run
                .iter()
                .filter_map(|(rk, _)| rk.get(s).copied())
                .collect();
            ranks.sort_unstable();
            let pick = |p: usize| {
                // Nearest rank: the ⌈p·n/100⌉-th smallest.
                let k = (p * ranks.len()).div_ceil(100).max(1);
                ranks.get(k - 1).copied().unwrap_or(0)
            };
            let mut count: Vec<(String, usize)> = grades.iter().map(|g| (g.clone(), 0)).collect();
            if let Some(v) = &model.policy.veto_grade {
                if !count.iter().any(|(g, _)| g == v) {
                    count.push((v.clone(), 0));
                }
            }
            for (_, gs) in &per_run {
                if let Some(slot) = gs
                    .get(s)
                    .and_then(|g| count.iter_mut().find(|(n, _)| n == g))
                {
                    slot.1 += 1;
                }
            }
            SubjectRanks {
                code: r.code.clone(),
                name: r.name.clone(),
                rank: base_ranks.get(s).copied().unwrap_or(0),
                grade: r.grade.clone(),
                median_rank: pick(50),
                low_rank: pick(5),
                high_rank: pick(95),
                grades: count,
            }
        })
        .collect();
    // Removal drops one leaf's score and leaves every other as it is: an
    // indicator all subjects score equally on then moves no rank.
    let declared = factors(model, &leaves, |_| number::int(1));
    let removal = (leaves.par_iter().enumerate())
        .map(|(k, &gone)| {
            let mut factors = declared.clone();
            if let Some(f) = factors.get_mut(k) {
                *f = 0;
            }
            let (ranks, grades) = scored(model, base, &leaves, &factors, false);
            let shift: usize = (ranks.iter().zip(&base_ranks))
                .map(|(a, b)| a.abs_diff(*b))
                .sum();
            let n = base.len().max(1);
            let mut mean = (Decimal::from(shift) / Decimal::from(n))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            mean.rescale(2);
            let ind = model.indicators.get(gone);
            Removal {
                code: ind.map(|i| i.code.clone()).unwrap_or_default(),
                name: ind.map(|i| i.name.clone()).unwrap_or_default(),
                mean_shift: mean,
                grade_changed: (grades.iter().zip(base))
                    .filter(|(g, r)| **g != r.grade)
                    .count(),
            }
        })
        .collect();
    Uncertainty {
        runs: opts.runs,
        spread: opts.spread,
        seed: opts.seed,
        subjects,
        removal,
    }
}

/// Each leaf's factor (fixed point, `SCALE` = 1): how much of its
/// score counts when every leaf's points are multiplied by `drawn(leaf)`
/// and each group of siblings is rescaled to its parent's total.
fn factors(model: &ir::Model, leaves: &[usize], drawn: impl Fn(usize) -> Num) -> Vec<i128> {
    let weight = |i: usize| {
        model
            .indicators
            .get(i)
            .map(|x| x.weight)
            .unwrap_or_default()
    };
    let mine = |i: usize| match model.indicators.get(i).is_some_and(ir::Indicator::is_leaf) {
        true => number::mul(&weight(i), &drawn(i)).unwrap_or_default(),
        false => weight(i),
    };
    // Effective points (or share) per indicator, top-down.
    let mut eff: Vec<Num> = vec![number::zero(); model.indicators.len()];
    let assign = |group: &[usize], total: Num, eff: &mut Vec<Num>| {
        let sum = group.iter().fold(number::zero(), |a, c| {
            number::add(&a, &mine(*c)).unwrap_or(a)
        });
        for c in group {
            let e = match sum == number::zero() {
                true => number::zero(),
                false => number::mul(&mine(*c), &total)
                    .and_then(|x| number::div(&x, &sum))
                    .unwrap_or_default(),
            };
            if let Some(slot) = eff.get_mut(*c) {
                *slot = e;
            }
        }
    };
    let top = match model.mode {
        Mode::Points => (model.roots.iter()).fold(number::zero(), |a, r| {
            number::add(&a, &weight(*r)).unwrap_or(a)
        }),
        Mode::Weights => number::int(1),
    };
    assign(&model.roots, top, &mut eff);
    // Tree order: a parent's effective points are known before its children.
    for (i, ind) in model.indicators.iter().enumerate() {
        if !ind.is_leaf() {
            let total = eff.get(i).copied().unwrap_or_default();
            assign(&ind.children, total, &mut eff);
        }
    }
    leaves
        .iter()
        .map(|l| {
            let e = eff.get(*l).copied().unwrap_or_default();
            let f = match model.mode {
                Mode::Points => number::div(&e, &weight(*l)).unwrap_or_default(),
                Mode::Weights => e,
            };
            number::mul(&f, &Num::from_integer(SCALE))
                .map(|x| x.round().to_integer())
                .unwrap_or(0)
        })
        .collect()
}

/// Σ score × factor / SCALE, exactly: in 128-bit integers when the
/// scores' places allow, else as fractions.
fn weighted_sum(
    scores: impl Iterator<Item = Decimal> + Clone,
    factors: &[i128],
    places: u32,
) -> Num {
    let unit = 10i128.checked_pow(places);
    let mut fixed: Option<i128> = Some(0);
    for (s, f) in scores.clone().zip(factors) {
        let s = s.round_dp(places);
        let as_int = unit
            .and_then(|_| 10i128.checked_pow(places.saturating_sub(s.scale())))
            .and_then(|k| s.mantissa().checked_mul(k));
        fixed = match (fixed, as_int) {
            (Some(acc), Some(i)) => i.checked_mul(*f).and_then(|x| acc.checked_add(x)),
            _ => None,
        };
    }
    if let (Some(sum), Some(den)) = (fixed, unit.and_then(|u| u.checked_mul(SCALE))) {
        return Num::new(sum, den);
    }
    // Past 128 bits (many places, huge scores): as fractions.
    let mut exact = number::zero();
    for (s, f) in scores.zip(factors) {
        let term = number::mul(&number::from_decimal(s), &Num::new(*f, SCALE));
        exact = term.and_then(|t| number::add(&exact, &t)).unwrap_or(exact);
    }
    exact
}

/// Every subject's rank and grade with these leaf factors. `exact`: the
/// factors are all 1 (spread 0): the evaluated totals stand as they are.
fn scored(
    model: &ir::Model,
    base: &[SubjectResult],
    leaves: &[usize],
    factors: &[i128],
    exact: bool,
) -> (Vec<usize>, Vec<String>) {
    let places = model.policy.round_places;
    let totals: Vec<Decimal> = base
        .iter()
        .map(|r| {
            if exact {
                return r.total;
            }
            // Leaf scores have at most `places` decimals: as integers of
            // 10^-places, times factors of 10^-18.
            let scores = leaves
                .iter()
                .map(|l| r.indicators.get(*l).map(|x| x.score).unwrap_or_default());
            let base_total = weighted_sum(scores, factors, places);
            let mut total =
                number::add(&base_total, &number::from_decimal(r.bonus)).unwrap_or(base_total);
            if let Some(cap) = model.policy.total_cap {
                total = number::min(total, cap);
            }
            number::round_half_up(&total, places).unwrap_or(r.total)
        })
        .collect();
    let standings: Vec<Standing> = (totals.iter().zip(base))
        .map(|(t, r)| Standing {
            total: *t,
            vetoed: !r.vetoes.is_empty(),
        })
        .collect();
    let grades = (totals.iter().zip(base))
        .map(|(t, r)| eval::grade_of(model, &model.grades, *t, !r.vetoes.is_empty()))
        .collect();
    (stats::ranks(&standings), grades)
}
