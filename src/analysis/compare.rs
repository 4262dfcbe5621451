//! `zhibiao compare`: the same subjects over two or more evaluation years.
//!
//! Each year is evaluated on its own (its evidence, its 评价年度, its
//! rules); this module only compares the results. Subjects are matched by
//! 编码, indicators by code. Each consecutive pair of years is a [`Step`]:
//! the change of every subject present in both, the indicators that drove
//! it, and a summary (mean and median change, grade transition matrix,
//! most improved and most declined). Ranks are those of `eval`
//! ([`super::stats::ranks`]): vetoed subjects rank last.

use super::stats::{mean, median, ranks, shares, standing};
use crate::eval::SubjectResult;
use crate::ir::Model;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// How many most improved and most declined subjects are listed unless
/// `--top` says otherwise.
pub const TOP: usize = 10;

/// How many indicators are named as the drivers of one subject's change.
pub const DRIVERS: usize = 3;

/// The code under which the bonus (加分) appears among the drivers.
pub const BONUS: &str = "加分";

/// One evaluated year: its label (`2024`), a description of its rules
/// and evidence, the model and every subject's result.
pub struct Year {
    pub label: String,
    /// The rule file, as the user named it.
    pub rules: String,
    /// The evidence, as the user named it.
    pub evidence: String,
    /// The value of 评价年度 used, if the rules declare it.
    pub year_param: Option<String>,
    pub model: Model,
    pub results: Vec<SubjectResult>,
}

/// What the output says about a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearInfo {
    pub label: String,
    pub rules: String,
    /// 标准 and 版本 of the year's rules.
    pub title: String,
    pub evidence: String,
    pub year_param: Option<String>,
}

/// A subject in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub total: Decimal,
    pub grade: String,
    /// Competition rank among that year's subjects, vetoed ones last.
    pub rank: usize,
    pub vetoed: bool,
}

/// One indicator's part in a subject's change between two years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Driver {
    /// Indicator code, or [`BONUS`].
    pub code: String,
    pub name: String,
    /// New part − old part of the total (分值: the score; 权重: score ×
    /// share of the total).
    pub delta: Decimal,
    /// The indicator is in one year's rules only: that year (index).
    pub only_in: Option<usize>,
}

/// A subject's movement between two consecutive years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// New total − old total.
    pub change: Decimal,
    /// Old rank − new rank: positive when the subject moved up.
    pub rank_change: i64,
    /// The largest per-indicator deltas (at most [`DRIVERS`], none zero).
    pub drivers: Vec<Driver>,
}

/// One subject over every year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub code: String,
    /// As the latest year that has the subject names it.
    pub name: String,
    /// One per year; `None` where the subject was not evaluated.
    pub years: Vec<Option<Standing>>,
    /// One per consecutive pair of years; `None` unless both have it.
    pub moves: Vec<Option<Move>>,
}

/// Counts of subjects by old grade (rows) and new grade (columns).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matrix {
    pub old_grades: Vec<String>,
    pub new_grades: Vec<String>,
    /// `counts[row][col]`.
    pub counts: Vec<Vec<usize>>,
}

/// An indicator that only one year's rules of a step have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorNote {
    pub code: String,
    pub name: String,
    /// The year (index) whose rules have it.
    pub year: usize,
}

/// The comparison of two consecutive years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub from: usize,
    pub to: usize,
    /// Subjects evaluated in both years.
    pub subjects: usize,
    pub up: usize,
    pub down: usize,
    pub unchanged: usize,
    pub grade_changed: usize,
    /// Exact mean and median of the change (`None` without subjects).
    pub mean: Option<Decimal>,
    pub median: Option<Decimal>,
    pub matrix: Matrix,
    /// Indices into [`Comparison::subjects`]: the largest rises, largest
    /// first (then by 编码); the largest falls likewise.
    pub improved: Vec<usize>,
    pub declined: Vec<usize>,
    /// Subjects (indices) evaluated in only one of the two years.
    pub only_from: Vec<usize>,
    pub only_to: Vec<usize>,
    /// The two years' rule files differ.
    pub rules_differ: bool,
    pub indicator_notes: Vec<IndicatorNote>,
}

