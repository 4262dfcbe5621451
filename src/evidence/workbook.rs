//! Evidence from spreadsheets (calamine). An `.xlsx` sheet is read cell by
//! cell as its XML streams, with each cell's number format, so a large
//! sheet is never held whole and a percent-formatted cell is read as the
//! number it shows. `.xls`, `.xlsb` and `.ods` are read a sheet at a time,
//! without number formats (see docs/excel.md for what that means for
//! 百分数 fields).
//!
//! The sheet's first non-empty row is the header; empty rows are skipped
//! wherever they are; cells right of the header are not read.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{Cells, RawCell, RawRow};
use super::stream::Rows;
use crate::ir::{Table, Ty};
use calamine::{Data, DataRef, Reader};
use std::borrow::Cow;
use std::path::Path;

/// The extensions read as workbooks.
const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Does `path` name a workbook (by its extension)?
pub(crate) fn is_workbook(path: &Path) -> bool {
    extension(path).is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?;
    Some(ext.to_ascii_lowercase())
}

/// What a read found: the sheet, rows dropped (always 0: a workbook's
/// rows cannot be malformed the way a CSV record can), and whether the
/// cells' number formats were known.
pub(crate) struct Read {
    pub sheet: String,
    pub dropped: usize,
    pub formats_known: bool,
}

/// Read the sheet holding `table` from the workbook at `path` into `to`:
/// the sheet named like the table, else (unless `by_name`, when the
/// workbook holds several tables) the workbook's only sheet. `None` when
/// no rows could be read (the reason is in `sink`).
pub(crate) fn read(
    path: &Path,
    table: &Table,
    by_name: bool,
    sink: &mut Sink,
    to: &mut dyn Rows,
) -> Option<Read> {
    let fail = |msg: String| EvidenceError::new(ErrorKind::Workbook, msg).in_file(path);
    let mut book = match calamine::open_workbook_auto(path) {
        Ok(b) => b,
        Err(e) => {
            sink.push(fail(unreadable(path, &e)));
            return None;
        }
    };
    let sheet = pick_sheet(&book.sheet_names(), &table.name, by_name).map_err(fail);
    let sheet = match sheet {
        Ok(s) => s,
        Err(e) => {
            sink.push(e);
            return None;
        }
    };
    let mut rows = RowsOf {
        table,
        to,
        header_seen: false,
        path,
        sheet: &sheet,
    };
    let formats_known = match &mut book {
        calamine::Sheets::Xlsx(x) => {
            read_xlsx(x, &sheet, &mut rows, sink).map_err(|e| fail(broken(&sheet, &e)))
        }
        other => read_range(other, &sheet, &mut rows, sink).map(|()| false),
    };
    let header_seen = rows.header_seen;
    match formats_known {
        Err(e) => {
            sink.push(e);
            None
        }
        Ok(_) if !header_seen => {
            let msg = format!("工作表“{sheet}”是空的：第一个非空行应为表头");
            sink.push(fail(msg));
            None
        }
        Ok(formats_known) => Some(Read {
            sheet,
            dropped: 0,
            formats_known,
        }),
    }
}

/// The sheet named like the table, else the only sheet.
fn pick_sheet(names: &[String], table: &str, by_name: bool) -> Result<String, String> {
    if let Some(s) = names.iter().find(|n| n.trim() == table) {
        return Ok(s.clone());
    }
    match names {
        [only] if !by_name => Ok(only.clone()),
        [] => Err("工作簿中没有工作表".to_owned()),
        _ => Err(format!(
            "工作簿中没有名为“{table}”的工作表：现有工作表为 {}；请把表“{table}”的数据放在名为“{table}”的工作表中",
            names
                .iter()
                .map(|n| format!("“{n}”"))
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
}

fn unreadable(path: &Path, e: &calamine::Error) -> String {
    match e {
        calamine::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "文件不存在".to_owned()
        }
        calamine::Error::Xlsx(calamine::XlsxError::Password)
        | calamine::Error::Xls(calamine::XlsError::Password) => {
            "工作簿设有打开密码：请取消密码后另存".to_owned()
        }
        _ => format!(
            "无法作为 {} 工作簿读取（{e}）：请在 Excel 或 WPS 中打开后另存为 .xlsx",
            extension(path).unwrap_or_default()
        ),
    }
}

fn broken(sheet: &str, e: &calamine::XlsxError) -> String {
    format!("工作表“{sheet}”无法读取（{e}）：请在 Excel 或 WPS 中打开后另存为 .xlsx")
}

/// Cells of one sheet row by row into the validator.
struct RowsOf<'a> {
    table: &'a Table,
    to: &'a mut dyn Rows,
    header_seen: bool,
    path: &'a Path,
    sheet: &'a str,
}

impl RowsOf<'_> {
    /// One sheet row (`row`: 0-based), its cells from column A. Returns
    /// `false` to stop reading (a title row where the header should be).
    fn row(&mut self, row: u32, cells: Vec<RawCell<'_>>, sink: &mut Sink) -> bool {
        if cells.iter().all(|c| matches!(c, RawCell::Empty)) {
            return true;
        }
        let line = row as usize + 1;
        if self.header_seen {
            let row = RawRow {
                line,
                cells: Cells::Held(cells),
            };
            self.to.row(row, sink);
            return true;
        }
        self.header_seen = true;
        let mut names: Vec<String> = cells.iter().map(|c| c.shown().trim().to_owned()).collect();
        while names.last().is_some_and(String::is_empty) {
            names.pop();
        }
        let declared = names.iter().any(|n| self.table.field(n).is_some());
        let filled = names.iter().filter(|n| !n.is_empty()).count();
        if !declared && filled == 1 {
            let title = names
                .iter()
                .find(|n| !n.is_empty())
                .cloned()
                .unwrap_or_default();
            let msg = format!(
                "工作表“{}”第 {line} 行“{title}”像是标题行，不是表头：表头须为第一个非空行，\
                 其中写各字段名（如“{}”）",
                self.sheet,
                self.table.fields.first().map_or("", |f| f.name.as_str())
            );
            let help = "删除表头上方的标题行（含合并单元格），让字段名所在的行成为第一行";
            let e = EvidenceError::new(ErrorKind::Workbook, msg)
                .in_file(self.path)
                .at_line(line)
                .with_help(help);
            sink.push(e);
            return false;
        }
        self.to.header(names, line, sink);
        true
    }
}

