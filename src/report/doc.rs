//! `zhibiao doc`: the scoring appendix generated from the rules, so the
//! committee publishes what the tool computes instead of retyping it.

use super::words::Words;
use crate::ir::{self, Mode, Model, Origin, Ty};
use crate::number;
use crate::output::escape;

/// The appendix as a sequence of blocks, rendered to Markdown or HTML.
enum Block {
    Heading(u8, String),
    Para(String),
    Table(Vec<String>, Vec<Vec<String>>),
}

/// The appendix in Markdown. Every text from the rules is escaped: a name
/// holding `<script>`, a `|` or a line break stays inert text in its cell.
pub fn markdown(model: &Model) -> String {
    let esc = |s: &str| escape::markdown_cell(s);
    let mut out = String::new();
    for b in blocks(model) {
        match b {
            Block::Heading(level, text) => out.push_str(&format!(
                "{} {}\n\n",
                "#".repeat(level as usize),
                esc(&text)
            )),
            Block::Para(text) => {
                // The paragraph's own lines (a numbered list) stay lines.
                let lines: Vec<String> = text.lines().map(esc).collect();
                out.push_str(&format!("{}\n\n", lines.join("\n")));
            }
            Block::Table(head, rows) => {
                let line = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| esc(c)).collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&line(&head));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for r in rows {
                    out.push_str(&line(&r));
                }
                out.push('\n');
            }
        }
    }
    out
}

pub fn html(model: &Model) -> String {
    let esc = |s: &str| escape::html(s).into_owned();
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(&model.meta.standard)));
    out.push_str("<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;vertical-align:top}</style>\n</head>\n<body>\n");
    for b in blocks(model) {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", esc(&text)))
            }
            Block::Para(text) => out.push_str(&format!("<p>{}</p>\n", esc(&text))),
            Block::Table(head, rows) => {
                out.push_str("<table>\n<tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(&h)));
                }
                out.push_str("</tr>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str(&format!("<td>{}</td>", esc(&c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn blocks(model: &Model) -> Vec<Block> {
    let mut b = vec![Block::Heading(
        1,
        format!("{} — 评分细则", model.meta.standard),
    )];
    let mut info = Vec::new();
    if !model.meta.version.is_empty() {
        info.push(format!("版本：{}", model.meta.version));
    }
    if !model.meta.applies.is_empty() {
        info.push(format!("适用：{}", model.meta.applies));
    }
    if !info.is_empty() {
        b.push(Block::Para(info.join("；")));
    }
    if model.variant {
        b.push(Block::Para(
            "本细则在基础规则上修改；标“〔新增〕”“〔修改〕”的为本细则的改动，其余与基础规则相同。"
                .into(),
        ));
    }
    b.push(Block::Heading(2, "通用规则".into()));
    b.push(Block::Para(general_rules(model)));
    b.push(Block::Heading(2, "指标与评分标准".into()));
    b.push(indicator_table(model));
    bonus_and_vetoes(model, &mut b);
    b.push(Block::Heading(2, "等级".into()));
    b.push(grades(model));
    b.push(Block::Heading(2, "证据数据".into()));
    for t in std::iter::once(&model.subject).chain(&model.events) {
        b.push(Block::Heading(3, format!("表“{}”", t.name)));
        b.push(table_fields(model, t));
    }
    b
}

fn general_rules(model: &Model) -> String {
    let p = &model.policy;
    let mut rules = vec![match model.mode {
        Mode::Points => format!(
            "基础分满分 {} 分，为末级指标得分之和；上级指标得分为其下级指标得分之和",
            number::show(&p.full_marks)
        ),
        Mode::Weights => {
            "各指标按 0–100 分计分，上级指标得分为下级指标得分按权重的加权和".to_string()
        }
    }];
    rules.push(format!(
        "末级指标得分四舍五入保留 {} 位小数，上级指标按舍入后的下级得分计算；比率不先行舍入",
        p.round_places
    ));
    match p.zero_denominator {
        Some(ir::ZeroDen::FullPoints) => {
            rules.push("比率的分母为 0 时视为无此类事项，该项得满分".into())
        }
        Some(ir::ZeroDen::ZeroPoints) => rules.push("比率的分母为 0 时该项得 0 分".into()),
        None => {}
    }
    if p.missing_zero {
        rules.push("指标所用数据为空的，该指标得 0 分并标注“缺失”".into());
    }
    if let Some(cap) = &p.bonus_cap {
        rules.push(format!("加分合计最高 {} 分", number::show(cap)));
    }
    if let Some(cap) = &p.total_cap {
        rules.push(format!(
            "总分 = 基础分 + 加分，最高 {} 分",
            number::show(cap)
        ));
    }
    if let Some(g) = &p.veto_grade {
        rules.push(format!("触发任一否决项的，等级为“{g}”，得分照常计算"));
    }
    for per in &model.periods {
        let w = Words { model, lets: &[] };
        rules.push(format!(
            "{}为 {} 至 {}",
            per.name,
            w.expr(&per.from),
            w.expr(&per.to)
        ));
    }
    for prm in &model.params {
        rules.push(format!(
            "参数“{}”默认为 {}",
            prm.name,
            crate::eval::show_value(model, &prm.default, Some(&prm.ty))
        ));
    }
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {r}。", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mark(origin: Origin) -> &'static str {
    match origin {
        Origin::Unchanged => "",
        Origin::Added => "〔新增〕",
        Origin::Changed => "〔修改〕",
    }
}

fn indicator_table(model: &Model) -> Block {
    let weight_head = match model.mode {
        Mode::Points => "分值",
        Mode::Weights => "权重",
    };
    let rows = model
        .indicators
        .iter()
        .map(|ind| {
            let weight = match model.mode {
                Mode::Points => number::show(&ind.weight),
                Mode::Weights => number::show_percent(&ind.weight),
            };
            let text = if ind.is_leaf() {
                Words {
                    model,
                    lets: &ind.lets,
                }
                .indicator(ind)
            } else {
                String::new()
            };
            vec![
                format!("{}{}", ind.code, mark(ind.origin)),
                ind.name.clone(),
                weight,
                text,
            ]
        })
        .collect();
    Block::Table(
        vec![
            "编号".into(),
            "指标".into(),
            weight_head.into(),
            "评分标准".into(),
        ],
        rows,
    )
}

fn added(model: &Model, span: crate::source::Span) -> &'static str {
    if model.variant && span.file == model.root {
        "〔本细则〕"
    } else {
        ""
    }
}

