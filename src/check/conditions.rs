//! W0012: a comparison whose answer the declared ranges already decide
//! (`条数(…) ≥ 0`, `金额 ≥ 0`, `满意度 > 100`). In a veto it vetoes every
//! subject or none; in a filter it keeps every event or none; in a bonus
//! or checklist row it always or never gives the points — mostly a
//! comparison typed wrong (`> 0` as `≥ 0`) or a digit lost
//! (`≥ 1000000` as `≥ 000000`). Guards are analysed by E0312 instead.

use super::bounds::{self, Bounds};
use super::env::Env;
use super::interval::{Interval, Set};
use super::schema::constant;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, ExprKind as K, Rule, Ty};
use crate::syntax::ast::{BinOp, CmpOp};

/// Every condition of the model's rules, bonuses and vetoes.
pub fn check(model: &ir::Model, diags: &mut Vec<Diagnostic>) {
    let env = &Env::new(
        model.subject.clone(),
        model.events.clone(),
        model.enums.clone(),
        model.params.clone(),
        model.periods.clone(),
    );
    let policy = model.policy.zero_denominator.is_some();
    for ind in &model.indicators {
        let bounds = Bounds::new(env, &ind.lets, policy);
        let mut walk = |e: &ir::Expr, cond: bool| exprs(e, cond, &bounds, diags);
        for l in &ind.lets {
            walk(&l.value, false);
        }
        // Guards themselves are E0312's; what they contain (filters) is ours.
        for g in &ind.guards {
            for c in g.cond.children() {
                walk(c, false);
            }
        }
        match &ind.rule {
            Some(
                Rule::Bands { subject, .. }
                | Rule::Lookup { subject, .. }
                | Rule::Interp { subject, .. },
            ) => walk(subject, false),
            Some(Rule::Formula(e)) => walk(e, false),
            Some(Rule::Deduct { rows, .. }) => rows.iter().for_each(|r| walk(&r.expr, false)),
            Some(Rule::Checklist(rows)) => rows.iter().for_each(|r| walk(&r.expr, true)),
            None => {}
        }
    }
    let bounds = Bounds::new(env, &[], policy);
    for b in &model.bonuses {
        for row in &b.rows {
            match row {
                ir::BonusRow::Each(r) => exprs(&r.expr, false, &bounds, diags),
                ir::BonusRow::If(r) => exprs(&r.expr, true, &bounds, diags),
            }
        }
    }
    for v in &model.vetoes {
        exprs(&v.cond, true, &bounds, diags);
    }
}

/// Walk `e`; `cond`: `e` is itself a condition (a veto, a bonus or
/// checklist row), whose comparisons are checked; aggregate filters
/// inside any expression are conditions too.
fn exprs(e: &ir::Expr, cond: bool, bounds: &Bounds, diags: &mut Vec<Diagnostic>) {
    match &e.kind {
        K::Binary(BinOp::Cmp(op), a, b) if cond => {
            if let Some(d) = decided(*op, a, b, e, bounds) {
                diags.push(d);
                return;
            }
            exprs(a, false, bounds, diags);
            exprs(b, false, bounds, diags);
        }
        K::Binary(BinOp::And | BinOp::Or, a, b) if cond => {
            exprs(a, true, bounds, diags);
            exprs(b, true, bounds, diags);
        }
        K::Unary(crate::syntax::ast::UnOp::Not, a) if cond => exprs(a, true, bounds, diags),
        K::Aggregate {
            filter: Some(f), ..
        } => exprs(f, true, bounds, diags),
        _ => {
            for c in e.children() {
                exprs(c, false, bounds, diags);
            }
        }
    }
}

/// W0012 when `a op b`, one side a constant, holds for every value or
/// for none of the other side's range.
fn decided(
    op: CmpOp,
    a: &ir::Expr,
    b: &ir::Expr,
    whole: &ir::Expr,
    bounds: &Bounds,
) -> Option<Diagnostic> {
    let (x, c, op) = match (constant(a), constant(b)) {
        (None, Some(c)) => (a, c, op),
        (Some(c), None) => (b, c, op.flipped()),
        _ => return None,
    };
    if matches!(x.ty, Ty::Date | Ty::YesNo | Ty::Text | Ty::Enum(_)) {
        return None;
    }
    let range: Interval = bounds.of(x);
    if range.lo.is_none() && range.hi.is_none() {
        return None;
    }
    let integers = bounds::is_integer_valued(x);
    let domain = Set::from_interval(&range, integers);
    let holds = domain.intersect(&Set::half(op, c, integers));
    let fails = domain.minus(&Set::half(op, c, integers));
    let percent = x.ty == Ty::Ratio;
    let shown = domain.describe(percent);
    let (always, label) = match (holds.is_empty(), fails.is_empty()) {
        (false, true) => (true, "此条件对所有取值都成立"),
        (true, false) => (false, "此条件对任何取值都不成立"),
        _ => return None,
    };
    let message = match always {
        true => format!("条件恒成立：比较的值只在 {shown} 之内"),
        false => format!("条件永远不成立：比较的值只在 {shown} 之内"),
    };
    Some(
        Diagnostic::warning("W0012", message)
            .primary(whole.span, label)
            .note("否决项中恒成立的条件否决所有主体；筛选条件恒成立等于没写、永不成立则一条也不计")
            .help("检查比较符与数值（如 > 0 写成了 ≥ 0、1000000 少写了开头的 1）"),
    )
}

#[cfg(test)]
mod tests {
    /// The codes of a one-indicator file vetoing on `veto`.
    fn codes(veto: &str) -> Vec<&'static str> {
        let text = format!(
            "标准 \"t\"\n计分 分值\n通则 {{\n  满分 10\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  \
             制度: 是否\n  事件数: 计数\n  满意度: 分数\n}}\n指标 1 制度 10 分 {{\n  清单 {{\n    制度 得 10 分\n  }}\n}}\n\
             否决 V1 重大失信 当 {veto}\n等级 {{\n  ≥ 6 为 合格\n  否则 为 不合格\n}}\n"
        );
        let c = crate::driver::compile_source("t.zb", &text);
        // Fields the veto leaves unused are beside the point here.
        (c.diagnostics.iter())
            .map(|d| d.code)
            .filter(|c| *c != "W0001")
            .collect()
    }

    #[test]
    fn decided_comparisons_warn_and_open_ones_do_not() {
        assert_eq!(codes("事件数 ≥ 0"), vec!["W0012"]);
        assert_eq!(codes("事件数 < 0"), vec!["W0012"]);
        assert_eq!(codes("满意度 > 100"), vec!["W0012"]);
        assert_eq!(codes("0 ≤ 事件数"), vec!["W0012"]);
        assert!(codes("事件数 > 0").is_empty());
        assert!(codes("满意度 < 60 且 事件数 > 2").is_empty());
        assert_eq!(codes("满意度 < 60 或 事件数 ≥ 0"), vec!["W0012"]);
    }
}
