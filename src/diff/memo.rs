//! The diff as a memo, once: its sections as parts (headings, lists,
//! tables, the 修改对照表) that the terminal table, Markdown and HTML
//! renderers each lay out in their own format.

use super::render::{
    comparison, contribution_meaning, contribution_rows, grade_changes, group_table, header,
    matrix_rows, memo_rows, mover_rows, summary_lines, COLUMNS,
};
use super::Diff;

/// Where the full per-subject list is.
pub(super) const ALL_SUBJECTS: &str = "全部主体的逐个变化见 --format csv、json 或 -o 影响.xlsx";

/// One part of the memo.
pub(super) enum Part {
    /// A heading of level 1–4.
    Heading(u8, String),
    /// Lines that say which rules are compared.
    Meta(Vec<String>),
    /// A list of sentences.
    Items(Vec<String>),
    Para(String),
    /// A table; `numeric[c]` right-aligns column `c` where a format can.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// The 修改对照表: 编号, 原条文, 新条文, 说明 per change.
    Changes(Vec<[String; 4]>),
    /// An empty section: “（无）”.
    Nothing,
}

/// Score, change and rank columns of the subject tables.
fn subject_numeric() -> Vec<bool> {
    (0..COLUMNS.len())
        .map(|i| matches!(i, 2 | 3 | 4 | 7 | 8))
        .collect()
}

fn table(head: Vec<String>, rows: Vec<Vec<String>>, numeric: Vec<bool>) -> Part {
    match rows.is_empty() {
        true => Part::Nothing,
        false => Part::Table {
            head,
            rows,
            numeric,
        },
    }
}

/// The memo's parts, in order.
pub(super) fn parts(diff: &Diff) -> Vec<Part> {
    let mut out = vec![
        Part::Heading(1, "规则变更影响".to_owned()),
        Part::Meta(vec![
            format!("旧规则：{}（{}）", diff.old_label, diff.old_title),
            format!("新规则：{}（{}）", diff.new_label, diff.new_title),
        ]),
        Part::Heading(2, format!("一、修改对照表（{} 处）", diff.changes.len())),
    ];
    out.push(match diff.changes.is_empty() {
        true => Part::Nothing,
        false => Part::Changes(diff.changes.iter().map(comparison).collect()),
    });

    let changed = grade_changes(diff);
    out.push(Part::Heading(
        2,
        format!(
            "二、等级变化的主体（{} 个，共 {} 个主体；按变化的绝对值从大到小）",
            changed.len(),
            diff.rows.len()
        ),
    ));
    out.push(table(
        header(),
        memo_rows(diff, &changed, COLUMNS.len()),
        subject_numeric(),
    ));
    out.push(Part::Para(ALL_SUBJECTS.to_owned()));

    out.push(Part::Heading(2, "三、汇总".to_owned()));
    out.push(Part::Items(summary_lines(diff)));
    let (h, r) = matrix_rows(&diff.summary.matrix);
    let all_but_first = |n: usize| (0..n).map(|i| i > 0).collect::<Vec<_>>();
    out.push(Part::Heading(
        3,
        "等级转移矩阵（行：旧等级，列：新等级）".to_owned(),
    ));
    let n = h.len();
    out.push(table(h, r, all_but_first(n)));
    if let Some((title, h, r)) = group_table(diff) {
        out.push(Part::Heading(3, title));
        let n = h.len();
        out.push(table(h, r, all_but_first(n)));
    }
    let top = diff.summary.top;
    out.push(Part::Heading(3, format!("变化最大的主体（前 {top} 名）")));
    let (h, r) = mover_rows(diff, &diff.summary);
    out.push(table(h, r, subject_numeric()));
    out.push(Part::Heading(
        3,
        format!(
            "对总分变化贡献最大的指标（{}，前 {top} 项）",
            contribution_meaning(&diff.summary)
        ),
    ));
    for (title, list) in [
        ("一级指标", &diff.summary.top_level),
        ("末级指标", &diff.summary.leaves),
    ] {
        out.push(Part::Heading(4, title.to_owned()));
        let (h, r) = contribution_rows(diff, list);
        out.push(table(h, r, vec![false, false, true]));
    }
    out
}
