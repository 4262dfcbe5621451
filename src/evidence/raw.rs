//! A file's cells before validation, the same shape for CSV and JSON, so
//! validation is written once.

use std::borrow::Cow;

/// One cell as written in the file; borrowed from the reader's record
/// while streaming, so a valid cell costs no allocation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawCell<'a> {
    /// An empty CSV cell, or JSON `null` / `""`.
    Empty,
    /// Trimmed text (a CSV cell, a JSON string).
    Text(Cow<'a, str>),
    /// A JSON number, its exact digits as written.
    Number(Cow<'a, str>),
    /// A JSON `true` / `false`; a workbook's TRUE / FALSE cell.
    Bool(bool),
    /// A workbook's number cell: the binary float the file stores, and
    /// whether the cell is formatted as a percent (it shows 98% for 0.98).
    Float { value: f64, percent: bool },
    /// A workbook's date or date-time cell, as a day number (the time of
    /// day is not part of a 日期).
    Date(i64),
    /// A workbook cell holding an error value (`#DIV/0!`, `#N/A`).
    Error(Cow<'a, str>),
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
            RawCell::Text(s) | RawCell::Number(s) | RawCell::Error(s) => s.to_string(),
            RawCell::Bool(b) => b.to_string(),
            RawCell::Float {
                value,
                percent: true,
            } => format!("{}%", float_digits(*value, true)),
            RawCell::Float { value, .. } => float_digits(*value, false),
            RawCell::Date(day) => crate::date::format(*day),
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
            RawCell::Float { value, percent } => RawCell::Float {
                value: *value,
                percent: *percent,
            },
            RawCell::Date(d) => RawCell::Date(*d),
            RawCell::Error(s) => RawCell::Error(Cow::Borrowed(s)),
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
            RawCell::Float { value, percent } => RawCell::Float { value, percent },
            RawCell::Date(d) => RawCell::Date(d),
            RawCell::Error(s) => RawCell::Error(Cow::Owned(s.into_owned())),
            RawCell::Absent => RawCell::Absent,
            RawCell::Reported => RawCell::Reported,
        }
    }
}

/// The decimal digits of a workbook's number: the shortest decimal that
/// reads back as the same binary float (the 0.1 a user typed, never
/// 0.1000000000000000055…), times 100 for the value a percent-formatted
/// cell shows (0.98 shown as 98%). Exact: the scaling is done on the
/// decimal digits, not on the float.
pub(crate) fn float_digits(value: f64, percent: bool) -> String {
    /// Integers up to 2^53 are exact in a double: print them as integers
    /// (what Display would print, found faster).
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if !percent && value.fract() == 0.0 && value.abs() <= EXACT {
        return (value as i64).to_string();
    }
    // Rust prints an f64 as the shortest text that parses back to it,
    // and never in exponent form.
    let digits = value.to_string();
    if !percent {
        return digits;
    }
    match rust_decimal::Decimal::from_str_exact(&digits) {
        Ok(d) => (d * rust_decimal::Decimal::ONE_HUNDRED)
            .normalize()
            .to_string(),
        // Too many digits for a decimal: shown unscaled, and rejected as
        // out of range by the field's check.
        Err(_) => digits,
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
    fn floats_read_as_the_shortest_decimal() {
        assert_eq!(float_digits(0.1, false), "0.1");
        assert_eq!(float_digits(0.1 + 0.2, false), "0.30000000000000004");
        assert_eq!(float_digits(2.0, false), "2");
        assert_eq!(float_digits(-3.5, false), "-3.5");
        assert_eq!(float_digits(1e-7, false), "0.0000001");
        assert_eq!(float_digits(45717.0, false), "45717");
        assert_eq!(float_digits(-0.0, false), "0");
        assert_eq!(
            float_digits(9_007_199_254_740_992.0, false),
            "9007199254740992"
        );
        assert_eq!(float_digits(1e20, false), "100000000000000000000");
        assert_eq!(float_digits(0.98, true), "98");
        assert_eq!(float_digits(0.955, true), "95.5");
        assert_eq!(float_digits(0.001, true), "0.1");
        assert_eq!(float_digits(1.0, true), "100");
        assert_eq!(
            RawCell::Float {
                value: 0.98,
                percent: true
            }
            .shown(),
            "98%"
        );
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
