//! One cell to a typed value, by the field's declared type. Numbers go
//! from their text straight to an exact decimal, never through f64.

use super::error::ErrorKind;
use super::raw::{float_digits, RawCell};
use crate::ir::{Field, Ty, Value};
use crate::number::{self, Num};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Digits a `Decimal` always holds exactly (its mantissa is 96 bits).
const MAX_DIGITS: usize = 28;

/// Why a cell was rejected; the caller adds file, line, field and value.
#[derive(Debug)]
pub(crate) struct Problem {
    pub kind: ErrorKind,
    pub message: String,
    pub help: Option<String>,
}

fn problem(kind: ErrorKind, message: String) -> Problem {
    Problem {
        kind,
        message,
        help: None,
    }
}

/// “字段“名”的值“文本”” for messages, written only when one is needed:
/// valid cells (almost all of them) allocate nothing.
pub(crate) struct What<'a> {
    field: &'a str,
    text: &'a str,
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "字段“{}”的值“{}”", self.field, self.text)
    }
}

/// The value of a cell, `None` for an empty one. Required-ness is the
/// caller's business: it needs the row, not just the cell.
pub(crate) fn convert(
    cell: &RawCell,
    field: &Field,
    enums: &[Vec<String>],
) -> Result<Option<Value>, Problem> {
    let owned: String;
    let text = match cell {
        RawCell::Empty | RawCell::Absent | RawCell::Reported => return Ok(None),
        RawCell::Bool(b) if field.ty == Ty::YesNo => return Ok(Some(Value::Bool(*b))),
        RawCell::Text(s) | RawCell::Number(s) => s.as_ref(),
        RawCell::Bool(true) => "true",
        RawCell::Bool(false) => "false",
        RawCell::Float { value, percent } => match (&field.ty, value.is_finite()) {
            (_, false) => return Err(not_a_value(field, "不是有限的数")),
            (Ty::Date, true) => return serial_date(*value, field).map(Some),
            // LibreOffice keeps TRUE/FALSE as the numbers 1 and 0 in .ods
            // and .xls files, where no format tells them apart.
            (Ty::YesNo, true) => {
                let msg = format!(
                    "字段“{}”的单元格是数字 {}：应为“是”或“否”",
                    field.name,
                    float_digits(*value, false)
                );
                return Err(Problem {
                    kind: ErrorKind::BadYesNo,
                    message: msg,
                    help: Some(
                        "填写“是”或“否”；TRUE/FALSE 另存为 .ods / .xls 后会变成数字 1/0".to_owned(),
                    ),
                });
            }
            // A percent-formatted cell holds 0.98 and shows 98%: a 百分数
            // (0–100) takes the 98 the user sees; a 比率 (0–1) takes the
            // 0.98 it means; any other number the value as stored.
            (ty, true) => {
                owned = float_digits(*value, *percent && *ty == Ty::Percent);
                &owned
            }
        },
        RawCell::Date(day) => match field.ty {
            Ty::Date => return Ok(Some(Value::Date(*day))),
            Ty::Text | Ty::Period => {
                owned = crate::date::format(*day);
                &owned
            }
            _ => {
                let msg = format!(
                    "字段“{}”的单元格是日期 {}：该字段应为{}，不是日期",
                    field.name,
                    crate::date::format(*day),
                    field.ty.name()
                );
                return Err(problem(ErrorKind::NotANumber, msg));
            }
        },
        RawCell::Error(e) => {
            return Err(not_a_value(
                field,
                &format!("是 Excel 错误值 {e}（公式出错）"),
            ))
        }
    };
    let what = What {
        field: &field.name,
        text,
    };
    let value = match &field.ty {
        Ty::Text | Ty::Period => text_value(cell, text, &what)?,
        Ty::Count => Value::Num(count(text, &what)?),
        Ty::Year => Value::Num(year(text, &what)?),
        Ty::Decimal | Ty::Ratio | Ty::Number | Ty::Percent | Ty::Score | Ty::Money => {
            Value::Num(decimal(text, &field.ty, &what)?)
        }
        Ty::YesNo => yes_no(text, &what)?,
        Ty::Enum(i) => enum_value(text, enums.get(*i), &what)?,
        Ty::Date => date_value(text, &what)?,
    };
    check_range(&value, field, &what)?;
    Ok(Some(value))
}

fn not_a_value(field: &Field, why: &str) -> Problem {
    let msg = format!("字段“{}”的单元格{why}：应填写取值", field.name);
    Problem {
        kind: ErrorKind::NotANumber,
        message: msg,
        help: Some("在 Excel 中改正该单元格的公式，或直接填写数值".to_owned()),
    }
}

