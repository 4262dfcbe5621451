//! Population impact: every subject's old and new total, grade and rank,
//! and the summary over all subjects.

use super::structure::code_order;
use super::Side;
use crate::analysis::stats::{mean, median, shares};
use crate::eval::SubjectResult;
use crate::ir::{Mode, Model};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// How many largest movers and contributing indicators the summary lists
/// unless `--top` says otherwise.
pub const TOP: usize = 10;

/// One subject. A side that has no subject with this 编码 leaves its
/// fields `None` (and the change too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub old_total: Option<Decimal>,
    pub new_total: Option<Decimal>,
    /// New total − old total.
    pub change: Option<Decimal>,
    pub old_grade: Option<String>,
    pub new_grade: Option<String>,
    /// Rank 1 = highest total; equal totals share a rank, the next skips.
    pub old_rank: Option<usize>,
    pub new_rank: Option<usize>,
    /// A veto (一票否决) hit the subject on that side.
    pub old_vetoed: Option<bool>,
    pub new_vetoed: Option<bool>,
}

/// Counts of subjects by old grade (rows) and new grade (columns).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matrix {
    pub old_grades: Vec<String>,
    pub new_grades: Vec<String>,
    /// `counts[row][col]`.
    pub counts: Vec<Vec<usize>>,
}

/// The sum over subjects of the change in one indicator's part of the
/// total (分值 mode: new score − old score).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub code: String,
    pub name: String,
    pub sum: Decimal,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Subjects present on both sides.
    pub subjects: usize,
    /// 编码 of subjects only one side has.
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
    pub grade_changed: usize,
    pub up: usize,
    pub down: usize,
    pub unchanged: usize,
    /// Σ (new − old) of total, base score and bonus.
    pub total_change: Decimal,
    pub base_change: Decimal,
    pub bonus_change: Decimal,
    /// Mean and median of the total's change over the subjects on both
    /// sides (exact; `None` without any).
    pub mean_change: Option<Decimal>,
    pub median_change: Option<Decimal>,
    /// The largest rise and the largest fall of a total.
    pub max_up: Option<Row>,
    pub max_down: Option<Row>,
    /// How many movers and contributing indicators are listed.
    pub top: usize,
    pub matrix: Matrix,
    /// The first `top` rows with a non-zero change.
    pub movers: Vec<Row>,
    /// First-level indicators and leaves with a non-zero sum, largest
    /// |sum| first, at most [`TOP`] each.
    pub top_level: Vec<Contribution>,
    pub leaves: Vec<Contribution>,
    /// Either side scores by 权重: contributions are weighted by each
    /// indicator's share of the total.
    pub weighted: bool,
}

/// The change within one group of subjects (`--by 所属地区`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub group: String,
    /// Subjects on both sides.
    pub subjects: usize,
    pub mean_change: Option<Decimal>,
    pub grade_changed: usize,
    pub up: usize,
    pub down: usize,
}

