//! The benchmark evidence as a workbook: the generated CSV files copied
//! cell by cell into 证据.xlsx (sheets 主体 and 失信事件), typed as a
//! person would fill them in: numbers as numbers, dates as date cells,
//! codes and 是/否 as text.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use std::path::Path;
use std::time::{Duration, Instant};

/// Columns kept as text although their cells look like numbers.
const TEXT: [&str; 4] = ["编码", "名称", "所属地区", "事件编号"];

pub fn write(dir: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for table in ["主体", "失信事件"] {
        let sheet = book.add_worksheet();
        sheet.set_name(table)?;
        let mut rdr = csv::Reader::from_path(dir.join(format!("{table}.csv")))
            .map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| XlsxError::ParameterError(e.to_string()))?
            .iter()
            .map(str::to_owned)
            .collect();
        for (c, h) in (0u16..).zip(&header) {
            sheet.write_string(0, c, h)?;
        }
        let mut rec = csv::StringRecord::new();
        let mut r = 0u32;
        while rdr
            .read_record(&mut rec)
            .map_err(|e| XlsxError::ParameterError(e.to_string()))?
        {
            r += 1;
            for (c, (cell, name)) in (0u16..).zip(rec.iter().zip(&header)) {
                if cell.is_empty() {
                    continue;
                }
                if name == "日期" {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::parse_from_str(cell)?,
                        &date,
                    )?;
                } else if let (false, Ok(x)) = (TEXT.contains(&name.as_str()), cell.parse::<f64>())
                {
                    sheet.write_number(r, c, x)?;
                } else {
                    sheet.write_string(r, c, cell)?;
                }
            }
        }
    }
    book.save(dir.join("证据.xlsx"))
}

/// The floor for any reader built on calamine: every cell of both sheets
/// read and dropped, nothing checked, each sheet on its own thread (and
/// its own copy of the workbook, since a calamine reader reads one sheet
/// at a time). `None` when the workbook cannot be read.
pub fn calamine_floor(book: &Path) -> Option<Duration> {
    fn cells(book: &Path, sheet: &str) -> Option<usize> {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(book).ok()?;
        let mut reader = wb.worksheet_cells_reader(sheet).ok()?;
        let mut n = 0;
        while let Some((cell, _)) = reader.next_cell_with_style_id().ok()? {
            std::hint::black_box(cell);
            n += 1;
        }
        Some(n)
    }
    let start = Instant::now();
    let (a, b) = std::thread::scope(|s| {
        let events = s.spawn(|| cells(book, "失信事件"));
        (cells(book, "主体"), events.join().ok().flatten())
    });
    a.zip(b).map(|_| start.elapsed())
}
