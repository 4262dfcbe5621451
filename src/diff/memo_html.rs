//! The diff as a memo in HTML: the same sections as the Markdown memo
//! (修改对照表, subjects whose grade changed, summary, transition matrix,
//! largest movers, contributing indicators), then every subject as an
//! appendix table. Self-contained, every text escaped, print CSS for A4.

use super::render::{
    cells, comparison, contribution_meaning, contribution_rows, grade_changes, group_table, header,
    matrix_rows, memo_rows, mover_rows, summary_lines, COLUMNS,
};
use super::Diff;
use crate::output::escape::html as esc;

const STYLE: &str =
    "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", sans-serif; \
margin: 2em; }\n\
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }\n\
th, td { border: 1px solid #999; padding: 2px 6px; vertical-align: top; }\n\
th { background: #eef; }\n\
td.n { text-align: right; white-space: nowrap; }\n\
@page { size: A4; margin: 18mm 15mm; }\n\
@media print { body { margin: 0; } h2 { break-before: auto; break-after: avoid; } \
tr { break-inside: avoid; } }\n";

/// A table: `numeric(i)` right-aligns column `i`.
fn table(head: &[String], rows: &[Vec<String>], numeric: impl Fn(usize) -> bool) -> String {
    let mut out = String::from("<table>\n<thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if numeric(i) { " class=\"n\"" } else { "" };
            out.push_str(&format!("<td{class}>{}</td>", esc(c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Score, change and rank columns of the subject tables.
fn subject_numeric(i: usize) -> bool {
    matches!(i, 2 | 3 | 4 | 7 | 8)
}

pub(super) fn html(diff: &Diff) -> String {
    let title = "规则变更影响";
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    out.push_str(&format!(
        "<p>旧规则：{}（{}）<br>新规则：{}（{}）</p>\n",
        esc(&diff.old_label),
        esc(&diff.old_title),
        esc(&diff.new_label),
        esc(&diff.new_title)
    ));

    out.push_str(&format!(
        "<h2>一、修改对照表（{} 处）</h2>\n",
        diff.changes.len()
    ));
    if diff.changes.is_empty() {
        out.push_str("<p>（无）</p>\n");
    } else {
        let head: Vec<String> = ["编号", "原条文", "新条文", "说明"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let rows: Vec<Vec<String>> = diff
            .changes
            .iter()
            .map(|c| comparison(c).to_vec())
            .collect();
        out.push_str(&table(&head, &rows, |_| false));
    }

    let changed = grade_changes(diff);
    out.push_str(&format!(
        "<h2>二、等级变化的主体（{} 个，共 {} 个主体）</h2>\n",
        changed.len(),
        diff.rows.len()
    ));
    if changed.is_empty() {
        out.push_str("<p>（无）</p>\n");
    } else {
        let rows = memo_rows(diff, &changed, COLUMNS.len());
        out.push_str(&table(&header(), &rows, subject_numeric));
    }

    out.push_str("<h2>三、汇总</h2>\n<ul>\n");
    for l in summary_lines(diff) {
        out.push_str(&format!("<li>{}</li>\n", esc(&l)));
    }
    out.push_str("</ul>\n<h3>等级转移矩阵（行：旧等级，列：新等级）</h3>\n");
    let (h, r) = matrix_rows(&diff.summary.matrix);
    out.push_str(&table(&h, &r, |i| i > 0));
    if let Some((title, h, r)) = group_table(diff) {
        out.push_str(&format!("<h3>{}</h3>\n", esc(&title)));
        out.push_str(&table(&h, &r, |i| i > 0));
    }
    let top = diff.summary.top;
    out.push_str(&format!("<h3>变化最大的主体（前 {top} 名）</h3>\n"));
    if diff.summary.movers.is_empty() {
        out.push_str("<p>（无）</p>\n");
    } else {
        let (h, r) = mover_rows(diff, &diff.summary);
        out.push_str(&table(&h, &r, subject_numeric));
    }
    out.push_str(&format!(
        "<h3>对总分变化贡献最大的指标（{}，前 {top} 项）</h3>\n",
        esc(contribution_meaning(&diff.summary))
    ));
    for (title, list) in [
        ("一级指标", &diff.summary.top_level),
        ("末级指标", &diff.summary.leaves),
    ] {
        out.push_str(&format!("<h4>{title}</h4>\n"));
        if list.is_empty() {
            out.push_str("<p>（无）</p>\n");
        } else {
            let (h, r) = contribution_rows(diff, list);
            out.push_str(&table(&h, &r, |i| i == 2));
        }
    }

    out.push_str(&format!(
        "<h2>附：全部主体（{} 个，按变化的绝对值从大到小）</h2>\n",
        diff.rows.len()
    ));
    let rows: Vec<Vec<String>> = diff.rows.iter().map(|r| cells(diff, r).to_vec()).collect();
    out.push_str(&table(&header(), &rows, subject_numeric));
    out.push_str("</body>\n</html>\n");
    out
}
