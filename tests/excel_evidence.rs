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
                    Some(Ty::YesNo) if style.booleans && r.is_multiple_of(2) => {
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
    failing_with(book, &[])
}

/// Like [`failing`], with more arguments for `eval`.
fn failing_with(book: &Path, more: &[&str]) -> String {
    let out_file = book.with_file_name("结果.csv");
    let subjects = format!("主体={}", book.display());
    let events = format!("失信事件={EVIDENCE}/失信事件.csv");
    let mut args = vec!["eval", RULES, "--data", &subjects, "--data", &events];
    args.extend(more);
    args.extend(["-o", out_file.to_str().unwrap()]);
    let out = run(&args);
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

/// `eval --data BOOK -o 结果.csv` on a bad workbook: exit 1, no results.
fn failing_book(book: &Path) -> String {
    let out_file = book.with_file_name("结果.csv");
    let out = run(&[
        "eval",
        RULES,
        "--data",
        book.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!out_file.exists(), "no results from invalid evidence");
    stderr(&out)
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
    let err = failing_book(&book);
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
    let err = failing_book(&book);
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
    // Each names its field and its row's subject.
    let (_, rows) = read_csv(&Path::new(EVIDENCE).join("主体.csv"));
    for (line, field) in [(4, "重大决策数"), (5, "热线工单数")] {
        let row = &rows[line - 2];
        let at = format!("主体!{}{line}:", name(field));
        let msg = err.lines().find(|l| l.contains(&at)).unwrap();
        assert!(msg.contains(&format!("字段“{field}”")), "{msg}");
        assert!(
            msg.contains(&format!("（主体 {} {}）", row[0], row[1])),
            "{msg}"
        );
    }
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

#[path = "support/office.rs"]
mod office;

/// `eval` with a bad subject workbook and `--errors FILE`.
fn errors_of(book: &Path, errors: &Path) -> String {
    failing_with(book, &["--errors", errors.to_str().unwrap()])
}

fn fraction_book(dir: &Path) -> PathBuf {
    let book = dir.join("主体.xlsx");
    subject_book(&book, |sheet, header| {
        sheet
            .write_number(2, col(header, "政策文件数"), 2.5)
            .unwrap();
        sheet
            .write_string(5, col(header, "执法公示制度"), "有")
            .unwrap();
    });
    book
}

const ERRORS_HEADER: [&str; 10] = [
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

#[test]
fn the_errors_workbook_lists_every_problem_by_cell_and_subject() {
    use calamine::{Data, Reader};
    let dir = tempfile::tempdir().unwrap();
    let book = fraction_book(dir.path());
    let errors = dir.path().join("证据问题.xlsx");
    let err = errors_of(&book, &errors);
    assert!(err.contains("错误清单已写入"), "{err}");
    let mut wb = calamine::open_workbook_auto(&errors).unwrap();
    assert_eq!(wb.sheet_names(), vec!["证据问题".to_owned()]);
    let range = wb.worksheet_range("证据问题").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let text = |d: &Data| d.to_string();
    assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), ERRORS_HEADER);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let h = read_header();
    let name = |f: &str| rust_xlsxwriter::utility::column_number_to_name(col(&h, f));
    let first = &rows[1];
    assert_eq!(text(&first[0]), book.display().to_string());
    assert_eq!(text(&first[1]), "主体");
    assert_eq!(text(&first[2]), format!("{}3", name("政策文件数")));
    assert_eq!(first[3], Data::Float(3.0), "行 is a number");
    assert_eq!(text(&first[4]), "110102");
    assert_eq!(text(&first[5]), "西城区");
    assert_eq!(text(&first[6]), "政策文件数");
    assert_eq!(text(&first[7]), "2.5");
    assert!(text(&first[8]).starts_with("E0506 "), "{first:?}");
    assert!(!text(&first[9]).is_empty());
    let second = &rows[2];
    assert_eq!(text(&second[2]), format!("{}6", name("执法公示制度")));
    assert_eq!(text(&second[7]), "有");
    assert!(text(&second[8]).starts_with("E0509 "), "{second:?}");

    // LibreOffice opens it and sees the same table.
    if let Some(sheets) = office::sheets_as_csv(&errors) {
        assert_eq!(sheets.len(), 1);
        let (sheet, csv) = &sheets[0];
        assert_eq!(sheet, "证据问题");
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        let lo: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let ours: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(text).collect())
            .collect();
        assert_eq!(lo, ours);
    }
}

#[test]
fn the_errors_csv_has_a_bom_and_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let book = fraction_book(dir.path());
    let errors = dir.path().join("证据问题.csv");
    errors_of(&book, &errors);
    let bytes = std::fs::read(&errors).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
    let text = String::from_utf8(bytes).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ERRORS_HEADER
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "主体");
    assert_eq!(&rows[0][3], "3");
    assert_eq!(&rows[0][4], "110102");
    assert_eq!(&rows[0][6], "政策文件数");
}

#[test]
fn csv_evidence_errors_name_the_subject_and_line_in_the_errors_table() {
    let dir = tempfile::tempdir().unwrap();
    let (header, mut rows) = read_csv(&Path::new(EVIDENCE).join("失信事件.csv"));
    let c = header.iter().position(|h| h == "类型").unwrap();
    rows[2][c] = "=HYPERLINK(\"x\")".to_owned();
    let events = dir.path().join("失信事件.csv");
    let mut w = csv::Writer::from_path(&events).unwrap();
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let code = rows[2][0].clone();
    let (_, subjects) = read_csv(&Path::new(EVIDENCE).join("主体.csv"));
    let name = subjects.iter().find(|s| s[0] == code).unwrap()[1].clone();
    let errors = dir.path().join("问题.csv");
    let bound = format!("失信事件={}", events.display());
    let out = run(&[
        "eval",
        RULES,
        "--data",
        &format!("主体={EVIDENCE}/主体.csv"),
        "--data",
        &bound,
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("失信事件.csv:4:"), "{err}");
    assert!(err.contains(&format!("（主体 {code} {name}）")), "{err}");
    let text = std::fs::read_to_string(&errors).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "", "no sheet in a CSV file");
    assert_eq!(&row[3], "4");
    assert_eq!(&row[4], code);
    assert_eq!(&row[5], name);
    assert_eq!(&row[6], "类型");
    // A value from the data that a spreadsheet would run is defused.
    assert_eq!(&row[7], "'=HYPERLINK(\"x\")");
}

