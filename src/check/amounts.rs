//! W0011: amounts that cannot be what was meant. A deduction, checklist
//! item or bonus of 0 points does nothing (`扣 1 分` typed `扣 0 分`);
//! one deduction larger than the indicator's points, or one bonus larger
//! than the whole bonus cap, is a digit too many (`扣 1 分` typed
//! `扣 10 分` on a 3-point indicator). A deduction equal to the points
//! (one event takes them all) is a rule the appendix uses, and passes.

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ScoredRow};
use crate::number::{self, Num};

/// The rows of a 扣分 rule of an indicator of `full` points.
pub fn deductions(rows: &[ScoredRow], full: Num, diags: &mut Vec<Diagnostic>) {
    for r in rows {
        if r.score == number::zero() {
            diags.push(nothing(r, "扣", "扣分"));
        } else if r.score > full {
            diags.push(
                Diagnostic::warning(
                    "W0011",
                    format!(
                        "每项扣 {} 分，超过指标的分值 {} 分",
                        number::show(&r.score),
                        number::show(&full)
                    ),
                )
                .primary(r.span, "一项就扣完全部分值还有余")
                .note("扣分以扣完为止，超过分值的部分不起作用；多半是多写了一位")
                .help(format!(
                    "检查扣分分值（如 10 是否应为 1）；一项即扣完时，写 扣 {} 分",
                    number::show(&full)
                )),
            );
        }
    }
}

/// The rows of a 清单 rule.
pub fn checklist(rows: &[ScoredRow], diags: &mut Vec<Diagnostic>) {
    for r in rows.iter().filter(|r| r.score == number::zero()) {
        diags.push(nothing(r, "得", "清单"));
    }
}

/// The rows of every bonus item, against the bonus cap.
pub fn bonuses(bonuses: &[ir::Bonus], policy: &ir::Policy, diags: &mut Vec<Diagnostic>) {
    for b in bonuses {
        for row in &b.rows {
            let (ir::BonusRow::Each(r) | ir::BonusRow::If(r)) = row;
            if r.score == number::zero() {
                diags.push(nothing(r, "加", "加分"));
            } else if let Some(cap) = policy.bonus_cap.filter(|c| r.score > *c) {
                diags.push(
                    Diagnostic::warning(
                        "W0011",
                        format!(
                            "加分项 {} 一项加 {} 分，超过加分上限 {} 分",
                            b.code,
                            number::show(&r.score),
                            number::show(&cap)
                        ),
                    )
                    .primary(r.span, "一项就超过加分上限")
                    .note("加分合计以加分上限为限，超过的部分不起作用；多半是多写了一位")
                    .help("检查此项的加分分值（如 20 是否应为 2）"),
                );
            }
        }
    }
}

fn nothing(r: &ScoredRow, verb: &str, what: &str) -> Diagnostic {
    Diagnostic::warning("W0011", format!("{what}行{verb} 0 分，不起任何作用"))
        .primary(r.span, format!("{verb} 0 分"))
        .note("分值为 0 的行不改变任何主体的得分；多半是分值写错了")
        .help("写上应有的分值，或删除这一行")
}

#[cfg(test)]
mod tests {
    /// The codes of a file whose deduction row reads `扣 {amount} 分` in
    /// a 3-point indicator, with a bonus of `加 {bonus} 分` under a cap of 5.
    fn codes(amount: &str, bonus: &str) -> Vec<&'static str> {
        let text = format!(
            "标准 \"t\"\n计分 分值\n通则 {{\n  满分 3\n  加分上限 5\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  \
             事件数: 计数\n  案例数: 计数\n}}\n指标 1 失信事件 3 分 {{\n  扣分 扣完为止 {{\n    每 事件数 扣 {amount} 分\n  }}\n}}\n\
             加分 B1 创新 {{\n  每 案例数 加 {bonus} 分\n}}\n等级 {{\n  ≥ 2 为 合格\n  否则 为 不合格\n}}\n"
        );
        let c = crate::driver::compile_source("t.zb", &text);
        c.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn zero_and_oversized_amounts_warn() {
        assert!(codes("1", "1").is_empty());
        // One event takes all the points: the appendix's own rule.
        assert!(codes("3", "5").is_empty());
        assert_eq!(codes("0", "1"), vec!["W0011"]);
        assert_eq!(codes("10", "1"), vec!["W0011"]);
        assert_eq!(codes("1", "0"), vec!["W0011"]);
        assert_eq!(codes("1", "20"), vec!["W0011"]);
    }
}