/// Rows grouped by `group_of[编码]`, groups in order of their names.
pub(super) fn by_group(rows: &[Row], group_of: &HashMap<String, String>) -> Vec<GroupRow> {
    let mut groups: std::collections::BTreeMap<&str, Vec<&Row>> = Default::default();
    for r in rows.iter().filter(|r| r.change.is_some()) {
        let g = group_of.get(&r.code).map_or("（空）", String::as_str);
        groups.entry(g).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(group, rows)| {
            let changes: Vec<Decimal> = rows.iter().filter_map(|r| r.change).collect();
            GroupRow {
                group: group.to_owned(),
                subjects: rows.len(),
                mean_change: mean(&changes),
                grade_changed: rows.iter().filter(|r| r.old_grade != r.new_grade).count(),
                up: changes
                    .iter()
                    .filter(|c| c.is_sign_positive() && !c.is_zero())
                    .count(),
                down: changes
                    .iter()
                    .filter(|c| c.is_sign_negative() && !c.is_zero())
                    .count(),
            }
        })
        .collect()
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

pub use crate::analysis::stats::{ranks, standing};

pub(super) fn impact(old: &Side, new: &Side, top: usize) -> (Vec<Row>, Summary) {
    let standings = |s: &Side| s.results.iter().map(standing).collect::<Vec<_>>();
    let old_ranks = ranks(&standings(old));
    let new_ranks = ranks(&standings(new));
    let old_by_code: HashMap<&str, usize> = old
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    let new_codes: HashMap<&str, usize> = new
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    // Matched pairs (old index, new index), in new order.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut rows: Vec<Row> = Vec::with_capacity(new.results.len());
    for (ni, n) in new.results.iter().enumerate() {
        let o = old_by_code.get(n.code.as_str()).copied();
        let old_result = o.and_then(|i| old.results.get(i));
        if let Some(oi) = o {
            pairs.push((oi, ni));
        }
        rows.push(Row {
            code: n.code.clone(),
            name: n.name.clone(),
            old_total: old_result.map(|r| r.total),
            new_total: Some(n.total),
            change: old_result.map(|r| sub(n.total, r.total)),
            old_grade: old_result.map(|r| r.grade.clone()),
            new_grade: Some(n.grade.clone()),
            old_rank: o.and_then(|i| old_ranks.get(i).copied()),
            new_rank: new_ranks.get(ni).copied(),
            old_vetoed: old_result.map(|r| !r.vetoes.is_empty()),
            new_vetoed: Some(!n.vetoes.is_empty()),
        });
    }
    let mut only_old = Vec::new();
    for (oi, o) in old.results.iter().enumerate() {
        if new_codes.contains_key(o.code.as_str()) {
            continue;
        }
        only_old.push(o.code.clone());
        rows.push(Row {
            code: o.code.clone(),
            name: o.name.clone(),
            old_total: Some(o.total),
            new_total: None,
            change: None,
            old_grade: Some(o.grade.clone()),
            new_grade: None,
            old_rank: old_ranks.get(oi).copied(),
            new_rank: None,
            old_vetoed: Some(!o.vetoes.is_empty()),
            new_vetoed: None,
        });
    }
    let mut only_new: Vec<String> = new
        .results
        .iter()
        .filter(|n| !old_by_code.contains_key(n.code.as_str()))
        .map(|n| n.code.clone())
        .collect();
    only_old.sort();
    only_new.sort();
    rows.sort_by(|a, b| {
        let size = |r: &Row| r.change.map(|c| c.abs());
        match (size(a), size(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.code.cmp(&b.code))
    });

    let mut summary = Summary {
        subjects: pairs.len(),
        only_old,
        only_new,
        ..Summary::default()
    };
    for &(oi, ni) in &pairs {
        let (Some(o), Some(n)) = (old.results.get(oi), new.results.get(ni)) else {
            continue;
        };
        if o.grade != n.grade {
            summary.grade_changed += 1;
        }
        match n.total.cmp(&o.total) {
            std::cmp::Ordering::Greater => summary.up += 1,
            std::cmp::Ordering::Less => summary.down += 1,
            std::cmp::Ordering::Equal => summary.unchanged += 1,
        }
        summary.total_change = add(summary.total_change, sub(n.total, o.total));
        summary.base_change = add(summary.base_change, sub(n.base, o.base));
        summary.bonus_change = add(summary.bonus_change, sub(n.bonus, o.bonus));
    }
    summary.matrix = matrix(old, new, &pairs);
    summary.top = top;
    summary.movers = rows
        .iter()
        .filter(|r| r.change.is_some_and(|c| !c.is_zero()))
        .take(top)
        .cloned()
        .collect();
    let mut changes: Vec<Decimal> = rows.iter().filter_map(|r| r.change).collect();
    changes.sort();
    summary.mean_change = mean(&changes);
    summary.median_change = median(&changes);
    let extreme = |want: std::cmp::Ordering| {
        rows.iter()
            .filter(|r| r.change.is_some_and(|c| c.cmp(&Decimal::ZERO) == want))
            .max_by(|a, b| {
                let size = |r: &Row| r.change.map(|c| c.abs());
                size(a).cmp(&size(b)).then_with(|| b.code.cmp(&a.code))
            })
            .cloned()
    };
    summary.max_up = extreme(std::cmp::Ordering::Greater);
    summary.max_down = extreme(std::cmp::Ordering::Less);
    let (top_level, leaves) =
        contributions(&old.plan.model, &new.plan.model, old, new, &pairs, top);
    summary.top_level = top_level;
    summary.leaves = leaves;
    summary.weighted = old.plan.model.mode == Mode::Weights || new.plan.model.mode == Mode::Weights;
    (rows, summary)
}

/// Grades in the order the new grade table lists them, then the new veto
/// grade, the old table's and veto grade, then any other grade given.
fn matrix(old: &Side, new: &Side, pairs: &[(usize, usize)]) -> Matrix {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    let declared = |m: &Model| -> Vec<String> {
        m.grades
            .iter()
            .map(|g| g.grade.clone())
            .chain(m.policy.veto_grade.iter().cloned())
            .collect()
    };
    let old_seen: Vec<&str> = pairs
        .iter()
        .filter_map(|(o, _)| old.results.get(*o))
        .map(|r| r.grade.as_str())
        .collect();
    let new_seen: Vec<&str> = pairs
        .iter()
        .filter_map(|(_, n)| new.results.get(*n))
        .map(|r| r.grade.as_str())
        .collect();
    let mut order: Vec<String> = Vec::new();
    for g in declared(nm).into_iter().chain(declared(om)) {
        if !order.contains(&g) {
            order.push(g);
        }
    }
    let mut others: Vec<&str> = old_seen
        .iter()
        .chain(new_seen.iter())
        .copied()
        .filter(|g| !order.iter().any(|o| o == g))
        .collect();
    others.sort();
    others.dedup();
    order.extend(others.into_iter().map(str::to_string));
    let (od, nd) = (declared(om), declared(nm));
    let old_grades: Vec<String> = order
        .iter()
        .filter(|g| od.contains(g) || old_seen.contains(&g.as_str()))
        .cloned()
        .collect();
    let new_grades: Vec<String> = order
        .iter()
        .filter(|g| nd.contains(g) || new_seen.contains(&g.as_str()))
        .cloned()
        .collect();
    let mut counts = vec![vec![0usize; new_grades.len()]; old_grades.len()];
    for (o, n) in old_seen.iter().zip(&new_seen) {
        let r = old_grades.iter().position(|g| g == o);
        let c = new_grades.iter().position(|g| g == n);
        if let Some(cell) = r
            .zip(c)
            .and_then(|(r, c)| counts.get_mut(r).and_then(|row| row.get_mut(c)))
        {
            *cell += 1;
        }
    }
    Matrix {
        old_grades,
        new_grades,
        counts,
    }
}

/// For every indicator code of either model, Σ over matched subjects of
/// (new part − old part) of the total, an absent indicator counting 0: in
/// 分值 mode the part is the indicator's score, in 权重 mode its score
/// times its share (see [`shares`]).
fn contributions(
    om: &Model,
    nm: &Model,
    old: &Side,
    new: &Side,
    pairs: &[(usize, usize)],
    top: usize,
) -> (Vec<Contribution>, Vec<Contribution>) {
    struct Code<'a> {
        code: &'a str,
        name: &'a str,
        old: Option<usize>,
        new: Option<usize>,
        top_level: bool,
        leaf: bool,
        sum: Decimal,
    }
    let (ow, nw) = (shares(om), shares(nm));
    let mut codes: Vec<Code> = Vec::new();
    for (i, ind) in nm.indicators.iter().enumerate() {
        codes.push(Code {
            code: &ind.code,
            name: &ind.name,
            old: om.indicators.iter().position(|o| o.code == ind.code),
            new: Some(i),
            top_level: ind.parent.is_none(),
            leaf: ind.is_leaf(),
            sum: Decimal::ZERO,
        });
    }
    for (i, ind) in om.indicators.iter().enumerate() {
        if nm.indicators.iter().all(|n| n.code != ind.code) {
            codes.push(Code {
                code: &ind.code,
                name: &ind.name,
                old: Some(i),
                new: None,
                top_level: ind.parent.is_none(),
                leaf: ind.is_leaf(),
                sum: Decimal::ZERO,
            });
        }
    }
    codes.sort_by(|a, b| code_order(a.code, b.code));
    for &(oi, ni) in pairs {
        let (Some(o), Some(n)) = (old.results.get(oi), new.results.get(ni)) else {
            continue;
        };
        for c in codes.iter_mut() {
            // An indicator's part of the total: its score times its share.
            let part = |r: &SubjectResult, i: Option<usize>, shares: &[Decimal]| {
                i.and_then(|i| {
                    let score = r.indicators.get(i)?.score;
                    score.checked_mul(*shares.get(i)?)
                })
                .unwrap_or(Decimal::ZERO)
            };
            c.sum = add(c.sum, sub(part(n, c.new, &nw), part(o, c.old, &ow)));
        }
    }
    let pick = |want: &dyn Fn(&Code) -> bool| -> Vec<Contribution> {
        let mut v: Vec<(usize, &Code)> = codes
            .iter()
            .enumerate()
            .filter(|(_, c)| want(c) && !c.sum.is_zero())
            .collect();
        // Stable: equal sizes stay in code order.
        v.sort_by(|(ia, a), (ib, b)| b.sum.abs().cmp(&a.sum.abs()).then(ia.cmp(ib)));
        v.into_iter()
            .take(top)
            .map(|(_, c)| Contribution {
                code: c.code.to_string(),
                name: c.name.to_string(),
                sum: c.sum,
            })
            .collect()
    };
    (pick(&|c: &Code| c.top_level), pick(&|c: &Code| c.leaf))
}
