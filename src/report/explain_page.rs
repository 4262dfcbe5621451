//! A letter as blocks of plain text, and those blocks as Markdown or as a
//! self-contained HTML page (print CSS for A4). Every text from the rules
//! or the evidence is escaped here, once, for the format written.

use crate::output::escape;

/// A block of a letter. Texts are plain, unescaped.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading of level 1–4.
    Heading(u8, String),
    Para(String),
    /// A list of items.
    Items(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// One letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(level, text) => {
                    let hashes = "#".repeat(usize::from((*level).clamp(1, 6)));
                    out.push_str(&format!("{hashes} {}\n\n", md(text)));
                }
                Block::Para(text) => {
                    out.push_str(&md(text));
                    out.push_str("\n\n");
                }
                Block::Items(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", md(i)));
                    }
                    out.push('\n');
                }
                Block::Table { head, rows } => {
                    let cells = |r: &[String]| {
                        let c: Vec<String> = r.iter().map(|c| escape::markdown_cell(c)).collect();
                        format!("| {} |\n", c.join(" | "))
                    };
                    out.push_str(&cells(head));
                    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                    for r in rows {
                        out.push_str(&cells(r));
                    }
                    out.push('\n');
                }
            }
        }
        out
    }

    /// A self-contained page: no script, no network, print CSS for A4.
    pub fn html(&self) -> String {
        let mut body = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(level, text) => {
                    let l = (*level).clamp(1, 6);
                    body.push_str(&format!("<h{l}>{}</h{l}>\n", escape::html(text)));
                }
                Block::Para(text) => body.push_str(&format!("<p>{}</p>\n", escape::html(text))),
                Block::Items(items) => {
                    body.push_str("<ul>\n");
                    for i in items {
                        body.push_str(&format!("<li>{}</li>\n", escape::html(i)));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Table { head, rows } => {
                    body.push_str("<table>\n<thead><tr>");
                    for h in head {
                        body.push_str(&format!("<th>{}</th>", escape::html(h)));
                    }
                    body.push_str("</tr></thead>\n<tbody>\n");
                    for r in rows {
                        body.push_str("<tr>");
                        for c in r {
                            body.push_str(&format!("<td>{}</td>", escape::html(c)));
                        }
                        body.push_str("</tr>\n");
                    }
                    body.push_str("</tbody>\n</table>\n");
                }
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            escape::html(&self.title)
        )
    }
}

/// Markdown text that stays readable as plain text: what would start an
/// HTML tag or entity is escaped (`<script` → `&lt;script`), a lone `<`
/// as in “< 80” is not; Markdown's syntax characters are backslash-escaped
/// and a line break becomes `<br>`, as in a table cell.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '<' if next.is_some_and(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => {
                out.push_str("&lt;")
            }
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                out.push_str("&amp;")
            }
            '<' | '&' | '>' | '"' => out.push(c),
            _ => out.push_str(&escape::markdown_cell(&c.to_string())),
        }
    }
    out
}

const CSS: &str = "\
body { font-family: \"Noto Serif CJK SC\", \"Songti SC\", SimSun, serif; font-size: 11pt;
       line-height: 1.6; max-width: 48em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 18pt; text-align: center; }
h2 { font-size: 14pt; border-bottom: 1px solid #999; margin-top: 1.5em; }
h3 { font-size: 12pt; margin-top: 1.2em; }
h4 { font-size: 11pt; margin: 0.8em 0 0.2em; }
p { margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.4em; text-align: left; }
th { background: #eee; }
@page { size: A4; margin: 20mm 18mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, p, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
";
