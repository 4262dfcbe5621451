//! The diff as text: an aligned table for the terminal, CSV and HTML (the
//! subject rows only), JSON and Markdown.

use super::impact::{Contribution, Matrix, Row, Summary};
use super::structure::Change;
use super::Diff;
use crate::output::escape;
use crate::report::table::aligned;
use crate::report::{fixed, Format, Options};
use rust_decimal::Decimal;
use serde::Serialize;

pub fn render(format: Format, diff: &Diff, options: Options) -> String {
    match format {
        Format::Table => table(diff),
        Format::Csv => csv(diff, options),
        Format::Json => json(diff),
        Format::Markdown => markdown(diff),
        Format::Html => super::memo_html::html(diff),
    }
}

/// The subject columns, in this order (also the CSV header).
pub const COLUMNS: [&str; 9] = [
    "编码",
    "名称",
    "旧总分",
    "新总分",
    "变化",
    "旧等级",
    "新等级",
    "旧排名",
    "新排名",
];

/// A signed change: `+1.25`, `-0.50`, `0.00`.
pub fn signed(d: Decimal, places: u32) -> String {
    if d.is_zero() {
        return fixed(Decimal::ZERO, places);
    }
    let s = fixed(d, places);
    if d.is_sign_positive() {
        format!("+{s}")
    } else {
        s
    }
}

pub(super) fn cells(diff: &Diff, r: &Row) -> [String; 9] {
    let p = diff.places;
    let score = |d: Option<Decimal>| d.map(|d| fixed(d, p)).unwrap_or_default();
    let rank = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    [
        r.code.clone(),
        r.name.clone(),
        score(r.old_total),
        score(r.new_total),
        r.change.map(|c| signed(c, p)).unwrap_or_default(),
        r.old_grade.clone().unwrap_or_default(),
        r.new_grade.clone().unwrap_or_default(),
        rank(r.old_rank),
        rank(r.new_rank),
    ]
}

pub(super) fn header() -> Vec<String> {
    COLUMNS.iter().map(|c| c.to_string()).collect()
}