/// A 日期 field holding a plain number: Excel's serial day number (the
/// cell lost its date format), in the 1900 date system Excel and WPS use
/// by default. Serial 1 is 1900-01-01; serial 60 is Excel's 1900-02-29,
/// a day that never was; a fraction is a time of day and is dropped.
fn serial_date(value: f64, field: &Field) -> Result<Value, Problem> {
    /// 9999-12-31, the last day Excel can show.
    const LAST: f64 = 2_958_465.0;
    let bad = |why: &str| {
        let msg = format!(
            "字段“{}”的值 {} {why}：应为日期（如 2025-03-01）",
            field.name,
            float_digits(value, false)
        );
        problem(ErrorKind::BadDate, msg)
    };
    if !(1.0..LAST + 1.0).contains(&value) {
        return Err(bad("不是 Excel 能表示的日期序号"));
    }
    let serial = value.floor() as i64;
    let day = match serial {
        60 => return Err(bad("是 Excel 的 1900-02-29（这一天不存在）")),
        1..=59 => crate::date::day_number(1899, 12, 31).map(|d| d + serial),
        _ => crate::date::day_number(1899, 12, 30).map(|d| d + serial),
    };
    day.map(Value::Date).ok_or_else(|| bad("不是有效日期"))
}

fn text_value(cell: &RawCell, text: &str, what: &What) -> Result<Value, Problem> {
    if let RawCell::Bool(_) = cell {
        let msg = format!("{what}是布尔值：应为文本（字符串）");
        return Err(problem(ErrorKind::JsonShape, msg));
    }
    Ok(Value::Text(text.to_owned()))
}

/// The largest count: every number of the evidence is held exactly with
/// at most 28 digits (a `Decimal`'s mantissa), and so is a count.
const MAX_COUNT: &str = "9999999999999999999999999999";

/// 计数: digits only, so `3.0`, `+3` and `1e3` are rejected rather than
/// silently read as something the user may not have meant.
fn count(text: &str, what: &What) -> Result<Num, Problem> {
    if is_digits(text) {
        if let Ok(n) = text.parse::<i64>() {
            return Ok(number::int(n));
        }
        // Beyond 64 bits: still exact up to 28 digits, out of range after.
        return parse_decimal(text, what)
            .map(number::from_decimal)
            .map_err(|_| {
                let msg = format!(
                    "{what}超出范围：计数最大为 {MAX_COUNT}（{MAX_DIGITS} 位数字），更大的数无法精确计算"
                );
                Problem {
                    kind: ErrorKind::OutOfRange,
                    message: msg,
                    help: Some("核对该数：计数是件数、次数，不会有这么多位".to_owned()),
                }
            });
    }
    Err(match parse_decimal(text, what) {
        Ok(d) if d.is_sign_negative() && !d.is_zero() => problem(
            ErrorKind::NegativeCount,
            format!("{what}是负数：计数应为非负整数"),
        ),
        Ok(_) => problem(
            ErrorKind::NotAnInteger,
            format!("{what}不是整数：计数应为非负整数（只含数字）"),
        ),
        Err(_) => problem(
            ErrorKind::NotANumber,
            format!("{what}不是数字：计数应为非负整数"),
        )
        .with_number_help(text),
    })
}

fn year(text: &str, what: &What) -> Result<Num, Problem> {
    if is_digits(text.strip_prefix('-').unwrap_or(text)) {
        return parse_decimal(text, what).map(number::from_decimal);
    }
    Err(match parse_decimal(text, what) {
        Ok(_) => problem(
            ErrorKind::NotAnInteger,
            format!("{what}不是整数：年份应为整数，如 2025"),
        ),
        Err(_) => problem(
            ErrorKind::NotANumber,
            format!("{what}不是数字：年份应为整数，如 2025"),
        ),
    })
}

/// Decimal kinds, with the bounds their type implies (the declared range
/// is checked afterwards for every numeric type).
fn decimal(text: &str, ty: &Ty, what: &What) -> Result<Num, Problem> {
    let d = parse_decimal(text, what).map_err(|p| p.with_number_help(text))?;
    let x = number::from_decimal(d);
    let (zero, hundred) = (number::zero(), number::int(100));
    let out = match ty {
        Ty::Percent | Ty::Score => (number::lt(&x, &zero) || number::gt(&x, &hundred))
            .then(|| format!("{what}超出范围：应在 0 到 100 之间")),
        Ty::Money => number::lt(&x, &zero).then(|| format!("{what}超出范围：金额应不小于 0")),
        _ => None,
    };
    match out {
        Some(msg) => Err(problem(ErrorKind::OutOfRange, msg)),
        None => Ok(x),
    }
}

