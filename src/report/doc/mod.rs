//! `zhibiao doc`: the scoring appendix generated from the rules, so the
//! committee publishes what the tool computes instead of retyping it.
//!
//! The appendix is built once as blocks (headings, paragraphs, a numbered
//! list, tables) with every rule in words from [`crate::prose`]; Markdown,
//! HTML and Word render the same blocks. A variant is compared with its
//! base: added, changed and deleted items are marked 〔新增〕, 〔修改〕 and
//! 〔删除〕, and deleted rows are kept (struck through where the format can).

mod docx;
mod text;

pub use docx::docx;
pub use text::{html, markdown};

use crate::ir::{self, Mode, Model, Origin, Ty};
use crate::{number, prose};

/// What the appendix is made from: the rules, the base they change (for
/// a variant) and the date it is stamped with.
pub struct Appendix<'a> {
    pub model: &'a Model,
    /// The rules a variant extends, compiled on their own; `None` for a
    /// base rule file (or a variant whose base did not compile: then
    /// only what the variant declares is marked, and nothing as deleted).
    pub base: Option<&'a Model>,
    /// The date of the stamp, as `2025年1月1日` (see [`stamp_date`]).
    pub date: String,
}

impl<'a> Appendix<'a> {
    pub fn new(model: &'a Model, base: Option<&'a Model>) -> Self {
        Appendix {
            model,
            base,
            date: stamp_date(),
        }
    }
}

/// For a variant: the rules it extends (the second file read), compiled
/// on their own, to mark what the variant added, changed and deleted.
/// A base file that does not compile on its own gives `None`.
pub fn base_of(
    model: &Model,
    files: &crate::source::Files,
    opts: &crate::driver::Options,
) -> Option<Model> {
    if !model.variant {
        return None;
    }
    let name = files.names().nth(1)?;
    crate::driver::compile_file_with(std::path::Path::new(name), opts)
        .ok()
        .and_then(|c| c.model)
}

/// Today's date, or the date of `SOURCE_DATE_EPOCH` when it is set (so a
/// reproducible build, and the snapshots, get the same appendix).
pub fn stamp_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        })
        .unwrap_or(0);
    let epoch = crate::date::day_number(1970, 1, 1).unwrap_or(0);
    prose::date(epoch + seconds.div_euclid(86_400))
}

/// How a row or item stands against the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Changed,
    Deleted,
}

impl Change {
    pub fn mark(self) -> &'static str {
        match self {
            Change::Same => "",
            Change::Added => "〔新增〕",
            Change::Changed => "〔修改〕",
            Change::Deleted => "〔删除〕",
        }
    }
}

/// A table row: its cells and how it stands against the base.
pub struct Row {
    pub cells: Vec<String>,
    pub change: Change,
}

/// The appendix as a sequence of blocks.
pub enum Block {
    Heading(u8, String),
    Para(String),
    /// A numbered list (the general rules).
    List(Vec<String>),
    Table(Vec<String>, Vec<Row>),
}

/// The appendix's blocks, for every format.
pub fn blocks(a: &Appendix) -> Vec<Block> {
    let model = a.model;
    let title = if model.meta.standard.is_empty() {
        "评分细则".to_string()
    } else {
        format!("{} — 评分细则", model.meta.standard)
    };
    let mut b = vec![Block::Heading(1, title)];
    b.push(Block::Para(stamp(a)));
    if !model.meta.applies.is_empty() {
        b.push(Block::Para(format!("适用：{}", model.meta.applies)));
    }
    if model.variant {
        b.push(Block::Para(
            "本细则在基础规则上修改：标“〔新增〕”“〔修改〕”“〔删除〕”的为本细则的改动，删除的条目保留原文以便对照，其余与基础规则相同。"
                .into(),
        ));
    }
    b.push(Block::Heading(2, "通用规则".into()));
    b.push(Block::List(general(a)));
    b.push(Block::Heading(2, "指标与评分标准".into()));
    b.push(indicator_table(a));
    bonus_and_vetoes(a, &mut b);
    let grade_change = match a.base {
        Some(base) if prose::grades(base) != prose::grades(model) => Change::Changed,
        _ => Change::Same,
    };
    b.push(Block::Heading(2, format!("等级{}", grade_change.mark())));
    b.push(grades(model));
    b.push(Block::Heading(2, "证据数据".into()));
    for t in std::iter::once(&model.subject).chain(&model.events) {
        b.push(Block::Heading(3, format!("表“{}”", t.name)));
        b.push(table_fields(a, t));
    }
    b
}

/// “标准：…；版本：…；生成日期：…”.
fn stamp(a: &Appendix) -> String {
    let meta = &a.model.meta;
    let mut parts = Vec::new();
    if !meta.standard.is_empty() {
        parts.push(format!("标准：{}", meta.standard));
    }
    if !meta.version.is_empty() {
        parts.push(format!("版本：{}", meta.version));
    }
    parts.push(format!("生成日期：{}", a.date));
    format!("{}（本细则由评分所用的规则文件直接生成）", parts.join("；"))
}

