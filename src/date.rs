//! Calendar dates as day numbers, for comparisons and period tests.

use crate::number::Num;

/// The years a date can have: four digits, as dates are written.
pub const MIN_YEAR: i64 = 1;
pub const MAX_YEAR: i64 = 9999;

/// Days in a month of a (proleptic Gregorian) year, or `None` for a bad month.
pub fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// Day number of a valid date (monotonic in the date), or `None`.
pub fn day_number(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) || day < 1 || day > days_in_month(year, month)? {
        return None;
    }
    // Shift the year to start in March so the leap day is last.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    Some(y * 365 + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1)
}

/// The day of `日期(年, 月, 日)`, or why no such date exists (Chinese,
/// for diagnostics: “月份 13 不在 1 到 12 之间”).
pub fn make(year: &Num, month: &Num, day: &Num) -> Result<i64, String> {
    let whole = |n: &Num, what: &str| {
        if n.is_integer() {
            i64::try_from(*n.numer())
                .map_err(|_| format!("{what} {} 超出范围", crate::number::show(n)))
        } else {
            Err(format!("{what} {} 不是整数", crate::number::show(n)))
        }
    };
    let (y, m, d) = (
        whole(year, "年份")?,
        whole(month, "月份")?,
        whole(day, "日")?,
    );
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(format!("年份 {y} 不在 {MIN_YEAR} 到 {MAX_YEAR} 之间"));
    }
    let Some(last) = days_in_month(y, m) else {
        return Err(format!("月份 {m} 不在 1 到 12 之间"));
    };
    if !(1..=last).contains(&d) {
        return Err(format!("{y} 年 {m} 月只有 {last} 天，没有 {d} 日"));
    }
    day_number(y, m, d).ok_or_else(|| format!("{y}-{m}-{d} 不是存在的日期"))
}

/// Parse an evidence or `--param` date: `YYYY-MM-DD`, `YYYY/MM/DD` or
/// `YYYY年M月D日`, four-digit year, one- or two-digit month and day
/// (`2025/3/1` is how spreadsheets write dates), one separator
/// throughout, digits only. A
/// sign (`+2025-01-01`) or a three-digit month (`2025-001-01`) is not a
/// way anyone writes a date, so it is rejected rather than guessed at.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(day) = text.strip_suffix('日') {
        return parse_chinese(day);
    }
    let sep = if text.contains('/') { '/' } else { '-' };
    let mut parts = text.split(sep);
    let mut next = |min: usize, max: usize| {
        let p = parts.next()?;
        let ok = (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| p.parse::<i64>().ok()).flatten()
    };
    let (y, m, d) = (next(4, 4)?, next(1, 2)?, next(1, 2)?);
    if parts.next().is_some() {
        return None;
    }
    day_number(y, m, d)
}

/// `2025年3月1日` (the `日` already taken off), as Chinese office
/// documents and spreadsheets write dates: four-digit year, one- or
/// two-digit month and day, digits only.
fn parse_chinese(text: &str) -> Option<i64> {
    let (y, rest) = text.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let digits = |p: &str, min: usize, max: usize| {
        let ok = (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| p.parse::<i64>().ok()).flatten()
    };
    day_number(digits(y, 4, 4)?, digits(m, 1, 2)?, digits(d, 1, 2)?)
}

/// The date of a day number, as `YYYY-MM-DD`.
pub fn format(day: i64) -> String {
    // Inverse of `day_number`, by search over the year then the month.
    let mut y = day / 366;
    while day_number(y + 1, 1, 1).is_some_and(|d| d <= day) {
        y += 1;
    }
    let mut m = 1;
    while m < 12 && day_number(y, m + 1, 1).is_some_and(|d| d <= day) {
        m += 1;
    }
    let first = day_number(y, m, 1).unwrap_or(day);
    format!("{y:04}-{m:02}-{:02}", day - first + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates() {
        assert_eq!(parse("2025年3月1日"), parse("2025-03-01"));
        assert_eq!(parse("2024年12月31日"), parse("2024-12-31"));
        assert_eq!(parse("2025年02月29日"), None);
        assert_eq!(parse("25年3月1日"), None);
        assert_eq!(parse("2025年3月1"), None);
        assert_eq!(parse("2025年3月日"), None);
        assert_eq!(parse("2025年三月1日"), None);
    }

    #[test]
    fn order_and_validity() {
        let a = parse("2024-12-31").unwrap_or_default();
        let b = parse("2025-01-01").unwrap_or_default();
        assert_eq!(b - a, 1);
        assert_eq!(parse("2024-02-29").map(|d| d + 1), parse("2024-03-01"));
        assert_eq!(parse("2025-02-29"), None);
        assert_eq!(parse("2025-13-01"), None);
        assert_eq!(parse("2025-1-1"), parse("2025-01-01"));
        assert_eq!(parse("2025/3/1"), parse("2025-03-01"));
        assert_eq!(format(b), "2025-01-01");
        assert_eq!(
            format(parse("2025-12-31").unwrap_or_default()),
            "2025-12-31"
        );
    }

    #[test]
    fn only_the_documented_shapes() {
        for bad in [
            "+2025-01-01",
            "2025-001-01",
            "2025-01-001",
            "02025-01-01",
            "25-01-01",
            "-2025-01-01",
            "2025-01/01",
            "2025/01-01",
            "2025-01-01-01",
            "2025-+1-01",
            "2025-1 -01",
            "２０２５-01-01",
            "2025--01",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(parse(" 2025-01-01 ").is_some());
    }

    #[test]
    fn make_says_why() {
        let n = crate::number::int;
        assert_eq!(make(&n(2025), &n(1), &n(1)).ok(), parse("2025-01-01"));
        let why = |y, m, d| make(&n(y), &n(m), &n(d)).err().unwrap_or_default();
        assert_eq!(why(2025, 13, 1), "月份 13 不在 1 到 12 之间");
        assert_eq!(why(2025, 6, 31), "2025 年 6 月只有 30 天，没有 31 日");
        assert_eq!(why(-1, 1, 1), "年份 -1 不在 1 到 9999 之间");
        assert_eq!(why(10000, 1, 1), "年份 10000 不在 1 到 9999 之间");
        let half = crate::number::Num::new(1, 2);
        assert_eq!(
            make(&n(2025), &half, &n(1)).err().unwrap_or_default(),
            "月份 0.5 不是整数"
        );
    }
}
