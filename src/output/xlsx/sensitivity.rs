//! The workbook of `zhibiao sensitivity -o 敏感性.xlsx`: sheet 阈值 (one
//! row per threshold, as the Markdown table), 等级边界, and with `--runs`
//! 不确定性 and 逐项剔除. Counts and points are numbers, probabilities
//! percent-formatted numbers.

use super::{save, Widths};
use crate::analysis::sensitivity::show_delta;
use crate::output::file::OutputError;
use crate::report::sensitivity::{moved_text, room_text, Report};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// One cell of a sheet.
enum Cell {
    Text(String),
    Count(usize),
    Points(Decimal),
    Share(f64),
}

pub fn save_sensitivity(r: &Report, path: &Path) -> Result<(), OutputError> {
    let failed = |e: XlsxError| OutputError::new(path, format!("无法生成 Excel 工作簿：{e}"));
    let mut book = Workbook::new();
    let thresholds: Vec<Vec<Cell>> = (r.thresholds.iter())
        .map(|t| {
            vec![
                Cell::Text(t.knob.label.clone()),
                Cell::Text(t.knob.kind.name().to_owned()),
                Cell::Text(show_delta(t.knob.unit, &t.delta)),
                Cell::Count(t.near),
                Cell::Count(t.score_changed.len()),
                Cell::Count(t.grade_subjects()),
                Cell::Text(moved_text(t, usize::MAX)),
            ]
        })
        .collect();
    let head = [
        "阈值",
        "种类",
        "δ",
        "±δ内主体数",
        "得分改变",
        "等级改变",
        "等级改变的主体",
    ];
    sheet(book.add_worksheet(), "阈值", &head, &thresholds).map_err(failed)?;
    let margins: Vec<Vec<Cell>> = (r.margins.iter())
        .map(|m| {
            vec![
                Cell::Text(m.code.clone()),
                Cell::Text(m.name.clone()),
                Cell::Points(m.total),
                Cell::Text(m.grade.clone()),
                Cell::Text(m.to.clone()),
                Cell::Points(m.boundary),
                Cell::Points(if m.direction == "up" { m.gap } else { -m.gap }),
                Cell::Text(room_text(m)),
            ]
        })
        .collect();
    let head = [
        "编码",
        "名称",
        "总分",
        "等级",
        "可能变为",
        "界限",
        "差距（正为还差，负为还余）",
        "可能的指标",
    ];
    sheet(book.add_worksheet(), "等级边界", &head, &margins).map_err(failed)?;
    if let Some(u) = r.uncertainty {
        let grades: Vec<String> = (u.subjects.first())
            .map(|s| s.grades.iter().map(|(g, _)| g.clone()).collect())
            .unwrap_or_default();
        let mut head: Vec<String> = [
            "编码",
            "名称",
            "排名",
            "等级",
            "排名中位数",
            "排名 5%",
            "排名 95%",
        ]
        .map(str::to_owned)
        .to_vec();
        head.extend(grades.iter().map(|g| format!("为{g}的概率")));
        let runs = u.runs.max(1) as f64;
        let rows: Vec<Vec<Cell>> = (u.subjects.iter())
            .map(|s| {
                let mut row = vec![
                    Cell::Text(s.code.clone()),
                    Cell::Text(s.name.clone()),
                    Cell::Count(s.rank),
                    Cell::Text(s.grade.clone()),
                    Cell::Count(s.median_rank),
                    Cell::Count(s.low_rank),
                    Cell::Count(s.high_rank),
                ];
                row.extend(s.grades.iter().map(|(_, n)| Cell::Share(*n as f64 / runs)));
                row
            })
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        sheet(book.add_worksheet(), "不确定性", &head, &rows).map_err(failed)?;
        let rows: Vec<Vec<Cell>> = (u.removal.iter())
            .map(|m| {
                vec![
                    Cell::Text(m.code.clone()),
                    Cell::Text(m.name.clone()),
                    Cell::Points(m.mean_shift),
                    Cell::Count(m.grade_changed),
                ]
            })
            .collect();
        let head = ["指标", "名称", "排名平均变动", "等级改变的主体数"];
        sheet(book.add_worksheet(), "逐项剔除", &head, &rows).map_err(failed)?;
    }
    save(&mut book, path)
}

fn sheet(
    sheet: &mut Worksheet,
    name: &str,
    head: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    let points = Format::new().set_num_format("0.00");
    let share = Format::new().set_num_format("0.0%");
    let mut widths = Widths::default();
    for (col, h) in (0u16..).zip(head) {
        sheet.write_string_with_format(0, col, *h, &bold)?;
        widths.see(col, h);
    }
    for (r, row) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, col, t)?;
                    widths.see(col, t);
                }
                Cell::Count(n) => {
                    sheet.write_number(r, col, *n as f64)?;
                }
                Cell::Points(d) => {
                    sheet.write_number_with_format(r, col, d.to_f64().unwrap_or(0.0), &points)?;
                }
                Cell::Share(x) => {
                    sheet.write_number_with_format(r, col, *x, &share)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    widths.apply(sheet)
}
