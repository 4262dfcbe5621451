//! Stage 5: results → text for people and programs (table, CSV, JSON,
//! Markdown, HTML) and the explanation of one subject's scores.

pub mod doc;
mod explain;
mod explain_calc;
mod explain_json;
mod explain_letter;
mod explain_num;
mod explain_page;
mod explain_subst;
pub(crate) mod table;
pub mod terminal;

mod results;
pub mod sensitivity;

pub use explain::explain;
pub use explain_json::{exact, letter as letter_json};
pub use explain_letter::letter;
pub use explain_page::{Block, Page};
pub use results::ResultWriter;

use crate::eval::SubjectResult;
use crate::ir::Model;
use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// A self-contained page with one table, the CSV columns.
    Html,
}

/// How results are written beyond their format.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// CSV cells that a spreadsheet would run as a formula get a leading
    /// apostrophe (see [`crate::output::escape::csv_formula_guard`]).
    pub csv_formula_guard: bool,
    /// The bytes of CSV output: UTF-8, UTF-8 with a byte-order mark, GBK.
    pub csv_encoding: crate::output::encode::CsvEncoding,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            csv_formula_guard: true,
            csv_encoding: crate::output::encode::CsvEncoding::Utf8,
        }
    }
}

/// Every subject's results in one text, with the default options (the
/// terminal table: first-level indicators, 80 columns).
pub fn render(format: Format, model: &Model, results: &[SubjectResult]) -> String {
    let writer = ResultWriter::new(format, model, Options::default());
    let mut out = Vec::new();
    // Writing to memory only fails if the table spool cannot be made.
    let _ = writer.write(results.iter().map(|r| writer.row(r)), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Scores are printed with two decimals (or the declared rounding places).
pub fn fixed(d: Decimal, places: u32) -> String {
    let mut d = d;
    d.rescale(places);
    let mut out = String::new();
    push_fixed(&mut out, d, places);
    out
}

/// 编码, 名称, 基础分, 加分, 总分, 等级, 否决, 缺失, then indicator codes in tree order.
pub fn header(model: &Model) -> Vec<String> {
    let mut h: Vec<String> = [
        "编码",
        "名称",
        "基础分",
        "加分",
        "总分",
        "等级",
        "否决",
        "缺失",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(model.indicators.iter().map(|i| i.code.clone()));
    h
}

/// One subject's cells, in the order of [`header`].
pub fn cells(model: &Model, r: &SubjectResult) -> Vec<String> {
    let p = model.policy.round_places;
    let mut row = vec![
        r.code.clone(),
        r.name.clone(),
        fixed(r.base, p),
        fixed(r.bonus, p),
        fixed(r.total, p),
        r.grade.clone(),
        vetoes(r),
        r.missing.join(";"),
    ];
    row.extend(r.indicators.iter().map(|i| fixed(i.score, p)));
    row
}

/// The codes of the vetoes that hit a subject, `;`-separated.
fn vetoes(r: &SubjectResult) -> String {
    let codes: Vec<&str> = r.vetoes.iter().map(|v| v.0.as_str()).collect();
    codes.join(";")
}

/// A score with `places` decimals. Two places (the usual) are written
/// digit by digit; the formatter does the rest.
pub(crate) fn push_fixed(out: &mut String, d: Decimal, places: u32) {
    use std::fmt::Write;
    let mut d = d;
    if d.scale() != places {
        d.rescale(places);
    }
    match (places, u64::try_from(d.mantissa().unsigned_abs())) {
        (2, Ok(a)) if d.scale() == 2 => {
            // Written from the last digit back: at most 20 digits, a
            // point and a sign.
            let mut buf = [0u8; 24];
            let mut i = buf.len();
            let mut put = |b: u8| {
                i -= 1;
                if let Some(slot) = buf.get_mut(i) {
                    *slot = b;
                }
            };
            put(b'0' + (a % 10) as u8);
            put(b'0' + (a / 10 % 10) as u8);
            put(b'.');
            let mut n = a / 100;
            loop {
                put(b'0' + (n % 10) as u8);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            if d.is_sign_negative() && a != 0 {
                put(b'-');
            }
            out.push_str(std::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or(""));
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fixed(text: &str, places: u32) -> String {
        let mut out = String::new();
        push_fixed(
            &mut out,
            Decimal::from_str(text).unwrap_or_default(),
            places,
        );
        out
    }

    #[test]
    fn scores_with_two_places_digit_by_digit() {
        assert_eq!(fixed("12.5", 2), "12.50");
        assert_eq!(fixed("100", 2), "100.00");
        assert_eq!(fixed("0", 2), "0.00");
        assert_eq!(fixed("0.07", 2), "0.07");
        assert_eq!(fixed("-0.5", 2), "-0.50");
        assert_eq!(fixed("-0.00", 2), "0.00");
        assert_eq!(fixed("18446744073709551.61", 2), "18446744073709551.61");
    }

    #[test]
    fn other_places_through_the_formatter() {
        assert_eq!(fixed("2.5", 1), "2.5");
        assert_eq!(fixed("3", 0), "3");
        assert_eq!(fixed("1.25", 3), "1.250");
    }
}
