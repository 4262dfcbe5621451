//! The LibreOffice test helper (`support/office.rs`) itself: a workbook
//! written with rust_xlsxwriter comes back as one CSV per sheet, in
//! workbook order, and LibreOffice can save a CSV as an .xlsx that
//! calamine reads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/office.rs"]
mod office;

use calamine::{Data, Reader};
use rust_xlsxwriter::Workbook;

fn two_sheets(path: &std::path::Path) {
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("主体").unwrap();
    s.write_string(0, 0, "编码").unwrap();
    s.write_string(0, 1, "名称").unwrap();
    s.write_string(0, 2, "公开率").unwrap();
    s.write_string(1, 0, "001").unwrap();
    s.write_string(1, 1, "甲县, “东区”").unwrap();
    s.write_number(1, 2, 98.5).unwrap();
    s.write_string(2, 0, "002").unwrap();
    s.write_string(2, 1, "乙县").unwrap();
    s.write_number(2, 2, 0.1).unwrap();
    let s = wb.add_worksheet();
    s.set_name("失信事件").unwrap();
    s.write_string(0, 0, "主体编码").unwrap();
    s.write_string(0, 1, "件数").unwrap();
    s.write_string(1, 0, "001").unwrap();
    s.write_number(1, 1, 3).unwrap();
    wb.save(path).unwrap();
}

#[test]
fn every_sheet_comes_back_as_csv_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("证据 样例.xlsx");
    two_sheets(&path);
    let Some(sheets) = office::sheets_as_csv(&path) else {
        return;
    };
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["主体", "失信事件"]);
    assert_eq!(
        sheets[0].1,
        "编码,名称,公开率\n001,\"甲县, “东区”\",98.5\n002,乙县,0.1\n"
    );
    assert_eq!(sheets[1].1, "主体编码,件数\n001,3\n");
}

#[test]
fn a_csv_saved_as_xlsx_by_libreoffice_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("主体.csv");
    std::fs::write(&csv, "编码,名称,得分\n001,甲县,12.5\n").unwrap();
    let Some(xlsx) = office::convert(&csv, "xlsx") else {
        return;
    };
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(names.len(), 1);
    let range = wb.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("编码".into()));
    assert_eq!(rows[1][1], Data::String("甲县".into()));
    assert_eq!(rows[1][2], Data::Float(12.5));
}
