//! Stage 5: results → text for people and programs (table, CSV, JSON,
//! Markdown) and the explanation of one subject's scores.

pub mod doc;
mod explain;
pub(crate) mod table;
pub mod words;

pub use explain::explain;

use crate::eval::SubjectResult;
use crate::ir::Model;
use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

pub fn render(format: Format, model: &Model, results: &[SubjectResult]) -> String {
    match format {
        Format::Table => table::aligned(&header(model), &rows(model, results)),
        Format::Csv => csv(model, results),
        Format::Json => json(model, results),
        Format::Markdown => markdown(model, results),
    }
}

/// Scores are printed with two decimals (or the declared rounding places).
pub fn fixed(d: Decimal, places: u32) -> String {
    let mut d = d;
    d.rescale(places);
    let mut out = String::new();
    push_fixed(&mut out, d, places);
    out
}

/// 编码, 名称, 基础分, 加分, 总分, 等级, 否决, 缺失, then indicator codes in tree order.
pub fn header(model: &Model) -> Vec<String> {
    let mut h: Vec<String> = [
        "编码",
        "名称",
        "基础分",
        "加分",
        "总分",
        "等级",
        "否决",
        "缺失",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(model.indicators.iter().map(|i| i.code.clone()));
    h
}

pub fn rows(model: &Model, results: &[SubjectResult]) -> Vec<Vec<String>> {
    let p = model.policy.round_places;
    results
        .iter()
        .map(|r| {
            let mut row = vec![
                r.code.clone(),
                r.name.clone(),
                fixed(r.base, p),
                fixed(r.bonus, p),
                fixed(r.total, p),
                r.grade.clone(),
                r.vetoes
                    .iter()
                    .map(|v| v.0.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                r.missing.join(";"),
            ];
            row.extend(r.indicators.iter().map(|i| fixed(i.score, p)));
            row
        })
        .collect()
}

fn csv(model: &Model, results: &[SubjectResult]) -> String {
    let mut out = csv_header(model);
    out.push_str(&csv_rows(model, results));
    out
}

/// The CSV header line (for output written a chunk at a time).
pub fn csv_header(model: &Model) -> String {
    csv_lines(std::iter::once(header(model)))
}

/// CSV lines of some subjects' results, without the header. Written
/// directly (not through `rows`): this is the hot path of a national run.
pub fn csv_rows(model: &Model, results: &[SubjectResult]) -> String {
    let mut out = String::with_capacity(results.len() * (16 + 7 * model.indicators.len()));
    for r in results {
        csv_row(model, r, &mut out);
    }
    out
}

/// One subject's line of the CSV report (see [`csv_header`]).
pub fn csv_row(model: &Model, r: &SubjectResult, out: &mut String) {
    let p = model.policy.round_places;
    push_field(out, &r.code);
    out.push(',');
    push_field(out, &r.name);
    for d in [r.base, r.bonus, r.total] {
        out.push(',');
        push_fixed(out, d, p);
    }
    out.push(',');
    push_field(out, &r.grade);
    out.push(',');
    let vetoes: Vec<&str> = r.vetoes.iter().map(|v| v.0.as_str()).collect();
    push_field(out, &vetoes.join(";"));
    out.push(',');
    push_field(out, &r.missing.join(";"));
    for i in &r.indicators {
        out.push(',');
        push_fixed(out, i.score, p);
    }
    out.push('\n');
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn push_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// A score with `places` decimals. Two places (the usual) are written
/// digit by digit; the formatter does the rest.
fn push_fixed(out: &mut String, d: Decimal, places: u32) {
    use std::fmt::Write;
    let mut d = d;
    if d.scale() != places {
        d.rescale(places);
    }
    match (places, u64::try_from(d.mantissa().unsigned_abs())) {
        (2, Ok(a)) if d.scale() == 2 => {
            // Written from the last digit back: at most 20 digits, a
            // point and a sign.
            let mut buf = [0u8; 24];
            let mut i = buf.len();
            let mut put = |b: u8| {
                i -= 1;
                if let Some(slot) = buf.get_mut(i) {
                    *slot = b;
                }
            };
            put(b'0' + (a % 10) as u8);
            put(b'0' + (a / 10 % 10) as u8);
            put(b'.');
            let mut n = a / 100;
            loop {
                put(b'0' + (n % 10) as u8);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            if d.is_sign_negative() && a != 0 {
                put(b'-');
            }
            out.push_str(std::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or(""));
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

fn csv_lines(records: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut ok = true;
    for r in records {
        ok &= w.write_record(&r).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    if !ok {
        return String::new();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

fn markdown(model: &Model, results: &[SubjectResult]) -> String {
    let head = header(model);
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(head.len()));
    for row in rows(model, results) {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

fn json(model: &Model, results: &[SubjectResult]) -> String {
    let p = model.policy.round_places;
    let subjects: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
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
            serde_json::json!({
                "编码": r.code,
                "名称": r.name,
                "基础分": fixed(r.base, p),
                "加分": fixed(r.bonus, p),
                "总分": fixed(r.total, p),
                "等级": r.grade,
                "否决": r.vetoes.iter().map(|v| serde_json::json!({"编号": v.0, "名称": v.1})).collect::<Vec<_>>(),
                "缺失": r.missing,
                "指标": indicators,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "标准": model.meta.standard,
        "版本": model.meta.version,
        "结果": subjects,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fixed(text: &str, places: u32) -> String {
        let mut out = String::new();
        push_fixed(
            &mut out,
            Decimal::from_str(text).unwrap_or_default(),
            places,
        );
        out
    }

    #[test]
    fn scores_with_two_places_digit_by_digit() {
        assert_eq!(fixed("12.5", 2), "12.50");
        assert_eq!(fixed("100", 2), "100.00");
        assert_eq!(fixed("0", 2), "0.00");
        assert_eq!(fixed("0.07", 2), "0.07");
        assert_eq!(fixed("-0.5", 2), "-0.50");
        assert_eq!(fixed("-0.00", 2), "0.00");
        assert_eq!(fixed("18446744073709551.61", 2), "18446744073709551.61");
    }

    #[test]
    fn other_places_through_the_formatter() {
        assert_eq!(fixed("2.5", 1), "2.5");
        assert_eq!(fixed("3", 0), "3");
        assert_eq!(fixed("1.25", 3), "1.250");
    }
}
