//! The general rules (通则) in words, one sentence per rule, in the order
//! of the appendix's A.1: scoring, rounding, special cases, caps, veto,
//! periods and parameters.

use super::Prose;
use crate::ir::{Mode, Model, ZeroDen};
use crate::number;

/// The general rules, each a sentence ending with “。”, to be numbered.
pub fn general_rules(model: &Model) -> Vec<String> {
    let p = &model.policy;
    let full = number::show(&p.full_marks);
    let mut rules = vec![match model.mode {
        Mode::Points => format!(
            "基础分满分 {full} 分，为各末级指标得分之和；上级指标得分为其下级指标得分之和"
        ),
        Mode::Weights => format!(
            "各指标（含末级指标）均按 0–{full} 分计分；上级指标得分为其下级指标得分按权重的加权和，基础分为一级指标得分按权重的加权和"
        ),
    }];
    let mut rounding = super::rounding(model);
    rounding.insert(0, "计算过程按十进制精确计算，比率不先行舍入".to_string());
    rules.push(rounding.join("；"));
    match p.zero_denominator {
        Some(ZeroDen::FullPoints) => rules
            .push("比率的分母为 0 时视为无此类事项，该指标得满分（另有规定的除外）".to_string()),
        Some(ZeroDen::ZeroPoints) => {
            rules.push("比率的分母为 0 时，该指标得 0 分（另有规定的除外）".to_string())
        }
        None => {}
    }
    // Missing data scores 0 whether or not 缺失 得零分 is written.
    let mut missing = vec!["末级指标所用的任一数据为空的，该指标得 0 分并在结果中标注“缺失”"];
    let relative = model.indicators.iter().any(|i| {
        let (max, min) = super::rule::reads_population(i);
        max || min
    });
    if relative {
        missing.push("相对评分的最高值、最低值不计数据为空的主体");
    }
    if !model.bonuses.is_empty() {
        missing.push("加分项数据为空的，该行不加分");
    }
    if !model.vetoes.is_empty() {
        missing.push("否决项数据为空的，不触发否决");
    }
    rules.push(missing.join("；"));
    match (&p.bonus_cap, &p.total_cap) {
        (Some(b), Some(t)) => rules.push(format!(
            "加分项另计，加分合计最高 {} 分；总分 = 基础分 + 加分，最高 {} 分",
            number::show(b),
            number::show(t)
        )),
        (Some(b), None) => rules.push(format!(
            "加分项另计，加分合计最高 {} 分；总分 = 基础分 + 加分",
            number::show(b)
        )),
        (None, Some(t)) => rules.push(format!("总分 = 基础分 + 加分，最高 {} 分", number::show(t))),
        (None, None) if !model.bonuses.is_empty() => rules.push("总分 = 基础分 + 加分".to_string()),
        (None, None) => {}
    }
    rules.push("“≥”“≤”均含本数，“<”“>”不含本数；分档表自上而下取第一个符合的档次".to_string());
    if let Some(g) = &p.veto_grade {
        rules.push(format!(
            "触发任一否决项的，等级为“{g}”，得分照常计算并公布，同时列明否决原因"
        ));
    }
    rules.push(if model.vetoes.is_empty() {
        "排名按总分从高到低，总分相同者名次相同（如 1、2、2、4）".to_string()
    } else {
        "排名按总分从高到低，总分相同者名次相同（如 1、2、2、4）；被一票否决的主体排在全部未被否决的主体之后，其间仍按总分排列".to_string()
    });
    let prose = Prose::new(model, &[]);
    for per in &model.periods {
        let (from, mut to) = (prose.date_expr(&per.from), prose.date_expr(&per.to));
        // “评价年度的1月1日至12月31日”: the year is said once.
        if let Some((year, _)) = from.split_once('的') {
            if let Some(rest) = to.strip_prefix(&format!("{year}的")) {
                to = rest.to_string();
            }
        }
        let mut text = format!("{}为{from}至{to}", per.name);
        let dates = (prose.const_date(&per.from), prose.const_date(&per.to));
        if let (true, (Some(a), Some(b))) = (from.contains('的'), dates) {
            // Parameter-dependent: the dates at the defaults as well.
            text.push_str(&format!(
                "，按参数默认值即 {}",
                super::expr::date_range(a, b)
            ));
        }
        text.push_str("；事件日期不在其内的不计");
        rules.push(text);
    }
    for prm in &model.params {
        rules.push(format!(
            "参数“{}”默认为 {}，评价时可另行指定",
            prm.name,
            crate::eval::show_value(model, &prm.default, Some(&prm.ty))
        ));
    }
    rules.into_iter().map(|r| format!("{r}。")).collect()
}
