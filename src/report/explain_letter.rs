//! One subject's feedback letter (`zhibiao explain`): the result, where
//! points were lost, the rank and the next grade, then every indicator's
//! rule and worked calculation, so a reader can check each score by hand.

use super::explain_calc::Calc;
use super::explain_page::{Block, Page};
use super::fixed;
use crate::analysis::letter::{self, Letter};
use crate::eval::{Status, SubjectResult};
use crate::ir::{self, Mode, Model};
use crate::number;
use crate::prose;
use num_traits::Zero;

/// The letter of `r` (the subject at `letter.subject` of the results).
pub fn letter(model: &Model, r: &SubjectResult, letter: &Letter) -> Page {
    let calc = Calc {
        model,
        places: model.policy.round_places,
        avoid: Vec::new(),
    };
    let title = format!("{}（{}）评价结果反馈", r.name, r.code);
    let mut blocks = vec![Block::Heading(1, title.clone())];
    let standard = [&model.meta.standard, &model.meta.version]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if !standard.is_empty() {
        blocks.push(Block::Para(format!("评价依据：{standard}")));
    }
    blocks.push(Block::Heading(2, "一、评价结果".to_string()));
    blocks.push(Block::Items(summary(&calc, r, letter)));
    blocks.push(Block::Heading(2, "二、失分情况".to_string()));
    blocks.extend(lost(&calc, r, letter));
    blocks.push(Block::Heading(2, "三、逐项计算".to_string()));
    blocks.extend(indicators(&calc, r));
    blocks.push(Block::Heading(2, "四、基础分、加分与总分".to_string()));
    blocks.push(Block::Items(totals(&calc, r)));
    Page { title, blocks }
}

fn summary(calc: &Calc, r: &SubjectResult, letter: &Letter) -> Vec<String> {
    let model = calc.model;
    let p = calc.places;
    let mut items = vec![
        format!(
            "总分 {} 分（基础分 {} + 加分 {}）",
            fixed(r.total, p),
            fixed(r.base, p),
            fixed(r.bonus, p)
        ),
        format!("等级：{}", r.grade),
    ];
    let vetoed_note = if r.vetoes.is_empty() {
        ""
    } else {
        "；被一票否决的主体排在全部未被否决的主体之后"
    };
    items.push(format!(
        "排名：第 {} 名{}（共 {} 个主体{vetoed_note}）",
        letter.rank,
        if letter.tied { "（并列）" } else { "" },
        letter.ranked
    ));
    for v in letter.vetoes.iter().filter_map(|v| model.vetoes.get(*v)) {
        items.push(format!(
            "一票否决：{} {}——{}；得分照常计算，等级为“{}”",
            v.code,
            v.name,
            prose::veto(model, v),
            r.grade
        ));
    }
    match &letter.next_grade {
        Some(next) => items.push(format!(
            "距“{}”还差 {} 分（总分 {} {} 分为“{}”）",
            next.grade,
            calc.quantity(&next.gap, &crate::ir::Ty::Number).0,
            next.op.symbol(),
            number::show(&next.threshold),
            next.grade
        )),
        None if r.vetoes.is_empty() => items.push("已是最高等级".to_string()),
        None => {}
    }
    if !r.missing.is_empty() {
        let named: Vec<String> = r
            .missing
            .iter()
            .map(
                |code| match model.indicators.iter().find(|i| &i.code == code) {
                    Some(i) => format!("{} {}", i.code, i.name),
                    None => code.clone(),
                },
            )
            .collect();
        items.push(format!(
            "数据缺失（该项得 0 分）的指标：{}",
            named.join("、")
        ));
    }
    items
}

