//! The comparison's parts as a terminal table, Markdown, or one
//! self-contained HTML page (every text escaped, print CSS for A4).

use super::Part;
use crate::output::escape;
use crate::report::table::aligned;

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}").trim_end().to_string() + "\n")
        .collect()
}

pub(super) fn table(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Heading(1, title) => out.push_str(&format!("{title}\n")),
            Part::Heading(2, title) => out.push_str(&format!("\n{title}\n")),
            Part::Heading(_, title) => out.push_str(&format!("\n  {title}\n")),
            Part::Items(lines) => lines.iter().for_each(|l| out.push_str(&format!("  {l}\n"))),
            Part::Table { head, rows, .. } => out.push_str(&indent(&aligned(head, rows), "  ")),
            Part::Nothing => out.push_str("  （无）\n"),
        }
    }
    out
}

fn md_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| escape::markdown_cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

pub(super) fn markdown(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Heading(level, title) => {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                let hashes = "#".repeat(usize::from(*level));
                out.push_str(&format!("{hashes} {}\n\n", escape::markdown_cell(title)));
            }
            Part::Items(lines) => lines
                .iter()
                .for_each(|l| out.push_str(&format!("- {}\n", escape::markdown_cell(l)))),
            Part::Table {
                head,
                rows,
                numeric,
            } => {
                out.push_str(&md_row(head));
                let rule: Vec<String> = (0..head.len())
                    .map(|i| match numeric.get(i).copied().unwrap_or(false) {
                        true => "--:".to_owned(),
                        false => "---".to_owned(),
                    })
                    .collect();
                out.push_str(&format!("|{}|\n", rule.join("|")));
                rows.iter().for_each(|r| out.push_str(&md_row(r)));
                out.push('\n');
            }
            Part::Nothing => out.push_str("（无）\n\n"),
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

const STYLE: &str =
    "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", sans-serif; \
margin: 2em; }\n\
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }\n\
th, td { border: 1px solid #999; padding: 2px 6px; vertical-align: top; }\n\
th { background: #eef; }\n\
td.n { text-align: right; white-space: nowrap; }\n\
@page { size: A4 landscape; margin: 15mm 12mm; }\n\
@media print { body { margin: 0; } h2, h3 { break-after: avoid; } \
tr { break-inside: avoid; } }\n";

pub(super) fn html(parts: &[Part]) -> String {
    let esc = escape::html;
    let title = parts
        .iter()
        .find_map(|p| match p {
            Part::Heading(1, t) => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or("年度比较");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    );
    for part in parts {
        match part {
            Part::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", esc(text)))
            }
            Part::Items(lines) => {
                out.push_str("<ul>\n");
                for l in lines {
                    out.push_str(&format!("<li>{}</li>\n", esc(l)));
                }
                out.push_str("</ul>\n");
            }
            Part::Table {
                head,
                rows,
                numeric,
            } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, c) in row.iter().enumerate() {
                        let class = match numeric.get(i).copied().unwrap_or(false) {
                            true => " class=\"n\"",
                            false => "",
                        };
                        out.push_str(&format!("<td{class}>{}</td>", esc(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Part::Nothing => out.push_str("<p>（无）</p>\n"),
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