fn csv(diff: &Diff, options: Options) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut ok = w.write_record(COLUMNS).is_ok();
    for r in &diff.rows {
        let cells = cells(diff, r);
        ok &= if options.csv_formula_guard {
            // Text from the evidence (code, name) and grade names; the
            // numbers are written by us and stay numbers.
            w.write_record(cells.iter().enumerate().map(|(i, c)| match i {
                0 | 1 | 5 | 6 => escape::csv_formula_guard(c).into_owned(),
                _ => c.clone(),
            }))
        } else {
            w.write_record(cells)
        }
        .is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    if !ok {
        return String::new();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// One row of the 修改对照表: 编号 (code and name), 原条文, 新条文 and
/// 说明 — the rules in words, so the memo reads like the appendix.
pub(super) fn comparison(c: &Change) -> [String; 4] {
    use super::ChangeKind::*;
    let mut item = c.item.clone();
    if !c.name.is_empty() {
        item.push(' ');
        item.push_str(&c.name);
    }
    let side = |words: &Option<String>, value: &str, absent: &str| match words {
        Some(w) => w.clone(),
        None if !value.is_empty() => value.to_owned(),
        None => absent.to_owned(),
    };
    let (old_absent, new_absent) = match c.kind {
        IndicatorAdded | BonusAdded | VetoAdded | FieldAdded => ("（无）", ""),
        IndicatorRemoved | BonusRemoved | VetoRemoved | FieldRemoved => ("", "〔删除〕"),
        _ => ("", ""),
    };
    let mut note = c.kind.label().to_owned();
    let words = c.old_words.is_some() || c.new_words.is_some();
    if words && !c.old.is_empty() && !c.new.is_empty() {
        note.push_str(&format!("：{} → {}", c.old, c.new));
    }
    [
        item,
        side(&c.old_words, &c.old, old_absent),
        side(&c.new_words, &c.new, new_absent),
        note,
    ]
}

fn grade_name(g: &str) -> String {
    if g.is_empty() {
        "（无）".to_string()
    } else {
        g.to_string()
    }
}

pub(super) fn matrix_rows(m: &Matrix) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec!["旧等级＼新等级".to_string()];
    head.extend(m.new_grades.iter().map(|g| grade_name(g)));
    head.push("合计".to_string());
    let mut rows = Vec::new();
    let mut col_totals = vec![0usize; m.new_grades.len()];
    for (g, counts) in m.old_grades.iter().zip(&m.counts) {
        let mut row = vec![grade_name(g)];
        row.extend(counts.iter().map(|n| n.to_string()));
        row.push(counts.iter().sum::<usize>().to_string());
        for (t, n) in col_totals.iter_mut().zip(counts) {
            *t += n;
        }
        rows.push(row);
    }
    let mut last = vec!["合计".to_string()];
    last.extend(col_totals.iter().map(|n| n.to_string()));
    last.push(col_totals.iter().sum::<usize>().to_string());
    rows.push(last);
    (head, rows)
}

pub(super) fn mover_rows(diff: &Diff, s: &Summary) -> (Vec<String>, Vec<Vec<String>>) {
    let head = header();
    let rows: Vec<&Row> = s.movers.iter().collect();
    (head, memo_rows(diff, &rows, COLUMNS.len()))
}

pub(super) fn contribution_rows(
    diff: &Diff,
    list: &[Contribution],
) -> (Vec<String>, Vec<Vec<String>>) {
    let head = ["编码", "名称", "贡献合计"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let rows = list
        .iter()
        .map(|c| vec![c.code.clone(), c.name.clone(), signed(c.sum, diff.places)])
        .collect();
    (head, rows)
}

/// What 贡献合计 adds up.
pub(super) fn contribution_meaning(s: &Summary) -> &'static str {
    if s.weighted {
        "贡献合计：各主体 新得分 × 新权重 − 旧得分 × 旧权重 之和，权重为该指标占总分的比例"
    } else {
        "贡献合计：各主体 新得分 − 旧得分 之和"
    }
}

/// `d` rounded half up (四舍五入) to `places`.
fn half_up(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A grade as the memo shows it: a vetoed subject's grade is marked.
fn grade_cell(grade: &Option<String>, vetoed: Option<bool>) -> String {
    match (grade, vetoed) {
        (Some(g), Some(true)) => format!("{g}（否决）"),
        (Some(g), _) => g.clone(),
        (None, _) => String::new(),
    }
}

/// Subjects present on both sides whose grade changed.
pub(super) fn grade_changes(diff: &Diff) -> Vec<&Row> {
    diff.rows
        .iter()
        .filter(|r| r.old_grade.is_some() && r.new_grade.is_some() && r.old_grade != r.new_grade)
        .collect()
}

/// The memo's subject rows: grades marked when vetoed.
pub(super) fn memo_rows(diff: &Diff, rows: &[&Row], columns: usize) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let mut c = cells(diff, r);
            c[5] = grade_cell(&r.old_grade, r.old_vetoed);
            c[6] = grade_cell(&r.new_grade, r.new_vetoed);
            c.into_iter().take(columns).collect()
        })
        .collect()
}

/// `--by`: the title and table of the change per group.
pub(super) fn group_table(diff: &Diff) -> Option<(String, Vec<String>, Vec<Vec<String>>)> {
    let (field, groups) = diff.by.as_ref()?;
    let p = diff.places;
    let head = [
        field.as_str(),
        "主体数",
        "平均变化",
        "等级变化",
        "升高",
        "降低",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let rows = groups
        .iter()
        .map(|g| {
            vec![
                g.group.clone(),
                g.subjects.to_string(),
                g.mean_change
                    .map(|m| signed(half_up(m, p), p))
                    .unwrap_or_default(),
                g.grade_changed.to_string(),
                g.up.to_string(),
                g.down.to_string(),
            ]
        })
        .collect();
    Some((
        format!("按{field}（平均变化四舍五入到 {p} 位小数）"),
        head,
        rows,
    ))
}

/// Summary sentences shared by the table and Markdown outputs.
pub(super) fn summary_lines(diff: &Diff) -> Vec<String> {
    let s = &diff.summary;
    let p = diff.places;
    let mut out = vec![
        format!(
            "等级变化的主体：{} 个（共 {} 个主体）",
            s.grade_changed, s.subjects
        ),
        format!(
            "总分升高 {} 个，降低 {} 个，不变 {} 个",
            s.up, s.down, s.unchanged
        ),
    ];
    if let (Some(mean), Some(median)) = (s.mean_change, s.median_change) {
        out.push(format!(
            "总分变化：平均 {}，中位数 {}（均四舍五入到 {p} 位小数）",
            signed(half_up(mean, p), p),
            signed(half_up(median, p), p)
        ));
    }
    let who = |r: &Row| format!("{} {}", r.code, r.name);
    let extreme = |r: &Option<Row>| {
        r.as_ref()
            .and_then(|r| r.change.map(|c| format!("{}（{}）", signed(c, p), who(r))))
            .unwrap_or_else(|| "无".to_owned())
    };
    out.push(format!(
        "最大升幅 {}；最大降幅 {}",
        extreme(&s.max_up),
        extreme(&s.max_down)
    ));
    if !s.only_old.is_empty() {
        out.push(format!("仅旧规则评价的主体：{}", s.only_old.join("、")));
    }
    if !s.only_new.is_empty() {
        out.push(format!("仅新规则评价的主体：{}", s.only_new.join("、")));
    }
    out
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}").trim_end().to_string() + "\n")
        .collect()
}

