//! The `eval` table for a terminal: rank, code, name, total, grade (and
//! vetoes when any subject has one), then the chosen indicators, as many
//! as fit in the width; numbers right-aligned, each indicator headed by
//! its code and name, and a summary line (subjects, count per grade).
//!
//! Rows arrive a subject at a time (a national run has a million), so
//! they are spooled while the widths and ranks are found, then laid out
//! by comfy-table a chunk at a time with the widths fixed.

use super::fixed;
use crate::analysis::stats::{ranks, Standing};
use crate::eval::SubjectResult;
use crate::ir::Model;
use crate::output::escape;
use comfy_table::{CellAlignment, ColumnConstraint, Table, Width};
use rust_decimal::Decimal;
use std::io::{self, BufRead, Seek, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Separates a row's cells in the spool (cells are escaped first, so no
/// cell holds this control character).
const CELL: char = '\u{1f}';

/// Rows kept in memory before the spool goes to disk.
const SPOOL_IN_MEMORY: usize = 8 << 20;

/// Rows laid out by comfy-table at once.
const CHUNK: usize = 4096;

/// Columns are two spaces apart.
const GAP: usize = 2;

/// An indicator's name is not what widens its column: it is cut into
/// lines of this width (or the column's, when wider).
const NAME_WIDTH: usize = 6;

/// The width of a table when neither `COLUMNS` nor a terminal says.
pub const DEFAULT_WIDTH: usize = 80;

/// Which indicators the table shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Every indicator down to this level (1: the first-level ones).
    Level(usize),
    /// These indicators, by code, in this order.
    Codes(Vec<String>),
}

/// The indicators to show and the width to fit.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Indexes into `Model::indicators`.
    pub indicators: Vec<usize>,
    pub width: usize,
}

impl Layout {
    /// The first-level indicators in [`DEFAULT_WIDTH`] columns.
    pub fn default_for(model: &Model) -> Layout {
        Layout {
            indicators: choose(model, &Choice::Level(1)).unwrap_or_default(),
            width: DEFAULT_WIDTH,
        }
    }
}

/// The indicators a choice names; an unknown code is an error that lists
/// the codes there are.
pub fn choose(model: &Model, choice: &Choice) -> Result<Vec<usize>, String> {
    match choice {
        Choice::Level(level) => Ok((0..model.indicators.len())
            .filter(|&i| model.indicators[i].depth <= *level)
            .collect()),
        Choice::Codes(codes) => codes
            .iter()
            .map(|c| {
                model
                    .indicators
                    .iter()
                    .position(|i| i.code == *c)
                    .ok_or_else(|| unknown_code(model, c))
            })
            .collect(),
    }
}

fn unknown_code(model: &Model, code: &str) -> String {
    let known: Vec<&str> = model
        .indicators
        .iter()
        .filter(|i| i.depth <= 2)
        .map(|i| i.code.as_str())
        .collect();
    format!(
        "没有编号为“{code}”的指标（一、二级指标有：{}）",
        known.join("、")
    )
}

/// The first cells of a row: the standing (hidden), then what is shown.
const HEAD: [&str; 6] = ["排名", "编码", "名称", "总分", "等级", "否决"];

/// One subject's spool line: its exact total and veto mark (for the
/// rank), code, name, total, grade, vetoes, the chosen indicators.
pub fn row(model: &Model, layout: &Layout, r: &SubjectResult) -> String {
    let p = model.policy.round_places;
    let mut cells = vec![
        r.total.to_string(),
        if r.vetoes.is_empty() { "0" } else { "1" }.to_string(),
        escape::terminal(&r.code).into_owned(),
        escape::terminal(&r.name).into_owned(),
        fixed(r.total, p),
        escape::terminal(&r.grade).into_owned(),
        escape::terminal(&super::vetoes(r)).into_owned(),
    ];
    cells.extend(layout.indicators.iter().map(|&i| {
        r.indicators
            .get(i)
            .map(|s| fixed(s.score, p))
            .unwrap_or_default()
    }));
    let mut line = cells.join(&CELL.to_string());
    line.push('\n');
    line
}

