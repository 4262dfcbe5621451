//! The diff as a memo in HTML: the same sections as the Markdown memo
//! (修改对照表, subjects whose grade changed, summary, transition matrix,
//! largest movers, contributing indicators), then every subject as an
//! appendix table. Self-contained, every text escaped, print CSS for A4.

use super::render::{cells, header};
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

pub(super) fn html(diff: &Diff) -> String {
    use super::memo::Part;
    let title = "规则变更影响";
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    );
    for part in super::memo::parts(diff) {
        match part {
            Part::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", esc(&text)))
            }
            Part::Meta(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| esc(l).into_owned()).collect();
                out.push_str(&format!("<p>{}</p>\n", lines.join("<br>")));
            }
            Part::Items(lines) => {
                out.push_str("<ul>\n");
                for l in lines {
                    out.push_str(&format!("<li>{}</li>\n", esc(&l)));
                }
                out.push_str("</ul>\n");
            }
            Part::Para(text) => out.push_str(&format!("<p>{}。</p>\n", esc(&text))),
            Part::Table {
                head,
                rows,
                numeric,
            } => out.push_str(&table(&head, &rows, |i| {
                numeric.get(i).copied().unwrap_or(false)
            })),
            Part::Changes(rows) => {
                let head: Vec<String> = ["编号", "原条文", "新条文", "说明"]
                    .iter()
                    .map(|c| c.to_string())
                    .collect();
                let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.to_vec()).collect();
                out.push_str(&table(&head, &rows, |_| false));
            }
            Part::Nothing => out.push_str("<p>（无）</p>\n"),
        }
    }
    out.push_str(&format!(
        "<h2>附：全部主体（{} 个，按变化的绝对值从大到小）</h2>\n",
        diff.rows.len()
    ));
    let rows: Vec<Vec<String>> = diff.rows.iter().map(|r| cells(diff, r).to_vec()).collect();
    out.push_str(&table(&header(), &rows, |i| matches!(i, 2 | 3 | 4 | 7 | 8)));
    out.push_str("</body>\n</html>\n");
    out
}
