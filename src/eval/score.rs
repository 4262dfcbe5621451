//! Scoring one leaf indicator for one subject, with its explanation.

use super::expr::{Ctx, Fault};
use super::work::{DeductRow, Population, Segment, Work};
use super::{Hit, Status, Trace};
use crate::ir::{self, Rule, Ty, Value, ZeroDen};
use crate::number::{self, Num};
use crate::syntax::ast::CmpOp;

/// The unrounded score of a leaf, its status and how it came about (the
/// explanation is only written when `ctx.detail` is on).
pub fn leaf(ctx: &mut Ctx, ind: &ir::Indicator) -> Result<(Num, Status, Trace), Fault> {
    let model = ctx.model;
    let mut trace = Trace::new(ctx.detail);
    let mut missing = false;
    for f in &ind.used_fields {
        let value = ctx.evidence.subjects.columns.get(*f).and_then(|c| {
            if trace.on {
                c.get(ctx.subject)
            } else {
                c.is_present(ctx.subject).then_some(Value::Bool(true))
            }
        });
        let field = model.subject.fields.get(*f);
        match value {
            Some(v) => {
                if trace.on {
                    trace.values.fields.push((*f, v));
                }
            }
            None => {
                missing = true;
                if trace.on {
                    trace
                        .missing
                        .push(field.map(|f| f.name.clone()).unwrap_or_default());
                }
            }
        }
    }
    if missing {
        if !model.policy.missing_zero {
            return Err(Fault::Missing);
        }
        trace.hit(Hit::Missing);
        trace.work = trace.on.then_some(Work::Missing);
        return Ok((number::zero(), Status::Missing, trace));
    }
    if trace.on {
        population_inputs(ctx, ind, &mut trace);
    }
    ctx.lets.clear();
    for l in &ind.lets {
        let v = ctx.eval(&l.value);
        if trace.on {
            trace.values.lets.push(v.clone().ok());
        }
        ctx.lets.push(v);
    }
    match score(ctx, ind, &mut trace) {
        Ok(s) => Ok((s, Status::Scored, trace)),
        Err(Fault::ZeroDivision(_)) => {
            let s = match model.policy.zero_denominator {
                Some(ZeroDen::FullPoints) => ind.full,
                _ => number::zero(),
            };
            trace.hit(Hit::ZeroDenominator);
            trace.work = trace.on.then_some(Work::ZeroDenominator { score: s });
            Ok((s, Status::ZeroDenominator, trace))
        }
        Err(Fault::Missing) => {
            trace.hit(Hit::Missing);
            trace.work = trace.on.then_some(Work::Missing);
            Ok((number::zero(), Status::Missing, trace))
        }
        Err(e) => Err(e),
    }
}

/// The population max/min a relative indicator reads, with the subjects
/// holding them.
fn population_inputs(ctx: &Ctx, ind: &ir::Indicator, trace: &mut Trace) {
    for stat in crate::plan::indicator_stats(ind) {
        let at = ctx.stats.iter().position(|(s, _)| *s == stat);
        let value = at.and_then(|i| ctx.stats.get(i)).and_then(|(_, v)| *v);
        let rows = at.and_then(|i| ctx.holders.get(i));
        trace.values.population.push(Population {
            stat,
            value,
            holders: rows
                .into_iter()
                .flatten()
                .take(super::HOLDERS_NAMED)
                .map(|r| {
                    let r = *r as usize;
                    (
                        super::text_at(ctx, ctx.model.subject.key_field(), r),
                        super::text_at(ctx, ctx.plan.name_field, r),
                    )
                })
                .collect(),
            held_by: rows.map_or(0, Vec::len),
        });
    }
}

fn score(ctx: &mut Ctx, ind: &ir::Indicator, trace: &mut Trace) -> Result<Num, Fault> {
    for (i, g) in ind.guards.iter().enumerate() {
        if ctx.bool(&g.cond)? {
            trace.hit(Hit::Guard(i));
            if trace.on {
                trace.work = Some(Work::Guard {
                    index: i,
                    score: g.score,
                });
            }
            return Ok(g.score);
        }
    }
    let Some(rule) = &ind.rule else {
        trace.work = trace.on.then_some(Work::NoRule);
        return Ok(number::zero());
    };
    match rule {
        Rule::Bands { subject, rows } | Rule::Lookup { subject, rows } => {
            let v = ctx.num(subject)?;
            for (i, row) in rows.iter().enumerate() {
                let hit = match row.test {
                    Some((op, t)) => super::expr::test(op, number::cmp(&v, &t)),
                    None => true,
                };
                if hit {
                    trace.hit(Hit::Row(i));
                    if trace.on {
                        trace.work = Some(Work::Table {
                            value: v,
                            row: Some(i),
                            score: row.score,
                        });
                    }
                    return Ok(row.score);
                }
            }
            if trace.on {
                trace.work = Some(Work::Table {
                    value: v,
                    row: None,
                    score: number::zero(),
                });
            }
            Ok(number::zero())
        }
        Rule::Interp { subject, anchors } => {
            let x = ctx.num(subject)?;
            let y = interpolate(&x, anchors).ok_or(Fault::Overflow(subject.span))?;
            if trace.on {
                let at_or_above_last = anchors.last().is_some_and(|(ax, _)| !number::lt(&x, ax));
                let segment = if at_or_above_last {
                    anchors.len()
                } else {
                    anchors
                        .iter()
                        .take_while(|(ax, _)| number::lt(ax, &x))
                        .count()
                };
                trace.hit(Hit::Segment(segment));
                let segment = if segment == 0 {
                    Segment::Below
                } else if segment >= anchors.len() {
                    Segment::Above
                } else {
                    Segment::Between(segment)
                };
                trace.work = Some(Work::Interp {
                    value: x,
                    segment,
                    score: y,
                });
            }
            Ok(y)
        }
        Rule::Formula(e) => {
            let v = ctx.num(e)?;
            trace.hit(Hit::Formula);
            if trace.on {
                trace.work = Some(Work::Formula { score: v });
            }
            Ok(v)
        }
        Rule::Deduct { floor, rows } => deduct(ctx, ind, *floor, rows, trace),
        Rule::Checklist(rows) => {
            let mut total = number::zero();
            for (i, r) in rows.iter().enumerate() {
                let yes = ctx.bool(&r.expr)?;
                trace.hit(if yes { Hit::Yes(i) } else { Hit::No(i) });
                if yes {
                    total = number::add(&total, &r.score).ok_or(Fault::Overflow(r.span))?;
                }
            }
            if trace.on {
                let yes = trace
                    .hits
                    .iter()
                    .filter_map(|h| match h {
                        Hit::Yes(_) => Some(true),
                        Hit::No(_) => Some(false),
                        _ => None,
                    })
                    .collect();
                trace.work = Some(Work::Checklist { yes, score: total });
            }
            Ok(total)
        }
    }
}

