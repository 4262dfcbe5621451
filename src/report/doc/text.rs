//! The appendix as Markdown and as an HTML page ready to publish and print
//! on A4. Every text from the rules is escaped: a name holding `<script>`,
//! a `|` or a line break stays inert text in its cell.

use super::{blocks, Appendix, Block, Change};
use crate::output::escape;

/// The appendix in Markdown; deleted rows are struck through (`~~…~~`).
pub fn markdown(a: &Appendix) -> String {
    let esc = |s: &str| escape::markdown_cell(s);
    let mut out = String::new();
    for b in blocks(a) {
        match b {
            Block::Heading(level, text) => out.push_str(&format!(
                "{} {}\n\n",
                "#".repeat(level as usize),
                esc(&text)
            )),
            Block::Para(text) => out.push_str(&format!("{}\n\n", esc(&text))),
            Block::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&format!("{}. {}\n", i + 1, esc(item)));
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                let line = |cells: &[String], strike: bool| {
                    let cells: Vec<String> = cells
                        .iter()
                        .map(|c| match (strike, c.is_empty()) {
                            (true, false) => format!("~~{}~~", esc(c)),
                            _ => esc(c),
                        })
                        .collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&line(&head, false));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for r in rows {
                    out.push_str(&line(&r.cells, r.change == Change::Deleted));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Print and screen styles: A4 pages with margins, a song-style serif for
/// the body as published standards use, table headers repeated on every
/// page and rows kept whole.
const STYLE: &str = "\
@page{size:A4;margin:25mm 20mm 20mm 20mm}
body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"SimSun\",\"Songti SC\",serif;font-size:11pt;line-height:1.6;max-width:170mm;margin:1em auto;color:#000}
h1{font-family:\"Noto Sans CJK SC\",\"SimHei\",sans-serif;font-size:16pt;text-align:center;margin:0 0 .5em}
h2{font-family:\"Noto Sans CJK SC\",\"SimHei\",sans-serif;font-size:13pt;margin:1.2em 0 .4em;break-after:avoid}
h3{font-size:11pt;margin:1em 0 .3em;break-after:avoid}
p.stamp{text-align:center;font-size:10pt;color:#333}
ol{padding-left:2em}
table{border-collapse:collapse;width:100%;font-size:10pt;margin:.4em 0 1em}
thead{display:table-header-group}
tr{break-inside:avoid}
th,td{border:1px solid #000;padding:2pt 4pt;vertical-align:top;text-align:left}
th{background:#eee;white-space:nowrap}
td.code{white-space:nowrap}
tr.deleted td{color:#666}
@media print{body{max-width:none;margin:0}th{background:none}}
";

/// The appendix as one HTML page (no script, no external resource).
pub fn html(a: &Appendix) -> String {
    let esc = |s: &str| escape::html(s).into_owned();
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(&a.model.meta.standard)));
    out.push_str(&format!("<style>\n{STYLE}</style>\n</head>\n<body>\n"));
    let mut first_para = true;
    for b in blocks(a) {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", esc(&text)))
            }
            Block::Para(text) => {
                let class = if first_para { " class=\"stamp\"" } else { "" };
                first_para = false;
                out.push_str(&format!("<p{class}>{}</p>\n", esc(&text)));
            }
            Block::List(items) => {
                out.push_str("<ol>\n");
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", esc(&item)));
                }
                out.push_str("</ol>\n");
            }
            Block::Table(head, rows) => {
                out.push_str("<table>\n");
                // The indicator table: code, name and points narrow, the rule wide.
                if head.len() == 4 {
                    out.push_str("<colgroup><col style=\"width:14%\"><col style=\"width:20%\"><col style=\"width:7%\"><col></colgroup>\n");
                }
                out.push_str("<thead><tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(&h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    let deleted = r.change == Change::Deleted;
                    out.push_str(if deleted {
                        "<tr class=\"deleted\">"
                    } else {
                        "<tr>"
                    });
                    for (i, c) in r.cells.iter().enumerate() {
                        let class = if i == 0 { " class=\"code\"" } else { "" };
                        let text = esc(c);
                        if deleted && !c.is_empty() {
                            out.push_str(&format!("<td{class}><del>{text}</del></td>"));
                        } else {
                            out.push_str(&format!("<td{class}>{text}</td>"));
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