/// Rows handed from the thread reading the XML to the one checking them.
const BATCH: usize = 512;

/// One sheet row: its 0-based number and its cells from column A.
type SheetRow<'a> = (u32, Vec<RawCell<'a>>);

/// An `.xlsx` sheet as it streams; `Ok(true)`: number formats were known.
/// One thread reads the sheet's XML into rows of cells while this one
/// checks them, so reading a workbook costs about what checking does.
fn read_xlsx<RS: std::io::Read + std::io::Seek + Send>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    rows: &mut RowsOf,
    sink: &mut Sink,
) -> Result<bool, calamine::XlsxError> {
    let mut cells = book.worksheet_cells_reader(sheet)?;
    let percent: Vec<bool> = cells
        .styles()
        .iter()
        .map(|s| {
            s.number_format
                .as_ref()
                .is_some_and(|f| is_percent(&f.format_code))
        })
        .collect();
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<SheetRow>>(4);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || sheet_rows(&mut cells, &percent, &send));
        'batches: for batch in receive.iter() {
            for (r, row) in batch {
                if !rows.row(r, row, sink) {
                    // Dropping the receiver ends the reading thread.
                    break 'batches;
                }
            }
        }
        drop(receive);
        reader.join().unwrap_or(Err(calamine::XlsxError::Unexpected(
            "读取工作表的线程意外中止",
        )))
    })?;
    Ok(true)
}

/// The sheet's rows in batches into `send`, until the sheet ends or the
/// receiver is gone.
fn sheet_rows<'a, RS: std::io::Read + std::io::Seek>(
    cells: &mut calamine::XlsxCellReader<'a, RS>,
    percent: &[bool],
    send: &std::sync::mpsc::SyncSender<Vec<SheetRow<'a>>>,
) -> Result<(), calamine::XlsxError> {
    let mut batch: Vec<SheetRow> = Vec::with_capacity(BATCH);
    let mut current: Option<SheetRow> = None;
    while let Some((cell, style)) = cells.next_cell_with_style_id()? {
        let (r, c) = cell.get_position();
        if current.as_ref().is_none_or(|(at, _)| *at != r) {
            if let Some(done) = current.replace((r, Vec::new())) {
                batch.push(done);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if send.send(full).is_err() {
                        return Ok(());
                    }
                }
            }
        }
        let percent = percent.get(style).copied().unwrap_or(false);
        let value = from_ref(cell.get_value(), percent);
        let c = c as usize;
        if let Some((_, row)) = current.as_mut() {
            if row.len() <= c {
                row.resize(c + 1, RawCell::Empty);
            }
            if let Some(slot) = row.get_mut(c) {
                *slot = value;
            }
        }
    }
    batch.extend(current);
    let _ = send.send(batch);
    Ok(())
}

/// `.xls`, `.xlsb`, `.ods`: the whole sheet, then row by row.
fn read_range<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<RS>,
    sheet: &str,
    rows: &mut RowsOf,
    sink: &mut Sink,
) -> Result<(), EvidenceError> {
    let range = book.worksheet_range(sheet).map_err(|e| {
        let msg = format!("工作表“{sheet}”无法读取（{e}）：请在 Excel 或 WPS 中打开后另存为 .xlsx");
        EvidenceError::new(ErrorKind::Workbook, msg).in_file(rows.path)
    })?;
    let Some((top, left)) = range.start() else {
        return Ok(());
    };
    for (i, cells) in range.rows().enumerate() {
        let mut row = vec![RawCell::Empty; left as usize];
        row.extend(cells.iter().map(from_data));
        let r = top.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        if !rows.row(r, row, sink) {
            break;
        }
    }
    Ok(())
}

