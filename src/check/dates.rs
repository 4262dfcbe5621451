//! Periods and dates known before any evidence is read: those computed
//! from constants and parameters. The checker computes them from the
//! parameters' defaults (E0110 for a `日期(…)` that names no day, E0111
//! for a period that ends before it starts or is not computable); the
//! planner computes them again from the values of the run (`--param`), so
//! an impossible period is never evaluated (it would match no event and
//! silently drop every veto and deduction that counts events in it).

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ExprKind as K, Func, Value};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{BinOp, UnOp};

/// What an expression of constants and parameters comes to.
#[derive(Debug)]
pub enum Const {
    Value(Value),
    /// A `日期(…)` that names no day: the call, as written, and why.
    BadDate {
        span: Span,
        call: String,
        why: String,
    },
    /// It reads evidence (a field, an aggregate), or cannot be computed.
    NotConstant,
}

/// The value of `e` with the parameters at `values` (in `params` order).
pub fn constant(e: &ir::Expr, params: &[ir::Param], values: &[Value]) -> Const {
    let num = |x: &ir::Expr| match constant(x, params, values) {
        Const::Value(Value::Num(n)) => Ok(n),
        Const::Value(_) | Const::NotConstant => Err(Const::NotConstant),
        bad => Err(bad),
    };
    let done = |n: Option<Num>| n.map_or(Const::NotConstant, |n| Const::Value(Value::Num(n)));
    let result = (|| -> Result<Const, Const> {
        Ok(match &e.kind {
            K::Const(v) => Const::Value(v.clone()),
            K::Param(i) => values
                .get(*i)
                .map_or(Const::NotConstant, |v| Const::Value(v.clone())),
            K::Unary(UnOp::Neg, a) => done(Some(-num(a)?)),
            K::Binary(op, a, b) => {
                let (x, y) = (num(a)?, num(b)?);
                done(match op {
                    BinOp::Add => number::add(&x, &y),
                    BinOp::Sub => number::sub(&x, &y),
                    BinOp::Mul => number::mul(&x, &y),
                    BinOp::Div => number::div(&x, &y),
                    _ => None,
                })
            }
            K::Func(f, args) => {
                let xs = args.iter().map(num).collect::<Result<Vec<Num>, Const>>()?;
                func(*f, &xs, e, params)
            }
            _ => Const::NotConstant,
        })
    })();
    result.unwrap_or_else(|c| c)
}

fn func(f: Func, xs: &[Num], e: &ir::Expr, params: &[ir::Param]) -> Const {
    let num = |n: Option<Num>| n.map_or(Const::NotConstant, |n| Const::Value(Value::Num(n)));
    match (f, xs) {
        (Func::Min, [first, rest @ ..]) => num(Some(rest.iter().fold(*first, |a, b| a.min(*b)))),
        (Func::Max, [first, rest @ ..]) => num(Some(rest.iter().fold(*first, |a, b| a.max(*b)))),
        (Func::Clamp, [x, lo, hi]) => num(Some((*x).max(*lo).min(*hi))),
        (Func::MakeDate, [y, m, d]) => match crate::date::make(y, m, d) {
            Ok(day) => Const::Value(Value::Date(day)),
            Err(why) => Const::BadDate {
                span: e.span,
                call: written(e, params),
                why,
            },
        },
        _ => Const::NotConstant,
    }
}

/// An expression of constants and parameters as it would be written.
pub fn written(e: &ir::Expr, params: &[ir::Param]) -> String {
    match &e.kind {
        K::Const(v) => shown(v),
        K::Param(i) => params.get(*i).map_or("参数".to_owned(), |p| p.name.clone()),
        K::Unary(UnOp::Neg, a) => format!("-{}", written(a, params)),
        K::Binary(op, a, b) => {
            let op = match op {
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "×",
                BinOp::Div => "÷",
                _ => "?",
            };
            format!("{} {op} {}", written(a, params), written(b, params))
        }
        K::Func(f, args) => {
            let args: Vec<String> = args.iter().map(|a| written(a, params)).collect();
            format!("{}({})", f.name(), args.join(", "))
        }
        _ => "…".to_owned(),
    }
}

/// A value as a user writes it.
pub fn shown(v: &Value) -> String {
    match v {
        Value::Num(n) => number::show(n),
        Value::Date(d) => crate::date::format(*d),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Text(t) => format!("“{t}”"),
        Value::Enum(i) => i.to_string(),
    }
}

/// The parameters an expression reads, in order of first use.
pub fn params_read(e: &ir::Expr, out: &mut Vec<usize>) {
    match &e.kind {
        K::Param(i) if !out.contains(i) => out.push(*i),
        K::Unary(_, a) => params_read(a, out),
        K::Binary(_, a, b) => {
            params_read(a, out);
            params_read(b, out);
        }
        K::Func(_, args) => args.iter().for_each(|a| params_read(a, out)),
        _ => {}
    }
}