fn deduct(
    ctx: &mut Ctx,
    ind: &ir::Indicator,
    floor: bool,
    rows: &[ir::ScoredRow],
    trace: &mut Trace,
) -> Result<Num, Fault> {
    let mut taken = number::zero();
    let mut worked = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        ctx.matched.clear();
        let n = ctx.num(&r.expr)?;
        let d = number::mul(&n, &r.score).ok_or(Fault::Overflow(r.span))?;
        if number::gt(&d, &number::zero()) {
            trace.hit(Hit::Deduct(i));
        }
        taken = number::add(&taken, &d).ok_or(Fault::Overflow(r.span))?;
        if trace.on {
            worked.push(DeductRow {
                count: n,
                taken: d,
                events: event_ids(ctx),
            });
        }
    }
    let raw = number::sub(&ind.full, &taken).ok_or(Fault::Overflow(ind.span))?;
    let s = if floor {
        number::max(raw, number::zero())
    } else {
        raw
    };
    if floor && number::lt(&raw, &number::zero()) {
        trace.hit(Hit::Floor);
    }
    if trace.on {
        trace.work = Some(Work::Deduct {
            rows: worked,
            taken,
            floored: floor && number::lt(&raw, &number::zero()),
            score: s,
        });
    }
    Ok(s)
}

/// Ids of the event rows matched by the last aggregate (the table's unique field).
fn event_ids(ctx: &Ctx) -> Vec<String> {
    ctx.matched
        .iter()
        .map(|(t, row)| {
            let table = ctx.model.events.get(*t);
            let id_field = table.and_then(|tb| {
                tb.fields
                    .iter()
                    .position(|f| f.unique && !f.refers_to_subject)
            });
            let value =
                id_field.and_then(|f| ctx.evidence.events.get(*t)?.columns.get(f)?.get(*row));
            match value {
                Some(Value::Text(s)) => s,
                _ => format!(
                    "第 {} 行",
                    ctx.evidence
                        .events
                        .get(*t)
                        .and_then(|d| d.lines.get(*row))
                        .copied()
                        .unwrap_or(0)
                ),
            }
        })
        .collect()
}

/// Piecewise-linear through the anchors, flat outside them.
pub fn interpolate(x: &Num, anchors: &[(Num, Num)]) -> Option<Num> {
    let (first, last) = (anchors.first()?, anchors.last()?);
    if !number::gt(x, &first.0) {
        return Some(first.1);
    }
    if !number::lt(x, &last.0) {
        return Some(last.1);
    }
    for pair in anchors.windows(2) {
        if let [(x0, y0), (x1, y1)] = pair {
            if !number::lt(x, x0) && !number::gt(x, x1) {
                let t = number::div(&number::sub(x, x0)?, &number::sub(x1, x0)?)?;
                return number::add(y0, &number::mul(&number::sub(y1, y0)?, &t)?);
            }
        }
    }
    None
}

pub fn show_num(v: &Num, ty: &Ty) -> String {
    if *ty == Ty::Ratio {
        number::show_percent(v)
    } else {
        number::show(v)
    }
}

pub fn show_value(model: &ir::Model, v: &Value, ty: Option<&Ty>) -> String {
    match v {
        Value::Num(n) => show_num(n, ty.unwrap_or(&Ty::Number)),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Value::Text(s) => s.clone(),
        Value::Enum(i) => match ty {
            Some(Ty::Enum(e)) => model
                .enums
                .get(*e)
                .and_then(|v| v.get(*i as usize))
                .cloned()
                .unwrap_or_default(),
            _ => i.to_string(),
        },
        Value::Date(d) => crate::date::format(*d),
    }
}

/// Whether a grade row matches a total.
pub fn grade_matches(test: Option<(CmpOp, Num)>, total: &Num) -> bool {
    match test {
        Some((op, t)) => super::expr::test(op, number::cmp(total, &t)),
        None => true,
    }
}
