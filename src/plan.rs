//! Stage 3: the checked model → an evaluation plan.
//!
//! The plan fixes everything that does not depend on a subject: parameter
//! values (defaults overridden from the command line), the population
//! statistics the rules need (phase 1), and the evaluation order.

use crate::ir::{self, ExprKind as K, FieldId, Model, Ty, Value};
use crate::number;

/// A population statistic needed by some rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Max(FieldId),
    Min(FieldId),
}

#[derive(Debug)]
pub struct Plan {
    pub model: Model,
    /// Parameter values for this run, in `Model::params` order.
    pub params: Vec<Value>,
    /// Distinct statistics to compute before scoring subjects.
    pub stats: Vec<Stat>,
}

/// An invalid `--param` value.
#[derive(Debug, thiserror::Error)]
#[error("参数错误：{0}")]
pub struct ParamError(pub String);

/// Build the plan; `overrides` are `(name, text)` pairs from `--param`.
pub fn build(model: Model, overrides: &[(String, String)]) -> Result<Plan, ParamError> {
    let mut params: Vec<Value> = model.params.iter().map(|p| p.default.clone()).collect();
    for (name, text) in overrides {
        let Some(i) = model.params.iter().position(|p| &p.name == name) else {
            let known: Vec<&str> = model.params.iter().map(|p| p.name.as_str()).collect();
            return Err(ParamError(format!(
                "规则中没有参数“{name}”（已声明：{}）",
                known.join("、")
            )));
        };
        let ty = model
            .params
            .get(i)
            .map(|p| p.ty.clone())
            .unwrap_or(Ty::Text);
        let value = parse_param(&ty, text).ok_or_else(|| {
            ParamError(format!("参数“{name}”的值“{text}”不是合法的{}", ty.name()))
        })?;
        if let Some(slot) = params.get_mut(i) {
            *slot = value;
        }
    }
    let mut stats = Vec::new();
    for ind in &model.indicators {
        let exprs = ind
            .lets
            .iter()
            .map(|l| &l.value)
            .chain(ind.guards.iter().map(|g| &g.cond));
        for e in exprs {
            collect_stats(e, &mut stats);
        }
        if let Some(rule) = &ind.rule {
            for e in rule_exprs(rule) {
                collect_stats(e, &mut stats);
            }
        }
    }
    Ok(Plan {
        model,
        params,
        stats,
    })
}

fn parse_param(ty: &Ty, text: &str) -> Option<Value> {
    match ty {
        Ty::YesNo => match text {
            "是" => Some(Value::Bool(true)),
            "否" => Some(Value::Bool(false)),
            _ => None,
        },
        Ty::Date => crate::date::parse(text).map(Value::Date),
        Ty::Text => Some(Value::Text(text.to_string())),
        Ty::Count | Ty::Year => text
            .trim()
            .parse::<i64>()
            .ok()
            .map(|n| Value::Num(number::int(n))),
        _ => text
            .trim()
            .parse::<rust_decimal::Decimal>()
            .ok()
            .map(|d| Value::Num(number::from_decimal(d))),
    }
}

/// The population statistics one indicator reads.
pub fn indicator_stats(ind: &ir::Indicator) -> Vec<Stat> {
    let mut stats = Vec::new();
    let exprs = ind
        .lets
        .iter()
        .map(|l| &l.value)
        .chain(ind.guards.iter().map(|g| &g.cond));
    for e in exprs.chain(ind.rule.iter().flat_map(rule_exprs)) {
        collect_stats(e, &mut stats);
    }
    stats
}

/// Every top-level expression of a rule.
pub fn rule_exprs(rule: &ir::Rule) -> Vec<&ir::Expr> {
    match rule {
        ir::Rule::Bands { subject, .. }
        | ir::Rule::Lookup { subject, .. }
        | ir::Rule::Interp { subject, .. } => vec![subject],
        ir::Rule::Formula(e) => vec![e],
        ir::Rule::Deduct { rows, .. } | ir::Rule::Checklist(rows) => {
            rows.iter().map(|r| &r.expr).collect()
        }
    }
}

fn collect_stats(e: &ir::Expr, out: &mut Vec<Stat>) {
    let stat = match &e.kind {
        K::PopMax(f) => Some(Stat::Max(*f)),
        K::PopMin(f) => Some(Stat::Min(*f)),
        _ => None,
    };
    if let Some(s) = stat {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    match &e.kind {
        K::Unary(_, a) => collect_stats(a, out),
        K::Binary(_, a, b) => {
            collect_stats(a, out);
            collect_stats(b, out);
        }
        K::Func(_, args) => args.iter().for_each(|a| collect_stats(a, out)),
        K::Aggregate {
            filter: Some(f), ..
        } => collect_stats(f, out),
        _ => {}
    }
}
