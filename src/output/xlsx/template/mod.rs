//! The evidence template (`zhibiao template`): a workbook with a sheet per
//! declared table for the counties to fill in — the fields as a header
//! row with a note on each, Excel data validation from each field's type
//! and constraints, cell formats that keep what is typed (codes as text,
//! dates as dates), and a 说明 sheet on how to fill it in. Given evidence,
//! the sheets hold it, so CSV evidence becomes a workbook.
//!
//! The 说明 sheet comes first: it is what the workbook opens on, so a
//! clerk reads how to fill it in before the first cell; the tables follow
//! in the order the rules declare them. Readers find a table's sheet by
//! its name, never by its position.

use super::{Widths, MAX_ROWS};
use crate::evidence::{Column, Evidence, Schema, TableData};
use crate::ir::{Field, Table, Ty};
use crate::number::{self, Num};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Note, Workbook, Worksheet, XlsxError};
use std::fmt;
use validation::{validation, Lists};
use words::{field_note, instructions};

mod validation;
mod words;

/// The last row that data validation covers (0-based): the sheet's end.
const LAST_ROW: u32 = MAX_ROWS - 1;
/// The most characters Excel keeps in a cell.
const MAX_CELL_TEXT: usize = 32_767;
/// Excel's limits on a validation's input/error title and message
/// (UTF-16 units).
const MAX_TITLE: usize = 32;
const MAX_MESSAGE: usize = 255;
/// Largest integer an Excel number (a double) holds exactly.
const MAX_EXACT_INT: i64 = 1 << 53;

/// What the 说明 sheet says the template is for.
#[derive(Clone, Debug, Default)]
pub struct Info {
    /// The rule file, as the user named it.
    pub rules: String,
    /// The workbook's file name, for the command that evaluates it.
    pub workbook: String,
    pub standard: String,
    pub version: String,
}

/// Why the template could not be made.
#[derive(Debug)]
pub enum TemplateError {
    /// A table whose name Excel does not accept as a sheet name.
    SheetName {
        table: String,
        why: &'static str,
    },
    /// More rows of evidence than a sheet holds.
    TooManyRows {
        table: String,
        rows: usize,
    },
    /// A text cell longer than Excel keeps.
    LongText {
        table: String,
        field: String,
        line: usize,
    },
    Xlsx(XlsxError),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::SheetName { table, why } => write!(
                f,
                "表名“{table}”不能用作 Excel 工作表名：{why}（模板中每张表一个同名工作表）"
            ),
            TemplateError::TooManyRows { table, rows } => write!(
                f,
                "表“{table}”有 {rows} 行数据，超过 Excel 工作表的上限 {} 行",
                LAST_ROW
            ),
            TemplateError::LongText { table, field, line } => write!(
                f,
                "表“{table}”第 {line} 行字段“{field}”的文本超过 {MAX_CELL_TEXT} 个字符，Excel 单元格放不下"
            ),
            TemplateError::Xlsx(e) => write!(f, "无法生成 Excel 工作簿：{e}"),
        }
    }
}

impl From<XlsxError> for TemplateError {
    fn from(e: XlsxError) -> Self {
        TemplateError::Xlsx(e)
    }
}

/// The name of the instructions sheet (another if a table has that name).
fn instructions_name(schema: &Schema) -> &'static str {
    let taken = |n: &str| tables(schema).any(|t| t.name == n);
    ["说明", "填写说明", "模板说明"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("zhibiao说明")
}

/// The subject table, then every event table, as declared.
fn tables<'a>(schema: &'a Schema) -> impl Iterator<Item = &'a Table> {
    std::iter::once(schema.subject).chain(schema.events.iter())
}

/// The template workbook for `schema`; with `evidence` (validated against
/// the same schema) its rows are filled in.
pub fn template(
    schema: &Schema,
    info: &Info,
    evidence: Option<&Evidence>,
) -> Result<Workbook, TemplateError> {
    for table in tables(schema) {
        if let Some(why) = bad_sheet_name(&table.name) {
            return Err(TemplateError::SheetName {
                table: table.name.clone(),
                why,
            });
        }
    }
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let mut lists = Lists::new(schema);
    let guide = instructions(schema, info, &formats, instructions_name(schema))?;
    workbook.push_worksheet(guide);
    for (i, table) in tables(schema).enumerate() {
        let data = evidence.and_then(|e| match i {
            0 => Some(&e.subjects),
            _ => e.events.get(i - 1),
        });
        let sheet = table_sheet(schema, table, data, &formats, &mut lists)?;
        workbook.push_worksheet(sheet);
    }
    if let Some(sheet) = lists.into_sheet(&formats)? {
        workbook.push_worksheet(sheet);
    }
    Ok(workbook)
}