/// What the first pass learns: widths of the shown columns (rank first),
/// standings, grade counts.
struct Survey {
    widths: Vec<usize>,
    standings: Vec<Standing>,
    grades: Vec<(String, usize)>,
}

impl Survey {
    fn new(model: &Model, layout: &Layout) -> Survey {
        let mut widths: Vec<usize> = HEAD.iter().map(|h| h.width()).collect();
        widths.extend(layout.indicators.iter().map(|&i| {
            let ind = &model.indicators[i];
            ind.code.width().max(ind.name.width().min(NAME_WIDTH))
        }));
        let mut grades: Vec<(String, usize)> = Vec::new();
        let known = model
            .grades
            .iter()
            .map(|g| g.grade.clone())
            .chain(model.policy.veto_grade.clone());
        for g in known {
            if !grades.iter().any(|(k, _)| *k == g) {
                grades.push((g, 0));
            }
        }
        Survey {
            widths,
            standings: Vec::new(),
            grades,
        }
    }

    /// Take in a spooled row.
    fn add(&mut self, line: &str) {
        let cells: Vec<&str> = line.split(CELL).collect();
        let total = cells.first().and_then(|t| t.parse::<Decimal>().ok());
        self.standings.push(Standing {
            total: total.unwrap_or_default(),
            vetoed: cells.get(1) == Some(&"1"),
        });
        for (w, c) in self.widths.iter_mut().skip(1).zip(cells.iter().skip(2)) {
            *w = (*w).max(c.width());
        }
        let grade = cells.get(5).copied().unwrap_or_default();
        match self.grades.iter_mut().find(|(g, _)| g == grade) {
            Some((_, n)) => *n += 1,
            None => self.grades.push((grade.to_string(), 1)),
        }
    }
}

/// The whole table: spool, survey, fit, then the rows a chunk at a time.
pub fn write(
    model: &Model,
    layout: &Layout,
    rows: impl Iterator<Item = String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut survey = Survey::new(model, layout);
    let mut spool = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
    for row in rows {
        survey.add(row.trim_end_matches('\n'));
        spool.write_all(row.as_bytes())?;
    }
    spool.rewind()?;
    let ranks = ranks(&survey.standings);
    survey.widths[0] = survey.widths[0].max(ranks.len().to_string().len());
    let any_veto = survey.standings.iter().any(|s| s.vetoed);
    let fit = fit(&survey.widths, any_veto, layout.width);
    let header = header_cells(model, layout, &fit);
    for line in render(&fit, Some(header), Vec::new()) {
        writeln!(out, "{line}")?;
    }
    let mut chunk = Vec::with_capacity(CHUNK);
    for (line, rank) in io::BufReader::new(spool).lines().zip(&ranks) {
        let line = line?;
        let mut cells: Vec<String> = vec![rank.to_string()];
        cells.extend(line.split(CELL).skip(2).map(str::to_string));
        chunk.push(
            fit.columns
                .iter()
                .map(|&c| cut(&cells[c], fit.widths[c]))
                .collect(),
        );
        if chunk.len() == CHUNK {
            for l in render(&fit, None, std::mem::take(&mut chunk)) {
                writeln!(out, "{l}")?;
            }
        }
    }
    for l in render(&fit, None, chunk) {
        writeln!(out, "{l}")?;
    }
    for line in summary(&survey, layout, &fit).lines() {
        writeln!(out, "{}", wrap(line, layout.width))?;
    }
    Ok(())
}

/// A line broken into lines of at most `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width.max(2) {
            out.push('\n');
            used = 0;
        }
        out.push(ch);
        used += w;
    }
    out
}

/// The columns shown (indexes into the survey's widths) and each one's
/// width, the name column narrowed when even the fixed ones do not fit.
struct Fit {
    columns: Vec<usize>,
    widths: Vec<usize>,
    hidden: usize,
}

