//! Numbers in a letter: to the rule's rounding places, exact when short
//! enough to show why a score rounds as it does, never rounded onto a
//! threshold of the rule being explained.

use super::explain_calc::Calc;
use crate::ir::Ty;
use crate::number::{self, Num};
use crate::prose;

impl Calc<'_> {
    /// A number in the unit of `ty`, exact when it has at most `places + 2`
    /// decimals (so 4.975 and 0.0075 show why they round as they do), else
    /// rounded to `places` and marked approximate (`≈`).
    pub fn quantity(&self, n: &Num, ty: &Ty) -> (String, bool) {
        let hundred = number::int(100);
        let ratio = *ty == Ty::Ratio;
        // Whether a rounded value (in shown units) lands on a threshold.
        let on_threshold = |d: rust_decimal::Decimal| {
            let v = number::from_decimal(d);
            let raw = if ratio {
                number::div(&v, &hundred)
            } else {
                Some(v)
            };
            // A value that is not 0 is never shown as “≈ 0” either.
            raw.is_some_and(|r| self.avoid.contains(&r) || r == number::zero())
        };
        let shown = |x: &Num, suffix: &str| match number::round_half_up(x, self.places + 2) {
            Some(d) if number::from_decimal(d) == *x => {
                (format!("{}{suffix}", d.normalize()), true)
            }
            _ => {
                let near = (self.places..=self.places + 6)
                    .filter_map(|p| number::round_half_up(x, p))
                    .find(|d| !on_threshold(*d));
                match near {
                    Some(d) => (format!("{}{suffix}", d.normalize()), false),
                    None => (number::show(x), false),
                }
            }
        };
        match ty {
            Ty::Ratio => match number::mul(n, &hundred) {
                Some(p) => shown(&p, "%"),
                None => shown(n, ""),
            },
            Ty::Money => shown(n, " 元"),
            _ => shown(n, ""),
        }
    }

    /// “= 95.8%” or “≈ 0.83%”.
    pub fn equals(&self, n: &Num, ty: &Ty) -> String {
        let (text, exact) = self.quantity(n, ty);
        format!("{} {text}", if exact { "=" } else { "≈" })
    }

    /// Points as written in a sentence: `3`, `4.98`.
    pub fn pts(&self, n: &Num) -> String {
        prose::points(n)
    }

    /// “= 2.1，得 2.1 分”, or for a score that rounding changes “= 4.975，
    /// 四舍五入保留 2 位小数，得 4.98 分”.
    pub fn scored(&self, raw: &Num, rounded: rust_decimal::Decimal) -> String {
        let r = number::from_decimal(rounded);
        if r == *raw {
            return format!("= {}，得 {} 分", self.pts(raw), self.pts(raw));
        }
        // A score is no value of the rule's subject: its thresholds do
        // not apply.
        let plain = Calc {
            model: self.model,
            places: self.places,
            avoid: Vec::new(),
        };
        format!(
            "{}，四舍五入保留 {} 位小数，得 {} 分",
            plain.equals(raw, &Ty::Number),
            self.places,
            rounded.normalize()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Model;

    fn model() -> Model {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national.zb");
        crate::driver::compile_file(&path)
            .ok()
            .and_then(|c| c.model)
            .unwrap_or_else(|| unreachable!("the national rules compile"))
    }

    fn ratio(n: i128, d: i128) -> Num {
        Num::new(n, d)
    }

    #[test]
    fn numbers_to_the_rules_places_exact_when_short_never_onto_a_threshold() {
        let model = model();
        let mut calc = Calc {
            model: &model,
            places: 2,
            avoid: Vec::new(),
        };
        let q = |c: &Calc, n: Num| c.equals(&n, &Ty::Ratio);
        assert_eq!(q(&calc, ratio(958, 1000)), "= 95.8%");
        assert_eq!(q(&calc, ratio(5, 600)), "≈ 0.83%");
        // 0.0075 points: exact within two more places, so the rounding shows.
        assert_eq!(calc.equals(&ratio(75, 10000), &Ty::Number), "= 0.0075");
        assert_eq!(calc.equals(&ratio(91, 30), &Ty::Number), "≈ 3.03");
        // Never “≈ 0” for a value that is not 0.
        assert_eq!(calc.equals(&ratio(1, 3000), &Ty::Number), "≈ 0.0003");
        // 94.998…% would round to 95%, a threshold: one more place.
        assert_eq!(q(&calc, ratio(94999, 100001)), "≈ 95%");
        calc.avoid = vec![ratio(95, 100)];
        assert_eq!(q(&calc, ratio(94999, 100001)), "≈ 94.998%");
    }
}