#[test]
fn valid_evidence_writes_an_empty_errors_table() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("问题.xlsx");
    std::fs::write(&errors, "old list").unwrap();
    let out = run(&[
        "eval",
        RULES,
        "--data",
        EVIDENCE,
        "--errors",
        errors.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&errors).unwrap();
    let range = wb.worksheet_range("证据问题").unwrap();
    assert_eq!(range.rows().count(), 1, "header only");
}

#[test]
fn the_errors_file_must_be_xlsx_or_csv_and_no_input() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("问题.txt");
    let out = run(&[
        "eval",
        RULES,
        "--data",
        EVIDENCE,
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("应以 .xlsx 或 .csv 结尾"),
        "{}",
        stderr(&out)
    );
    assert!(!errors.exists());
    let copy = dir.path().join("主体.csv");
    std::fs::copy(Path::new(EVIDENCE).join("主体.csv"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let out = run(&[
        "eval",
        RULES,
        "--data",
        &format!("主体={}", copy.display()),
        "--data",
        &format!("失信事件={EVIDENCE}/失信事件.csv"),
        "--errors",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&copy).unwrap(), before, "input untouched");
}

/// Our Excel-like copy saved again by LibreOffice as `ext`.
fn resaved(style: Style, ext: &str) -> Option<PathBuf> {
    let dir = tempfile::tempdir().unwrap().keep();
    let book = dir.join("证据.xlsx");
    workbook(&book, style);
    office::convert(&book, ext)
}

#[test]
fn a_workbook_saved_by_libreoffice_evaluates_like_the_csv_files() {
    let want = csv_results(&[EVIDENCE]);
    // .xlsx keeps the percent formats, so percent cells are read as shown.
    if let Some(xlsx) = resaved(EXCEL_LIKE, "xlsx") {
        assert_eq!(csv_results(&[xlsx.to_str().unwrap()]), want);
    }
    // .ods and .xls keep neither percent formats nor booleans (LibreOffice
    // stores TRUE as the number 1): 0–100 numbers and 是/否 text, as the
    // template asks for.
    let plain = Style {
        percent_cells: false,
        booleans: false,
        ..EXCEL_LIKE
    };
    for ext in ["ods", "xls"] {
        if let Some(book) = resaved(plain, ext) {
            assert_eq!(csv_results(&[book.to_str().unwrap()]), want, "{ext}");
        }
    }
}

#[test]
fn csv_files_imported_by_libreoffice_evaluate_alike() {
    // LibreOffice types the cells on import: numbers, codes as numbers,
    // ISO dates as date cells.
    let dir = tempfile::tempdir().unwrap();
    for table in ["主体", "失信事件"] {
        let Some(xlsx) = office::convert(&Path::new(EVIDENCE).join(format!("{table}.csv")), "xlsx")
        else {
            return;
        };
        std::fs::copy(xlsx, dir.path().join(format!("{table}.xlsx"))).unwrap();
    }
    assert_eq!(
        csv_results(&[dir.path().to_str().unwrap()]),
        csv_results(&[EVIDENCE])
    );
}

#[test]
fn formats_without_number_formats_say_how_percent_cells_are_read() {
    let Some(xls) = resaved(EXCEL_LIKE, "xls") else {
        return;
    };
    let out = run(&[
        "eval",
        RULES,
        "--data",
        xls.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let err = stderr(&out);
    assert!(err.contains("读不到单元格的数字格式"), "{err}");
    assert!(err.contains("主动公开达标率"), "{err}");
}

#[test]
fn booleans_that_became_numbers_are_refused_with_a_hint() {
    // LibreOffice saves TRUE/FALSE in .ods as the numbers 1/0.
    let Some(ods) = resaved(EXCEL_LIKE, "ods") else {
        return;
    };
    let err = failing_book(&ods);
    assert!(err.contains("E0509"), "{err}");
    assert!(err.contains("的单元格是数字 1：应为“是”或“否”"), "{err}");
    assert!(err.contains("证据.ods:主体!"), "{err}");
}

#[test]
fn empty_rows_and_formatted_empty_cells_after_the_data_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("主体.xlsx");
    let (_, rows) = read_csv(&Path::new(EVIDENCE).join("主体.csv"));
    let last = rows.len() as u32;
    subject_book(&book, |sheet, header| {
        let yellow = Format::new().set_background_color("#FFFF00");
        let width = header.len() as u16;
        // Formatted but empty cells right of the header and below the data,
        // as Excel leaves them after a clear; and empty rows at the end.
        for c in width..width + 3 {
            sheet.write_blank(0, c, &yellow).unwrap();
        }
        for r in last + 1..last + 20 {
            for c in 0..width + 3 {
                sheet.write_blank(r, c, &yellow).unwrap();
            }
        }
    });
    let subjects = format!("主体={}", book.display());
    let events = format!("失信事件={EVIDENCE}/失信事件.csv");
    assert_eq!(csv_results(&[&subjects, &events]), csv_results(&[EVIDENCE]));
}
