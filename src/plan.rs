//! Stage 3: the checked model → an evaluation plan.
//!
//! The plan fixes everything that does not depend on a subject: parameter
//! values (defaults overridden from the command line), the population
//! statistics the rules need (phase 1), and the evaluation order.

use crate::check::dates::{self, Const};
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
    /// Each period's first and last day for this run (parameters applied).
    pub periods: Vec<(i64, i64)>,
    /// Distinct event aggregates; an aggregate expression's `slot` indexes
    /// this list. They are computed in one pass over the events.
    pub aggregates: Vec<Aggregate>,
    /// The subject field shown as the subject's name in results: the
    /// field called 名称, else the first required text field after the key.
    pub name_field: Option<FieldId>,
}

/// One distinct `条数(…)` / `合计(…)` of the rules.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub func: crate::syntax::ast::AggFn,
    pub table: usize,
    pub field: Option<FieldId>,
    pub filter: Option<ir::Expr>,
    /// The filter as plain tests on the event row's fields, when it is a
    /// conjunction of such tests (the usual case): checked without the
    /// expression evaluator for each of millions of rows.
    pub tests: Option<Vec<RowTest>>,
}

/// One test of an event row's field against a constant.
#[derive(Clone, Debug)]
pub enum RowTest {
    /// `字段 比较 常量`
    Compare(FieldId, crate::syntax::ast::CmpOp, Value),
    /// `字段 在 期间`: the period's index.
    InPeriod(FieldId, usize),
}

/// The conjuncts of a filter as row tests, or `None` if any is not one.
fn row_tests(e: &ir::Expr, out: &mut Vec<RowTest>) -> Option<()> {
    use crate::syntax::ast::BinOp;
    match &e.kind {
        K::Binary(BinOp::And, a, b) => {
            row_tests(a, out)?;
            row_tests(b, out)
        }
        K::Binary(BinOp::Cmp(op), a, b) => match (&a.kind, &b.kind) {
            (K::EventField(_, f), K::Const(v)) => {
                out.push(RowTest::Compare(*f, *op, v.clone()));
                Some(())
            }
            _ => None,
        },
        K::Binary(BinOp::In, a, b) => match (&a.kind, &b.kind) {
            (K::EventField(_, f), K::Period(p)) => {
                out.push(RowTest::InPeriod(*f, *p));
                Some(())
            }
            _ => None,
        },
        _ => None,
    }
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
        for s in indicator_stats(ind) {
            if !stats.contains(&s) {
                stats.push(s);
            }
        }
    }
    let run = Run {
        decl: &model.params,
        values: &params,
        given: (model.params.iter())
            .map(|p| overrides.iter().any(|(n, _)| *n == p.name))
            .collect(),
    };
    let periods = (model.periods.iter())
        .map(|p| run.period_days(p))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(e) = run.bad_date(&model) {
        return Err(e);
    }
    let mut model = model;
    let mut aggregates = Vec::new();
    for_each_expr_mut(&mut model, &mut |e| assign_slot(e, &mut aggregates));
    let name_field = model.subject.name_field();
    Ok(Plan {
        model,
        params,
        stats,
        periods,
        aggregates,
        name_field,
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
    e.children().for_each(|c| collect_stats(c, out));
}

/// Give every aggregate expression the slot of its distinct aggregate.
fn assign_slot(e: &mut ir::Expr, aggs: &mut Vec<Aggregate>) {
    let K::Aggregate {
        func,
        table,
        field,
        filter,
        slot,
    } = &mut e.kind
    else {
        return;
    };
    let tests = match filter.as_deref() {
        Some(f) => {
            let mut tests = Vec::new();
            row_tests(f, &mut tests).map(|()| tests)
        }
        None => Some(Vec::new()),
    };
    let probe = Aggregate {
        func: *func,
        table: *table,
        field: *field,
        filter: filter.as_deref().cloned(),
        tests,
    };
    let same = |a: &Aggregate| {
        a.func == probe.func
            && a.table == probe.table
            && a.field == probe.field
            && match (&a.filter, &probe.filter) {
                (Some(x), Some(y)) => x.same_as(y),
                (None, None) => true,
                _ => false,
            }
    };
    *slot = match aggs.iter().position(same) {
        Some(i) => i,
        None => {
            aggs.push(probe);
            aggs.len() - 1
        }
    };
}

/// Visit every expression of the model that can hold an aggregate.
fn for_each_expr_mut(model: &mut Model, f: &mut dyn FnMut(&mut ir::Expr)) {
    fn walk(e: &mut ir::Expr, f: &mut dyn FnMut(&mut ir::Expr)) {
        match &mut e.kind {
            K::Unary(_, a) => walk(a, f),
            K::Binary(_, a, b) => {
                walk(a, f);
                walk(b, f);
            }
            K::Func(_, args) => args.iter_mut().for_each(|a| walk(a, f)),
            K::Aggregate {
                filter: Some(c), ..
            } => walk(c, f),
            _ => {}
        }
        f(e);
    }
    for ind in &mut model.indicators {
        ind.lets.iter_mut().for_each(|l| walk(&mut l.value, f));
        ind.guards.iter_mut().for_each(|g| walk(&mut g.cond, f));
        match &mut ind.rule {
            Some(
                ir::Rule::Bands { subject, .. }
                | ir::Rule::Lookup { subject, .. }
                | ir::Rule::Interp { subject, .. },
            ) => walk(subject, f),
            Some(ir::Rule::Formula(e)) => walk(e, f),
            Some(ir::Rule::Deduct { rows, .. } | ir::Rule::Checklist(rows)) => {
                rows.iter_mut().for_each(|r| walk(&mut r.expr, f))
            }
            None => {}
        }
    }
    for b in &mut model.bonuses {
        for row in &mut b.rows {
            let (ir::BonusRow::Each(r) | ir::BonusRow::If(r)) = row;
            walk(&mut r.expr, f);
        }
    }
    for v in &mut model.vetoes {
        walk(&mut v.cond, f);
    }
}

/// The parameters of this run, for computing periods and dates.
struct Run<'a> {
    decl: &'a [ir::Param],
    values: &'a [Value],
    /// Which parameters were given on the command line.
    given: Vec<bool>,
}

