//! Self-contained HTML pages: here, a page holding one table (eval's
//! results, diff's subjects): the same columns as the CSV output, every
//! cell escaped; the annual report in [`report`], its charts in
//! [`charts`].

use super::escape;

pub mod charts;
pub mod report;

/// The page up to the table's first row: `title` as heading, `header` as
/// the column heads.
pub fn page_head(title: &str, header: &[String]) -> String {
    let title = escape::html(title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>\n\
         body {{ font-family: sans-serif; }}\n\
         table {{ border-collapse: collapse; }}\n\
         th, td {{ border: 1px solid #999; padding: 2px 6px; }}\n\
         td.n {{ text-align: right; }}\n\
         </style>\n</head>\n<body>\n<h1>{title}</h1>\n<table>\n<thead>\n<tr>"
    );
    for h in header {
        out.push_str("<th>");
        out.push_str(&escape::html(h));
        out.push_str("</th>");
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    out
}

/// One table row; `numeric[i]` right-aligns cell `i`.
pub fn row(cells: &[String], numeric: impl Fn(usize) -> bool) -> String {
    let mut out = String::from("<tr>");
    for (i, c) in cells.iter().enumerate() {
        out.push_str(if numeric(i) {
            "<td class=\"n\">"
        } else {
            "<td>"
        });
        out.push_str(&escape::html(c));
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
    out
}

/// What closes the page after the last row.
pub const PAGE_TAIL: &str = "</tbody>\n</table>\n</body>\n</html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_title_are_escaped() {
        let head = page_head("<b>标准</b>", &["编码".into(), "a&b".into()]);
        assert!(head.contains("<title>&lt;b&gt;标准&lt;/b&gt;</title>"));
        assert!(head.contains("<th>a&amp;b</th>"));
        let r = row(&["<script>".into(), "1.00".into()], |i| i == 1);
        assert_eq!(
            r,
            "<tr><td>&lt;script&gt;</td><td class=\"n\">1.00</td></tr>\n"
        );
    }
}
