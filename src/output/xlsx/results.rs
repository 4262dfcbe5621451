//! The result workbook of `zhibiao eval -o 结果.xlsx`: sheets 结果 (every
//! subject), 指标统计 (every indicator over the population) and 说明 (what
//! the run read and used). Formats only: ranks, statistics and checksums
//! come computed (see [`crate::analysis`]).
//!
//! A national run has a million subjects: each subject's cells are spooled
//! as one CSV record (in memory, on disk past a few MiB) while scoring goes
//! on, and the 结果 sheet is written in rust_xlsxwriter's constant-memory
//! mode once the ranks are known, so neither we nor the writer hold every
//! cell at once.

use super::{save, Widths, MAX_ROWS};
use crate::analysis::provenance::Provenance;
use crate::analysis::stats::Stats;
use crate::eval::SubjectResult;
use crate::ir::Model;
use crate::output::file::OutputError;
use crate::report::fixed;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::io::{self, Seek};
use std::path::Path;

/// Subjects a 结果 sheet holds below its two header rows.
pub const MAX_SUBJECTS: usize = MAX_ROWS as usize - 2;

/// Spooled rows kept in memory before the spool goes to disk.
const SPOOL_IN_MEMORY: usize = 8 << 20;

/// Fills of grades by their position in the grade table, best first:
/// green … red; a table of n grades spreads over the palette.
const GRADE_FILLS: [u32; 5] = [0xC6EFCE, 0xE2EFDA, 0xFFEB9C, 0xF8CBAD, 0xFFC7CE];

/// Indicator names in the second header row are measured up to this width
/// (a longer name wraps).
const NAME_WIDTH: usize = 20;

/// Whether `subjects` fit one sheet: the message says what to do if not.
pub fn check_fits(subjects: usize) -> Result<(), String> {
    if subjects <= MAX_SUBJECTS {
        return Ok(());
    }
    Err(format!(
        "结果工作簿放不下 {subjects} 个主体：Excel 一张工作表最多 {} 行，除去两行表头最多 {MAX_SUBJECTS} 个主体；\
         请改用 -o 结果.csv",
        MAX_ROWS
    ))
}

/// The 结果 sheet's rows, collected subject by subject.
pub struct ResultBook<'m> {
    model: &'m Model,
    /// Title of the grouping column (the `分组` field), if the rules have one.
    group: Option<String>,
    spool: csv::Writer<tempfile::SpooledTempFile>,
    rows: usize,
}

impl<'m> ResultBook<'m> {
    pub fn new(model: &'m Model) -> Self {
        let group = model
            .subject
            .group_field()
            .and_then(|g| model.subject.fields.get(g))
            .map(|f| f.name.clone());
        ResultBook {
            model,
            group,
            spool: csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY)),
            rows: 0,
        }
    }

    /// One subject (in subject order), with its grouping field's value.
    pub fn add(&mut self, r: &SubjectResult, group: Option<&str>) -> io::Result<()> {
        check_fits(self.rows + 1).map_err(io::Error::other)?;
        let p = self.model.policy.round_places;
        let vetoes: Vec<&str> = r.vetoes.iter().map(|v| v.0.as_str()).collect();
        let mut record: Vec<String> = vec![r.code.clone(), r.name.clone()];
        if self.group.is_some() {
            record.push(group.unwrap_or_default().to_string());
        }
        record.extend(r.indicators.iter().map(|i| fixed(i.score, p)));
        record.extend([r.base, r.bonus, r.total].map(|d| fixed(d, p)));
        record.extend([r.grade.clone(), vetoes.join(";"), r.missing.join(";")]);
        self.spool.write_record(&record).map_err(io::Error::other)?;
        self.rows += 1;
        Ok(())
    }

    /// Write the workbook to `path`: `ranks` in subject order.
    pub fn save(
        self,
        ranks: &[usize],
        stats: &Stats,
        info: &Provenance,
        path: &Path,
    ) -> Result<(), OutputError> {
        let failed = |e: String| OutputError::new(path, format!("无法生成 Excel 工作簿：{e}"));
        let model = self.model;
        let group = self.group.clone();
        let mut spool = self.spool.into_inner().map_err(|e| failed(e.to_string()))?;
        spool.rewind().map_err(|e| failed(e.to_string()))?;
        let mut book = Workbook::new();
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(|e| failed(e.to_string()))?;
        results_sheet(sheet, model, group.as_deref(), spool, ranks).map_err(failed)?;
        let sheet = book.add_worksheet();
        stats_sheet(sheet, model, stats).map_err(|e| failed(e.to_string()))?;
        let sheet = book.add_worksheet();
        info_sheet(sheet, info, self.rows).map_err(|e| failed(e.to_string()))?;
        save(&mut book, path)
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
}

