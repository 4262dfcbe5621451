//! What a subject's feedback letter (`zhibiao explain`) says, computed
//! and not formatted: rank among all subjects, points lost per indicator,
//! the distance to the next grade, the weighted sums of parents, and which
//! subject `--subject` names.

use crate::eval::SubjectResult;
use crate::ir::{IndId, Mode, Model};
use crate::number::{self, Num};
use crate::syntax::ast::CmpOp;
use rust_decimal::Decimal;

/// The computed parts of one subject's letter.
#[derive(Clone, Debug)]
pub struct Letter {
    /// Index of the subject in the results.
    pub subject: usize,
    /// Competition rank, vetoed subjects after all others (A.1 rule 10).
    pub rank: usize,
    /// How many subjects were ranked.
    pub ranked: usize,
    /// Whether another subject shares the rank (并列).
    pub tied: bool,
    /// Leaf indicators that lost points, largest loss first.
    pub lost: Vec<Lost>,
    /// The next better grade and how far the total is from it (none at
    /// the top grade, or when a veto fixed the grade).
    pub next_grade: Option<NextGrade>,
    /// Indices into `Model::vetoes` of the vetoes that fired.
    pub vetoes: Vec<usize>,
}

/// Points a leaf indicator lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Lost {
    pub indicator: IndId,
    /// The indicator's full points minus its score.
    pub points: Decimal,
    /// What that costs the base score: the same under 分值; under 权重
    /// the loss times the product of the weights above it.
    pub of_total: Num,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NextGrade {
    pub grade: String,
    /// The threshold's test (≥ or >) and value.
    pub op: CmpOp,
    pub threshold: Num,
    /// Threshold minus total.
    pub gap: Num,
}

/// A parent's score as the sum of its children's: each child's weight
/// (under 权重) and rounded score, the exact sum and the rounded score.
#[derive(Clone, Debug, PartialEq)]
pub struct ParentSum {
    pub terms: Vec<(IndId, Option<Num>, Decimal)>,
    pub exact: Num,
    pub score: Decimal,
}

