//! The annual report's numbers (`zhibiao report`): the totals' mean,
//! median and distribution, the grades, the results per group, every
//! indicator's statistics, who was vetoed and what was missing, the
//! ranking, and per subject its first-level scores. Numbers only: the
//! page is made in `output::html::report`.

use super::stats::{ranks, standing, IndicatorStats, Standing, Stats};
use crate::eval::SubjectResult;
use crate::ir::Model;
use crate::number;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// How many equal bins the total-score histogram has over 0..=满分.
pub const TOTAL_BINS: usize = 10;
/// How many equal bins each indicator's attainment distribution has.
pub const INDICATOR_BINS: usize = 5;

/// What the report keeps of one subject (not its whole result: a
/// national run has thousands).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectRow {
    pub code: String,
    pub name: String,
    /// The value of the grouping field (`None`: no grouping field).
    pub group: Option<String>,
    pub base: Decimal,
    pub bonus: Decimal,
    pub total: Decimal,
    pub grade: String,
    /// Triggered vetoes as (code, name).
    pub vetoes: Vec<(String, String)>,
    /// Leaf indicators scored 0 for missing data.
    pub missing: Vec<String>,
    /// The score of every first-level indicator, in `Model::roots` order.
    pub top: Vec<Decimal>,
}

/// One group's totals and grades.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The grouping field's value; empty when the subject had none.
    pub name: String,
    pub totals: IndicatorStats,
    /// Subjects per grade, aligned with [`Summary::grades`].
    pub grades: Vec<u64>,
    pub vetoed: u64,
}

/// How often one veto item fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VetoCount {
    pub code: String,
    pub name: String,
    pub subjects: u64,
}

/// Everything the report shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Every subject, in the order of the evidence.
    pub subjects: Vec<SubjectRow>,
    /// Competition ranks (vetoed subjects after all others), aligned with
    /// `subjects`.
    pub ranks: Vec<usize>,
    /// The totals over all subjects, out of the rules' 满分.
    pub totals: IndicatorStats,
    /// Every indicator, in tree order.
    pub stats: Stats,
    /// Every grade in the order of the grade table (then the veto grade,
    /// then any other grade seen), with its number of subjects.
    pub grades: Vec<(String, u64)>,
    /// The grouping field's name, when results are grouped.
    pub group_field: Option<String>,
    /// Groups in the order they first appear in the evidence.
    pub groups: Vec<Group>,
    /// Every veto item of the rules, with how many subjects it hit.
    pub vetoes: Vec<VetoCount>,
    /// Subjects with at least one indicator scored 0 for missing data.
    pub with_missing: u64,
}

impl Summary {
    /// Subjects hit by at least one veto.
    pub fn vetoed(&self) -> u64 {
        self.subjects
            .iter()
            .filter(|s| !s.vetoes.is_empty())
            .count() as u64
    }

    /// Subject indices in rank order (equal ranks in evidence order).
    pub fn by_rank(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.subjects.len()).collect();
        order.sort_by_key(|&i| self.ranks.get(i).copied().unwrap_or(usize::MAX));
        order
    }

    /// A grade's place in [`Summary::grades`].
    pub fn grade_index(&self, grade: &str) -> Option<usize> {
        self.grades.iter().position(|(g, _)| g == grade)
    }
}

/// Builds a [`Summary`] one subject at a time.
pub struct Builder {
    summary: Summary,
    standings: Vec<Standing>,
    group_index: HashMap<String, usize>,
    roots: Vec<usize>,
}

impl Builder {
    /// `group_field`: the name of the field results are grouped by.
    pub fn new(model: &Model, group_field: Option<String>) -> Builder {
        let mut grades: Vec<(String, u64)> = Vec::new();
        let names = model
            .grades
            .iter()
            .map(|g| g.grade.clone())
            .chain(model.policy.veto_grade.clone());
        for g in names {
            if !grades.iter().any(|(have, _)| *have == g) {
                grades.push((g, 0));
            }
        }
        Builder {
            summary: Summary {
                subjects: Vec::new(),
                ranks: Vec::new(),
                totals: IndicatorStats::with_points(number::to_decimal(&model.policy.full_marks)),
                stats: Stats::new(model),
                grades,
                group_field,
                groups: Vec::new(),
                vetoes: model
                    .vetoes
                    .iter()
                    .map(|v| VetoCount {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        subjects: 0,
                    })
                    .collect(),
                with_missing: 0,
            },
            standings: Vec::new(),
            group_index: HashMap::new(),
            roots: model.roots.clone(),
        }
    }

    /// Count one subject; `group` is its value of the grouping field.
    pub fn add(&mut self, model: &Model, r: &SubjectResult, group: Option<String>) {
        let s = &mut self.summary;
        s.stats.add(model, r);
        s.totals.add(r.total, false);
        let grade = match s.grades.iter().position(|(g, _)| *g == r.grade) {
            Some(i) => i,
            None => {
                s.grades.push((r.grade.clone(), 0));
                for g in &mut s.groups {
                    g.grades.push(0);
                }
                s.grades.len() - 1
            }
        };
        if let Some((_, n)) = s.grades.get_mut(grade) {
            *n += 1;
        }
        for (code, _) in &r.vetoes {
            if let Some(v) = s.vetoes.iter_mut().find(|v| v.code == *code) {
                v.subjects += 1;
            }
        }
        s.with_missing += u64::from(!r.missing.is_empty());
        if let Some(name) = group.clone().filter(|_| s.group_field.is_some()) {
            let points = s.totals.points;
            let width = s.grades.len();
            let i = *self.group_index.entry(name.clone()).or_insert_with(|| {
                s.groups.push(Group {
                    name,
                    totals: IndicatorStats::with_points(points),
                    grades: vec![0; width],
                    vetoed: 0,
                });
                s.groups.len() - 1
            });
            if let Some(g) = s.groups.get_mut(i) {
                g.totals.add(r.total, false);
                g.vetoed += u64::from(!r.vetoes.is_empty());
                if let Some(n) = g.grades.get_mut(grade) {
                    *n += 1;
                }
            }
        }
        self.standings.push(standing(r));
        s.subjects.push(SubjectRow {
            code: r.code.clone(),
            name: r.name.clone(),
            group,
            base: r.base,
            bonus: r.bonus,
            total: r.total,
            grade: r.grade.clone(),
            vetoes: r.vetoes.clone(),
            missing: r.missing.clone(),
            top: self
                .roots
                .iter()
                .map(|&i| r.indicators.get(i).map_or(Decimal::ZERO, |x| x.score))
                .collect(),
        });
    }

    /// The summary, ranked.
    pub fn finish(mut self) -> Summary {
        self.summary.ranks = ranks(&self.standings);
        self.summary
    }
}

/// A first-level indicator's attainment: score ÷ points (0 when the
/// indicator has no points).
pub fn attainment(score: Decimal, points: Decimal) -> Decimal {
    if points.is_zero() {
        return Decimal::ZERO;
    }
    score.checked_div(points).unwrap_or(Decimal::ZERO)
}
