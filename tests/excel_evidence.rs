//! Evidence read from workbooks: an .xlsx copy of examples/evidence, cells
//! typed as a person fills them in Excel (numbers, percent-formatted
//! cells, date cells, TRUE/FALSE, 是/否, empty cells), evaluates exactly as
//! the CSV files do; each workbook problem names the sheet and the cell.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;
use zhibiao::ir::{Model, Ty};

const RULES: &str = "rules/national.zb";
const EVIDENCE: &str = "examples/evidence";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn model() -> Model {
    zhibiao::driver::compile_file(Path::new(RULES))
        .unwrap()
        .model
        .unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// How the copy writes its cells.
#[derive(Clone, Copy)]
struct Style {
    /// 百分数 fields as percent-formatted cells (98 → 0.98 shown as 98%).
    percent_cells: bool,
    /// Every other 是否 cell as TRUE/FALSE instead of 是/否.
    booleans: bool,
    /// Title row above the header (must be refused).
    title_row: bool,
}

const EXCEL_LIKE: Style = Style {
    percent_cells: true,
    booleans: true,
    title_row: false,
};

/// The value Excel stores for a number typed as `text`: the double
/// nearest to the decimal (for a percent, to the decimal divided by 100).
fn stored(text: &str, percent: bool) -> f64 {
    let mut d = Decimal::from_str(text).unwrap();
    if percent {
        d /= Decimal::ONE_HUNDRED;
    }
    d.normalize().to_string().parse().unwrap()
}

/// Write each table of `tables` (name, CSV file) as a sheet of `book`,
/// typing cells by the field's declared type.
fn add_sheets(book: &mut Workbook, model: &Model, tables: &[(&str, PathBuf)], style: Style) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0.00%");
    for (name, csv) in tables {
        let table = std::iter::once(&model.subject)
            .chain(&model.events)
            .find(|t| t.name == *name)
            .unwrap();
        let (header, rows) = read_csv(csv);
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        let top = u32::from(style.title_row);
        if style.title_row {
            sheet
                .merge_range(0, 0, 0, 5, "2025年度政务诚信评价数据", &Format::new())
                .unwrap();
        }
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(top, c as u16, h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            let r = top + 1 + r as u32;
            for (c, text) in row.iter().enumerate() {
                let c = c as u16;
                let ty = table
                    .field(&header[c as usize])
                    .map(|f| &table.fields[f].ty);
                if text.is_empty() {
                    continue;
                }
                match ty {
                    Some(Ty::Percent) if style.percent_cells => {
                        let v = stored(text, true);
                        sheet.write_number_with_format(r, c, v, &percent).unwrap();
                    }
                    Some(t) if t.is_numeric() => {
                        sheet.write_number(r, c, stored(text, false)).unwrap();
                    }
                    Some(Ty::Date) => {
                        let d = ExcelDateTime::parse_from_str(text).unwrap();
                        sheet.write_datetime_with_format(r, c, d, &date).unwrap();
                    }
                    Some(Ty::YesNo) if style.booleans && r % 2 == 0 => {
                        sheet.write_boolean(r, c, text == "是").unwrap();
                    }
                    _ => {
                        sheet.write_string(r, c, text).unwrap();
                    }
                }
            }
        }
    }
}

fn tables(dir: &str) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("主体", Path::new(dir).join("主体.csv")),
        ("失信事件", Path::new(dir).join("失信事件.csv")),
    ]
}

/// One workbook, a sheet per table.
fn workbook(path: &Path, style: Style) {
    let mut book = Workbook::new();
    add_sheets(&mut book, &model(), &tables(EVIDENCE), style);
    book.save(path).unwrap();
}

fn csv_results(data: &[&str]) -> String {
    let mut args = vec!["eval", RULES, "--format", "csv"];
    for d in data {
        args.extend(["--data", d]);
    }
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_workbook_copy_of_the_sample_evaluates_like_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("证据.xlsx");
    workbook(&book, EXCEL_LIKE);
    let want = csv_results(&[EVIDENCE]);
    assert!(want.lines().count() > 10, "{want}");
    assert_eq!(csv_results(&[book.to_str().unwrap()]), want);
}

