//! Stage 4: run the plan on the evidence. Phase 1 computes population
//! statistics; phase 2 scores each subject. Arithmetic is exact; leaf
//! scores are rounded half-up as the rules declare and parents add up the
//! rounded scores of their children.

mod expr;
mod fold;
mod score;
mod scorer;
mod total;
mod work;

use fold::aggregate_pass;
pub use fold::Folded;
pub use score::{grade_matches, show_num, show_value};
pub use scorer::Scorer;
pub use total::{grade_of, totals, Totals};
pub use work::{DeductRow, Population, Segment, Values, Work, HOLDERS_NAMED};

use crate::evidence::Evidence;
use crate::ir::{self, Value};
use crate::number::{self, Num};
use crate::plan::{Plan, Stat};
use expr::{Ctx, Fault};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Scored by its rule.
    Scored,
    /// Some evidence it reads is empty: 0 points, marked 缺失.
    Missing,
    /// A denominator was zero: scored by the 分母为零 policy.
    ZeroDenominator,
    /// A parent indicator: the sum of its children.
    Sum,
}

/// How an indicator's score came about, for `explain`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Trace {
    /// Whether this trace records anything: off for plain evaluation, so
    /// scoring millions of subjects formats no text.
    #[serde(skip)]
    pub on: bool,
    /// Empty fields that made the indicator 缺失.
    pub missing: Vec<String>,
    /// Which parts of the rule this evaluation went through (for
    /// `zhibiao test --coverage`).
    pub hits: Vec<Hit>,
    /// The worked calculation, exact (for the explain letter).
    #[serde(skip)]
    pub work: Option<Work>,
    /// The values read, by field, binding and statistic.
    #[serde(skip)]
    pub values: Values,
}

impl Trace {
    pub fn new(on: bool) -> Self {
        Trace {
            on,
            ..Trace::default()
        }
    }

    pub fn hit(&mut self, h: Hit) {
        if self.on {
            self.hits.push(h);
        }
    }
}

