//! A letter as JSON, for programs: the same content as the text letter,
//! with every number exact (a decimal, or `分子/分母` when it has no finite
//! decimal form) beside the shown one.

use super::explain_calc::Calc;
use super::fixed;
use crate::analysis::letter::{self, Letter};
use crate::eval::{Status, SubjectResult};
use crate::ir::Model;
use crate::number::{self, Num};
use crate::prose;
use serde_json::{json, Value};

/// An exact number: `4.975`, `91/30`.
pub fn exact(n: &Num) -> String {
    match number::to_exact_decimal(n) {
        Some(d) => d.normalize().to_string(),
        None => format!("{}/{}", n.numer(), n.denom()),
    }
}

pub fn letter(model: &Model, r: &SubjectResult, letter: &Letter) -> Value {
    let calc = Calc {
        model,
        places: model.policy.round_places,
        avoid: Vec::new(),
    };
    let p = calc.places;
    let indicators: Vec<Value> = model
        .indicators
        .iter()
        .zip(&r.indicators)
        .enumerate()
        .map(|(i, (ind, res))| {
            let (unrounded, calculation) = if ind.is_leaf() {
                let work = res.trace.as_ref().and_then(|t| t.work.as_ref());
                (
                    work.map(|w| exact(&w.score())),
                    calc.leaf(ind, res).join(""),
                )
            } else {
                let sum = letter::parent_sum(model, r, Some(i));
                (
                    sum.as_ref().map(|s| exact(&s.exact)),
                    sum.as_ref().map(|s| calc.parent(s)).unwrap_or_default(),
                )
            };
            let values: serde_json::Map<String, Value> = res
                .trace
                .iter()
                .flat_map(|t| {
                    let fields = t.values.fields.iter().filter_map(|(f, v)| {
                        let name = model.subject.fields.get(*f)?.name.clone();
                        Some((name, value(model, v)))
                    });
                    let lets = ind.lets.iter().zip(&t.values.lets).map(|(l, v)| {
                        (
                            l.name.clone(),
                            v.as_ref().map_or(Value::Null, |v| value(model, v)),
                        )
                    });
                    fields.chain(lets).collect::<Vec<_>>()
                })
                .collect();
            json!({
                "code": ind.code,
                "name": ind.name,
                "full": exact(&ind.full),
                "weight": exact(&ind.weight),
                "score": fixed(res.score, p),
                "unrounded": unrounded,
                "status": res.status,
                "missing": res.status == Status::Missing,
                "rule": prose::rule(model, ind),
                "calculation": calculation,
                "values": values,
            })
        })
        .collect();
    let lost: Vec<Value> = letter
        .lost
        .iter()
        .filter_map(|l| {
            let ind = model.indicators.get(l.indicator)?;
            Some(json!({
                "code": ind.code,
                "name": ind.name,
                "lost": fixed(l.points, p),
                "lost_of_total": exact(&l.of_total),
            }))
        })
        .collect();
    let vetoes: Vec<Value> = letter
        .vetoes
        .iter()
        .filter_map(|v| model.vetoes.get(*v))
        .map(|v| json!({"code": v.code, "name": v.name, "condition": prose::veto(model, v)}))
        .collect();
    json!({
        "code": r.code,
        "name": r.name,
        "base": fixed(r.base, p),
        "bonus": fixed(r.bonus, p),
        "total": fixed(r.total, p),
        "grade": r.grade,
        "rank": letter.rank,
        "ranked": letter.ranked,
        "vetoes": vetoes,
        "next_grade": letter.next_grade.as_ref().map(|n| json!({
            "grade": n.grade,
            "threshold": exact(&n.threshold),
            "gap": exact(&n.gap),
        })),
        "lost": lost,
        "missing": r.missing,
        "indicators": indicators,
        "bonuses": r.bonuses.iter().map(|b| json!({
            "code": b.code,
            "name": b.name,
            "points": fixed(b.points, p),
        })).collect::<Vec<_>>(),
    })
}

fn value(model: &Model, v: &crate::ir::Value) -> Value {
    match v {
        crate::ir::Value::Num(n) => Value::String(exact(n)),
        crate::ir::Value::Bool(b) => Value::Bool(*b),
        other => Value::String(crate::eval::show_value(model, other, None)),
    }
}
