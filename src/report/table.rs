//! An aligned terminal table; column widths count CJK characters as two.

use crate::output::escape;
use unicode_width::UnicodeWidthStr;

/// A whole table in memory. Cells are escaped for the terminal: a name
/// from the evidence can hold a line break or an ESC sequence.
pub fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let esc = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .map(|c| escape::terminal(c).into_owned())
            .collect()
    };
    let header = esc(header);
    let rows: Vec<Vec<String>> = rows.iter().map(|r| esc(r)).collect();
    let mut widths = widths(&header);
    for row in &rows {
        widen(&mut widths, row.iter().map(String::as_str));
    }
    let mut out = line(&widths, &header);
    out.push_str(&rule(&widths));
    for row in &rows {
        out.push_str(&line(&widths, row));
    }
    out
}

/// The display widths of a header's cells.
pub(crate) fn widths(header: &[String]) -> Vec<usize> {
    header.iter().map(|h| h.width()).collect()
}

/// Widen the columns to fit a row's (escaped) cells.
pub(crate) fn widen<'a>(widths: &mut [usize], cells: impl Iterator<Item = &'a str>) {
    for (w, cell) in widths.iter_mut().zip(cells) {
        *w = (*w).max(cell.width());
    }
}

/// One line of escaped cells, padded to the widths.
pub(crate) fn line(widths: &[usize], cells: &[impl AsRef<str>]) -> String {
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        let c = c.as_ref();
        if i > 0 {
            out.push_str("  ");
        }
        out.push_str(c);
        let pad = widths
            .get(i)
            .copied()
            .unwrap_or(0)
            .saturating_sub(c.width());
        out.extend(std::iter::repeat_n(' ', pad));
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('\n');
    out
}

/// The dashes under the header.
pub(crate) fn rule(widths: &[usize]) -> String {
    let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(widths, &dashes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cjk_cells_align() {
        let t = super::aligned(
            &["编码".into(), "名称".into()],
            &[vec!["1".into(), "东城区".into()]],
        );
        assert_eq!(t, "编码  名称\n----  ------\n1     东城区\n");
    }

    #[test]
    fn cells_are_escaped_and_stay_on_their_line() {
        let t = super::aligned(
            &["编码".into(), "名称".into()],
            &[vec!["1".into(), "东\n城\u{1b}[2J".into()]],
        );
        assert_eq!(
            t,
            "编码  名称\n----  -----------------------\n1     东<U+000A>城<U+001B>[2J\n"
        );
    }
}