fn table(diff: &Diff) -> String {
    use super::memo::Part;
    let mut out = String::new();
    for part in super::memo::parts(diff) {
        match part {
            // The terminal needs no title: the command says what it is.
            Part::Heading(1, _) => {}
            Part::Heading(2, title) => out.push_str(&format!("\n{title}\n")),
            Part::Heading(_, title) => out.push_str(&format!("\n  {title}\n")),
            Part::Meta(lines) => lines.iter().for_each(|l| out.push_str(&format!("{l}\n"))),
            Part::Items(lines) => lines.iter().for_each(|l| out.push_str(&format!("  {l}\n"))),
            Part::Para(text) => out.push_str(&format!("  {text}\n")),
            Part::Table { head, rows, .. } => out.push_str(&indent(&aligned(&head, &rows), "  ")),
            Part::Changes(rows) => {
                for [item, old, new, note] in rows {
                    out.push_str(&format!("  {item}（{note}）\n"));
                    out.push_str(&format!("      原条文：{old}\n"));
                    out.push_str(&format!("      新条文：{new}\n"));
                }
            }
            Part::Nothing => out.push_str("  （无）\n"),
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    escape::markdown_cell(s)
}

fn md_table(head: &[String], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        head.iter()
            .map(|h| md_escape(h))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(head.len())
    );
    for row in rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter()
                .map(|c| md_escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    out
}

fn markdown(diff: &Diff) -> String {
    use super::memo::Part;
    let mut out = String::new();
    for part in super::memo::parts(diff) {
        match part {
            Part::Heading(level, title) => {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                let hashes = "#".repeat(usize::from(level));
                out.push_str(&format!("{hashes} {}\n\n", md_escape(&title)));
            }
            Part::Meta(lines) | Part::Items(lines) => lines
                .iter()
                .for_each(|l| out.push_str(&format!("- {}\n", md_escape(l)))),
            Part::Para(text) => out.push_str(&format!("\n{}。\n", md_escape(&text))),
            Part::Table { head, rows, .. } => out.push_str(&md_table(&head, &rows)),
            Part::Changes(rows) => {
                let head: Vec<String> = ["编号", "原条文", "新条文", "说明"]
                    .iter()
                    .map(|c| c.to_string())
                    .collect();
                let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.to_vec()).collect();
                out.push_str(&md_table(&head, &rows));
            }
            Part::Nothing => out.push_str("（无）\n"),
        }
    }
    out
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(rename = "旧规则")]
    old: JsonRules<'a>,
    #[serde(rename = "新规则")]
    new: JsonRules<'a>,
    #[serde(rename = "规则变化")]
    changes: Vec<JsonChange<'a>>,
    #[serde(rename = "主体")]
    subjects: Vec<JsonRow>,
    #[serde(rename = "汇总")]
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonRules<'a> {
    #[serde(rename = "文件")]
    file: &'a str,
    #[serde(rename = "标准")]
    title: &'a str,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    #[serde(rename = "类型")]
    kind: &'static str,
    #[serde(rename = "项目")]
    item: &'a str,
    #[serde(rename = "名称")]
    name: &'a str,
    #[serde(rename = "旧")]
    old: &'a str,
    #[serde(rename = "新")]
    new: &'a str,
    #[serde(rename = "旧文本")]
    old_text: Option<&'a str>,
    #[serde(rename = "新文本")]
    new_text: Option<&'a str>,
    #[serde(rename = "原条文")]
    old_words: Option<&'a str>,
    #[serde(rename = "新条文")]
    new_words: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRow {
    #[serde(rename = "编码")]
    code: String,
    #[serde(rename = "名称")]
    name: String,
    #[serde(rename = "旧总分")]
    old_total: Option<String>,
    #[serde(rename = "新总分")]
    new_total: Option<String>,
    #[serde(rename = "变化")]
    change: Option<String>,
    #[serde(rename = "旧等级")]
    old_grade: Option<String>,
    #[serde(rename = "新等级")]
    new_grade: Option<String>,
    #[serde(rename = "旧排名")]
    old_rank: Option<usize>,
    #[serde(rename = "新排名")]
    new_rank: Option<usize>,
}

#[derive(Serialize)]
struct JsonMatrix {
    #[serde(rename = "旧等级")]
    old_grades: Vec<String>,
    #[serde(rename = "新等级")]
    new_grades: Vec<String>,
    /// `计数[旧等级][新等级]`.
    #[serde(rename = "计数")]
    counts: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct JsonContribution {
    #[serde(rename = "编码")]
    code: String,
    #[serde(rename = "名称")]
    name: String,
    #[serde(rename = "贡献合计")]
    sum: String,
}

#[derive(Serialize)]
struct JsonSummary {
    #[serde(rename = "主体数")]
    subjects: usize,
    #[serde(rename = "等级变化主体数")]
    grade_changed: usize,
    #[serde(rename = "升高")]
    up: usize,
    #[serde(rename = "降低")]
    down: usize,
    #[serde(rename = "不变")]
    unchanged: usize,
    #[serde(rename = "总分变化合计")]
    total_change: String,
    #[serde(rename = "总分变化平均")]
    mean_change: String,
    #[serde(rename = "总分变化中位数")]
    median_change: String,
    #[serde(rename = "基础分变化合计")]
    base_change: String,
    #[serde(rename = "加分变化合计")]
    bonus_change: String,
    #[serde(rename = "仅旧规则评价的主体")]
    only_old: Vec<String>,
    #[serde(rename = "仅新规则评价的主体")]
    only_new: Vec<String>,
    #[serde(rename = "等级转移矩阵")]
    matrix: JsonMatrix,
    #[serde(rename = "变化最大的主体")]
    movers: Vec<JsonRow>,
    #[serde(rename = "贡献最大的一级指标")]
    top_level: Vec<JsonContribution>,
    #[serde(rename = "贡献最大的末级指标")]
    leaves: Vec<JsonContribution>,
}

fn json_row(diff: &Diff, r: &Row) -> JsonRow {
    let p = diff.places;
    JsonRow {
        code: r.code.clone(),
        name: r.name.clone(),
        old_total: r.old_total.map(|d| fixed(d, p)),
        new_total: r.new_total.map(|d| fixed(d, p)),
        change: r.change.map(|d| signed(d, p)),
        old_grade: r.old_grade.clone(),
        new_grade: r.new_grade.clone(),
        old_rank: r.old_rank,
        new_rank: r.new_rank,
    }
}

fn json(diff: &Diff) -> String {
    let s = &diff.summary;
    let p = diff.places;
    let contributions = |list: &[Contribution]| {
        list.iter()
            .map(|c| JsonContribution {
                code: c.code.clone(),
                name: c.name.clone(),
                sum: signed(c.sum, p),
            })
            .collect()
    };
    let doc = JsonDoc {
        old: JsonRules {
            file: &diff.old_label,
            title: &diff.old_title,
        },
        new: JsonRules {
            file: &diff.new_label,
            title: &diff.new_title,
        },
        changes: diff
            .changes
            .iter()
            .map(|c| JsonChange {
                kind: c.kind.label(),
                item: &c.item,
                name: &c.name,
                old: &c.old,
                new: &c.new,
                old_text: c.old_text.as_deref(),
                new_text: c.new_text.as_deref(),
                old_words: c.old_words.as_deref(),
                new_words: c.new_words.as_deref(),
            })
            .collect(),
        subjects: diff.rows.iter().map(|r| json_row(diff, r)).collect(),
        summary: JsonSummary {
            subjects: s.subjects,
            grade_changed: s.grade_changed,
            up: s.up,
            down: s.down,
            unchanged: s.unchanged,
            total_change: signed(s.total_change, p),
            mean_change: s
                .mean_change
                .map(|m| signed(half_up(m, p), p))
                .unwrap_or_default(),
            median_change: s
                .median_change
                .map(|m| signed(half_up(m, p), p))
                .unwrap_or_default(),
            base_change: signed(s.base_change, p),
            bonus_change: signed(s.bonus_change, p),
            only_old: s.only_old.clone(),
            only_new: s.only_new.clone(),
            matrix: JsonMatrix {
                old_grades: s.matrix.old_grades.clone(),
                new_grades: s.matrix.new_grades.clone(),
                counts: s.matrix.counts.clone(),
            },
            movers: s.movers.iter().map(|r| json_row(diff, r)).collect(),
            top_level: contributions(&s.top_level),
            leaves: contributions(&s.leaves),
        },
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