#[test]
fn a_data_folder_of_workbooks_and_bound_sheets_evaluate_alike() {
    let dir = tempfile::tempdir().unwrap();
    let model = model();
    for (name, csv) in tables(EVIDENCE) {
        let mut book = Workbook::new();
        add_sheets(&mut book, &model, &[(name, csv)], EXCEL_LIKE);
        // A sheet not named like the table: the only sheet is taken.
        book.worksheet_from_index(0)
            .unwrap()
            .set_name("Sheet1")
            .unwrap();
        book.save(dir.path().join(format!("{name}.xlsx"))).unwrap();
    }
    let want = csv_results(&[EVIDENCE]);
    assert_eq!(csv_results(&[dir.path().to_str().unwrap()]), want);
    let subjects = format!("主体={}", dir.path().join("主体.xlsx").display());
    let events = format!("失信事件={}", dir.path().join("失信事件.xlsx").display());
    assert_eq!(csv_results(&[&subjects, &events]), want);
    // A workbook for one table beside CSV files for the other.
    let mixed = format!("失信事件={EVIDENCE}/失信事件.csv");
    assert_eq!(csv_results(&[&subjects, &mixed]), want);
}

#[test]
fn a_folder_with_both_a_csv_and_a_workbook_for_a_table_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["主体.csv", "失信事件.csv"] {
        std::fs::copy(Path::new(EVIDENCE).join(f), dir.path().join(f)).unwrap();
    }
    workbook(&dir.path().join("主体.xlsx"), EXCEL_LIKE);
    let out = run(&["eval", RULES, "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("E0516"), "{err}");
    assert!(err.contains("主体.csv 和 主体.xlsx"), "{err}");
}

/// A one-sheet workbook of the subject table whose row 2 holds `cells`
/// (field → cell writer) over the first sample row.
fn subject_book(path: &Path, edit: impl Fn(&mut rust_xlsxwriter::Worksheet, &[String])) {
    let model = model();
    let mut book = Workbook::new();
    add_sheets(
        &mut book,
        &model,
        &[("主体", Path::new(EVIDENCE).join("主体.csv"))],
        EXCEL_LIKE,
    );
    let (header, _) = read_csv(&Path::new(EVIDENCE).join("主体.csv"));
    edit(book.worksheet_from_index(0).unwrap(), &header);
    book.save(path).unwrap();
}

fn col(header: &[String], name: &str) -> u16 {
    header.iter().position(|h| h == name).unwrap() as u16
}

/// Evaluate a subject workbook beside the sample events; must fail.
fn failing(book: &Path) -> String {
    let dir = book.parent().unwrap();
    let out_file = dir.join("结果.csv");
    let subjects = format!("主体={}", book.display());
    let events = format!("失信事件={EVIDENCE}/失信事件.csv");
    let out = run(&[
        "eval",
        RULES,
        "--data",
        &subjects,
        "--data",
        &events,
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!out_file.exists(), "no results from invalid evidence");
    stderr(&out)
}

#[test]
fn a_count_holding_a_fraction_names_sheet_cell_code_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("主体.xlsx");
    subject_book(&book, |sheet, header| {
        sheet
            .write_number(2, col(header, "政策文件数"), 2.5)
            .unwrap();
    });
    let err = failing(&book);
    // Row 3 of the sheet is the second subject, 110102 西城区.
    let c = rust_xlsxwriter::utility::column_number_to_name(col(&read_header(), "政策文件数"));
    assert!(err.contains(&format!("主体.xlsx:主体!{c}3:")), "{err}");
    assert!(err.contains("E0506"), "{err}");
    assert!(err.contains("政策文件数"), "{err}");
    assert!(err.contains("2.5"), "{err}");
    assert!(err.contains("主体 110102 西城区"), "{err}");
}

fn read_header() -> Vec<String> {
    read_csv(&Path::new(EVIDENCE).join("主体.csv")).0
}

#[test]
fn integer_valued_floats_are_counts_and_codes_typed_as_numbers_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("主体.xlsx");
    subject_book(&book, |sheet, header| {
        // 编码 typed as a number: read as the text 110101.
        sheet
            .write_number(1, col(header, "编码"), 110101.0)
            .unwrap();
        sheet
            .write_number(1, col(header, "政策文件数"), 30.0)
            .unwrap();
    });
    let subjects = format!("主体={}", book.display());
    let events = format!("失信事件={EVIDENCE}/失信事件.csv");
    assert_eq!(csv_results(&[&subjects, &events]), csv_results(&[EVIDENCE]));
}

