//! Statistics of every indicator over the population, and ranks.
//!
//! Exact decimals throughout. The median needs every score, but scores
//! are rounded to the rule's places and lie within an indicator's points,
//! so each indicator keeps a count per distinct score: memory grows with
//! the distinct scores, not with the subjects.

use crate::eval::{Status, SubjectResult};
use crate::ir::{Mode, Model};
use crate::number;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// One subject as ranked: its total, and whether a veto (一票否决) hit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub total: Decimal,
    pub vetoed: bool,
}

impl Standing {
    /// Orders better standings first: not vetoed before vetoed, then the
    /// higher total.
    fn key(&self) -> (bool, std::cmp::Reverse<Decimal>) {
        (self.vetoed, std::cmp::Reverse(self.total))
    }
}

/// How a subject's result stands for ranking.
pub fn standing(r: &crate::eval::SubjectResult) -> Standing {
    Standing {
        total: r.total,
        vetoed: !r.vetoes.is_empty(),
    }
}

/// Competition ranks, in the given order (appendix A.1 rule 10): rank 1 is
/// the highest total; equal totals share a rank and the next rank skips
/// (1, 2, 2, 4); a vetoed subject ranks after every subject not vetoed,
/// the vetoed ones again by total.
pub fn ranks(standings: &[Standing]) -> Vec<usize> {
    let mut sorted: Vec<_> = standings.iter().map(Standing::key).collect();
    sorted.sort();
    standings
        .iter()
        .map(|s| sorted.partition_point(|k| *k < s.key()) + 1)
        .collect()
}

/// Each indicator's share of the base score: 1 in 分值 mode (scores add
/// up); in 权重 mode the product of the weights from it up to its root.
pub fn shares(m: &Model) -> Vec<Decimal> {
    m.indicators
        .iter()
        .map(|ind| match m.mode {
            Mode::Points => Decimal::ONE,
            Mode::Weights => {
                let mut share = number::int(1);
                let mut at = Some(ind);
                while let Some(i) = at {
                    share = number::mul(&share, &i.weight).unwrap_or(share);
                    at = i.parent.and_then(|p| m.indicators.get(p));
                }
                number::to_decimal(&share)
            }
        })
        .collect()
}

/// The exact mean (`None` when empty or beyond exact range).
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))?;
    sum.checked_div(Decimal::from(values.len()))
}

/// The middle value of `sorted`, or the mean of the two middle ones.
pub fn median(sorted: &[Decimal]) -> Option<Decimal> {
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if !n.is_multiple_of(2) => sorted.get(mid).copied(),
        _ => {
            let (a, b) = (sorted.get(mid - 1)?, sorted.get(mid)?);
            a.checked_add(*b)?.checked_div(Decimal::TWO)
        }
    }
}

/// One indicator's scores over all subjects (a subject scored 0 for
/// missing data counts with its 0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndicatorStats {
    /// The indicator's full points (100 for every indicator under 权重).
    pub points: Decimal,
    pub subjects: u64,
    /// Subjects with full points.
    pub full: u64,
    pub zero: u64,
    /// Subjects scored 0 for missing data: at this leaf, or (for a parent)
    /// at any leaf below it.
    pub missing: u64,
    sum: Decimal,
    counts: BTreeMap<Decimal, u64>,
}

impl IndicatorStats {
    /// No subject yet, out of `points`.
    pub fn with_points(points: Decimal) -> IndicatorStats {
        IndicatorStats {
            points,
            ..IndicatorStats::default()
        }
    }

    /// Count one subject's score (`missing`: scored 0 for missing data).
    pub fn add(&mut self, score: Decimal, missing: bool) {
        self.subjects += 1;
        self.full += u64::from(score >= self.points);
        self.zero += u64::from(score.is_zero());
        self.missing += u64::from(missing);
        self.sum = self.sum.checked_add(score).unwrap_or(Decimal::MAX);
        // One key per value, whatever its scale (1.0 and 1.00).
        *self.counts.entry(score.normalize()).or_insert(0) += 1;
    }

    pub fn min(&self) -> Option<Decimal> {
        self.counts.keys().next().copied()
    }

    pub fn max(&self) -> Option<Decimal> {
        self.counts.keys().next_back().copied()
    }

