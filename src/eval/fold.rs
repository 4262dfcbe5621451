//! Event rows folded into the plan's aggregates while the evidence is
//! read (the rows are never stored), and the same aggregates computed in
//! one pass over stored rows.

use super::*;

/// Folds event rows into the plan's aggregates as the loader reads them,
/// so the rows themselves are never stored.
pub struct Folded<'p> {
    plan: &'p Plan,
    slots: Vec<Num>,
    error: Option<EvalError>,
    empty: Evidence,
}

impl<'p> Folded<'p> {
    /// `None` when an aggregate's filter reads subject data (then events
    /// are kept and scanned instead).
    pub fn new(plan: &'p Plan) -> Option<Self> {
        let reads_subject = plan
            .aggregates
            .iter()
            .any(|a| a.filter.as_ref().is_some_and(reads_subject_data));
        (!reads_subject).then(|| Folded {
            plan,
            slots: Vec::new(),
            error: None,
            empty: Evidence::default(),
        })
    }

    /// One valid event row of `table` belonging to subject row `subject`.
    pub fn row(&mut self, table: usize, subject: u32, values: &[Option<Value>]) {
        if self.error.is_some() || subject == u32::MAX {
            return;
        }
        let n = self.plan.aggregates.len();
        let base = subject as usize * n;
        if self.slots.len() < base + n {
            self.slots.resize(base + n, number::zero());
        }
        // Built only for a filter the plain row tests cannot decide.
        let plan = self.plan;
        let empty = &self.empty;
        let mut ctx = None;
        let new_ctx = || Ctx {
            row_values: Some(values),
            ..Ctx::plain(plan, empty, &[], &[], 0)
        };
        for (a, agg) in self.plan.aggregates.iter().enumerate() {
            if agg.table != table {
                continue;
            }
            let keep = match (&agg.tests, &agg.filter) {
                (Some(tests), _) => Ok(row_passes(tests, values, &self.plan.periods)),
                (None, Some(f)) => ctx.get_or_insert_with(new_ctx).bool(f),
                (None, None) => Ok(true),
            };
            let add = match (keep, agg.field) {
                (Ok(false), _) => continue,
                (Ok(true), Some(f)) => match values.get(f) {
                    Some(Some(Value::Num(v))) => *v,
                    _ => number::zero(),
                },
                (Ok(true), None) => number::int(1),
                (Err(f), _) => {
                    self.error = Some(fold_error(f));
                    return;
                }
            };
            let sum = self.slots.get(base + a).and_then(|s| number::add(s, &add));
            match (sum, self.slots.get_mut(base + a)) {
                (Some(v), Some(slot)) => *slot = v,
                _ => {
                    self.error = Some(fold_error(Fault::Overflow(self.plan.model.subject.span)));
                    return;
                }
            }
        }
    }

    pub(super) fn finish(self) -> Result<Vec<Num>, EvalError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.slots),
        }
    }
}

impl crate::evidence::EventFold for Folded<'_> {
    fn row(&mut self, table: usize, subject: u32, values: &[Option<Value>]) {
        Folded::row(self, table, subject, values);
    }

    fn fork(&self) -> Self {
        Folded {
            plan: self.plan,
            slots: Vec::new(),
            error: None,
            empty: Evidence::default(),
        }
    }

    /// Slots are sums and counts: adding another thread's slots gives
    /// what one thread folding every row would have. A sum too large for
    /// exact arithmetic leaves `self` as it was (the file is read again).
    fn join(&mut self, mut other: Self) -> bool {
        if self.error.is_some() || other.error.is_some() {
            self.error = self.error.take().or(other.error);
            return true;
        }
        if self.slots.len() > other.slots.len() {
            other.slots.resize(self.slots.len(), number::zero());
        }
        // The sums go into the other's slots, which then replace these:
        // on overflow nothing here has changed.
        for (more, slot) in other.slots.iter_mut().zip(&self.slots) {
            match number::add(slot, more) {
                Some(sum) => *more = sum,
                None => return false,
            }
        }
        self.slots = other.slots;
        true
    }

    fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Whether an event row passes every plain test (an empty field fails).
