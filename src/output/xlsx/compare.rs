//! The workbook of `zhibiao compare -o 比较.xlsx`: sheet 各主体 (the rows
//! of compare's CSV, numbers as numbers) and sheet 等级转移 (one grade
//! transition matrix per pair of consecutive years, one under the other).

use super::results::places_format;
use super::{save, Widths};
use crate::analysis::compare::{Comparison, Matrix};
use crate::output::compare::{subject_rows, Cell};
use crate::output::file::OutputError;
use crate::report::fixed;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Write the comparison's workbook to `path`.
pub fn save_compare(c: &Comparison, path: &Path) -> Result<(), OutputError> {
    let failed = |e: XlsxError| OutputError::new(path, format!("无法生成 Excel 工作簿：{e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    subjects_sheet(sheet, c).map_err(failed)?;
    let sheet = book.add_worksheet();
    matrix_sheet(sheet, c).map_err(failed)?;
    save(&mut book, path)
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
}

/// A decimal as Excel's number: the printed value, so the cell shows
/// exactly what the CSV says.
fn number(d: Decimal, places: u32) -> f64 {
    fixed(d, places).parse::<f64>().unwrap_or(0.0)
}

fn subjects_sheet(sheet: &mut Worksheet, c: &Comparison) -> Result<(), XlsxError> {
    sheet.set_name("各主体")?;
    let p = c.places;
    let head_format = header_format();
    let score = places_format(p);
    let zeros = fixed(Decimal::ZERO, p);
    let change = Format::new().set_num_format(format!("+{zeros};-{zeros};{zeros}"));
    let rank = places_format(0);
    let moved = Format::new().set_num_format("+0;-0;0");
    let (head, rows) = subject_rows(c);
    let mut widths = Widths::default();
    for (col, h) in (0u16..).zip(&head) {
        sheet.write_string_with_format(0, col, h, &head_format)?;
        widths.see(col, h);
    }
    for (r, row) in (1u32..).zip(&rows) {
        for (col, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Text(t) if !t.is_empty() => {
                    sheet.write_string(r, col, t)?;
                    widths.see(col, t);
                }
                Cell::Score(d) => {
                    sheet.write_number_with_format(r, col, number(*d, p), &score)?;
                    widths.see(col, &fixed(*d, p));
                }
                Cell::Change(d) => {
                    sheet.write_number_with_format(r, col, number(*d, p), &change)?;
                    widths.see(col, &format!("+{}", fixed(*d, p)));
                }
                Cell::Rank(n) => {
                    sheet.write_number_with_format(r, col, *n as f64, &rank)?;
                }
                Cell::Move(n) => {
                    sheet.write_number_with_format(r, col, *n as f64, &moved)?;
                }
                Cell::Text(_) | Cell::Empty => {}
            }
        }
    }
    let last_col = u16::try_from(head.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.set_freeze_panes(1, 2)?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    widths.apply(sheet)?;
    Ok(())
}

/// Each step's matrix: a title row, the grades, the counts and totals.
fn matrix_sheet(sheet: &mut Worksheet, c: &Comparison) -> Result<(), XlsxError> {
    sheet.set_name("等级转移")?;
    let head = header_format();
    let bold = Format::new().set_bold();
    let count = places_format(0);
    let mut widths = Widths::default();
    let mut row: u32 = 0;
    let label = |i: usize| c.years.get(i).map_or("", |y| y.label.as_str());
    for st in &c.steps {
        let title = format!(
            "{}→{}（行：{} 等级，列：{} 等级）",
            label(st.from),
            label(st.to),
            label(st.from),
            label(st.to)
        );
        sheet.write_string_with_format(row, 0, &title, &bold)?;
        row += 1;
        let corner = format!("{}＼{}", label(st.from), label(st.to));
        row = matrix(sheet, row, &corner, &st.matrix, &head, &count, &mut widths)?;
        row += 1;
    }
    widths.apply(sheet)?;
    Ok(())
}

/// Write one matrix from `row`; the row after it.
fn matrix(
    sheet: &mut Worksheet,
    mut row: u32,
    corner: &str,
    m: &Matrix,
    head: &Format,
    count: &Format,
    widths: &mut Widths,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, corner, head)?;
    widths.see(0, corner);
    let heads = m.new_grades.iter().map(String::as_str).chain(["合计"]);
    for (col, g) in (1u16..).zip(heads) {
        sheet.write_string_with_format(row, col, g, head)?;
        widths.see(col, g);
    }
    row += 1;
    let last = u16::try_from(m.new_grades.len() + 1).unwrap_or(u16::MAX);
    let mut totals = vec![0usize; m.new_grades.len()];
    for (g, counts) in m.old_grades.iter().zip(&m.counts) {
        sheet.write_string_with_format(row, 0, g, head)?;
        widths.see(0, g);
        for (col, (&n, t)) in (1u16..).zip(counts.iter().zip(totals.iter_mut())) {
            sheet.write_number_with_format(row, col, n as f64, count)?;
            *t += n;
        }
        let sum: usize = counts.iter().sum();
        sheet.write_number_with_format(row, last, sum as f64, count)?;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "合计", head)?;
    for (col, &n) in (1u16..).zip(&totals) {
        sheet.write_number_with_format(row, col, n as f64, count)?;
    }
    let all: usize = totals.iter().sum();
    sheet.write_number_with_format(row, last, all as f64, count)?;
    Ok(row + 1)
}