/// The general rules, a rule not in the base's marked 〔修改〕.
fn general(a: &Appendix) -> Vec<String> {
    let rules = prose::general_rules(a.model);
    let Some(base) = a.base else {
        return rules;
    };
    let before = prose::general_rules(base);
    rules
        .into_iter()
        .map(|r| {
            if before.contains(&r) {
                r
            } else {
                format!("{}{r}", Change::Changed.mark())
            }
        })
        .collect()
}

/// The 评分标准 cell: a leaf's rule in words; a parent's only under 权重
/// (under 分值 the general rules say parents add up, as the appendix does).
fn rule_text(model: &Model, ind: &ir::Indicator) -> String {
    if ind.is_leaf() || model.mode == Mode::Weights {
        prose::rule(model, ind)
    } else {
        String::new()
    }
}

fn weight_text(model: &Model, ind: &ir::Indicator) -> String {
    match model.mode {
        Mode::Points => number::show(&ind.weight),
        Mode::Weights => number::show_percent(&ind.weight),
    }
}

fn indicator_row(model: &Model, ind: &ir::Indicator, change: Change) -> Row {
    Row {
        cells: vec![
            format!("{}{}", ind.code, change.mark()),
            ind.name.clone(),
            weight_text(model, ind),
            rule_text(model, ind),
        ],
        change,
    }
}

/// How an indicator stands against the base: by code, then by name,
/// points and rule text. Without a base, the merge's record says.
fn indicator_change(a: &Appendix, ind: &ir::Indicator) -> Change {
    let Some(base) = a.base else {
        return match ind.origin {
            Origin::Unchanged => Change::Same,
            Origin::Added => Change::Added,
            Origin::Changed => Change::Changed,
        };
    };
    match base.indicators.iter().find(|b| b.code == ind.code) {
        None => Change::Added,
        Some(old)
            if old.name != ind.name
                || weight_text(base, old) != weight_text(a.model, ind)
                || rule_text(base, old) != rule_text(a.model, ind) =>
        {
            Change::Changed
        }
        Some(_) => Change::Same,
    }
}

fn indicator_table(a: &Appendix) -> Block {
    let model = a.model;
    let mut rows: Vec<(String, Row)> = model
        .indicators
        .iter()
        .map(|ind| {
            (
                ind.code.clone(),
                indicator_row(model, ind, indicator_change(a, ind)),
            )
        })
        .collect();
    if let Some(base) = a.base {
        // A deleted indicator goes after the row of the one before it in
        // the base (kept or itself deleted), so it stays where it was.
        let mut before: Option<&str> = None;
        for old in &base.indicators {
            if !model.indicators.iter().any(|i| i.code == old.code) {
                let at = before
                    .and_then(|c| rows.iter().position(|(code, _)| code == c))
                    .map(|p| p + 1)
                    .unwrap_or(0);
                rows.insert(
                    at,
                    (old.code.clone(), indicator_row(base, old, Change::Deleted)),
                );
            }
            before = Some(&old.code);
        }
    }
    let weight_head = match model.mode {
        Mode::Points => "分值",
        Mode::Weights => "权重",
    };
    Block::Table(
        vec![
            "编号".into(),
            "指标".into(),
            weight_head.into(),
            "评分标准".into(),
        ],
        rows.into_iter().map(|(_, r)| r).collect(),
    )
}

/// Rows of coded items (bonus items, vetoes) marked against the base's
/// items of the same code; the base's items the rules no longer have are
/// kept as deleted rows at the end.
fn coded_rows<T>(
    now: &[T],
    before: Option<&[T]>,
    code: impl Fn(&T) -> &str,
    cells: impl Fn(&T) -> Vec<String>,
    declared_here: impl Fn(&T) -> bool,
) -> Vec<Row> {
    let row = |item: &T, change: Change| {
        let mut c = cells(item);
        if let Some(first) = c.first_mut() {
            first.push_str(change.mark());
        }
        Row { cells: c, change }
    };
    let mut rows: Vec<Row> = now
        .iter()
        .map(|item| {
            let change = match before {
                Some(old) => match old.iter().find(|o| code(o) == code(item)) {
                    None => Change::Added,
                    Some(o) if cells(o) != cells(item) => Change::Changed,
                    Some(_) => Change::Same,
                },
                None if declared_here(item) => Change::Added,
                None => Change::Same,
            };
            row(item, change)
        })
        .collect();
    if let Some(old) = before {
        for o in old {
            if !now.iter().any(|n| code(n) == code(o)) {
                rows.push(row(o, Change::Deleted));
            }
        }
    }
    rows
}