fn row_passes(
    tests: &[crate::plan::RowTest],
    values: &[Option<Value>],
    periods: &[(i64, i64)],
) -> bool {
    use crate::plan::RowTest;
    tests.iter().all(|t| match t {
        RowTest::Compare(f, op, c) => match values.get(*f) {
            Some(Some(v)) => expr::compare(*op, v, c),
            _ => false,
        },
        RowTest::InPeriod(f, p) => match (values.get(*f), periods.get(*p)) {
            (Some(Some(Value::Date(d))), Some((from, to))) => from <= d && d <= to,
            _ => false,
        },
    })
}

fn fold_error(f: Fault) -> EvalError {
    EvalError {
        subject: String::new(),
        item: "事件汇总".to_string(),
        message: f.message(),
    }
}

/// Whether an expression reads the subject's own data (not only the event row).
fn reads_subject_data(e: &ir::Expr) -> bool {
    use ir::ExprKind as K;
    match &e.kind {
        K::Field(_) | K::Let(_) | K::PopMax(_) | K::PopMin(_) | K::Aggregate { .. } => true,
        _ => e.children().any(reads_subject_data),
    }
}

/// Phase 1b: every aggregate of the rules for every subject, in one pass
/// over the event rows (`subject × aggregates + slot`).
pub(super) fn aggregate_pass(
    plan: &Plan,
    evidence: &Evidence,
    stats: &[(Stat, Option<Num>)],
) -> Result<Vec<Num>, EvalError> {
    let n = plan.aggregates.len();
    let mut slots = vec![number::zero(); evidence.subjects.rows * n];
    let mut ctx = Ctx::plain(plan, evidence, &[], stats, 0);
    for (t, owners) in evidence.event_subject.iter().enumerate() {
        for (row, owner) in owners.iter().enumerate() {
            ctx.subject = *owner as usize;
            ctx.row = Some((t, row));
            for (a, agg) in plan
                .aggregates
                .iter()
                .enumerate()
                .filter(|(_, g)| g.table == t)
            {
                let keep = match &agg.filter {
                    Some(f) => ctx.bool(f),
                    None => Ok(true),
                };
                let fail = |f: Fault| EvalError {
                    subject: text_cell(&ctx, plan.model.subject.key_field()),
                    item: format!(
                        "事件表“{}”第 {} 条",
                        plan.model
                            .events
                            .get(t)
                            .map(|e| e.name.as_str())
                            .unwrap_or(""),
                        row + 1
                    ),
                    message: f.message(),
                };
                if !keep.map_err(fail)? {
                    continue;
                }
                let add = match agg.field {
                    Some(f) => match evidence
                        .events
                        .get(t)
                        .and_then(|d| d.columns.get(f))
                        .and_then(|c| c.num(row))
                    {
                        Some(v) => v,
                        None => number::zero(),
                    },
                    None => number::int(1),
                };
                if let Some(slot) = slots.get_mut(ctx.subject * n + a) {
                    *slot = number::add(slot, &add)
                        .ok_or_else(|| fail(Fault::Overflow(plan.model.subject.span)))?;
                }
            }
        }
    }
    Ok(slots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::EventFold;

    fn plan() -> Plan {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national.zb");
        let model = crate::driver::compile_file(&path)
            .ok()
            .and_then(|c| c.model);
        model
            .and_then(|m| crate::plan::build(m, &[]).ok())
            .unwrap_or_else(|| unreachable!("the national rules compile"))
    }

    #[test]
    fn forks_join_into_sums_and_an_overflow_changes_nothing() {
        let plan = plan();
        let big = Num::from_integer(i128::MAX / 3 * 2);
        let mut main = Folded::new(&plan).unwrap_or_else(|| unreachable!());
        let mut a = main.fork();
        a.slots = vec![number::int(2), big];
        let mut b = main.fork();
        b.slots = vec![number::int(3)];
        assert!(a.join(b));
        assert_eq!(a.slots, vec![number::int(5), big]);
        assert!(main.join(a), "an empty fold takes the other's slots");
        let mut c = main.fork();
        c.slots = vec![number::int(1), big];
        assert!(!c.failed());
        assert!(!main.join(c), "big + big overflows");
        assert_eq!(main.slots, vec![number::int(5), big], "unchanged");
        assert!(!main.failed());
    }
}
