//! `若 … 得 … 分` guards read like band rows: the first guard whose
//! condition holds gives the score, the rule below them scores the rest.
//! Guards that compare one value with constants are analysed as a band
//! table is: a guard no value can satisfy, a guard whose values the
//! guards above it already take (the two written in the wrong order), and
//! a scoring rule the guards leave nothing to are errors (E0312).
//! Guards on different values, or on computed conditions, are left alone.

use super::bounds::{self, Bounds};
use super::interval::Set;
use super::schema::constant;
use crate::diagnostic::Diagnostic;
use crate::ir::{Expr, ExprKind as K, Guard, Ty};
use crate::source::Span;
use crate::syntax::ast::BinOp;

/// The guards of one leaf indicator; `rule` is its scoring rule's span.
pub fn check(diags: &mut Vec<Diagnostic>, guards: &[Guard], bounds: &Bounds, rule: Option<Span>) {
    // Per compared value: its domain, what the guards so far take, and
    // each earlier guard with its values.
    let mut seen: Vec<Seen> = Vec::new();
    for g in guards {
        let Some((subject, set)) = values(&g.cond) else {
            continue;
        };
        let integers = bounds::is_integer_valued(subject);
        let at = match seen.iter().position(|s| s.subject.same_as(subject)) {
            Some(at) => at,
            None => {
                let domain = Set::from_interval(&bounds.of(subject), integers);
                seen.push(Seen {
                    subject,
                    domain,
                    taken: Set {
                        segs: Vec::new(),
                        integers,
                    },
                    earlier: Vec::new(),
                });
                seen.len() - 1
            }
        };
        let Some(s) = seen.get_mut(at) else {
            continue;
        };
        let set = Set { integers, ..set };
        let percent = subject.ty == Ty::Ratio;
        let own = s.domain.intersect(&set);
        let span = g.cond.span.to(g.span);
        if own.is_empty() {
            diags.push(
                Diagnostic::error("E0312", "此 若 的条件永远不成立")
                    .primary(span, "没有任何取值满足此条件")
                    .note(format!(
                        "被比较的值只在 {} 之内",
                        s.domain.describe(percent)
                    ))
                    .help("检查阈值是否多写或少写了一位、单位是否用错（如 95 与 95%）"),
            );
        } else if own.minus(&s.taken).is_empty() {
            let mut d =
                Diagnostic::error("E0312", "此 若 永远不会起作用：它的取值已被前面的 若 取走")
                    .primary(
                        span,
                        format!("取值 {} 已由前面的 若 给分", own.describe(percent)),
                    );
            for (earlier, _) in s
                .earlier
                .iter()
                .filter(|(_, e)| !e.intersect(&own).is_empty())
            {
                d = d.secondary(*earlier, "这些取值先由此行给分");
            }
            diags.push(d.help(
                "若 自上而下取第一个成立的：把条件更严格的 若 写在前面（如 ≥ 95% 在 ≥ 90% 之前），或删除此行",
            ));
        }
        s.earlier.push((span, own));
        s.taken = s.taken.union(&set);
    }
    // A rule below guards that take every value is never used.
    let Some(rule) = rule else {
        return;
    };
    if let Some(s) = seen.iter().find(|s| s.domain.minus(&s.taken).is_empty()) {
        let percent = s.subject.ty == Ty::Ratio;
        let mut d = Diagnostic::error("E0312", "评分规则永远不会被用到：前面的 若 已取走全部取值")
            .primary(rule, "此规则不会给出任何得分");
        for (span, _) in s.earlier.iter().take(3) {
            d = d.secondary(*span, "取值由此 若 给分");
        }
        diags.push(
            d.note(format!(
                "被比较的值只在 {} 之内",
                s.domain.describe(percent)
            ))
            .help("检查各 若 的条件是否写宽了；若 只写特殊情形，其余取值留给评分规则"),
        );
    }
}

struct Seen<'e> {
    subject: &'e Expr,
    domain: Set,
    taken: Set,
    earlier: Vec<(Span, Set)>,
}

/// A condition that compares one value with constants (`x ≥ 95%`,
/// `x = 0 或 x > 10`, `x ≥ 60% 且 x < 80%`): the value and the set of
/// its values that satisfy it. Sets come out with `integers: false`; the
/// caller knows the value.
fn values(cond: &Expr) -> Option<(&Expr, Set)> {
    let K::Binary(op, a, b) = &cond.kind else {
        return None;
    };
    match op {
        BinOp::Cmp(op) => match (constant(a), constant(b)) {
            (None, Some(t)) if numeric(a) => Some((&**a, Set::half(*op, t, false))),
            (Some(t), None) if numeric(b) => Some((&**b, Set::half(op.flipped(), t, false))),
            _ => None,
        },
        BinOp::And | BinOp::Or => {
            let (x, left) = values(a)?;
            let (y, right) = values(b)?;
            if !x.same_as(y) {
                return None;
            }
            let set = match op {
                BinOp::And => left.intersect(&right),
                _ => left.union(&right),
            };
            Some((x, set))
        }
        _ => None,
    }
}

fn numeric(e: &Expr) -> bool {
    !matches!(e.ty, Ty::Date | Ty::YesNo | Ty::Text | Ty::Enum(_)) && !matches!(e.kind, K::Const(_))
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::CmpOp;

    #[test]
    fn flipping_keeps_the_meaning() {
        assert_eq!(CmpOp::Ge.flipped(), CmpOp::Le);
        assert_eq!(CmpOp::Lt.flipped(), CmpOp::Gt);
        assert_eq!(CmpOp::Eq.flipped(), CmpOp::Eq);
    }
}