fn bonus_and_vetoes(a: &Appendix, b: &mut Vec<Block>) {
    let model = a.model;
    let here = |span: crate::source::Span| model.variant && span.file == model.root;
    let before_bonuses = a.base.map(|m| m.bonuses.as_slice());
    if !model.bonuses.is_empty() || before_bonuses.is_some_and(|x| !x.is_empty()) {
        let cap = model
            .policy
            .bonus_cap
            .map(|c| format!("（合计最高 {} 分）", number::show(&c)))
            .unwrap_or_default();
        b.push(Block::Heading(2, format!("加分项{cap}")));
        // A base item is shown in the base's words, a current one in the
        // rules' own (the two models name fields alike).
        let mut rows = coded_rows(
            &model.bonuses,
            before_bonuses,
            |x| x.code.as_str(),
            |x| bonus_cells(model, x),
            |x| here(x.span),
        );
        restate_deleted(&mut rows, a.base, |m| {
            m.bonuses.iter().map(|x| bonus_cells(m, x)).collect()
        });
        b.push(Block::Table(
            vec!["编号".into(), "名称".into(), "评分标准".into()],
            rows,
        ));
    }
    let before_vetoes = a.base.map(|m| m.vetoes.as_slice());
    if !model.vetoes.is_empty() || before_vetoes.is_some_and(|x| !x.is_empty()) {
        b.push(Block::Heading(2, "否决项（一票否决）".into()));
        let mut rows = coded_rows(
            &model.vetoes,
            before_vetoes,
            |v| v.code.as_str(),
            |v| veto_cells(model, v),
            |v| here(v.span),
        );
        restate_deleted(&mut rows, a.base, |m| {
            m.vetoes.iter().map(|v| veto_cells(m, v)).collect()
        });
        b.push(Block::Table(
            vec!["编号".into(), "名称".into(), "条件".into()],
            rows,
        ));
    }
}

fn bonus_cells(m: &Model, x: &ir::Bonus) -> Vec<String> {
    vec![
        x.code.clone(),
        x.name.clone(),
        format!("{}。", prose::bonus(m, x)),
    ]
}

fn veto_cells(m: &Model, v: &ir::Veto) -> Vec<String> {
    vec![
        v.code.clone(),
        v.name.clone(),
        format!("{}。", prose::veto(m, v)),
    ]
}

/// Deleted rows were rendered against the current model's names; render
/// them again from the base, where their fields are declared.
fn restate_deleted(
    rows: &mut [Row],
    base: Option<&Model>,
    cells: impl Fn(&Model) -> Vec<Vec<String>>,
) {
    let Some(base) = base else {
        return;
    };
    let all = cells(base);
    for row in rows.iter_mut().filter(|r| r.change == Change::Deleted) {
        let code = row
            .cells
            .first()
            .map(|c| c.trim_end_matches(Change::Deleted.mark()).to_string())
            .unwrap_or_default();
        if let Some(old) = all.iter().find(|c| c.first() == Some(&code)) {
            let mut cells = old.clone();
            if let Some(first) = cells.first_mut() {
                first.push_str(Change::Deleted.mark());
            }
            row.cells = cells;
        }
    }
}

fn grades(model: &Model) -> Block {
    let rows = prose::grades(model)
        .into_iter()
        .map(|(grade, cond)| Row {
            cells: vec![grade, cond],
            change: Change::Same,
        })
        .collect();
    Block::Table(vec!["等级".into(), "总分".into()], rows)
}

fn table_fields(a: &Appendix, t: &ir::Table) -> Block {
    let model = a.model;
    let base_table = a.base.and_then(|b| {
        std::iter::once(&b.subject)
            .chain(&b.events)
            .find(|bt| bt.name == t.name)
    });
    let rows = t
        .fields
        .iter()
        .map(|f| {
            let change = match (a.base, base_table) {
                (Some(_), Some(bt)) if bt.field(&f.name).is_none() => Change::Added,
                (Some(_), None) => Change::Added,
                (None, _) if model.variant && f.span.file == model.root => Change::Added,
                _ => Change::Same,
            };
            Row {
                cells: vec![
                    format!("{}{}", f.name, change.mark()),
                    type_text(model, &f.ty),
                    constraints(model, t, f),
                ],
                change,
            }
        })
        .collect();
    Block::Table(vec!["字段".into(), "类型".into(), "约束".into()], rows)
}

fn type_text(model: &Model, ty: &Ty) -> String {
    match ty {
        Ty::Enum(e) => format!(
            "枚举：{}",
            model
                .enums
                .get(*e)
                .map(|v| v.join(" / "))
                .unwrap_or_default()
        ),
        other => other.name().to_string(),
    }
}

fn constraints(model: &Model, t: &ir::Table, f: &ir::Field) -> String {
    let mut c = Vec::new();
    if f.key {
        c.push("主键（唯一、必填）".to_string());
    } else if f.unique {
        c.push("唯一".to_string());
    }
    if f.required && !f.key {
        c.push("必填".to_string());
    }
    if f.group {
        c.push("结果按此字段分组".to_string());
    }
    if f.refers_to_subject {
        c.push(format!("须为表“{}”中的编码", model.subject.name));
    }
    if let Some(g) = f.at_most.and_then(|g| t.fields.get(g)) {
        c.push(format!("不大于{}", g.name));
    }
    if let Some((lo, hi)) = &f.range {
        c.push(format!("{}–{}", number::show(lo), number::show(hi)));
    }
    c.join("；")
}