/// Is an Excel number format a percent one (`0%`, `0.00%`, `#,##0.0%`)?
/// A `%` inside quotes or after a backslash is literal text, not the
/// percent sign that scales the value.
fn is_percent(code: &str) -> bool {
    let section = code.split(';').next().unwrap_or(code);
    let (mut quoted, mut escaped) = (false, false);
    for ch in section.chars() {
        match (ch, quoted, escaped) {
            (_, _, true) => escaped = false,
            ('"', _, false) => quoted = !quoted,
            ('\\', false, false) => escaped = true,
            ('%', false, false) => return true,
            _ => {}
        }
    }
    false
}

fn from_ref<'a>(value: &DataRef<'a>, percent: bool) -> RawCell<'a> {
    match value {
        DataRef::Empty => RawCell::Empty,
        DataRef::SharedString(s) => RawCell::text(s),
        DataRef::String(s) => owned_text(s),
        DataRef::Int(i) => float(*i as f64, percent),
        DataRef::Float(f) => float(*f, percent),
        DataRef::Bool(b) => RawCell::Bool(*b),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => RawCell::Error(Cow::Owned(format!("时长 {s}"))),
        DataRef::Error(e) => RawCell::Error(Cow::Owned(e.to_string())),
    }
}

fn from_data(value: &Data) -> RawCell<'static> {
    match value {
        Data::Empty => RawCell::Empty,
        Data::String(s) => owned_text(s),
        Data::Int(i) => float(*i as f64, false),
        Data::Float(f) => float(*f, false),
        Data::Bool(b) => RawCell::Bool(*b),
        Data::DateTime(dt) => date_time(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => RawCell::Error(Cow::Owned(format!("时长 {s}"))),
        Data::Error(e) => RawCell::Error(Cow::Owned(e.to_string())),
    }
}

fn owned_text(s: &str) -> RawCell<'static> {
    RawCell::text(s).into_owned()
}

fn float(value: f64, percent: bool) -> RawCell<'static> {
    RawCell::Float { value, percent }
}

/// A date or date-time cell: its day (the time of day dropped); a
/// duration (`[h]:mm`) is no date.
fn date_time(dt: &calamine::ExcelDateTime) -> RawCell<'static> {
    if dt.is_duration() {
        return RawCell::Error(Cow::Owned("时长（不是日期）".to_owned()));
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    match crate::date::day_number(i64::from(y), i64::from(m), i64::from(d)) {
        Some(day) => RawCell::Date(day),
        None => RawCell::Error(Cow::Owned(format!("无效日期 {y}-{m}-{d}"))),
    }
}

/// An ODS date cell, `2025-03-01` or `2025-03-01T08:30:00`.
fn iso_date(s: &str) -> RawCell<'static> {
    let day = s.split('T').next().and_then(crate::date::parse);
    match day {
        Some(day) => RawCell::Date(day),
        None => owned_text(s),
    }
}

/// Do the cells of this table need their number formats to be read
/// right? Only a 百分数 field does (a percent-formatted cell shows 98
/// but holds 0.98).
pub(crate) fn needs_formats(table: &Table) -> Vec<&str> {
    table
        .fields
        .iter()
        .filter(|f| f.ty == Ty::Percent)
        .map(|f| f.name.as_str())
        .collect()
}

/// `F17` for a 0-based column and a 1-based row.
pub(crate) fn cell_ref(column: usize, line: usize) -> String {
    let col = u16::try_from(column).unwrap_or(u16::MAX);
    format!(
        "{}{line}",
        rust_xlsxwriter::utility::column_number_to_name(col)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats() {
        assert!(is_percent("0%"));
        assert!(is_percent("0.00%"));
        assert!(is_percent("#,##0.0%;[Red]-#,##0.0%"));
        assert!(!is_percent("General"));
        assert!(!is_percent("0.00"));
        assert!(!is_percent("0.0\"%\""));
        assert!(!is_percent("0\\%"));
        assert!(!is_percent("yyyy-mm-dd"));
    }

    #[test]
    fn sheets_are_picked_by_table_name_or_alone() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            pick_sheet(&names(&["说明", "主体"]), "主体", true),
            Ok("主体".into())
        );
        assert_eq!(
            pick_sheet(&names(&["Sheet1"]), "主体", false),
            Ok("Sheet1".into())
        );
        assert!(pick_sheet(&names(&["Sheet1"]), "主体", true).is_err());
        let err = pick_sheet(&names(&["Sheet1", "Sheet2"]), "主体", false).unwrap_err();
        assert!(err.contains("没有名为“主体”的工作表"), "{err}");
        assert!(err.contains("“Sheet1”、“Sheet2”"), "{err}");
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 1), "A1");
        assert_eq!(cell_ref(5, 17), "F17");
        assert_eq!(cell_ref(26, 3), "AA3");
    }
}
