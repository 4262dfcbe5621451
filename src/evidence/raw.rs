//! A file's cells before validation, the same shape for CSV and JSON, so
//! validation is written once.

/// One cell as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RawCell {
    /// An empty CSV cell, or JSON `null` / `""`.
    Empty,
    /// Trimmed text (a CSV cell, a JSON string).
    Text(String),
    /// A JSON number, its exact digits as written.
    Number(String),
    /// A JSON `true` / `false`.
    Bool(bool),
    /// A JSON object without this key.
    Absent,
    /// A value already reported as malformed: treated as empty without a
    /// second message.
    Reported,
}

impl RawCell {
    /// The cell as shown in messages.
    pub fn shown(&self) -> String {
        match self {
            RawCell::Empty | RawCell::Absent | RawCell::Reported => String::new(),
            RawCell::Text(s) | RawCell::Number(s) => s.clone(),
            RawCell::Bool(b) => b.to_string(),
        }
    }

    /// Trimmed text; an empty string is an empty cell.
    pub fn text(s: &str) -> RawCell {
        let t = s.trim();
        if t.is_empty() {
            RawCell::Empty
        } else {
            RawCell::Text(t.to_owned())
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RawRow {
    /// Editor line of the row (CSV record start, JSON object's `{`).
    pub line: usize,
    /// One per column of [`RawTable::header`].
    pub cells: Vec<RawCell>,
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
    pub rows: Vec<RawRow>,
    /// Rows left out because they could not be read (already reported).
    pub dropped: usize,
}