fn bonus_and_vetoes(model: &Model, b: &mut Vec<Block>) {
    let w = Words { model, lets: &[] };
    if !model.bonuses.is_empty() {
        let cap = model
            .policy
            .bonus_cap
            .map(|c| format!("（合计最高 {} 分）", number::show(&c)))
            .unwrap_or_default();
        b.push(Block::Heading(2, format!("加分项{cap}")));
        let rows = model
            .bonuses
            .iter()
            .map(|x| {
                let text: Vec<String> = x
                    .rows
                    .iter()
                    .map(|r| match r {
                        ir::BonusRow::Each(r) => {
                            format!("{} 每件加 {} 分", w.expr(&r.expr), number::show(&r.score))
                        }
                        ir::BonusRow::If(r) => {
                            format!("{} 时加 {} 分", w.expr(&r.expr), number::show(&r.score))
                        }
                    })
                    .collect();
                vec![
                    format!("{}{}", x.code, added(model, x.span)),
                    x.name.clone(),
                    format!("{}。", text.join("；")),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["编号".into(), "名称".into(), "评分标准".into()],
            rows,
        ));
    }
    if !model.vetoes.is_empty() {
        b.push(Block::Heading(2, "否决项（一票否决）".into()));
        let rows = model
            .vetoes
            .iter()
            .map(|v| {
                vec![
                    format!("{}{}", v.code, added(model, v.span)),
                    v.name.clone(),
                    format!("{}。", w.expr(&v.cond)),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["编号".into(), "名称".into(), "条件".into()],
            rows,
        ));
    }
}

fn grades(model: &Model) -> Block {
    let rows = model
        .grades
        .iter()
        .map(|g| {
            let cond = match g.test {
                Some((op, t)) => format!("总分 {} {}", op.symbol(), number::show(&t)),
                None => "其他".to_string(),
            };
            vec![g.grade.clone(), cond]
        })
        .collect();
    Block::Table(
        vec!["等级".into(), "条件（自上而下取第一个满足的）".into()],
        rows,
    )
}

fn table_fields(model: &Model, t: &ir::Table) -> Block {
    let rows = t
        .fields
        .iter()
        .map(|f| {
            let ty = match &f.ty {
                Ty::Enum(e) => format!(
                    "枚举：{}",
                    model
                        .enums
                        .get(*e)
                        .map(|v| v.join(" / "))
                        .unwrap_or_default()
                ),
                other => other.name().to_string(),
            };
            let mut c = Vec::new();
            if f.key {
                c.push("主键".to_string());
            } else if f.unique {
                c.push("唯一".to_string());
            }
            if f.required && !f.key {
                c.push("必填".to_string());
            }
            if f.group {
                c.push("分组".to_string());
            }
            if f.refers_to_subject {
                c.push(format!("须为表“{}”中的编码", model.subject.name));
            }
            if let Some(g) = f.at_most.and_then(|g| t.fields.get(g)) {
                c.push(format!("不大于 {}", g.name));
            }
            if let Some((lo, hi)) = &f.range {
                c.push(format!("{}–{}", number::show(lo), number::show(hi)));
            }
            vec![
                format!("{}{}", f.name, added(model, f.span)),
                ty,
                c.join("；"),
            ]
        })
        .collect();
    Block::Table(vec!["字段".into(), "类型".into(), "约束".into()], rows)
}
