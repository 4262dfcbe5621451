//! The evidence errors as a table to send back to whoever filled in the
//! data: one row per problem, saying where it is (file, sheet, cell, row,
//! subject, field), what is there and how to fix it. Written as CSV
//! (UTF-8 with a BOM, so Excel on Chinese Windows opens it right) or as a
//! workbook (see [`super::xlsx::errors`]).

use super::escape::csv_formula_guard;
use super::file::{OutputError, OutputFile};
use crate::evidence::EvidenceError;
use std::io::Write;
use std::path::Path;

/// The columns of the table.
pub const HEADER: [&str; 10] = [
    "文件",
    "工作表",
    "单元格",
    "行",
    "编码",
    "名称",
    "字段",
    "取值",
    "问题",
    "如何修改",
];

/// One problem's cells, in the order of [`HEADER`]; empty where unknown.
pub fn cells(e: &EvidenceError) -> [String; 10] {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    [
        e.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        text(&e.sheet),
        text(&e.cell),
        e.line.map(|l| l.to_string()).unwrap_or_default(),
        text(&e.subject),
        text(&e.subject_name),
        text(&e.field),
        text(&e.value),
        format!("{} {}", e.code(), e.message),
        e.help_text().to_owned(),
    ]
}

/// Write the table as CSV to `path`. Cells that a spreadsheet would run
/// as a formula get a leading apostrophe: values come from the data.
pub fn write_csv(errors: &[EvidenceError], path: &Path) -> Result<(), OutputError> {
    let mut out = OutputFile::create(path)?;
    let written = (|| -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(HEADER)?;
        for e in errors {
            let row = cells(e);
            w.write_record(row.iter().map(|c| csv_formula_guard(c).into_owned()))?;
        }
        w.flush()
    })();
    written.map_err(|e| out.error(&e))?;
    out.commit()
}
