//! Calendar dates as day numbers, for comparisons and period tests.

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
    if !(1..=9999).contains(&year) || day < 1 || day > days_in_month(year, month)? {
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

/// Parse `YYYY-MM-DD` (also `YYYY/MM/DD`).
pub fn parse(text: &str) -> Option<i64> {
    let mut parts = text.trim().split(['-', '/']);
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    day_number(y, m, d)
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
    fn order_and_validity() {
        let a = parse("2024-12-31").unwrap_or_default();
        let b = parse("2025-01-01").unwrap_or_default();
        assert_eq!(b - a, 1);
        assert_eq!(parse("2024-02-29").map(|d| d + 1), parse("2024-03-01"));
        assert_eq!(parse("2025-02-29"), None);
        assert_eq!(parse("2025-13-01"), None);
        assert_eq!(parse("2025-1-1"), parse("2025-01-01"));
        assert_eq!(format(b), "2025-01-01");
        assert_eq!(
            format(parse("2025-12-31").unwrap_or_default()),
            "2025-12-31"
        );
    }
}