/// `0.00` for two places, `0` for none.
pub fn places_format(places: u32) -> Format {
    let mut f = String::from("0");
    if places > 0 {
        f.push('.');
        f.push_str(&"0".repeat(places as usize));
    }
    Format::new().set_num_format(f)
}

/// The fill of each grade by its position in the grade table (a veto grade
/// not in the table is the worst).
fn grade_formats(model: &Model) -> Vec<(String, Format)> {
    let mut names: Vec<String> = Vec::new();
    for g in &model.grades {
        if !names.contains(&g.grade) {
            names.push(g.grade.clone());
        }
    }
    if let Some(v) = &model.policy.veto_grade {
        if !names.contains(v) {
            names.push(v.clone());
        }
    }
    let last = names.len().saturating_sub(1).max(1);
    let top = GRADE_FILLS.len() - 1;
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let fill = GRADE_FILLS.get((i * top + last / 2) / last).copied();
            let fill = fill.unwrap_or(0xFFFFFF);
            (name, Format::new().set_background_color(Color::RGB(fill)))
        })
        .collect()
}

/// The part of `text` within `width` columns.
fn within(text: &str, width: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut w = 0;
    for (i, c) in text.char_indices() {
        w += c.width().unwrap_or(0);
        if w > width {
            return text.get(..i).unwrap_or(text);
        }
    }
    text
}