/// A part of a scoring rule that an evaluation reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hit {
    /// The i-th `若 … 得 …` special case applied.
    Guard(usize),
    /// The i-th row of a band or lookup table was chosen.
    Row(usize),
    /// Interpolation: 0 = at or below the first anchor, i = strictly
    /// between anchors i-1 and i, n = at or above the last.
    Segment(usize),
    /// The formula was evaluated.
    Formula,
    /// The i-th deduction row deducted something.
    Deduct(usize),
    /// A deduction reached its floor (扣完为止 applied).
    Floor,
    /// The i-th checklist row was yes / no.
    Yes(usize),
    No(usize),
    /// Scored by the zero-denominator policy.
    ZeroDenominator,
    /// Scored 0 for missing data.
    Missing,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndicatorResult {
    pub score: Decimal,
    pub status: Status,
    /// How the score came about; only recorded when explaining.
    pub trace: Option<Box<Trace>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BonusResult {
    pub code: String,
    pub name: String,
    pub points: Decimal,
    /// Which rows added something (for test coverage).
    pub rows: Vec<bool>,
    /// Per row, when explaining: the count (每 rows) or 1/0 for a condition
    /// that held or not (若 rows), `None` for an empty field; and the points.
    #[serde(skip)]
    pub worked: Vec<(Option<Num>, Num)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SubjectResult {
    pub code: String,
    pub name: String,
    /// One per indicator, in `Model::indicators` (tree) order.
    pub indicators: Vec<IndicatorResult>,
    pub base: Decimal,
    pub bonus: Decimal,
    pub bonuses: Vec<BonusResult>,
    pub total: Decimal,
    pub grade: String,
    /// Triggered vetoes as (code, name).
    pub vetoes: Vec<(String, String)>,
    /// Codes of leaf indicators scored 0 for missing data.
    pub missing: Vec<String>,
}

/// An evaluation that cannot finish (exact arithmetic overflowed).
#[derive(Debug, thiserror::Error)]
#[error("错误[E0601]: 计算出错：主体 {subject} 的 {item}：{message}")]
pub struct EvalError {
    pub subject: String,
    pub item: String,
    pub message: String,
}

/// Score every subject. With `detail`, each indicator's explanation and
/// coverage hits are recorded too (for explain and rule tests).
pub fn run(plan: &Plan, evidence: &Evidence) -> Result<Vec<SubjectResult>, EvalError> {
    run_with(plan, evidence, false)
}

pub fn run_explained(plan: &Plan, evidence: &Evidence) -> Result<Vec<SubjectResult>, EvalError> {
    run_with(plan, evidence, true)
}

fn run_with(
    plan: &Plan,
    evidence: &Evidence,
    detail: bool,
) -> Result<Vec<SubjectResult>, EvalError> {
    // Explanations name the matched events, so they scan each subject's
    // events; plain scoring reads the aggregates of one pass.
    let slots = if detail {
        Vec::new()
    } else {
        let stats = population(plan, evidence);
        aggregate_pass(plan, evidence, &stats)?
    };
    score_all(plan, evidence, &slots, detail)
}

/// Score with aggregates already folded from streamed event rows.
pub fn run_folded(
    plan: &Plan,
    evidence: &Evidence,
    folded: Folded,
) -> Result<Vec<SubjectResult>, EvalError> {
    let mut slots = folded.finish()?;
    slots.resize(
        evidence.subjects.rows * plan.aggregates.len(),
        number::zero(),
    );
    score_all(plan, evidence, &slots, false)
}

/// Phase 2: every subject, in parallel (rayon uses both cores).
fn score_all(
    plan: &Plan,
    evidence: &Evidence,
    slots: &[Num],
    detail: bool,
) -> Result<Vec<SubjectResult>, EvalError> {
    let stats = population(plan, evidence);
    score_range(
        plan,
        evidence,
        slots,
        &stats,
        0..evidence.subjects.rows,
        detail,
        &|r| r,
    )
}

/// Score the folded evidence in chunks of subjects, turning each result
/// into `T` with `map` (on the scoring threads, e.g. a report line) and
/// handing each chunk (in subject order) to `each` before the next is
/// scored, so a million subjects' results never sit in memory at once.
pub fn run_folded_chunked<T: Send, E>(
    plan: &Plan,
    evidence: &Evidence,
    folded: Folded,
    chunk: usize,
    map: &(dyn Fn(SubjectResult) -> T + Sync),
    each: &mut dyn FnMut(Vec<T>) -> Result<(), E>,
) -> Result<Result<(), E>, EvalError> {
    let mut slots = folded.finish()?;
    slots.resize(
        evidence.subjects.rows * plan.aggregates.len(),
        number::zero(),
    );
    let stats = population(plan, evidence);
    let mut start = 0;
    while start < evidence.subjects.rows {
        let end = (start + chunk.max(1)).min(evidence.subjects.rows);
        let results = score_range(plan, evidence, &slots, &stats, start..end, false, map)?;
        if let Err(e) = each(results) {
            return Ok(Err(e));
        }
        start = end;
    }
    Ok(Ok(()))
}

fn score_range<T: Send>(
    plan: &Plan,
    evidence: &Evidence,
    slots: &[Num],
    stats: &[(Stat, Option<Num>)],
    range: std::ops::Range<usize>,
    detail: bool,
    map: &(dyn Fn(SubjectResult) -> T + Sync),
) -> Result<Vec<T>, EvalError> {
    use rayon::prelude::*;
    let by_subject = if detail {
        events_by_subject(evidence)
    } else {
        Vec::new()
    };
    let empty = vec![Vec::new(); evidence.events.len()];
    let held = if detail {
        holders(evidence, stats)
    } else {
        Vec::new()
    };
    range
        .into_par_iter()
        .map(|s| {
            let mut ctx = Ctx {
                events: by_subject.get(s).unwrap_or(&empty),
                detail,
                holders: &held,
                ..Ctx::plain(plan, evidence, slots, stats, s)
            };
            subject(&mut ctx).map(map)
        })
        .collect()
}

/// Phase 1: max/min of subject fields over subjects that have a value.
fn population(plan: &Plan, evidence: &Evidence) -> Vec<(Stat, Option<Num>)> {
    plan.stats
        .iter()
        .map(|s| {
            let (Stat::Max(f) | Stat::Min(f)) = *s;
            let column = evidence.subjects.columns.get(f);
            let values = (0..evidence.subjects.rows).filter_map(|r| column.and_then(|c| c.num(r)));
            let v = match s {
                Stat::Max(_) => values.max(),
                Stat::Min(_) => values.min(),
            };
            (*s, v)
        })
        .collect()
}

/// The subject rows holding each population statistic's value, in the
/// order of `stats` (for explanations of relative scoring).
fn holders(evidence: &Evidence, stats: &[(Stat, Option<Num>)]) -> Vec<Vec<u32>> {
    stats
        .iter()
        .map(|(s, v)| {
            let (Stat::Max(f) | Stat::Min(f)) = *s;
            let column = evidence.subjects.columns.get(f);
            (0..evidence.subjects.rows)
                .filter(|r| v.is_some() && column.and_then(|c| c.num(*r)) == *v)
                .map(|r| r as u32)
                .collect()
        })
        .collect()
}

/// Event rows grouped by subject: `[subject][table] → rows`.
fn events_by_subject(evidence: &Evidence) -> Vec<Vec<Vec<u32>>> {
    let tables = evidence.events.len();
    let mut out = vec![vec![Vec::new(); tables]; evidence.subjects.rows];
    for (t, owners) in evidence.event_subject.iter().enumerate() {
        for (row, s) in owners.iter().enumerate() {
            if let Some(slot) = out.get_mut(*s as usize).and_then(|v| v.get_mut(t)) {
                slot.push(row as u32);
            }
        }
    }
    out
}

fn text_cell(ctx: &Ctx, f: Option<usize>) -> String {
    text_at(ctx, f, ctx.subject)
}

/// A text cell of subject row `row` (its code or name).
pub(super) fn text_at(ctx: &Ctx, f: Option<usize>, row: usize) -> String {
    f.and_then(|f| ctx.evidence.subjects.columns.get(f)?.get(row))
        .map(|v| match v {
            Value::Text(s) => s,
            other => format!("{other:?}"),
        })
        .unwrap_or_default()
}

fn subject(ctx: &mut Ctx) -> Result<SubjectResult, EvalError> {
    let model = ctx.model;
    let code = text_cell(ctx, model.subject.key_field());
    let name = text_cell(ctx, ctx.plan.name_field);
    let fail = |item: &str, f: Fault| EvalError {
        subject: code.clone(),
        item: item.to_string(),
        message: f.message(),
    };
    let places = model.policy.round_places;
    // Every entry is overwritten below; parents read only their children,
    // which are scored before them.
    let pending = IndicatorResult {
        score: Decimal::ZERO,
        status: Status::Sum,
        trace: None,
    };
    let mut results = vec![pending; model.indicators.len()];
    // Children come after their parent in tree order: score leaves first,
    // then parents from the last to the first.
    for (i, ind) in model.indicators.iter().enumerate() {
        if ind.is_leaf() {
            let (raw, status, trace) = score::leaf(ctx, ind).map_err(|f| fail(&ind.code, f))?;
            let score = number::round_half_up(&raw, places)
                .ok_or_else(|| fail(&ind.code, Fault::Overflow(ind.span)))?;
            if let Some(slot) = results.get_mut(i) {
                *slot = IndicatorResult {
                    score,
                    status,
                    trace: trace.on.then(|| Box::new(trace)),
                };
            }
        }
    }
    let (bonus, bonuses) = bonus(ctx, places).map_err(|f| fail("加分", f))?;
    let vetoes = vetoes(ctx);
    let totals = total::totals(model, &mut results, bonus, !vetoes.is_empty())
        .map_err(|(item, span)| fail(&item, Fault::Overflow(span)))?;
    let indicators = results;
    let (base, total, grade) = (totals.base, totals.total, totals.grade);
    let missing = model
        .indicators
        .iter()
        .zip(&indicators)
        .filter(|(_, r)| r.status == Status::Missing)
        .map(|(i, _)| i.code.clone())
        .collect();
    Ok(SubjectResult {
        code,
        name,
        indicators,
        base,
        bonus,
        bonuses,
        total,
        grade,
        vetoes,
        missing,
    })
}

/// Bonus items: an empty field makes only its own row add nothing.
fn bonus(ctx: &mut Ctx, places: u32) -> Result<(Decimal, Vec<BonusResult>), Fault> {
    let model = ctx.model;
    let mut all = number::zero();
    let mut out = Vec::new();
    for b in &model.bonuses {
        let mut sum = number::zero();
        let mut rows = Vec::new();
        let mut worked = Vec::new();
        for row in &b.rows {
            let (r, each) = match row {
                ir::BonusRow::Each(r) => (r, true),
                ir::BonusRow::If(r) => (r, false),
            };
            let (value, got) = if each {
                match ctx.num(&r.expr) {
                    Ok(n) => (
                        Some(n),
                        number::mul(&n, &r.score).ok_or(Fault::Overflow(r.span))?,
                    ),
                    Err(Fault::Missing) => (None, number::zero()),
                    Err(e) => return Err(e),
                }
            } else {
                match ctx.bool(&r.expr) {
                    Ok(true) => (Some(number::int(1)), r.score),
                    Ok(false) => (Some(number::zero()), number::zero()),
                    Err(Fault::Missing) => (None, number::zero()),
                    Err(e) => return Err(e),
                }
            };
            if ctx.detail {
                worked.push((value, got));
            }
            rows.push(number::gt(&got, &number::zero()));
            sum = number::add(&sum, &got).ok_or(Fault::Overflow(r.span))?;
        }
        all = number::add(&all, &sum).ok_or(Fault::Overflow(b.span))?;
        out.push(BonusResult {
            code: b.code.clone(),
            name: b.name.clone(),
            points: number::round_half_up(&sum, places).ok_or(Fault::Overflow(b.span))?,
            rows,
            worked,
        });
    }
    if let Some(cap) = model.policy.bonus_cap {
        all = number::min(all, cap);
    }
    Ok((
        number::round_half_up(&all, places).ok_or(Fault::Overflow(model.subject.span))?,
        out,
    ))
}

/// Triggered vetoes; an empty field never triggers one.
fn vetoes(ctx: &mut Ctx) -> Vec<(String, String)> {
    let model = ctx.model;
    model
        .vetoes
        .iter()
        .filter(|v| matches!(ctx.bool(&v.cond), Ok(true)))
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect()
}
