//! The indicator tree of one subject, with every score and its worked
//! calculation (as in the letter), for `zhibiao test` failures.

use super::fixed;
use crate::eval::{Status, SubjectResult};
use crate::ir::Model;

pub fn explain(model: &Model, r: &SubjectResult) -> String {
    let p = model.policy.round_places;
    let calc = super::explain_calc::Calc {
        model,
        places: p,
        avoid: Vec::new(),
    };
    let mut out = format!("{} {}\n", r.code, r.name);
    out.push_str(&format!(
        "总分 {}（基础分 {} + 加分 {}），等级：{}\n",
        fixed(r.total, p),
        fixed(r.base, p),
        fixed(r.bonus, p),
        r.grade
    ));
    if !r.vetoes.is_empty() {
        let v: Vec<String> = r.vetoes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        out.push_str(&format!("一票否决：{}\n", v.join("；")));
    }
    out.push('\n');
    for (ind, res) in model.indicators.iter().zip(&r.indicators) {
        let indent = "  ".repeat(ind.depth.saturating_sub(1));
        let full = crate::number::show(&ind.full);
        out.push_str(&format!(
            "{indent}{} {}  {} / {} 分",
            ind.code,
            ind.name,
            fixed(res.score, p),
            full
        ));
        match res.status {
            Status::Missing => out.push_str("  [缺失]"),
            Status::ZeroDenominator => out.push_str("  [分母为零]"),
            _ => {}
        }
        out.push('\n');
        if res.status == Status::Sum {
            continue;
        }
        let pad = format!("{indent}    ");
        for line in calc.leaf(ind, res) {
            out.push_str(&format!("{pad}{line}\n"));
        }
    }
    out.push('\n');
    for b in &r.bonuses {
        out.push_str(&format!("{}\n", super::explain_letter::bonus(&calc, b)));
    }
    if let Some(cap) = &model.policy.bonus_cap {
        out.push_str(&format!(
            "加分合计 {}（上限 {} 分）\n",
            fixed(r.bonus, p),
            crate::number::show(cap)
        ));
    }
    out
}