fn results_sheet(
    sheet: &mut Worksheet,
    model: &Model,
    group: Option<&str>,
    spool: tempfile::SpooledTempFile,
    ranks: &[usize],
) -> Result<(), String> {
    let e = |e: XlsxError| e.to_string();
    sheet.set_name("结果").map_err(e)?;
    let head = header_format();
    let wrapped = header_format().set_text_wrap();
    let score = places_format(model.policy.round_places);
    let rank = places_format(0);
    let grades = grade_formats(model);
    let fixed_before: Vec<&str> = ["编码", "名称"].into_iter().chain(group).collect();
    let fixed_after = ["基础分", "加分", "总分", "排名", "等级", "否决", "缺失"];
    let first_ind = fixed_before.len();
    let after = first_ind + model.indicators.len();
    let col = |i: usize| u16::try_from(i).map_err(|_| "列数超出 Excel 的上限".to_string());
    let mut widths = Widths::default();
    // Row 1: titles and indicator codes; row 2: titles and indicator names.
    let titles = fixed_before.iter().map(|t| (*t, *t));
    let inds = model
        .indicators
        .iter()
        .map(|i| (i.code.as_str(), i.name.as_str()));
    let tail = fixed_after.iter().map(|t| (*t, *t));
    let mut lines = 1;
    for (c, (top, bottom)) in titles.chain(inds).chain(tail).enumerate() {
        let c = col(c)?;
        sheet
            .write_string_with_format(0, c, top, &head)
            .map_err(e)?;
        widths.see(c, top);
        let shown = within(bottom, NAME_WIDTH);
        widths.see(c, shown);
        let width = unicode_width::UnicodeWidthStr::width(top)
            .max(unicode_width::UnicodeWidthStr::width(shown))
            .max(6);
        let need = unicode_width::UnicodeWidthStr::width(bottom).div_ceil(width);
        lines = lines.max(need);
    }
    let titles = fixed_before.iter().copied();
    let inds = model.indicators.iter().map(|i| i.name.as_str());
    for (c, name) in titles.chain(inds).chain(fixed_after).enumerate() {
        let c = col(c)?;
        sheet
            .write_string_with_format(1, c, name, &wrapped)
            .map_err(e)?;
    }
    sheet
        .set_row_height(1, 15.0 * lines.min(6) as f64)
        .map_err(e)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(spool);
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 2;
    let mut i = 0;
    while reader.read_record(&mut record).map_err(|e| e.to_string())? {
        let cell = |k: usize| record.get(k).unwrap_or_default();
        let mut c = 0;
        for k in 0..first_ind {
            text(sheet, &mut widths, row, col(c)?, cell(k), None)?;
            c += 1;
        }
        for k in first_ind..after + 3 {
            number(sheet, &mut widths, row, col(c)?, cell(k), &score)?;
            c += 1;
        }
        let r = ranks.get(i).map(|r| r.to_string()).unwrap_or_default();
        number(sheet, &mut widths, row, col(c)?, &r, &rank)?;
        c += 1;
        let grade = cell(after + 3);
        let fill = grades.iter().find(|(g, _)| g == grade).map(|(_, f)| f);
        text(sheet, &mut widths, row, col(c)?, grade, fill)?;
        text(sheet, &mut widths, row, col(c + 1)?, cell(after + 4), None)?;
        text(sheet, &mut widths, row, col(c + 2)?, cell(after + 5), None)?;
        row += 1;
        i += 1;
    }
    let last_col = col(after + fixed_after.len() - 1)?;
    sheet.set_freeze_panes(2, 2).map_err(e)?;
    sheet
        .autofilter(1, 0, row.saturating_sub(1).max(1), last_col)
        .map_err(e)?;
    widths.apply(sheet).map_err(e)?;
    Ok(())
}

/// A text cell; an empty text leaves the cell empty.
fn text(
    sheet: &mut Worksheet,
    widths: &mut Widths,
    row: u32,
    col: u16,
    value: &str,
    format: Option<&Format>,
) -> Result<(), String> {
    widths.see(col, value);
    let written = match (value.is_empty(), format) {
        (true, Some(f)) => sheet.write_blank(row, col, f),
        (true, None) => return Ok(()),
        (false, Some(f)) => sheet.write_string_with_format(row, col, value, f),
        (false, None) => sheet.write_string(row, col, value),
    };
    written.map(|_| ()).map_err(|e| e.to_string())
}

/// A number written by us (a score, a rank) as a number; empty stays empty.
fn number(
    sheet: &mut Worksheet,
    widths: &mut Widths,
    row: u32,
    col: u16,
    value: &str,
    format: &Format,
) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    widths.see(col, value);
    let n: f64 = value.parse().map_err(|_| format!("“{value}”不是数值"))?;
    sheet
        .write_number_with_format(row, col, n, format)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Statistics of every indicator, with how they were computed below.
