//! Exact numbers.
//!
//! Intermediate values are exact fractions (`Num`), so a ratio is never
//! rounded before it is compared or scaled (附录 A.1 第 3 条). Only a final
//! score is rounded, half-up, into a `Decimal`.

use num_rational::Ratio;
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, Zero};
use rust_decimal::Decimal;

/// An exact rational number. Overflow is reported by the checked
/// operations, never by a panic.
pub type Num = Ratio<i128>;

pub fn int(n: i64) -> Num {
    Num::from_integer(n as i128)
}

pub fn zero() -> Num {
    Num::zero()
}

/// A decimal as an exact fraction.
pub fn from_decimal(d: Decimal) -> Num {
    let mut scale = d.scale();
    let mut mantissa = d.mantissa();
    // Trailing zeros first (cheap), so integers skip the gcd entirely.
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if scale == 0 {
        return Num::from_integer(mantissa);
    }
    // 10^scale fits in i128 for every scale a Decimal can have (≤ 28).
    let den = 10i128.pow(scale);
    lowest(mantissa, den).unwrap_or_else(|| Num::new_raw(mantissa, den).reduced())
}

// Fast paths: most values are integers, or fractions whose parts fit in
// 64 bits. Both are handled here without the general algorithm's 128-bit
// divisions; anything larger, or an intermediate that would overflow,
// goes to num-rational's checked operations. A fraction in lowest terms
// is unique, so both ways give the same value.

