//! Scoring with the evidence prepared once: population statistics and
//! the aggregates of one pass over the events are computed up front, so
//! an analysis can score one (possibly edited) indicator for one subject,
//! or read the value a rule compares, as often as it needs, exactly as
//! evaluation would.

use super::expr::Ctx;
use super::fold::aggregate_pass;
use super::{population, score, score_range, EvalError, Folded, Status, SubjectResult};
use crate::evidence::Evidence;
use crate::ir::{self, Value};
use crate::number::{self, Num};
use crate::plan::{Plan, Stat};
use rust_decimal::Decimal;

pub struct Scorer<'a> {
    pub plan: &'a Plan,
    pub evidence: &'a Evidence,
    slots: Vec<Num>,
    stats: Vec<(Stat, Option<Num>)>,
}

impl<'a> Scorer<'a> {
    /// For evidence loaded with its event rows.
    pub fn new(plan: &'a Plan, evidence: &'a Evidence) -> Result<Self, EvalError> {
        let stats = population(plan, evidence);
        let slots = aggregate_pass(plan, evidence, &stats)?;
        Ok(Scorer {
            plan,
            evidence,
            slots,
            stats,
        })
    }

    /// For evidence whose event rows were folded while read.
    pub fn folded(
        plan: &'a Plan,
        evidence: &'a Evidence,
        folded: Folded,
    ) -> Result<Self, EvalError> {
        let mut slots = folded.finish()?;
        slots.resize(
            evidence.subjects.rows * plan.aggregates.len(),
            number::zero(),
        );
        let stats = population(plan, evidence);
        Ok(Scorer {
            plan,
            evidence,
            slots,
            stats,
        })
    }

    /// Every subject, as `eval` scores them.
    pub fn run(&self) -> Result<Vec<SubjectResult>, EvalError> {
        let rows = 0..self.evidence.subjects.rows;
        score_range(
            self.plan,
            self.evidence,
            &self.slots,
            &self.stats,
            rows,
            false,
            &|r| r,
        )
    }

    fn ctx(&self, subject: usize) -> Ctx<'_> {
        Ctx::plain(self.plan, self.evidence, &self.slots, &self.stats, subject)
    }

    /// The rounded score of leaf `ind` (the model's, or an edited copy)
    /// for subject row `subject`, and how it came about.
    pub fn leaf(
        &self,
        subject: usize,
        ind: &ir::Indicator,
    ) -> Result<(Decimal, Status), EvalError> {
        let mut ctx = self.ctx(subject);
        let key = self.plan.model.subject.key_field();
        let fail = |message: String| EvalError {
            subject: super::text_at(&self.ctx(subject), key, subject),
            item: ind.code.clone(),
            message,
        };
        let (raw, status, _) = score::leaf(&mut ctx, ind).map_err(|f| fail(f.message()))?;
        let places = self.plan.model.policy.round_places;
        let rounded = number::round_half_up(&raw, places).ok_or_else(|| fail("数值溢出".into()))?;
        Ok((rounded, status))
    }

    /// The value of `expr` (read in leaf `ind`, its `令` in scope) for
    /// subject row `subject`; `None` when it cannot be computed (an empty
    /// field, a zero denominator).
    pub fn value(&self, subject: usize, ind: &ir::Indicator, expr: &ir::Expr) -> Option<Num> {
        let mut ctx = self.ctx(subject);
        ctx.lets.clear();
        for l in &ind.lets {
            let v = ctx.eval(&l.value);
            ctx.lets.push(v);
        }
        match ctx.eval(expr).ok()? {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }
}