fn stats_sheet(sheet: &mut Worksheet, model: &Model, stats: &Stats) -> Result<(), XlsxError> {
    sheet.set_name("指标统计")?;
    let head = header_format();
    let p = model.policy.round_places;
    let (mean_places, median_places) = (p + 2, p + 1);
    let score = places_format(p);
    let mean = places_format(mean_places);
    let median = places_format(median_places);
    let count = places_format(0);
    let header = [
        "编码",
        "名称",
        "分值",
        "平均",
        "中位数",
        "最低",
        "最高",
        "满分数",
        "零分数",
        "缺失数",
    ];
    let mut widths = Widths::default();
    for (c, h) in (0u16..).zip(header) {
        sheet.write_string_with_format(0, c, h, &head)?;
        widths.see(c, h);
    }
    let mut row: u32 = 1;
    for (ind, s) in model.indicators.iter().zip(&stats.indicators) {
        sheet.write_string(row, 0, &ind.code)?;
        sheet.write_string(row, 1, &ind.name)?;
        widths.see(0, &ind.code);
        widths.see(1, &ind.name);
        let decimals = [
            (2, Some(s.points), &score, p),
            (3, s.mean(mean_places), &mean, mean_places),
            (4, s.median(), &median, median_places),
            (5, s.min(), &score, p),
            (6, s.max(), &score, p),
        ];
        for (c, d, f, places) in decimals {
            if let Some(d) = d {
                let shown = fixed(d, places);
                widths.see(c, &shown);
                sheet.write_number_with_format(row, c, f64_of(&shown), f)?;
            }
        }
        for (c, n) in [(7, s.full), (8, s.zero), (9, s.missing)] {
            sheet.write_number_with_format(row, c, n as f64, &count)?;
        }
        row += 1;
    }
    let subjects = stats.indicators.first().map_or(0, |s| s.subjects);
    let notes = [
        format!("主体数：{subjects}。各项按全部主体的得分计算，因缺失数据得 0 分的主体也计入。"),
        format!("平均：得分之和除以主体数，四舍五入保留 {mean_places} 位小数。"),
        "中位数：按得分排序居中的得分；主体数为偶数时为中间两个得分的平均（精确值）。".to_string(),
        "满分数、零分数：得分等于分值、等于 0 的主体数。".to_string(),
        "缺失数：该指标（上级指标为其下任一末级指标）因缺失数据得 0 分的主体数。".to_string(),
    ];
    for note in notes {
        row += 1;
        sheet.write_string(row, 0, note)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    widths.apply(sheet)?;
    Ok(())
}

/// The number a fixed-point text shows (as Excel would read it).
fn f64_of(shown: &str) -> f64 {
    shown.parse().unwrap_or(0.0)
}

/// What the run read and used.
fn info_sheet(sheet: &mut Worksheet, info: &Provenance, subjects: usize) -> Result<(), XlsxError> {
    sheet.set_name("说明")?;
    let head = header_format();
    let mut widths = Widths::default();
    let mut rows: Vec<[String; 3]> = vec![
        ["规则文件".into(), info.rules.clone(), String::new()],
        ["标准".into(), info.standard.clone(), String::new()],
        ["版本".into(), info.version.clone(), String::new()],
    ];
    for (name, value) in &info.params {
        rows.push([format!("参数 {name}"), value.clone(), String::new()]);
    }
    for (file, sha) in &info.evidence {
        rows.push(["证据文件".into(), file.clone(), sha.clone()]);
    }
    rows.push(["主体数".into(), subjects.to_string(), String::new()]);
    rows.push([
        "排名".into(),
        "按总分从高到低；总分相同者名次相同，其后的名次跳过（1、2、2、4）；被一票否决的主体排在全部未被否决的主体之后，其间仍按总分排列"
            .into(),
        String::new(),
    ]);
    rows.push(["程序".into(), info.program.clone(), String::new()]);
    rows.push(["运行时间（UTC）".into(), info.time.clone(), String::new()]);
    for (c, h) in (0u16..).zip(["项目", "内容", "SHA-256"]) {
        sheet.write_string_with_format(0, c, h, &head)?;
        widths.see(c, h);
    }
    for (r, cells) in (1u32..).zip(&rows) {
        for (c, text) in (0u16..).zip(cells) {
            if c == 1 && cells[0] == "主体数" {
                sheet.write_number(r, c, subjects as f64)?;
            } else if !text.is_empty() {
                sheet.write_string(r, c, text)?;
                widths.see(c, text);
            }
        }
    }
    widths.apply(sheet)?;
    Ok(())
}