/// The letter of every subject, ranked over all of them.
pub fn letters(model: &Model, results: &[SubjectResult]) -> Vec<Letter> {
    let standings: Vec<_> = results.iter().map(super::stats::standing).collect();
    let ranks = super::stats::ranks(&standings);
    let mut shared = std::collections::HashMap::new();
    for r in &ranks {
        *shared.entry(*r).or_insert(0usize) += 1;
    }
    results
        .iter()
        .zip(ranks)
        .enumerate()
        .map(|(i, (r, rank))| Letter {
            subject: i,
            rank,
            ranked: results.len(),
            tied: shared.get(&rank).is_some_and(|n| *n > 1),
            lost: lost(model, r),
            next_grade: next_grade(model, r),
            vetoes: model
                .vetoes
                .iter()
                .enumerate()
                .filter(|(_, v)| r.vetoes.iter().any(|(c, _)| *c == v.code))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect()
}

/// Leaves below full points, the largest loss (to the total) first, then
/// in tree order.
fn lost(model: &Model, r: &SubjectResult) -> Vec<Lost> {
    let mut out: Vec<Lost> = model
        .indicators
        .iter()
        .zip(&r.indicators)
        .enumerate()
        .filter(|(_, (ind, _))| ind.is_leaf())
        .filter_map(|(i, (ind, res))| {
            let points = number::to_decimal(&ind.full).checked_sub(res.score)?;
            if points <= Decimal::ZERO {
                return None;
            }
            let of_total = match model.mode {
                Mode::Points => number::from_decimal(points),
                Mode::Weights => number::mul(&share(model, i)?, &number::from_decimal(points))?,
            };
            Some(Lost {
                indicator: i,
                points,
                of_total,
            })
        })
        .collect();
    out.sort_by(|a, b| number::cmp(&b.of_total, &a.of_total).then(a.indicator.cmp(&b.indicator)));
    out
}

/// Under 权重: the product of an indicator's weight and its ancestors'.
fn share(model: &Model, i: IndId) -> Option<Num> {
    let mut at = model.indicators.get(i);
    let mut product = number::int(1);
    while let Some(ind) = at {
        product = number::mul(&product, &ind.weight)?;
        at = ind.parent.and_then(|p| model.indicators.get(p));
    }
    Some(product)
}

/// The grade row above the one the total reaches, and the gap to it.
fn next_grade(model: &Model, r: &SubjectResult) -> Option<NextGrade> {
    if !r.vetoes.is_empty() {
        return None;
    }
    let total = number::from_decimal(r.total);
    let at = model
        .grades
        .iter()
        .position(|g| crate::eval::grade_matches(g.test, &total))?;
    let above = model.grades.get(at.checked_sub(1)?)?;
    let (op, threshold) = above.test?;
    Some(NextGrade {
        grade: above.grade.clone(),
        op,
        threshold,
        gap: number::sub(&threshold, &total)?,
    })
}

/// How a parent's score adds up from its children (or the base score
/// from the first-level indicators, with `parent` `None`).
pub fn parent_sum(model: &Model, r: &SubjectResult, parent: Option<IndId>) -> Option<ParentSum> {
    let (children, score) = match parent {
        Some(p) => (
            &model.indicators.get(p)?.children,
            r.indicators.get(p)?.score,
        ),
        None => (&model.roots, r.base),
    };
    let mut exact = number::zero();
    let mut terms = Vec::new();
    for &c in children {
        let s = r.indicators.get(c)?.score;
        let weight = match model.mode {
            Mode::Points => None,
            Mode::Weights => Some(model.indicators.get(c)?.weight),
        };
        let term = match &weight {
            Some(w) => number::mul(w, &number::from_decimal(s))?,
            None => number::from_decimal(s),
        };
        exact = number::add(&exact, &term)?;
        terms.push((c, weight, s));
    }
    Some(ParentSum {
        terms,
        exact,
        score,
    })
}

/// Which subject `--subject` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Named {
    /// Exactly one subject has this code, or else this name.
    One(usize),
    /// Several subjects have this name.
    Several(Vec<usize>),
    /// None; the closest codes and names, if any.
    Unknown(Vec<usize>),
}

/// A subject by its code (编码) or, failing that, its name (名称).
pub fn find_subject(results: &[SubjectResult], query: &str) -> Named {
    if let Some(i) = results.iter().position(|r| r.code == query) {
        return Named::One(i);
    }
    let named: Vec<usize> = (0..results.len())
        .filter(|i| results.get(*i).is_some_and(|r| r.name == query))
        .collect();
    match named.as_slice() {
        [one] => return Named::One(*one),
        [_, _, ..] => return Named::Several(named),
        [] => {}
    }
    Named::Unknown(suggest(results, query))
}

/// Up to five subjects whose code or name is near the query: containing
/// it, contained in it, or within a small edit distance.
fn suggest(results: &[SubjectResult], query: &str) -> Vec<usize> {
    const SHOWN: usize = 5;
    let q = query.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let limit = (q.chars().count() / 3).max(1);
    let near = |s: &str| {
        !s.is_empty() && (s.contains(q) || q.contains(s) || strsim::levenshtein(q, s) <= limit)
    };
    let mut scored: Vec<(usize, usize)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| near(&r.code) || near(&r.name))
        .map(|(i, r)| {
            let d = strsim::levenshtein(q, &r.code).min(strsim::levenshtein(q, &r.name));
            (d, i)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(SHOWN).map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::SubjectResult;

    fn subject(code: &str, name: &str) -> SubjectResult {
        SubjectResult {
            code: code.into(),
            name: name.into(),
            indicators: Vec::new(),
            base: Decimal::ZERO,
            bonus: Decimal::ZERO,
            bonuses: Vec::new(),
            total: Decimal::ZERO,
            grade: String::new(),
            vetoes: Vec::new(),
            missing: Vec::new(),
        }
    }

    #[test]
    fn finds_by_code_then_name_and_suggests_near_ones() {
        let rs = [
            subject("110101", "东城区"),
            subject("110102", "西城区"),
            subject("220101", "东城区"),
            subject("120101", "和平区"),
        ];
        assert_eq!(find_subject(&rs, "110102"), Named::One(1));
        assert_eq!(find_subject(&rs, "西城区"), Named::One(1));
        assert_eq!(find_subject(&rs, "东城区"), Named::Several(vec![0, 2]));
        assert_eq!(find_subject(&rs, "和平"), Named::Unknown(vec![3]));
        match find_subject(&rs, "120111") {
            Named::Unknown(near) => assert_eq!(near.first(), Some(&3), "{near:?}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(find_subject(&rs, "完全无关的名字"), Named::Unknown(vec![]));
    }
}