impl Run<'_> {
    /// A period's first and last day with this run's parameter values.
    /// The checker made sure they can be formed from the defaults; a
    /// `--param` value can still make a date impossible or the period end
    /// before it starts, and then the run stops with the reason (an empty
    /// period would silently match no event).
    fn period_days(&self, p: &ir::Period) -> Result<(i64, i64), ParamError> {
        let day = |e: &ir::Expr, end: &str| match dates::constant(e, self.decl, self.values) {
            Const::Value(Value::Date(d)) => Ok(d),
            Const::BadDate { call, why, .. } => Err(ParamError(format!(
                "{}期间“{}”的{end} {call} 无法构成日期：{why}",
                self.when(&[e]),
                p.name
            ))),
            _ => Err(ParamError(format!(
                "期间“{}”的{end}日期不能由常数和参数算出",
                p.name
            ))),
        };
        let (from, to) = (day(&p.from, "开始")?, day(&p.to, "结束")?);
        if to < from {
            return Err(ParamError(format!(
                "{}期间“{}”的结束日期 {} 早于开始日期 {}",
                self.when(&[&p.from, &p.to]),
                p.name,
                crate::date::format(to),
                crate::date::format(from)
            )));
        }
        Ok((from, to))
    }

    /// The first `日期(…)` outside the periods that names no day.
    fn bad_date(&self, model: &Model) -> Option<ParamError> {
        let mut bad = None;
        dates::each_date_call(model, &mut |e| {
            if bad.is_some() {
                return;
            }
            if let Const::BadDate { call, why, .. } = dates::constant(e, self.decl, self.values) {
                let when = self.when(&[e]);
                bad = Some(ParamError(format!("{when}{call} 无法构成日期：{why}")));
            }
        });
        bad
    }

    /// “参数“评价年度”为 -1 时，”: the command-line values of the
    /// parameters the expressions read (those made the difference).
    fn when(&self, exprs: &[&ir::Expr]) -> String {
        let mut read = Vec::new();
        exprs.iter().for_each(|e| dates::params_read(e, &mut read));
        let shown: Vec<String> = read
            .iter()
            .filter(|&&i| self.given.get(i).copied().unwrap_or(false))
            .filter_map(|&i| {
                let name = &self.decl.get(i)?.name;
                Some(format!("“{name}”为 {}", dates::shown(self.values.get(i)?)))
            })
            .collect();
        if shown.is_empty() {
            String::new()
        } else {
            format!("参数{} 时，", shown.join("、"))
        }
    }
}
