//! Every subject's results in one format, written a subject at a time.
//!
//! A national run has a million subjects, so no format holds them all:
//! [`ResultWriter::row`] turns one subject into its text (on the scoring
//! threads), and [`ResultWriter::write`] puts a head, the rows and a tail
//! around them as they arrive. The aligned table, whose widths depend on
//! every row, spools its rows (in memory, or on disk past a few MiB) and
//! pads them in a second pass.

use super::terminal::{self, Layout};
use super::{cells, fixed, header, push_fixed, vetoes, Format, Options};
use crate::eval::SubjectResult;
use crate::ir::Model;
use crate::output::encode::Encoded;
use crate::output::escape;
use std::io::{self, Write};

pub struct ResultWriter<'m> {
    format: Format,
    model: &'m Model,
    options: Options,
    /// The terminal table's indicators and width.
    layout: Layout,
}

impl<'m> ResultWriter<'m> {
    pub fn new(format: Format, model: &'m Model, options: Options) -> Self {
        ResultWriter {
            format,
            model,
            options,
            layout: Layout::default_for(model),
        }
    }

    /// The terminal table with these indicators, in this width.
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// One subject's text, without what separates it from the others.
    pub fn row(&self, r: &SubjectResult) -> String {
        match self.format {
            Format::Csv => {
                let mut out = String::with_capacity(64 + 8 * self.model.indicators.len());
                self.csv_row(r, &mut out);
                out
            }
            Format::Json => json_row(self.model, r),
            Format::Markdown => markdown_line(&cells(self.model, r)),
            Format::Html => crate::output::html::row(&cells(self.model, r), is_score_column),
            Format::Table => terminal::row(self.model, &self.layout, r),
        }
    }

    /// The whole output: head, `rows` (made by [`Self::row`]), tail.
    pub fn write(
        &self,
        mut rows: impl Iterator<Item = String>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                // Each write is whole records, as the encoder needs.
                let mut out = Encoded::new(out, self.options.csv_encoding);
                out.write_all(self.csv_header().as_bytes())?;
                rows.try_for_each(|r| out.write_all(r.as_bytes()))
            }
            Format::Markdown => {
                let head = header(self.model);
                out.write_all(markdown_line(&head).as_bytes())?;
                out.write_all(format!("|{}\n", "---|".repeat(head.len())).as_bytes())?;
                rows.try_for_each(|r| out.write_all(r.as_bytes()))
            }
            Format::Json => self.write_json(rows, out),
            Format::Table => terminal::write(self.model, &self.layout, rows, out),
            Format::Html => {
                let meta = &self.model.meta;
                let title = [meta.standard.as_str(), meta.version.as_str(), "评分结果"]
                    .iter()
                    .filter(|t| !t.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                let head = crate::output::html::page_head(&title, &header(self.model));
                out.write_all(head.as_bytes())?;
                rows.try_for_each(|r| out.write_all(r.as_bytes()))?;
                out.write_all(crate::output::html::PAGE_TAIL.as_bytes())
            }
        }
    }

    /// The CSV header line.
    pub fn csv_header(&self) -> String {
        let mut out = String::new();
        for (i, h) in header(self.model).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.csv_field(&mut out, h);
        }
        out.push('\n');
        out
    }

    /// One subject's CSV line. Written field by field (not through
    /// [`cells`]): this is the hot path of a national run.
    fn csv_row(&self, r: &SubjectResult, out: &mut String) {
        let p = self.model.policy.round_places;
        self.csv_field(out, &r.code);
        out.push(',');
        self.csv_field(out, &r.name);
        for d in [r.base, r.bonus, r.total] {
            out.push(',');
            push_fixed(out, d, p);
        }
        out.push(',');
        self.csv_field(out, &r.grade);
        out.push(',');
        self.csv_field(out, &vetoes(r));
        out.push(',');
        self.csv_field(out, &r.missing.join(";"));
        for i in &r.indicators {
            out.push(',');
            push_fixed(out, i.score, p);
        }
        out.push('\n');
    }

    /// A text field: formula-guarded (unless turned off), then quoted when
    /// it holds a comma, a quote or a line break.
    fn csv_field(&self, out: &mut String, s: &str) {
        let s = if self.options.csv_formula_guard {
            escape::csv_formula_guard(s)
        } else {
            std::borrow::Cow::Borrowed(s)
        };
        if s.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&s);
        }
    }

    /// One JSON document, `{"标准", "版本", "结果": [...]}`, laid out as
    /// `serde_json`'s pretty printer lays out the whole document.
    fn write_json(
        &self,
        rows: impl Iterator<Item = String>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        write!(
            out,
            "{{\n  \"标准\": {},\n  \"版本\": {},\n  \"结果\": [",
            text(&self.model.meta.standard),
            text(&self.model.meta.version)
        )?;
        let mut any = false;
        for row in rows {
            out.write_all(if any { b",\n" } else { b"\n" })?;
            out.write_all(row.as_bytes())?;
            any = true;
        }
        out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
    }
}

/// The columns of [`header`] that hold scores: 基础分, 加分, 总分 and the
/// indicators.
fn is_score_column(i: usize) -> bool {
    (2..5).contains(&i) || i >= 8
}

fn markdown_line(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| escape::markdown_cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// One subject as an element of the `结果` array, indented as it is there.
fn json_row(model: &Model, r: &SubjectResult) -> String {
    let p = model.policy.round_places;
    let indicators: Vec<serde_json::Value> = model
        .indicators
        .iter()
        .zip(&r.indicators)
        .map(|(i, res)| {
            serde_json::json!({
                "编码": i.code,
                "名称": i.name,
                "得分": fixed(res.score, p),
                "状态": res.status,
            })
        })
        .collect();
    let subject = serde_json::json!({
        "编码": r.code,
        "名称": r.name,
        "基础分": fixed(r.base, p),
        "加分": fixed(r.bonus, p),
        "总分": fixed(r.total, p),
        "等级": r.grade,
        "否决": r.vetoes.iter().map(|v| serde_json::json!({"编号": v.0, "名称": v.1})).collect::<Vec<_>>(),
        "缺失": r.missing,
        "指标": indicators,
    });
    let pretty = serde_json::to_string_pretty(&subject).unwrap_or_default();
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (i, line) in pretty.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}
