//! A file's cells before validation, the same shape for CSV and JSON, so
//! validation is written once.

use std::borrow::Cow;

/// One cell as written in the file; borrowed from the reader's record
/// while streaming, so a valid cell costs no allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RawCell<'a> {
    /// An empty CSV cell, or JSON `null` / `""`.
    Empty,
    /// Trimmed text (a CSV cell, a JSON string).
    Text(Cow<'a, str>),
    /// A JSON number, its exact digits as written.
    Number(Cow<'a, str>),
    /// A JSON `true` / `false`.
    Bool(bool),
    /// A JSON object without this key.
    Absent,
    /// A value already reported as malformed: treated as empty without a
    /// second message.
    Reported,
}

impl<'a> RawCell<'a> {
    /// The cell as shown in messages.
    pub fn shown(&self) -> String {
        match self {
            RawCell::Empty | RawCell::Absent | RawCell::Reported => String::new(),
            RawCell::Text(s) | RawCell::Number(s) => s.to_string(),
            RawCell::Bool(b) => b.to_string(),
        }
    }

    /// Trimmed text; an empty string is an empty cell.
    pub fn text(s: &'a str) -> RawCell<'a> {
        // Most cells start and end with a visible ASCII character: nothing
        // to trim, and no need to decode characters to find out.
        let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
        if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
            return RawCell::Text(Cow::Borrowed(s));
        }
        let t = s.trim();
        if t.is_empty() {
            RawCell::Empty
        } else {
            RawCell::Text(Cow::Borrowed(t))
        }
    }

    /// The same cell, borrowing its text.
    pub fn borrowed(&self) -> RawCell<'_> {
        match self {
            RawCell::Text(s) => RawCell::Text(Cow::Borrowed(s)),
            RawCell::Number(s) => RawCell::Number(Cow::Borrowed(s)),
            RawCell::Empty => RawCell::Empty,
            RawCell::Bool(b) => RawCell::Bool(*b),
            RawCell::Absent => RawCell::Absent,
            RawCell::Reported => RawCell::Reported,
        }
    }

    /// The same cell, owning its text (for rows kept after their record).
    pub fn into_owned(self) -> RawCell<'static> {
        match self {
            RawCell::Empty => RawCell::Empty,
            RawCell::Text(s) => RawCell::Text(Cow::Owned(s.into_owned())),
            RawCell::Number(s) => RawCell::Number(Cow::Owned(s.into_owned())),
            RawCell::Bool(b) => RawCell::Bool(b),
            RawCell::Absent => RawCell::Absent,
            RawCell::Reported => RawCell::Reported,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RawRow<'a> {
    /// Editor line of the row (CSV record start, JSON object's `{`).
    pub line: usize,
    /// One per column of [`RawTable::header`].
    pub cells: Cells<'a>,
}

/// A row's cells: held one by one, or read from a CSV record when asked
/// for, so a streamed row costs no allocation.
#[derive(Clone, Debug)]
pub(crate) enum Cells<'a> {
    Held(Vec<RawCell<'a>>),
    Record(&'a csv::StringRecord),
}

impl RawRow<'_> {
    /// The cell in column `i` (`None` past the end of the row).
    pub fn cell(&self, i: usize) -> Option<RawCell<'_>> {
        match &self.cells {
            Cells::Held(cells) => cells.get(i).map(RawCell::borrowed),
            Cells::Record(rec) => rec.get(i).map(RawCell::text),
        }
    }

    pub fn into_owned(self) -> RawRow<'static> {
        let cells = match self.cells {
            Cells::Held(cells) => cells.into_iter().map(RawCell::into_owned).collect(),
            Cells::Record(rec) => rec.iter().map(|s| RawCell::text(s).into_owned()).collect(),
        };
        RawRow {
            line: self.line,
            cells: Cells::Held(cells),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawTable {
    /// Column names in file order (trimmed).
    pub header: Vec<String>,
    pub header_line: usize,
    /// The file names its columns: always for CSV; for JSON only when
    /// there is at least one object (`[]` names none, and has no rows
    /// whose columns could be missing).
    pub has_header: bool,
    pub rows: Vec<RawRow<'static>>,
    /// Rows left out because they could not be read (already reported).
    pub dropped: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        RawCell::text(s).shown()
    }

    #[test]
    fn cells_are_trimmed_of_ascii_and_full_width_spaces() {
        assert_eq!(text("abc"), "abc");
        assert_eq!(text(" a b\t"), "a b");
        assert_eq!(text("\u{3000}数据\u{3000}"), "数据");
        assert_eq!(text("a\u{3000}"), "a");
        assert_eq!(text("数"), "数");
        assert_eq!(RawCell::text(" \u{3000} "), RawCell::Empty);
        assert_eq!(RawCell::text(""), RawCell::Empty);
    }
}