pub fn add(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_add(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    cross(a, b, i128::checked_add).or_else(|| a.checked_add(b))
}

pub fn sub(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_sub(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    cross(a, b, i128::checked_sub).or_else(|| a.checked_sub(b))
}

pub fn mul(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_mul(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    let n = i128::checked_mul(*a.numer(), *b.numer());
    let d = i128::checked_mul(*a.denom(), *b.denom());
    n.zip(d)
        .and_then(|(n, d)| lowest(n, d))
        .or_else(|| a.checked_mul(b))
}

/// `None` on overflow or when `b` is zero.
pub fn div(a: &Num, b: &Num) -> Option<Num> {
    if b.is_zero() {
        return None;
    }
    let n = i128::checked_mul(*a.numer(), *b.denom());
    let d = i128::checked_mul(*a.denom(), *b.numer());
    n.zip(d)
        .and_then(|(n, d)| lowest(n, d))
        .or_else(|| a.checked_div(b))
}

/// a ± b over the common denominator a.d·b.d (or the shared one).
fn cross(a: &Num, b: &Num, op: fn(i128, i128) -> Option<i128>) -> Option<Num> {
    let (an, ad, bn, bd) = (*a.numer(), *a.denom(), *b.numer(), *b.denom());
    if ad == bd {
        return lowest(op(an, bn)?, ad);
    }
    let n = op(an.checked_mul(bd)?, bn.checked_mul(ad)?)?;
    lowest(n, ad.checked_mul(bd)?)
}

/// n/d in lowest terms with a positive denominator (`d` is not zero).
fn lowest(n: i128, d: i128) -> Option<Num> {
    if n == 0 {
        return Some(Num::zero());
    }
    let (n, d) = if d < 0 {
        (n.checked_neg()?, d.checked_neg()?)
    } else {
        (n, d)
    };
    let g = gcd(n.unsigned_abs(), d.unsigned_abs());
    let (n, d) = match (i64::try_from(n), i64::try_from(d), i64::try_from(g)) {
        (Ok(n), Ok(d), Ok(g)) => (i128::from(n / g), i128::from(d / g)),
        _ => (n / g as i128, d / g as i128),
    };
    Some(Num::new_raw(n, d))
}

/// Greatest common divisor, in 64 bits when both fit (neither is zero).
fn gcd(a: u128, b: u128) -> u128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => u128::from(gcd64(a, b)),
        _ => num_integer::Integer::gcd(&a, &b),
    }
}

/// Binary (Stein's) gcd: shifts and subtractions, no division.
fn gcd64(mut a: u64, mut b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    while b != 0 {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
    }
    a << shift
}

/// Round half away from zero (四舍五入) to `places` decimals.
pub fn round_half_up(x: &Num, places: u32) -> Option<Decimal> {
    let scale = 10i128.checked_pow(places)?;
    let (num, den) = (*x.numer(), *x.denom());
    // |x| · 10^p rounded half up, sign restored afterwards; one integer
    // division, no fraction arithmetic (x is in lowest terms, den > 0).
    let scaled = num.checked_abs()?.checked_mul(scale)?;
    let rounded = if den == 1 {
        scaled
    } else {
        scaled.checked_mul(2)?.checked_add(den)? / den.checked_mul(2)?
    };
    let signed = if num.is_negative() { -rounded } else { rounded };
    Decimal::try_from_i128_with_scale(signed, places).ok()
}

/// The fraction as a decimal when it is one exactly (evidence values are:
/// they were read from decimal text).
pub fn to_exact_decimal(x: &Num) -> Option<Decimal> {
    let den = *x.denom();
    let mut scale = 0u32;
    let mut pow = 1i128;
    while scale <= 28 {
        if pow % den == 0 {
            let num = i128::checked_mul(*x.numer(), pow / den)?;
            return Decimal::try_from_i128_with_scale(num, scale).ok();
        }
        pow = pow.checked_mul(10)?;
        scale += 1;
    }
    None
}

/// A decimal for display when no rounding is asked for: exact when the
/// fraction terminates within 28 digits, otherwise rounded to 10 places.
pub fn to_decimal(x: &Num) -> Decimal {
    for places in 0..=10u32 {
        if let Some(d) = round_half_up(x, places) {
            if from_decimal(d) == *x {
                return d.normalize();
            }
        }
    }
    round_half_up(x, 10).unwrap_or_default().normalize()
}

/// Human text of a number: `0.95`, `5`, `2.5`.
pub fn show(x: &Num) -> String {
    to_decimal(x).to_string()
}

/// Text of a ratio as a percentage: `95%`.
pub fn show_percent(x: &Num) -> String {
    match mul(x, &int(100)) {
        Some(p) => format!("{}%", show(&p)),
        None => show(x),
    }
}

/// Compare two fractions; equal denominators (the common case: integers,
/// and decimals of one scale) skip the general algorithm.
pub fn cmp(a: &Num, b: &Num) -> std::cmp::Ordering {
    if a.denom() == b.denom() {
        return a.numer().cmp(b.numer());
    }
    match (
        i128::checked_mul(*a.numer(), *b.denom()),
        i128::checked_mul(*b.numer(), *a.denom()),
    ) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

pub fn lt(a: &Num, b: &Num) -> bool {
    cmp(a, b) == std::cmp::Ordering::Less
}

pub fn gt(a: &Num, b: &Num) -> bool {
    cmp(a, b) == std::cmp::Ordering::Greater
}

pub fn max(a: Num, b: Num) -> Num {
    if lt(&a, &b) {
        b
    } else {
        a
    }
}

pub fn min(a: Num, b: Num) -> Num {
    if gt(&a, &b) {
        b
    } else {
        a
    }
}

pub fn is_integer(x: &Num) -> bool {
    x.is_integer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn n(s: &str) -> Num {
        from_decimal(d(s))
    }

    #[test]
    fn half_up_rounding_at_the_midpoint() {
        assert_eq!(round_half_up(&n("2.665"), 2), Some(d("2.67")));
        assert_eq!(round_half_up(&n("2.625"), 2), Some(d("2.63")));
        assert_eq!(round_half_up(&n("0.005"), 2), Some(d("0.01")));
        assert_eq!(round_half_up(&n("2.664999"), 2), Some(d("2.66")));
        assert_eq!(round_half_up(&n("-2.665"), 2), Some(d("-2.67")));
    }

    #[test]
    fn ratios_are_not_rounded_early() {
        // 3 × 5/600 = 0.025 exactly; a 28-digit decimal gives 0.0249999…
        let ratio = div(&int(5), &int(600)).unwrap_or_default();
        let score = mul(&int(3), &ratio).unwrap_or_default();
        assert_eq!(round_half_up(&score, 2), Some(d("0.03")));
    }

    #[test]
    fn division_by_zero_is_none() {
        assert_eq!(div(&int(1), &zero()), None);
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        let big = Num::from_integer(i128::MAX / 2);
        assert_eq!(mul(&big, &big), None);
    }

    /// The fast paths against num-rational's general algorithm, on values
    /// from small to near the 128-bit limit (where the fast path overflows
    /// and hands over).
    #[test]
    fn fast_paths_agree_with_the_general_algorithm() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut values = Vec::new();
        for i in 0..400 {
            let bits = [4, 10, 20, 40, 62, 63, 100, 125][i % 8];
            let mut part = || {
                let v = (u128::from(next()) << 64 | u128::from(next())) >> (128 - bits);
                i128::try_from(v).unwrap_or(1).max(1)
            };
            let (n, d) = (part(), part());
            let n = if next() % 3 == 0 { -n } else { n };
            values.push(Num::new(n, d));
        }
        values.push(zero());
        values.push(int(-7));
        for a in &values {
            for b in values.iter().step_by(7) {
                assert_eq!(add(a, b), a.checked_add(b), "{a} + {b}");
                assert_eq!(sub(a, b), a.checked_sub(b), "{a} - {b}");
                assert_eq!(mul(a, b), a.checked_mul(b), "{a} × {b}");
                let general = if b.is_zero() { None } else { a.checked_div(b) };
                assert_eq!(div(a, b), general, "{a} ÷ {b}");
            }
        }
    }

    #[test]
    fn decimals_become_the_same_fractions_in_both_widths() {
        for text in [
            "0",
            "0.000",
            "-0.50",
            "90.3",
            "12.3400",
            "0.000001",
            "-7",
            "100",
            "1.5e3",
            "123456789012345678.9",
            "0.123456789012345678",
            "9223372036854775807",
            "-9223372036854775808",
            "79228162514264337593543950335",
            "1.0000000000000000000000000001",
        ] {
            let d = Decimal::from_str(text)
                .or_else(|_| Decimal::from_scientific(text))
                .unwrap();
            let general = Num::new(d.mantissa(), 10i128.pow(d.scale()));
            assert_eq!(from_decimal(d), general, "{text}");
        }
    }

    #[test]
    fn gcd_in_both_widths() {
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(1 << 100, 3 << 90), 1 << 90);
        assert_eq!(gcd64(7, 13), 1);
        assert_eq!(lowest(6, -4), Some(Num::new_raw(-3, 2)));
        assert_eq!(lowest(0, 5), Some(zero()));
    }

    #[test]
    fn display() {
        assert_eq!(show(&n("0.950")), "0.95");
        assert_eq!(show_percent(&n("0.95")), "95%");
        assert_eq!(
            show(&div(&int(1), &int(3)).unwrap_or_default()),
            "0.3333333333"
        );
    }
}