fn lost(calc: &Calc, r: &SubjectResult, letter: &Letter) -> Vec<Block> {
    let model = calc.model;
    let p = calc.places;
    if letter.lost.is_empty() {
        return vec![Block::Para("各项指标均得满分。".to_string())];
    }
    let weights = model.mode == Mode::Weights;
    let mut head: Vec<String> = ["指标", "名称", "满分", "得分", "失分"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if weights {
        head.push("影响总分".to_string());
    }
    let rows = letter
        .lost
        .iter()
        .filter_map(|l| {
            let ind = model.indicators.get(l.indicator)?;
            let res = r.indicators.get(l.indicator)?;
            let mut row = vec![
                ind.code.clone(),
                ind.name.clone(),
                number::show(&ind.full),
                fixed(res.score, p),
                fixed(l.points, p),
            ];
            if weights {
                row.push(calc.quantity(&l.of_total, &crate::ir::Ty::Number).0);
            }
            if res.status == Status::Missing {
                if let Some(name) = row.get_mut(1) {
                    name.push_str("（缺失）");
                }
            }
            Some(row)
        })
        .collect();
    let full = number::to_decimal(&model.policy.full_marks);
    let note = format!(
        "基础分共失 {} 分（满分 {} − 基础分 {}），按失分从多到少排列：",
        fixed(full.checked_sub(r.base).unwrap_or_default(), p),
        number::show(&model.policy.full_marks),
        fixed(r.base, p)
    );
    vec![Block::Para(note), Block::Table { head, rows }]
}

fn indicators(calc: &Calc, r: &SubjectResult) -> Vec<Block> {
    let model = calc.model;
    let p = calc.places;
    let mut blocks = Vec::new();
    for (i, (ind, res)) in model.indicators.iter().zip(&r.indicators).enumerate() {
        let unit = match model.mode {
            Mode::Points => format!(" / {} 分", number::show(&ind.full)),
            Mode::Weights => format!(" 分（权重 {}）", number::show_percent(&ind.weight)),
        };
        let mark = match res.status {
            Status::Missing => "（缺失）",
            Status::ZeroDenominator => "（分母为 0）",
            _ => "",
        };
        let level = if ind.depth <= 1 { 3 } else { 4 };
        blocks.push(Block::Heading(
            level,
            format!(
                "{} {}：{}{unit}{mark}",
                ind.code,
                ind.name,
                fixed(res.score, p)
            ),
        ));
        if !ind.is_leaf() {
            if let Some(sum) = letter::parent_sum(model, r, Some(i)) {
                let names: Vec<&str> = sum
                    .terms
                    .iter()
                    .filter_map(|(c, _, _)| model.indicators.get(*c).map(|k| k.code.as_str()))
                    .collect();
                let how = match model.mode {
                    Mode::Points => "下级指标得分之和",
                    Mode::Weights => "下级指标得分按权重加权求和",
                };
                blocks.push(Block::Para(format!(
                    "{how}（{}）：{}",
                    names.join("、"),
                    calc.parent(&sum)
                )));
            }
            continue;
        }
        blocks.push(Block::Para(format!(
            "评分标准：{}",
            prose::rule(model, ind)
        )));
        let lines = calc.leaf(ind, res);
        if !lines.is_empty() {
            blocks.push(Block::Para(format!("计算：{}", lines.join(""))));
        }
    }
    blocks
}

fn totals(calc: &Calc, r: &SubjectResult) -> Vec<String> {
    let model = calc.model;
    let p = calc.places;
    let mut items = Vec::new();
    if let Some(sum) = letter::parent_sum(model, r, None) {
        items.push(format!("基础分 = {}", calc.parent(&sum)));
    }
    for b in &r.bonuses {
        items.push(bonus(calc, b));
    }
    if let Some(cap) = &model.policy.bonus_cap {
        let sum = r
            .bonuses
            .iter()
            .try_fold(rust_decimal::Decimal::ZERO, |a, b| a.checked_add(b.points))
            .unwrap_or_default();
        let capped = if number::gt(&number::from_decimal(sum), cap) {
            format!(
                "，超过上限 {} 分，计 {} 分",
                number::show(cap),
                fixed(r.bonus, p)
            )
        } else {
            format!("（上限 {} 分）", number::show(cap))
        };
        items.push(format!("加分合计 {}{capped}", fixed(sum, p)));
    }
    let raw = r.base.checked_add(r.bonus).unwrap_or_default();
    let mut total = format!(
        "总分 = 基础分 + 加分 = {} + {} = {}",
        fixed(r.base, p),
        fixed(r.bonus, p),
        fixed(raw, p)
    );
    if let Some(cap) = &model.policy.total_cap {
        if number::gt(&number::from_decimal(raw), cap) {
            total.push_str(&format!(
                "，超过总分上限 {} 分，计 {}",
                number::show(cap),
                fixed(r.total, p)
            ));
        }
    }
    items.push(total);
    let by_total = model
        .grades
        .iter()
        .position(|g| crate::eval::grade_matches(g.test, &number::from_decimal(r.total)));
    let grade_rule = by_total.map(|g| prose::grade(model, g)).unwrap_or_default();
    if r.vetoes.is_empty() {
        items.push(format!("等级：{grade_rule}，为“{}”", r.grade));
    } else {
        let would = by_total
            .and_then(|g| model.grades.get(g))
            .map(|g| g.grade.as_str())
            .unwrap_or("");
        items.push(format!(
            "等级：因一票否决为“{}”（按总分 {} 本应为“{would}”：{grade_rule}）",
            r.grade,
            fixed(r.total, p)
        ));
    }
    items
}

/// A bonus item row by row: “省级创新案例数 3 × 1 分 = 3 分；…；合计 7 分”.
pub(super) fn bonus(calc: &Calc, b: &crate::eval::BonusResult) -> String {
    let model = calc.model;
    let rows = model
        .bonuses
        .iter()
        .find(|x| x.code == b.code)
        .map(|x| x.rows.as_slice())
        .unwrap_or_default();
    let parts: Vec<String> = rows
        .iter()
        .zip(&b.worked)
        .map(|(row, (value, got))| match row {
            ir::BonusRow::Each(r) => {
                let what = prose::expr(model, &[], &r.expr);
                match value {
                    Some(n) => format!(
                        "{what} {} × {} 分 = {} 分",
                        number::show(n),
                        number::show(&r.score),
                        number::show(got)
                    ),
                    None => format!("{what}为空，不加分"),
                }
            }
            ir::BonusRow::If(r) => {
                let score = number::show(&r.score);
                match (yes_field(model, &r.expr), value) {
                    (Some(f), Some(n)) if !n.is_zero() => format!("{f}：是，加 {score} 分"),
                    (Some(f), Some(_)) => format!("{f}：否，不加分"),
                    (Some(f), None) => format!("{f}为空，不加分"),
                    (None, v) => {
                        let what = prose::condition(model, &[], &r.expr);
                        match v {
                            Some(n) if !n.is_zero() => format!("{what}：满足，加 {score} 分"),
                            Some(_) => format!("{what}：不满足，不加分"),
                            None => format!("{what}：所需数据为空，不加分"),
                        }
                    }
                }
            }
        })
        .collect();
    format!(
        "加分 {} {}：{}；计 {} 分",
        b.code,
        b.name,
        parts.join("；"),
        fixed(b.points, calc.places)
    )
}

/// The field of a yes/no test (`信用试点 = 是`, or the field alone): the
/// row then reads “信用试点：否，不加分”.
fn yes_field(model: &Model, e: &ir::Expr) -> Option<String> {
    use crate::syntax::ast::{BinOp, CmpOp};
    match &e.kind {
        ir::ExprKind::Binary(BinOp::Cmp(CmpOp::Eq), a, b) => match (&a.kind, &b.kind) {
            (ir::ExprKind::Field(f), ir::ExprKind::Const(ir::Value::Bool(true))) => {
                model.subject.fields.get(*f).map(|f| f.name.clone())
            }
            _ => None,
        },
        ir::ExprKind::Field(f) => model.subject.fields.get(*f).map(|f| f.name.clone()),
        _ => None,
    }
}