    /// The mean, rounded half up (四舍五入) to `places` decimals.
    pub fn mean(&self, places: u32) -> Option<Decimal> {
        let n = Decimal::from(self.subjects);
        let mean = self.sum.checked_div(n).filter(|_| self.subjects > 0)?;
        Some(mean.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The middle score; with an even number of subjects, the mean of the
    /// two middle scores (exact: one more decimal at most).
    pub fn median(&self) -> Option<Decimal> {
        if self.subjects == 0 {
            return None;
        }
        let lower = self.nth((self.subjects - 1) / 2)?;
        let upper = self.nth(self.subjects / 2)?;
        let sum = lower.checked_add(upper)?;
        Some(sum.checked_div(Decimal::from(2))?.normalize())
    }

    /// How many subjects fall into each of `bins` equal bins over
    /// 0..=points: bin `i` holds `i·w ≤ score < (i+1)·w` (w = points ÷
    /// bins); the last bin also holds full points, and anything above;
    /// a score below 0 counts in the first bin.
    pub fn distribution(&self, bins: usize) -> Vec<u64> {
        let mut out = vec![0u64; bins];
        let Some(last) = bins.checked_sub(1) else {
            return out;
        };
        for (&score, &n) in &self.counts {
            let bin = if self.points <= Decimal::ZERO {
                last
            } else {
                // score × bins ÷ points, whole part: exact for decimals.
                score
                    .checked_mul(Decimal::from(bins))
                    .and_then(|x| x.checked_div(self.points))
                    .and_then(|x| x.floor().max(Decimal::ZERO).to_usize())
                    .map_or(last, |b| b.min(last))
            };
            if let Some(slot) = out.get_mut(bin) {
                *slot += n;
            }
        }
        out
    }

    /// The score of the subject at 0-based position `k` in score order.
    fn nth(&self, k: u64) -> Option<Decimal> {
        let mut seen = 0;
        for (&score, &n) in &self.counts {
            seen += n;
            if seen > k {
                return Some(score);
            }
        }
        None
    }
}

/// The statistics of every indicator, in tree order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub indicators: Vec<IndicatorStats>,
}

impl Stats {
    pub fn new(model: &Model) -> Stats {
        Stats {
            indicators: model
                .indicators
                .iter()
                .map(|i| IndicatorStats {
                    points: number::to_decimal(&i.full),
                    ..IndicatorStats::default()
                })
                .collect(),
        }
    }

    /// Count one subject's scores.
    pub fn add(&mut self, model: &Model, r: &SubjectResult) {
        // Tree order puts a parent before its children: walked backwards,
        // a parent sees whether any leaf below it was missing.
        let mut missing: Vec<bool> = r
            .indicators
            .iter()
            .map(|i| i.status == Status::Missing)
            .collect();
        for (i, ind) in model.indicators.iter().enumerate().rev() {
            let below = ind
                .children
                .iter()
                .any(|&c| missing.get(c).copied().unwrap_or(false));
            if let Some(m) = missing.get_mut(i) {
                *m |= below;
            }
        }
        for ((s, res), m) in self.indicators.iter_mut().zip(&r.indicators).zip(missing) {
            s.add(res.score, m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn kept(total: &str) -> Standing {
        Standing {
            total: d(total),
            vetoed: false,
        }
    }

    fn vetoed(total: &str) -> Standing {
        Standing {
            total: d(total),
            vetoed: true,
        }
    }

    #[test]
    fn competition_ranks() {
        let t = [kept("100"), kept("90"), kept("90"), kept("80")];
        assert_eq!(ranks(&t), vec![1, 2, 2, 4]);
        assert_eq!(
            ranks(&[kept("80"), kept("90.00"), kept("100"), kept("90")]),
            vec![4, 2, 1, 2]
        );
    }

    #[test]
    fn vetoed_subjects_rank_after_all_others_by_total() {
        let t = [
            vetoed("99"),
            kept("60"),
            vetoed("70"),
            kept("90"),
            vetoed("99"),
            kept("60"),
        ];
        assert_eq!(ranks(&t), vec![4, 2, 6, 1, 4, 2]);
        assert_eq!(ranks(&[vetoed("0")]), vec![1]);
        assert_eq!(ranks(&[]), Vec::<usize>::new());
    }

    #[test]
    fn mean_median_and_counts() {
        let mut s = IndicatorStats {
            points: d("4"),
            ..IndicatorStats::default()
        };
        for (v, m) in [("4.00", false), ("0", true), ("2.5", false), ("4", false)] {
            s.add(d(v), m);
        }
        assert_eq!(s.mean(4), Some(d("2.625")));
        assert_eq!(s.mean(2), Some(d("2.63")));
        assert_eq!(s.median(), Some(d("3.25")));
        assert_eq!((s.min(), s.max()), (Some(d("0")), Some(d("4"))));
        assert_eq!((s.full, s.zero, s.missing, s.subjects), (2, 1, 1, 4));
        s.add(d("1"), false);
        assert_eq!(s.median(), Some(d("2.5")));
        // 0 | 1 | 2.5 | 4.00, 4 (full points in the last bin)
        assert_eq!(s.distribution(4), vec![1, 1, 1, 2]);
        assert_eq!(s.distribution(1), vec![5]);
        assert_eq!(s.distribution(0), Vec::<u64>::new());
        assert_eq!(IndicatorStats::default().median(), None);
        assert_eq!(IndicatorStats::default().mean(2), None);
    }
}
