//! E0203, a unit mismatch, with the user's own literal rewritten in the
//! unit its other side needs: `90` or `0.9` against a ratio → `90%`,
//! `98%` against a percent field → `98`, `1 - 审查率` → `100% - 审查率`.
//!
//! `1 - 审查率` is not accepted as it stands: a ratio never mixes with a
//! bare number anywhere (`≥ 90` on a ratio is the commonest slip of all),
//! and one rule with one fix is easier to learn than an exception for the
//! literal 1. `100% - 审查率` also reads as the standard's own wording.

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ExprKind as K, Ty, Value};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind as A};

/// How a `+`/`-` reads: its operator and the text of a side that is a
/// plain name, so the help can show the whole corrected expression.
pub struct Rewrite {
    op: &'static str,
    left: Option<String>,
    right: Option<String>,
}

impl Rewrite {
    pub fn of(op: BinOp, l: &ast::Expr, r: &ast::Expr) -> Option<Rewrite> {
        let name = |e: &ast::Expr| match &e.node {
            A::Name(n) => Some(n.clone()),
            _ => None,
        };
        matches!(op, BinOp::Add | BinOp::Sub).then(|| Rewrite {
            op: op.symbol(),
            left: name(l),
            right: name(r),
        })
    }
}

/// The value of a number or percent literal.
fn literal(e: &ir::Expr) -> Option<Num> {
    match (&e.kind, &e.ty) {
        (K::Const(Value::Num(n)), Ty::Number | Ty::Ratio) => Some(*n),
        _ => None,
    }
}

/// The literal as written, and as it should be written against `other`.
fn rewritten(slip: &ir::Expr, other: &Ty) -> Option<(String, String)> {
    let n = literal(slip)?;
    match (&slip.ty, other) {
        (Ty::Number, Ty::Ratio) if n >= number::zero() => {
            // 0.9 is a fraction written without %, 90 is 90% without %.
            let new = if n <= number::int(1) {
                number::show_percent(&n)
            } else {
                format!("{}%", number::show(&n))
            };
            Some((number::show(&n), new))
        }
        (Ty::Ratio, Ty::Percent) => Some((
            number::show_percent(&n),
            number::show(&number::mul(&n, &number::int(100))?),
        )),
        _ => None,
    }
}

/// The E0203 for operands of types `a` and `b.ty` (units differ).
/// `a_expr` is the left operand when known, with how a `+`/`-` reads.
pub fn mismatch(
    a: &Ty,
    a_expr: Option<(&ir::Expr, Option<&Rewrite>)>,
    b: &ir::Expr,
    span: Span,
) -> Diagnostic {
    let message = format!("单位不符：{}与{}混用", a.name(), b.ty.name());
    let sum = a_expr.and_then(|(_, r)| r);
    // The slip is the literal side: the right one first (a band threshold).
    let fix = rewritten(b, a).map(|t| (b, t, false)).or_else(|| {
        let (left, _) = a_expr?;
        rewritten(left, &b.ty).map(|t| (left, t, true))
    });
    let Some((slip, (old, new), on_left)) = fix else {
        return Diagnostic::error("E0203", message)
            .primary(b.span, format!("此值为{}", b.ty.name()))
            .secondary(span, "与此处混用")
            .help(generic_help(a, &b.ty, sum.is_some()));
    };
    let mut d =
        Diagnostic::error("E0203", message).primary(slip.span, format!("此值为{}", slip.ty.name()));
    d = if on_left {
        d.secondary(b.span, format!("此值为{}", b.ty.name()))
    } else {
        d.secondary(span, "与此处混用")
    };
    let other = if on_left { &b.ty } else { a };
    let why = match (*other == Ty::Ratio, sum.is_some()) {
        (true, true) => "比率是 0 到 1 之间的分数，与它相加减的常数写成百分数",
        (true, false) => "比率是 0 到 1 之间的分数，应与百分数比较",
        (false, true) => "百分数字段以 0–100 记录，与它相加减的常数不带 %",
        (false, false) => "百分数字段以 0–100 记录，应与不带 % 的数比较",
    };
    let whole = sum.and_then(|r| match (on_left, &r.left, &r.right) {
        (true, _, Some(right)) => Some(format!("{new} {} {right}", r.op)),
        (false, Some(left), _) => Some(format!("{left} {} {new}", r.op)),
        _ => None,
    });
    let help = match whole {
        Some(whole) => format!("{why}：写作 {whole}"),
        None => format!("{why}：把 {old} 写作 {new}"),
    };
    d.help(help).fix(slip.span, new)
}

fn generic_help(a: &Ty, b: &Ty, sum: bool) -> &'static str {
    let ratio_and_number = matches!((a, b), (Ty::Ratio, t) | (t, Ty::Ratio) if *t != Ty::Percent);
    match (ratio_and_number, sum) {
        (true, true) => {
            "比率是 0 到 1 之间的分数，不能与数值直接相加减；常数写成百分数，如 100% - 比率"
        }
        (true, false) => {
            "比率是 0 到 1 之间的分数，应与百分数字面量比较，例如 95% 而不是 95 或 0.95"
        }
        (false, _) => "百分数字段以 0–100 记录，应与不带 % 的数比较，例如 98 而不是 98%",
    }
}

#[cfg(test)]
mod tests {
    use crate::driver::compile_source;

    /// The help and fixes of the E0203 for `若 COND 得 0 分` on a ratio
    /// 审查率 and a percent field 达标率.
    fn e0203(cond: &str) -> (String, Vec<String>) {
        let text = format!(
            "通则 {{\n 满分 1\n 分母为零 得满分\n}}\n\
             对象表 主体 {{\n 编码: 文本, 主键\n 决策数: 计数\n 已审查数: 计数, 不大于 决策数\n 达标率: 百分数\n}}\n\
             指标 1 项 1 分 {{\n 令 审查率 = 已审查数 ÷ 决策数\n 若 {cond} 得 0 分\n 公式 达标率 ÷ 100\n}}\n\
             等级 {{\n 否则 为 合格\n}}\n"
        );
        let c = compile_source("t.zb", &text);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "E0203")
            .unwrap_or_else(|| panic!("no E0203 for {cond}: {:?}", c.diagnostics));
        let fixes = d.fixes().iter().map(|f| f.replacement.clone()).collect();
        (d.help.clone().unwrap_or_default(), fixes)
    }

    #[test]
    fn the_users_literal_is_rewritten_in_the_unit_needed() {
        let (help, fixes) = e0203("审查率 < 90");
        assert!(help.ends_with("把 90 写作 90%"), "{help}");
        assert_eq!(fixes, vec!["90%"]);
        assert_eq!(e0203("审查率 < 0.9").1, vec!["90%"]);
        assert_eq!(e0203("0.9 > 审查率").1, vec!["90%"]);
        assert_eq!(e0203("达标率 < 98%").1, vec!["98"]);
        let (help, fixes) = e0203("1 - 审查率 > 20%");
        assert!(help.ends_with("写作 100% - 审查率"), "{help}");
        assert_eq!(fixes, vec!["100%"]);
    }

    #[test]
    fn without_a_literal_there_is_no_fix() {
        let (help, fixes) = e0203("决策数 - 审查率 > 0");
        assert!(help.contains("相加减"), "{help}");
        assert!(fixes.is_empty());
    }
}