#[test]
fn dates_as_serial_numbers_and_chinese_text_are_dates() {
    let dir = tempfile::tempdir().unwrap();
    let model = model();
    let (header, rows) = read_csv(&Path::new(EVIDENCE).join("失信事件.csv"));
    let mut book = Workbook::new();
    add_sheets(&mut book, &model, &tables(EVIDENCE), EXCEL_LIKE);
    let sheet = book.worksheet_from_name("失信事件").unwrap();
    let c = col(&header, "日期");
    // Row 2 (first event, 2025-01-01): the serial number 45658 without a
    // date format; row 3 (2025-12-31) as Chinese text.
    assert_eq!(rows[0][c as usize], "2025-01-01");
    assert_eq!(rows[1][c as usize], "2025-12-31");
    sheet.write_number(1, c, 45658.0).unwrap();
    sheet.write_string(2, c, "2025年12月31日").unwrap();
    let path = dir.path().join("证据.xlsx");
    book.save(&path).unwrap();
    assert_eq!(
        csv_results(&[path.to_str().unwrap()]),
        csv_results(&[EVIDENCE])
    );
}

#[test]
fn a_title_row_above_the_header_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("证据.xlsx");
    workbook(
        &book,
        Style {
            title_row: true,
            ..EXCEL_LIKE
        },
    );
    let out = run(&["eval", RULES, "--data", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("E0519"), "{err}");
    assert!(
        err.contains("“2025年度政务诚信评价数据”像是标题行"),
        "{err}"
    );
    assert!(err.contains("证据.xlsx:主体!第1行"), "{err}");
}

#[test]
fn a_workbook_without_a_sheet_for_a_table_names_the_sheets_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("证据.xlsx");
    let mut wb = Workbook::new();
    add_sheets(
        &mut wb,
        &model(),
        &[("主体", Path::new(EVIDENCE).join("主体.csv"))],
        EXCEL_LIKE,
    );
    wb.save(&book).unwrap();
    let out = run(&["eval", RULES, "--data", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("E0519"), "{err}");
    assert!(
        err.contains("没有名为“失信事件”的工作表：现有工作表为 “主体”"),
        "{err}"
    );
}

#[test]
fn error_values_and_dates_in_number_fields_are_errors_with_cells() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("主体.xlsx");
    subject_book(&book, |sheet, header| {
        let div0 = rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!");
        sheet
            .write_formula(3, col(header, "重大决策数"), div0)
            .unwrap();
        let d = ExcelDateTime::from_ymd(2025, 3, 1).unwrap();
        let f = Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_datetime_with_format(4, col(header, "热线工单数"), d, &f)
            .unwrap();
    });
    let err = failing(&book);
    let h = read_header();
    let name = |f: &str| rust_xlsxwriter::utility::column_number_to_name(col(&h, f));
    assert!(
        err.contains(&format!("主体!{}5:", name("热线工单数"))),
        "{err}"
    );
    assert!(err.contains("是日期 2025-03-01"), "{err}");
    assert!(
        err.contains(&format!("主体!{}4:", name("重大决策数"))),
        "{err}"
    );
    assert!(err.contains("是 Excel 错误值 #DIV/0!"), "{err}");
}

#[test]
fn an_unreadable_workbook_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("主体.xlsx");
    std::fs::write(&book, "编码,名称\n1,a\n").unwrap();
    let err = failing(&book);
    assert!(err.contains("E0519"), "{err}");
    assert!(err.contains("另存为 .xlsx"), "{err}");
}