fn fit(widths: &[usize], any_veto: bool, width: usize) -> Fit {
    let mut widths = widths.to_vec();
    let mut columns: Vec<usize> = vec![0, 1, 2, 3, 4];
    let used = |cols: &[usize], widths: &[usize]| -> usize {
        cols.iter().map(|&c| widths[c]).sum::<usize>() + GAP * cols.len().saturating_sub(1)
    };
    // The name gives way first, down to four columns.
    let over = used(&columns, &widths).saturating_sub(width);
    widths[2] = widths[2].saturating_sub(over).max(4);
    let mut hidden = 0;
    for c in HEAD.len()..widths.len() {
        let mut with = columns.clone();
        with.push(c);
        if hidden == 0 && used(&with, &widths) <= width {
            columns = with;
        } else {
            hidden += 1;
        }
    }
    // The vetoes come last, when they fit (the summary counts them).
    let mut with = columns.clone();
    with.push(5);
    if any_veto && used(&with, &widths) <= width {
        columns = with;
    }
    Fit {
        columns,
        widths,
        hidden,
    }
}

/// The header: fixed titles, then each indicator's code over its name
/// (the name cut to three lines of the column).
fn header_cells(model: &Model, layout: &Layout, fit: &Fit) -> Vec<String> {
    fit.columns
        .iter()
        .map(|&c| match c.checked_sub(HEAD.len()) {
            None => HEAD[c].to_string(),
            Some(i) => {
                let ind = &model.indicators[layout.indicators[i]];
                let name = escape::terminal(&ind.name);
                format!("{}\n{}", ind.code, lines(&name, fit.widths[c], 3))
            }
        })
        .collect()
}

/// Text in at most `most` lines of `width`, `…` where it was cut.
fn lines(text: &str, width: usize, most: usize) -> String {
    // Lines of even length where the text fits (依法/行政, not 依法行/政).
    let needed = text.width().div_ceil(width.max(1));
    let width = if (1..=most).contains(&needed) {
        // Rounded up to whole CJK characters (two columns each).
        text.width().div_ceil(needed).next_multiple_of(2).min(width)
    } else {
        width
    };
    let mut lines = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width {
            if lines.len() == most {
                if let Some(l) = lines.last_mut() {
                    l.pop();
                    l.push('…');
                }
                break;
            }
            lines.push(String::new());
            used = 0;
        }
        if let Some(l) = lines.last_mut() {
            l.push(ch);
        }
        used += w;
    }
    lines.join("\n")
}

/// A cell cut to `width`, `…` where it was cut.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// Some rows (and the header) laid out with the fixed widths: no
/// borders, a rule under the header, numbers on the right.
fn render(fit: &Fit, header: Option<Vec<String>>, rows: Vec<Vec<String>>) -> Vec<String> {
    let mut table = Table::new();
    table.load_preset("     -             ");
    if let Some(h) = header {
        table.set_header(h);
    }
    for r in rows {
        table.add_row(r);
    }
    if header_or_rows(&table) {
        for (i, &c) in fit.columns.iter().enumerate() {
            let pad = if i == 0 { 0 } else { GAP as u16 };
            if let Some(col) = table.column_mut(i) {
                col.set_padding((pad, 0));
                col.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                    fit.widths[c] as u16 + pad,
                )));
                if c == 0 || c == 3 || c >= HEAD.len() {
                    col.set_cell_alignment(CellAlignment::Right);
                }
            }
        }
    }
    table.lines().map(|l| l.trim_end().to_string()).collect()
}

fn header_or_rows(table: &Table) -> bool {
    table.header().is_some() || table.row_count() > 0
}

/// `共 24 个主体：优秀 8，良好 7，合格 6，不合格 3`, and the indicators
/// left out for want of width.
fn summary(survey: &Survey, layout: &Layout, fit: &Fit) -> String {
    let counts: Vec<String> = survey
        .grades
        .iter()
        .filter(|(g, n)| *n > 0 && !g.is_empty())
        .map(|(g, n)| format!("{g} {n}"))
        .collect();
    let mut s = format!("共 {} 个主体", survey.standings.len());
    if !counts.is_empty() {
        s.push_str(&format!("：{}", counts.join("，")));
    }
    let vetoed = survey.standings.iter().filter(|s| s.vetoed).count();
    if vetoed > 0 {
        s.push_str(&format!("；一票否决 {vetoed} 个"));
    }
    if fit.hidden > 0 {
        s.push_str(&format!(
            "\n另有 {} 项指标因宽度（{} 列）未显示：用 --columns 选择指标，或 -o 结果.csv 输出全部",
            fit.hidden, layout.width
        ));
    }
    s
}