/// Excel's rules for a sheet name, in the user's words.
fn bad_sheet_name(name: &str) -> Option<&'static str> {
    if name.encode_utf16().count() > 31 {
        Some("长于 31 个字符")
    } else if name.contains(['[', ']', ':', '*', '?', '/', '\\']) {
        Some("含有 [ ] : * ? / \\ 之一")
    } else if name.starts_with('\'') || name.ends_with('\'') {
        Some("以撇号开头或结尾")
    } else if name.eq_ignore_ascii_case("history") {
        Some("History 是 Excel 保留的名称")
    } else {
        None
    }
}

struct Formats {
    header: Format,
    text: Format,
    date: Format,
    title: Format,
    bold: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            // 49 is Excel's built-in text format, "@".
            header: Format::new().set_bold().set_num_format_index(49),
            text: Format::new().set_num_format_index(49),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
        }
    }

    /// The format of a field's column, and of every value written in it.
    fn of(&self, ty: &Ty) -> Option<&Format> {
        match ty {
            Ty::Text => Some(&self.text),
            Ty::Date => Some(&self.date),
            _ => None,
        }
    }
}

/// One table's sheet: header, notes, formats, validation, and the rows of
/// `data` if given.
fn table_sheet(
    schema: &Schema,
    table: &Table,
    data: Option<&TableData>,
    formats: &Formats,
    lists: &mut Lists,
) -> Result<Worksheet, TemplateError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&table.name)?;
    let mut widths = Widths::default();
    for (c, field) in table.fields.iter().enumerate() {
        let col = col_num(c);
        if let Some(format) = formats.of(&field.ty) {
            sheet.set_column_format(col, format)?;
        }
        sheet.write_string_with_format(0, col, &field.name, &formats.header)?;
        widths.see(col, &field.name);
        if field.ty == Ty::Date {
            widths.see(col, "2025-03-01");
        }
        let note = field_note(schema, table, field);
        let lines = u32::try_from(note.lines().count()).unwrap_or(20);
        sheet.insert_note(
            0,
            col,
            &Note::new(note).set_width(320).set_height(24 + 18 * lines),
        )?;
        if let Some(v) = validation(schema, table, c, lists)? {
            sheet.add_data_validation(1, col, LAST_ROW, col, &v)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if let Some(data) = data {
        fill(&mut sheet, schema, table, data, formats, &mut widths)?;
    }
    widths.apply(&mut sheet)?;
    Ok(sheet)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// The rows of validated evidence: numbers as numbers, dates as date
/// cells, 是否 as 是/否, enum values as their names, empty cells empty.
fn fill(
    sheet: &mut Worksheet,
    schema: &Schema,
    table: &Table,
    data: &TableData,
    formats: &Formats,
    widths: &mut Widths,
) -> Result<(), TemplateError> {
    if data.rows > LAST_ROW as usize {
        return Err(TemplateError::TooManyRows {
            table: table.name.clone(),
            rows: data.rows,
        });
    }
    for (c, (field, column)) in table.fields.iter().zip(&data.columns).enumerate() {
        let col = col_num(c);
        let format = formats.of(&field.ty);
        for row in 0..data.rows {
            let r = u32::try_from(row + 1).unwrap_or(LAST_ROW);
            let Some(cell) = cell_of(column, row, field, schema) else {
                continue;
            };
            match cell {
                Cell::Number(x) => match format {
                    Some(f) => sheet.write_number_with_format(r, col, x, f)?,
                    None => sheet.write_number(r, col, x)?,
                },
                Cell::Text(s) => {
                    if s.chars().count() > MAX_CELL_TEXT {
                        return Err(TemplateError::LongText {
                            table: table.name.clone(),
                            field: field.name.clone(),
                            line: data.lines.get(row).copied().unwrap_or(row + 2),
                        });
                    }
                    widths.see(col, &s);
                    match format {
                        Some(f) => sheet.write_string_with_format(r, col, &s, f)?,
                        None => sheet.write_string(r, col, &s)?,
                    }
                }
            };
        }
    }
    Ok(())
}

enum Cell {
    Number(f64),
    Text(String),
}

/// A value as the cell to write; `None` for an empty cell.
fn cell_of(column: &Column, row: usize, field: &Field, schema: &Schema) -> Option<Cell> {
    if !column.is_present(row) {
        return None;
    }
    Some(match column {
        Column::Int(_) | Column::Num(_) => number_cell(&column.num(row)?),
        Column::Bool(c) => Cell::Text(if c.get(row).copied()?? { "是" } else { "否" }.into()),
        Column::Enum(c) => {
            let i = usize::try_from(c.get(row).copied()??).ok()?;
            let Ty::Enum(e) = field.ty else { return None };
            Cell::Text(schema.enums.get(e)?.get(i)?.clone())
        }
        Column::Date(c) => date_cell(c.get(row).copied()??),
        Column::Text(_) => Cell::Text(column.text(row)?.to_owned()),
    })
}

/// A number as an Excel number when a double holds it exactly as
/// written (the shortest decimal that round-trips is the same value);
/// otherwise as text, which readers take as the number it spells, so
/// nothing is rounded on the way.
fn number_cell(x: &Num) -> Cell {
    let exact = number::to_exact_decimal(x).unwrap_or_else(|| number::to_decimal(x));
    let text = exact.normalize().to_string();
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && round_trips(f, exact) => Cell::Number(f),
        _ => Cell::Text(text),
    }
}

fn round_trips(f: f64, exact: Decimal) -> bool {
    if f.fract() == 0.0 && f.abs() > MAX_EXACT_INT as f64 {
        return false;
    }
    format!("{f}").parse::<Decimal>().is_ok_and(|d| d == exact)
}

/// A date as an Excel date serial (1900 date system, as Excel and WPS use
/// by default); a date before 1900, which Excel cannot show, as
/// `YYYY-MM-DD` text, which readers accept.
fn date_cell(day: i64) -> Cell {
    use crate::date::day_number;
    let (Some(first), Some(leap)) = (day_number(1900, 1, 1), day_number(1900, 3, 1)) else {
        return Cell::Text(crate::date::format(day));
    };
    // Excel counts 1900-02-29, a day that never was, as serial 60.
    let base = if day >= leap { first - 2 } else { first - 1 };
    if day < first {
        return Cell::Text(crate::date::format(day));
    }
    Cell::Number((day - base) as f64)
}

/// Text cut to `max` UTF-16 units (Excel's measure), with an ellipsis.
fn clip(text: &str, max: usize) -> String {
    if text.encode_utf16().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        if used + ch.len_utf16() > max - 1 {
            break;
        }
        used += ch.len_utf16();
        out.push(ch);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Num {
        number::from_decimal(text.parse().unwrap_or_default())
    }

    fn shown(cell: Cell) -> String {
        match cell {
            Cell::Number(x) => format!("number {x}"),
            Cell::Text(s) => format!("text {s}"),
        }
    }

    /// A number is written as an Excel number only when the double holds
    /// it as written; otherwise as text, never rounded.
    #[test]
    fn numbers_that_a_double_cannot_hold_stay_text() {
        assert_eq!(shown(number_cell(&num("0.1"))), "number 0.1");
        assert_eq!(shown(number_cell(&num("80000.5"))), "number 80000.5");
        assert_eq!(shown(number_cell(&num("98.50"))), "number 98.5");
        assert_eq!(
            shown(number_cell(&num("9007199254740992"))),
            "number 9007199254740992"
        );
        assert_eq!(
            shown(number_cell(&num("9007199254740993"))),
            "text 9007199254740993"
        );
        assert_eq!(
            shown(number_cell(&num("0.1234567890123456789"))),
            "text 0.1234567890123456789"
        );
    }

    /// Excel's serial numbers, 1900-02-29 (serial 60) included; dates
    /// before 1900 as text.
    #[test]
    fn dates_as_excel_serials() {
        let day = |y, m, d| crate::date::day_number(y, m, d).unwrap_or_default();
        assert_eq!(shown(date_cell(day(1900, 1, 1))), "number 1");
        assert_eq!(shown(date_cell(day(1900, 2, 28))), "number 59");
        assert_eq!(shown(date_cell(day(1900, 3, 1))), "number 61");
        assert_eq!(shown(date_cell(day(2025, 3, 1))), "number 45717");
        assert_eq!(shown(date_cell(day(1899, 12, 31))), "text 1899-12-31");
    }

    #[test]
    fn messages_are_clipped_to_excel_limits() {
        assert_eq!(clip("重大决策数", 32), "重大决策数");
        let long = "字".repeat(40);
        let clipped = clip(&long, MAX_TITLE);
        assert_eq!(clipped.encode_utf16().count(), MAX_TITLE);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn sheet_names_excel_refuses() {
        assert!(bad_sheet_name("主体").is_none());
        assert!(bad_sheet_name("a/b").is_some());
        assert!(bad_sheet_name(&"表".repeat(32)).is_some());
    }
}
