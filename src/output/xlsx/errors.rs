//! The evidence errors as a workbook: sheet 证据问题, one row per
//! problem (columns of [`crate::output::evidence_errors::HEADER`]), with
//! a frozen, filtered header so a provincial office can sort the problems
//! by county and send each its rows.

use super::{save, Widths, MAX_ROWS};
use crate::evidence::EvidenceError;
use crate::output::evidence_errors::{cells, HEADER};
use crate::output::file::OutputError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::path::Path;

/// Write `errors` to the workbook at `path`.
pub fn write(errors: &[EvidenceError], path: &Path) -> Result<(), OutputError> {
    let mut book = Workbook::new();
    fill(&mut book, errors)
        .map_err(|e| OutputError::new(path, format!("无法生成 Excel 工作簿：{e}")))?;
    save(&mut book, path)
}

/// Column of 行 (a number, so it sorts as one).
const LINE: u16 = 3;

fn fill(book: &mut Workbook, errors: &[EvidenceError]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("证据问题")?;
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let mut widths = Widths::default();
    for (c, h) in (0u16..).zip(HEADER) {
        sheet.write_string_with_format(0, c, h, &bold)?;
        widths.see(c, h);
    }
    // The error list is capped long before a sheet is full; the cap here
    // only keeps the row arithmetic in range.
    let rows = errors.iter().take(MAX_ROWS as usize - 1);
    for (r, e) in (1u32..).zip(rows) {
        for (c, text) in (0u16..).zip(cells(e)) {
            match (c, e.line) {
                (LINE, Some(line)) => {
                    sheet.write_number(r, c, line as f64)?;
                }
                _ if text.is_empty() => {}
                _ => {
                    sheet.write_string(r, c, &text)?;
                    widths.see(c, &text);
                }
            }
        }
    }
    widths.apply(sheet)?;
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(errors.len())
        .unwrap_or(MAX_ROWS - 1)
        .min(MAX_ROWS - 1);
    sheet.autofilter(0, 0, last_row, HEADER.len() as u16 - 1)?;
    Ok(())
}