/// Everything `zhibiao compare` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub years: Vec<YearInfo>,
    /// Every year uses the same rule file.
    pub same_rules: bool,
    /// Decimal places of printed scores (the largest of the years' rounding).
    pub places: u32,
    /// Every subject: those evaluated in every year first, by latest rank
    /// then 编码; then the others, by 编码.
    pub subjects: Vec<Subject>,
    /// How many of [`Comparison::subjects`] are evaluated in every year.
    pub complete: usize,
    pub steps: Vec<Step>,
    pub top: usize,
}

impl Comparison {
    /// The subjects evaluated in every year.
    pub fn complete(&self) -> &[Subject] {
        self.subjects.get(..self.complete).unwrap_or_default()
    }

    /// The subjects missing from at least one year.
    pub fn partial(&self) -> &[Subject] {
        self.subjects.get(self.complete..).unwrap_or_default()
    }
}

/// Compare the years, in the order given, listing `top` movers per step.
pub fn compare(years: &[Year], top: usize) -> Comparison {
    let standings: Vec<HashMap<&str, (Standing, usize)>> =
        years.iter().map(year_standings).collect();
    let mut codes: Vec<&str> = standings.iter().flat_map(|s| s.keys().copied()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut subjects: Vec<Subject> = codes
        .iter()
        .map(|code| subject(years, &standings, code))
        .collect();
    let latest_rank = |s: &Subject| s.years.last().cloned().flatten().map(|y| y.rank);
    let in_all = |s: &Subject| s.years.iter().all(Option::is_some);
    // Complete subjects by latest rank, then the others; each by 编码.
    let key = |s: &Subject| (!in_all(s), latest_rank(s).filter(|_| in_all(s)));
    subjects.sort_by(|a, b| (key(a), &a.code).cmp(&(key(b), &b.code)));
    let complete = subjects.iter().filter(|s| in_all(s)).count();
    let steps = (1..years.len())
        .map(|to| step(years, &subjects, to - 1, to, top))
        .collect();
    Comparison {
        years: years.iter().map(info).collect(),
        same_rules: years.windows(2).all(|w| w[0].rules == w[1].rules),
        places: years
            .iter()
            .map(|y| y.model.policy.round_places)
            .max()
            .unwrap_or(2),
        subjects,
        complete,
        steps,
        top,
    }
}

fn info(y: &Year) -> YearInfo {
    let m = &y.model.meta;
    let title = [m.standard.as_str(), m.version.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    YearInfo {
        label: y.label.clone(),
        rules: y.rules.clone(),
        title,
        evidence: y.evidence.clone(),
        year_param: y.year_param.clone(),
    }
}

/// Every subject of a year by 编码: its standing and its result's index.
fn year_standings(y: &Year) -> HashMap<&str, (Standing, usize)> {
    let all: Vec<_> = y.results.iter().map(standing).collect();
    let ranks = ranks(&all);
    y.results
        .iter()
        .zip(ranks)
        .enumerate()
        .map(|(i, (r, rank))| {
            let s = Standing {
                total: r.total,
                grade: r.grade.clone(),
                rank,
                vetoed: !r.vetoes.is_empty(),
            };
            (r.code.as_str(), (s, i))
        })
        .collect()
}

fn subject(years: &[Year], standings: &[HashMap<&str, (Standing, usize)>], code: &str) -> Subject {
    let at: Vec<Option<&(Standing, usize)>> = standings.iter().map(|s| s.get(code)).collect();
    let name = years
        .iter()
        .zip(&at)
        .rev()
        .find_map(|(y, a)| a.and_then(|(_, i)| y.results.get(*i)))
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let moves = (1..years.len())
        .map(|to| {
            let (old, new) = (
                at.get(to - 1).copied().flatten(),
                at.get(to).copied().flatten(),
            );
            let ((os, oi), (ns, ni)) = (old?, new?);
            let (oy, ny) = (years.get(to - 1)?, years.get(to)?);
            let (or, nr) = (oy.results.get(*oi)?, ny.results.get(*ni)?);
            Some(Move {
                change: sub(ns.total, os.total),
                rank_change: os.rank as i64 - ns.rank as i64,
                drivers: drivers(oy, ny, or, nr, to - 1),
            })
        })
        .collect();
    Subject {
        code: code.to_owned(),
        name,
        years: at.iter().map(|a| a.map(|(s, _)| s.clone())).collect(),
        moves,
    }
}

fn add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(if b.is_sign_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

fn sub(a: Decimal, b: Decimal) -> Decimal {
    add(a, -b)
}

/// Leaf indicator codes of either model: (code, name, index in old, index
/// in new), new tree order first, then the old model's own.
fn leaves<'a>(
    om: &'a Model,
    nm: &'a Model,
) -> Vec<(&'a str, &'a str, Option<usize>, Option<usize>)> {
    let leaf_at = |m: &Model, code: &str| {
        m.indicators
            .iter()
            .position(|i| i.code == code && i.is_leaf())
    };
    let mut out: Vec<_> = (nm.indicators.iter().enumerate())
        .filter(|(_, i)| i.is_leaf())
        .map(|(n, i)| {
            (
                i.code.as_str(),
                i.name.as_str(),
                leaf_at(om, &i.code),
                Some(n),
            )
        })
        .collect();
    for (o, i) in om
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.is_leaf())
    {
        if leaf_at(nm, &i.code).is_none() {
            out.push((i.code.as_str(), i.name.as_str(), Some(o), None));
        }
    }
    out
}

/// The largest per-indicator deltas between a subject's two results, the
/// bonus counted as one more item; a leaf missing from one year's rules
/// counts 0 there.
fn drivers(
    oy: &Year,
    ny: &Year,
    or: &SubjectResult,
    nr: &SubjectResult,
    from: usize,
) -> Vec<Driver> {
    let (os, ns) = (shares(&oy.model), shares(&ny.model));
    let part = |r: &SubjectResult, i: Option<usize>, shares: &[Decimal]| {
        i.and_then(|i| {
            let score = r.indicators.get(i)?.score;
            score.checked_mul(*shares.get(i)?)
        })
        .unwrap_or(Decimal::ZERO)
    };
    let mut out: Vec<Driver> = leaves(&oy.model, &ny.model)
        .into_iter()
        .map(|(code, name, o, n)| Driver {
            code: code.to_owned(),
            name: name.to_owned(),
            delta: sub(part(nr, n, &ns), part(or, o, &os)),
            only_in: match (o, n) {
                (Some(_), None) => Some(from),
                (None, Some(_)) => Some(from + 1),
                _ => None,
            },
        })
        .collect();
    out.push(Driver {
        code: BONUS.to_owned(),
        name: "加分项".to_owned(),
        delta: sub(nr.bonus, or.bonus),
        only_in: None,
    });
    out.retain(|d| !d.delta.is_zero());
    // Stable: equal deltas keep tree order.
    out.sort_by_key(|d| std::cmp::Reverse(d.delta.abs()));
    out.truncate(DRIVERS);
    out
}

fn step(years: &[Year], subjects: &[Subject], from: usize, to: usize, top: usize) -> Step {
    let k = from;
    let moved: Vec<(usize, &Move)> = (subjects.iter().enumerate())
        .filter_map(|(i, s)| Some((i, s.moves.get(k)?.as_ref()?)))
        .collect();
    let mut changes: Vec<Decimal> = moved.iter().map(|(_, m)| m.change).collect();
    changes.sort();
    let grades = |s: &Subject| {
        let g = |y: usize| s.years.get(y).cloned().flatten().map(|s| s.grade);
        g(from).zip(g(to))
    };
    let pairs: Vec<(String, String)> = moved
        .iter()
        .filter_map(|(i, _)| grades(subjects.get(*i)?))
        .collect();
    let ranked = |want: std::cmp::Ordering| {
        let mut list: Vec<(usize, Decimal)> = (moved.iter())
            .filter(|(_, m)| m.change.cmp(&Decimal::ZERO) == want)
            .map(|(i, m)| (*i, m.change.abs()))
            .collect();
        let code = |i: usize| subjects.get(i).map(|s| s.code.as_str());
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| code(a.0).cmp(&code(b.0))));
        list.into_iter()
            .take(top)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    let improved = ranked(std::cmp::Ordering::Greater);
    let declined = ranked(std::cmp::Ordering::Less);
    let only = |here: usize, there: usize| -> Vec<usize> {
        (subjects.iter().enumerate())
            .filter(|(_, s)| s.years.get(here).is_some_and(Option::is_some))
            .filter(|(_, s)| s.years.get(there).is_some_and(Option::is_none))
            .map(|(i, _)| i)
            .collect()
    };
    let (oy, ny) = (years.get(from), years.get(to));
    Step {
        from,
        to,
        subjects: moved.len(),
        up: changes.iter().filter(|c| **c > Decimal::ZERO).count(),
        down: changes.iter().filter(|c| **c < Decimal::ZERO).count(),
        unchanged: changes.iter().filter(|c| c.is_zero()).count(),
        grade_changed: pairs.iter().filter(|(a, b)| a != b).count(),
        mean: mean(&changes),
        median: median(&changes),
        matrix: oy
            .zip(ny)
            .map(|(o, n)| matrix(&o.model, &n.model, &pairs))
            .unwrap_or_default(),
        improved,
        declined,
        only_from: only(from, to),
        only_to: only(to, from),
        rules_differ: oy.zip(ny).is_some_and(|(o, n)| o.rules != n.rules),
        indicator_notes: oy
            .zip(ny)
            .map(|(o, n)| notes(o, n, from))
            .unwrap_or_default(),
    }
}

