//! The impact workbook of `zhibiao diff -o 影响.xlsx`: sheet 各主体变化
//! (the rows of diff's CSV, numbers as numbers), sheet 等级变化 (the
//! grade transition matrix) and sheet 修改对照表 (the rule changes in
//! words, as the memo has them).

use super::results::places_format;
use super::{save, Widths};
use crate::diff::{Diff, COLUMNS};
use crate::output::file::OutputError;
use crate::report::fixed;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Write the diff's workbook to `path`.
pub fn save_diff(diff: &Diff, path: &Path) -> Result<(), OutputError> {
    let failed = |e: XlsxError| OutputError::new(path, format!("无法生成 Excel 工作簿：{e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
    subjects_sheet(sheet, diff).map_err(failed)?;
    let sheet = book.add_worksheet();
    matrix_sheet(sheet, diff).map_err(failed)?;
    let sheet = book.add_worksheet();
    changes_sheet(sheet, diff).map_err(failed)?;
    save(&mut book, path)
}

/// 修改对照表: 编号, 原条文, 新条文, 说明; long rule texts wrap.
fn changes_sheet(sheet: &mut Worksheet, diff: &Diff) -> Result<(), XlsxError> {
    sheet.set_name("修改对照表")?;
    let head = header_format();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let mut widths = Widths::default();
    for (c, h) in (0u16..).zip(["编号", "原条文", "新条文", "说明"]) {
        sheet.write_string_with_format(0, c, h, &head)?;
        widths.see(c, h);
    }
    for (r, row) in (1u32..).zip(diff.comparison_rows()) {
        for (c, text) in (0u16..).zip(&row) {
            sheet.write_string_with_format(r, c, text, &wrap)?;
            widths.see(c, text);
        }
    }
    widths.apply(sheet)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
}

fn subjects_sheet(sheet: &mut Worksheet, diff: &Diff) -> Result<(), XlsxError> {
    sheet.set_name("各主体变化")?;
    let head = header_format();
    let score = places_format(diff.places);
    // A change shows its sign, as in the CSV: +1.25, -0.50, 0.00.
    let zeros = fixed(Decimal::ZERO, diff.places);
    let change = Format::new().set_num_format(format!("+{zeros};-{zeros};{zeros}"));
    let rank = places_format(0);
    let mut widths = Widths::default();
    for (c, h) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, c, h, &head)?;
        widths.see(c, h);
    }
    let mut row: u32 = 1;
    for r in &diff.rows {
        let mut text = |sheet: &mut Worksheet, c: u16, t: &str| -> Result<(), XlsxError> {
            widths.see(c, t);
            if !t.is_empty() {
                sheet.write_string(row, c, t)?;
            }
            Ok(())
        };
        text(sheet, 0, &r.code)?;
        text(sheet, 1, &r.name)?;
        text(sheet, 5, r.old_grade.as_deref().unwrap_or_default())?;
        text(sheet, 6, r.new_grade.as_deref().unwrap_or_default())?;
        let decimals = [
            (2, r.old_total, &score),
            (3, r.new_total, &score),
            (4, r.change, &change),
        ];
        for (c, d, f) in decimals {
            if let Some(d) = d {
                let shown = fixed(d, diff.places);
                widths.see(c, &format!("+{shown}"));
                sheet.write_number_with_format(row, c, shown.parse::<f64>().unwrap_or(0.0), f)?;
            }
        }
        for (c, n) in [(7, r.old_rank), (8, r.new_rank)] {
            if let Some(n) = n {
                widths.see(c, &n.to_string());
                sheet.write_number_with_format(row, c, n as f64, &rank)?;
            }
        }
        row += 1;
    }
    sheet.set_freeze_panes(1, 2)?;
    sheet.autofilter(0, 0, row.saturating_sub(1), 8)?;
    widths.apply(sheet)?;
    Ok(())
}

/// Rows old grade, columns new grade, counts of subjects; totals last.
fn matrix_sheet(sheet: &mut Worksheet, diff: &Diff) -> Result<(), XlsxError> {
    sheet.set_name("等级变化")?;
    let head = header_format();
    let count = places_format(0);
    let m = &diff.summary.matrix;
    let mut widths = Widths::default();
    let corner = "旧等级＼新等级";
    sheet.write_string_with_format(0, 0, corner, &head)?;
    widths.see(0, corner);
    let heads = m.new_grades.iter().map(String::as_str).chain(["合计"]);
    for (c, g) in (1u16..).zip(heads) {
        sheet.write_string_with_format(0, c, g, &head)?;
        widths.see(c, g);
    }
    let mut col_totals = vec![0usize; m.new_grades.len()];
    let mut row: u32 = 1;
    for (g, counts) in m.old_grades.iter().zip(&m.counts) {
        sheet.write_string_with_format(row, 0, g, &head)?;
        widths.see(0, g);
        for (c, (&n, total)) in (1u16..).zip(counts.iter().zip(col_totals.iter_mut())) {
            sheet.write_number_with_format(row, c, n as f64, &count)?;
            *total += n;
        }
        let sum: usize = counts.iter().sum();
        let last = u16::try_from(m.new_grades.len() + 1).unwrap_or(u16::MAX);
        sheet.write_number_with_format(row, last, sum as f64, &count)?;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "合计", &head)?;
    for (c, &n) in (1u16..).zip(&col_totals) {
        sheet.write_number_with_format(row, c, n as f64, &count)?;
    }
    let all: usize = col_totals.iter().sum();
    let last = u16::try_from(m.new_grades.len() + 1).unwrap_or(u16::MAX);
    sheet.write_number_with_format(row, last, all as f64, &count)?;
    widths.apply(sheet)?;
    Ok(())
}