fn yes_no(text: &str, what: &What) -> Result<Value, Problem> {
    match text {
        "是" => Ok(Value::Bool(true)),
        "否" => Ok(Value::Bool(false)),
        _ => Err(problem(
            ErrorKind::BadYesNo,
            format!("{what}不是“是”或“否”：应为“是”或“否”"),
        )),
    }
}

fn enum_value(text: &str, variants: Option<&Vec<String>>, what: &What) -> Result<Value, Problem> {
    let variants = variants.map(Vec::as_slice).unwrap_or_default();
    match variants.iter().position(|v| v == text) {
        Some(i) => Ok(Value::Enum(u32::try_from(i).unwrap_or(u32::MAX))),
        None => Err(problem(
            ErrorKind::UnknownEnum,
            format!("{what}不是可选值：应为 {} 之一", variants.join("、")),
        )),
    }
}

fn date_value(text: &str, what: &What) -> Result<Value, Problem> {
    match crate::date::parse(text) {
        Some(day) => Ok(Value::Date(day)),
        None => Err(problem(
            ErrorKind::BadDate,
            format!("{what}不是有效日期：应写作 YYYY-MM-DD，如 2025-03-01"),
        )),
    }
}

fn check_range(value: &Value, field: &Field, what: &What) -> Result<(), Problem> {
    let (Value::Num(x), Some((lo, hi))) = (value, &field.range) else {
        return Ok(());
    };
    if number::lt(x, lo) || number::gt(x, hi) {
        let msg = format!(
            "{what}超出范围：应在 {} 到 {} 之间",
            number::show(lo),
            number::show(hi)
        );
        return Err(problem(ErrorKind::OutOfRange, msg));
    }
    Ok(())
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `-?digits(.digits)?([eE][+-]?digits)?`: the JSON number grammar, which
/// also covers what Excel writes (`1.5E+07`). Checked first because
/// rust_decimal's parser also accepts `_` and other forms users don't mean.
fn is_number_text(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let exp_ok = exp.is_none_or(|e| is_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    is_digits(int) && frac.is_none_or(is_digits) && exp_ok
}

/// Exact decimal of a number's text. More than 28 significant or
/// fractional digits cannot be held exactly, so it is an error, not a
/// rounding.
fn parse_decimal(text: &str, what: &What) -> Result<Decimal, Problem> {
    let not_number = || problem(ErrorKind::NotANumber, format!("{what}不是数字"));
    if !is_number_text(text) {
        return Err(not_number());
    }
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let significant = (mantissa.bytes())
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    let fraction = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    let too_long = || {
        let msg = format!("{what}位数过多：最多 {MAX_DIGITS} 位有效数字、{MAX_DIGITS} 位小数");
        problem(ErrorKind::NotANumber, msg)
    };
    if significant > MAX_DIGITS || fraction > MAX_DIGITS {
        return Err(too_long());
    }
    let parsed = if mantissa.len() < text.len() {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    parsed.map_err(|_| too_long())
}

impl Problem {
    /// Point at the usual reasons a number from a spreadsheet is rejected.
    fn with_number_help(mut self, text: &str) -> Problem {
        if self.kind != ErrorKind::NotANumber {
            return self;
        }
        self.help = if text.contains(['%', '％']) {
            Some("百分数列直接写数值，如 95，不要带 %".to_owned())
        } else if text.contains([',', '，']) {
            Some("去掉千位分隔符，如 1234567".to_owned())
        } else if text.chars().any(|c| ('０'..='９').contains(&c)) {
            Some("请使用半角数字 0–9，不要用全角数字".to_owned())
        } else {
            None
        };
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_grammar() {
        for ok in ["0", "12", "-3.5", "0.10", "1.5E+07", "2e-3"] {
            assert!(is_number_text(ok), "{ok}");
        }
        for bad in [
            "", "+1", "1_000", ".5", "5.", "1e", "1,000", "95%", "abc", "--1",
        ] {
            assert!(!is_number_text(bad), "{bad}");
        }
    }

    const W: What = What {
        field: "甲",
        text: "",
    };

    #[test]
    fn exact_decimals() {
        let d = parse_decimal("12345678901234567.89", &W).ok();
        assert_eq!(
            d.map(|d| d.to_string()),
            Some("12345678901234567.89".to_owned())
        );
        let d = parse_decimal("1.5E+07", &W).ok();
        assert_eq!(
            d.map(|d| d.normalize().to_string()),
            Some("15000000".to_owned())
        );
        assert!(parse_decimal("0.12345678901234567890123456789", &W).is_err());
        assert!(parse_decimal("1e40", &W).is_err());
    }
}