/// Every `日期(…)` call of the rules outside the periods (indicators,
/// bonuses, vetoes, with the filters of their aggregates).
pub fn each_date_call<'m>(model: &'m ir::Model, f: &mut dyn FnMut(&'m ir::Expr)) {
    fn walk<'m>(e: &'m ir::Expr, f: &mut dyn FnMut(&'m ir::Expr)) {
        match &e.kind {
            K::Func(Func::MakeDate, _) => f(e),
            _ => e.children().for_each(|c| walk(c, f)),
        }
    }
    for ind in &model.indicators {
        ind.lets.iter().for_each(|l| walk(&l.value, f));
        ind.guards.iter().for_each(|g| walk(&g.cond, f));
        match &ind.rule {
            Some(
                ir::Rule::Bands { subject, .. }
                | ir::Rule::Lookup { subject, .. }
                | ir::Rule::Interp { subject, .. },
            ) => walk(subject, f),
            Some(ir::Rule::Formula(e)) => walk(e, f),
            Some(ir::Rule::Deduct { rows, .. } | ir::Rule::Checklist(rows)) => {
                rows.iter().for_each(|r| walk(&r.expr, f))
            }
            None => {}
        }
    }
    for b in &model.bonuses {
        for row in &b.rows {
            let (ir::BonusRow::Each(r) | ir::BonusRow::If(r)) = row;
            walk(&r.expr, f);
        }
    }
    for v in &model.vetoes {
        walk(&v.cond, f);
    }
}

/// The checker's part: every period and constant date, from the defaults.
pub(super) fn check(model: &ir::Model, diags: &mut Vec<Diagnostic>) {
    let defaults: Vec<Value> = model.params.iter().map(|p| p.default.clone()).collect();
    let params = &model.params;
    // Bad dates by their reason: one parameter out of range spoils every
    // date built from it, and is one slip, reported once.
    let mut bad: Vec<(String, Diagnostic, Vec<Span>)> = Vec::new();
    let mut add_bad = |span: Span, call: &str, why: &str, e: &ir::Expr| match bad
        .iter_mut()
        .find(|(w, _, _)| w == why && why.starts_with("年份"))
    {
        Some((_, _, more)) => more.push(span),
        None => bad.push((
            why.to_owned(),
            bad_date(span, call, why, e, params),
            Vec::new(),
        )),
    };
    for p in &model.periods {
        let ends = [&p.from, &p.to].map(|e| (e, constant(e, params, &defaults)));
        let mut days = Vec::new();
        for (e, value) in ends {
            match value {
                Const::Value(Value::Date(d)) => days.push(d),
                Const::BadDate { span, call, why } => add_bad(span, &call, &why, e),
                Const::Value(_) | Const::NotConstant => diags.push(
                    Diagnostic::error(
                        "E0111",
                        format!("期间“{}”的起止日期不能在评分前算出", p.name),
                    )
                    .primary(e.span, "此处读取了证据数据")
                    .help("期间的起止只能由日期、参数和 日期(年, 月, 日) 写成"),
                ),
            }
        }
        if let [from, to] = days[..] {
            if to < from {
                diags.push(reversed(p, from, to, params));
            }
        }
    }
    each_date_call(model, &mut |e| {
        if let Const::BadDate { span, call, why } = constant(e, params, &defaults) {
            add_bad(span, &call, &why, e);
        }
    });
    for (_, mut d, more) in bad {
        for span in more.iter().take(3) {
            d = d.secondary(*span, "同样无效");
        }
        if !more.is_empty() {
            d = d.note(format!("同一原因还使其后 {} 处日期无效", more.len()));
        }
        diags.push(d);
    }
}

/// E0110 for `日期(…)` with constant arguments that names no day.
fn bad_date(span: Span, call: &str, why: &str, e: &ir::Expr, params: &[ir::Param]) -> Diagnostic {
    let mut d = Diagnostic::error("E0110", format!("“{call}”不是存在的日期：{why}"))
        .primary(span, "不存在的日期");
    if let Some(note) = defaults_note(e, params) {
        d = d.note(note);
    }
    d.help(
        "月为 1 到 12，日不超过该月的天数，年为 1 到 9999；按年度写期间时用 日期(评价年度, 12, 31)",
    )
}

/// E0111 for a period whose end comes before its start.
fn reversed(p: &ir::Period, from: i64, to: i64, params: &[ir::Param]) -> Diagnostic {
    let (from, to) = (crate::date::format(from), crate::date::format(to));
    let mut d = Diagnostic::error(
        "E0111",
        format!("期间“{}”的结束日期 {to} 早于开始日期 {from}", p.name),
    )
    .primary(p.to.span, format!("结束于 {to}"))
    .secondary(p.from.span, format!("开始于 {from}"));
    let mut read = Vec::new();
    params_read(&p.from, &mut read);
    params_read(&p.to, &mut read);
    if let Some(note) = values_note(&read, params) {
        d = d.note(note);
    }
    d.help("期间写作 开始日期 至 结束日期（两端都包含在内）；检查两端是否写反")
}

fn defaults_note(e: &ir::Expr, params: &[ir::Param]) -> Option<String> {
    let mut read = Vec::new();
    params_read(e, &mut read);
    values_note(&read, params)
}

/// “按参数的默认值计算：评价年度 = 2025”, when parameters are read.
fn values_note(read: &[usize], params: &[ir::Param]) -> Option<String> {
    let shown: Vec<String> = read
        .iter()
        .filter_map(|&i| params.get(i))
        .map(|p| format!("{} = {}", p.name, shown(&p.default)))
        .collect();
    (!shown.is_empty()).then(|| format!("按参数的默认值计算：{}", shown.join("，")))
}
