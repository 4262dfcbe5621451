//! Excel workbooks we write (results, evidence errors, impact, years
//! compared, evidence templates): what every one of them shares — saving through
//! [`OutputFile`] and column widths fitted to Chinese text.

pub mod errors;
pub mod template;

pub mod compare;
pub mod diff;
pub mod results;
pub mod sensitivity;

use super::file::{OutputError, OutputFile};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// Rows an Excel sheet holds, header rows included.
pub const MAX_ROWS: u32 = 1_048_576;

/// Write `workbook` to `path` as one output file: nothing appears at
/// `path` unless the whole workbook was written.
pub fn save(workbook: &mut Workbook, path: &Path) -> Result<(), OutputError> {
    let mut out = OutputFile::create(path)?;
    workbook
        .save_to_writer(&mut out)
        .map_err(|e| failed(path, &e))?;
    out.commit()
}

fn failed(path: &Path, e: &XlsxError) -> OutputError {
    OutputError::new(path, format!("无法生成 Excel 工作簿：{e}"))
}

/// The widest text seen in each column, to size the columns once the
/// sheet is written: Excel measures a width in digits, and a Chinese
/// character is as wide as two of them.
#[derive(Clone, Debug, Default)]
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn see(&mut self, col: u16, text: &str) {
        let col = usize::from(col);
        if self.0.len() <= col {
            self.0.resize(col + 1, 0);
        }
        let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        if let Some(slot) = self.0.get_mut(col) {
            *slot = (*slot).max(w);
        }
    }

    /// Set every column seen to its widest text plus a margin, within
    /// 6 and 60 characters.
    pub fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, &w) in self.0.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            let width = (w + 2).clamp(6, 60);
            sheet.set_column_width(col, width as f64)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_counts_double() {
        let mut w = Widths::default();
        w.see(0, "编码");
        w.see(0, "ab");
        w.see(2, "综合得分说明");
        assert_eq!(w.0, vec![4, 0, 12]);
    }
}
