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
    Num::new_raw(mantissa, den).reduced()
}

// Fast paths: most values are integers, so the gcd work of the general
// fraction operations is skipped when both denominators are 1.

pub fn add(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_add(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    a.checked_add(b)
}

pub fn sub(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_sub(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    a.checked_sub(b)
}

pub fn mul(a: &Num, b: &Num) -> Option<Num> {
    if a.is_integer() && b.is_integer() {
        return i128::checked_mul(*a.numer(), *b.numer()).map(Num::from_integer);
    }
    a.checked_mul(b)
}

/// `None` on overflow or when `b` is zero.
pub fn div(a: &Num, b: &Num) -> Option<Num> {
    if b.is_zero() {
        return None;
    }
    a.checked_div(b)
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