/// Indicators (by code) only one of the two years' rules has.
fn notes(oy: &Year, ny: &Year, from: usize) -> Vec<IndicatorNote> {
    let has = |m: &Model, code: &str| m.indicators.iter().any(|i| i.code == code);
    let one_side = |m: &Model, other: &Model, year: usize| -> Vec<IndicatorNote> {
        (m.indicators.iter())
            .filter(|i| !has(other, &i.code))
            .map(|i| IndicatorNote {
                code: i.code.clone(),
                name: i.name.clone(),
                year,
            })
            .collect()
    };
    let mut out = one_side(&oy.model, &ny.model, from);
    out.extend(one_side(&ny.model, &oy.model, from + 1));
    out
}

/// Grades in the order the rules declare them (the new year's table and
/// veto grade, then the old year's), then any other grade seen.
fn matrix(om: &Model, nm: &Model, pairs: &[(String, String)]) -> Matrix {
    let declared = |m: &Model| -> Vec<String> {
        (m.grades.iter().map(|g| g.grade.clone()))
            .chain(m.policy.veto_grade.iter().cloned())
            .collect()
    };
    let mut order: Vec<String> = Vec::new();
    let mut seen: Vec<String> = pairs
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    seen.sort();
    for g in declared(nm).into_iter().chain(declared(om)).chain(seen) {
        if !order.contains(&g) {
            order.push(g);
        }
    }
    let pick = |model: &Model, side: fn(&(String, String)) -> &String| -> Vec<String> {
        let d = declared(model);
        (order.iter())
            .filter(|g| d.contains(g) || pairs.iter().any(|p| side(p) == *g))
            .cloned()
            .collect()
    };
    let old_grades = pick(om, |p| &p.0);
    let new_grades = pick(nm, |p| &p.1);
    let mut counts = vec![vec![0usize; new_grades.len()]; old_grades.len()];
    for (o, n) in pairs {
        let r = old_grades.iter().position(|g| g == o);
        let c = new_grades.iter().position(|g| g == n);
        if let Some(cell) = r.zip(c).and_then(|(r, c)| counts.get_mut(r)?.get_mut(c)) {
            *cell += 1;
        }
    }
    Matrix {
        old_grades,
        new_grades,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn mean_and_median_are_exact() {
        let v = [d("-12"), d("-5"), d("0"), d("1")];
        assert_eq!(mean(&v), Some(d("-4")));
        assert_eq!(median(&v), Some(d("-2.5")));
        assert_eq!(median(&v[..3]), Some(d("-5")));
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
    }
}
