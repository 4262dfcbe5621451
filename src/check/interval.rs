//! Interval arithmetic and sets of intervals over exact numbers, for the
//! range checks (score below 0 or above points) and band-table coverage.

use crate::number::{self, Num};
use num_traits::Signed;

/// A closed interval; `None` is unbounded on that side.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub lo: Option<Num>,
    pub hi: Option<Num>,
}

impl Interval {
    pub fn point(v: Num) -> Self {
        Interval {
            lo: Some(v),
            hi: Some(v),
        }
    }

    pub fn new(lo: Num, hi: Num) -> Self {
        Interval {
            lo: Some(lo),
            hi: Some(hi),
        }
    }

    pub fn unbounded() -> Self {
        Interval { lo: None, hi: None }
    }

    pub fn at_least(lo: Num) -> Self {
        Interval {
            lo: Some(lo),
            hi: None,
        }
    }

    pub fn contains_zero(&self) -> bool {
        let zero = number::zero();
        self.lo.is_none_or(|l| l <= zero) && self.hi.is_none_or(|h| h >= zero)
    }

    pub fn hull(&self, other: &Interval) -> Interval {
        Interval {
            lo: match (self.lo, other.lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            },
            hi: match (self.hi, other.hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        }
    }

    pub fn add(&self, o: &Interval) -> Interval {
        Interval {
            lo: both(self.lo, o.lo, number::add),
            hi: both(self.hi, o.hi, number::add),
        }
    }

    pub fn neg(&self) -> Interval {
        Interval {
            lo: self.hi.map(|h| -h),
            hi: self.lo.map(|l| -l),
        }
    }

    pub fn sub(&self, o: &Interval) -> Interval {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &Interval) -> Interval {
        // Exact when both are bounded; otherwise only signs are tracked.
        match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) => {
                let products = [(a, c), (a, d), (b, c), (b, d)]
                    .iter()
                    .map(|(x, y)| number::mul(x, y))
                    .collect::<Option<Vec<_>>>();
                match products {
                    Some(p) => Interval {
                        lo: p.iter().copied().reduce(Num::min),
                        hi: p.iter().copied().reduce(Num::max),
                    },
                    None => Interval::unbounded(),
                }
            }
            _ if self.non_negative() && o.non_negative() => Interval {
                lo: both(self.lo, o.lo, number::mul),
                hi: None,
            },
            _ => Interval::unbounded(),
        }
    }

    /// Division by an interval that does not contain zero.
    pub fn div(&self, o: &Interval) -> Interval {
        if o.contains_zero() {
            return Interval::unbounded();
        }
        let recip = Interval {
            lo: o.hi.and_then(|h| number::div(&number::int(1), &h)),
            hi: o.lo.and_then(|l| number::div(&number::int(1), &l)),
        };
        // 1/[c, ∞) = (0, 1/c]: the open end at 0 is kept closed.
        let recip = Interval {
            lo: recip
                .lo
                .or(Some(number::zero()))
                .filter(|_| o.non_negative() || o.lo.is_some()),
            hi: recip
                .hi
                .or(Some(number::zero()))
                .filter(|_| !o.non_negative() || o.hi.is_some()),
        };
        self.mul(&recip)
    }

    pub fn min(&self, o: &Interval) -> Interval {
        Interval {
            lo: both(self.lo, o.lo, |a, b| Some(*a.min(b))),
            hi: match (self.hi, o.hi) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    pub fn max(&self, o: &Interval) -> Interval {
        Interval {
            lo: match (self.lo, o.lo) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            hi: both(self.hi, o.hi, |a, b| Some(*a.max(b))),
        }
    }

    pub fn non_negative(&self) -> bool {
        self.lo.is_some_and(|l| !l.is_negative())
    }
}

fn both(a: Option<Num>, b: Option<Num>, f: impl Fn(&Num, &Num) -> Option<Num>) -> Option<Num> {
    f(&a?, &b?)
}

/// One end of a segment: the value and whether it is included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct End {
    pub v: Num,
    pub closed: bool,
}

/// A segment of the number line; `None` ends are infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seg {
    pub lo: Option<End>,
    pub hi: Option<End>,
}

impl Seg {
    fn is_empty(&self, integers: bool) -> bool {
        let (Some(lo), Some(hi)) = (self.lo, self.hi) else {
            return false;
        };
        if integers {
            let first = if lo.closed && lo.v.is_integer() {
                lo.v.floor()
            } else {
                lo.v.floor() + number::int(1)
            };
            let last = if hi.closed && hi.v.is_integer() {
                hi.v.floor()
            } else if hi.v.is_integer() {
                hi.v - number::int(1)
            } else {
                hi.v.floor()
            };
            return first > last;
        }
        lo.v > hi.v || (lo.v == hi.v && !(lo.closed && hi.closed))
    }

    fn intersect(&self, o: &Seg) -> Seg {
        let lo = match (self.lo, o.lo) {
            (Some(a), Some(b)) => Some(if a.v > b.v || (a.v == b.v && !a.closed) {
                a
            } else {
                b
            }),
            (a, b) => a.or(b),
        };
        let hi = match (self.hi, o.hi) {
            (Some(a), Some(b)) => Some(if a.v < b.v || (a.v == b.v && !a.closed) {
                a
            } else {
                b
            }),
            (a, b) => a.or(b),
        };
        Seg { lo, hi }
    }
}

/// A union of segments: the values a band row matches, or the values no
/// row matches.
#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    pub segs: Vec<Seg>,
    /// Only integers matter (counts): gaps between integers are no gaps.
    pub integers: bool,
}

impl Set {
    pub fn from_interval(i: &Interval, integers: bool) -> Set {
        let seg = Seg {
            lo: i.lo.map(|v| End { v, closed: true }),
            hi: i.hi.map(|v| End { v, closed: true }),
        };
        Set::of(vec![seg], integers)
    }

    fn of(segs: Vec<Seg>, integers: bool) -> Set {
        let segs = segs.into_iter().filter(|s| !s.is_empty(integers)).collect();
        Set { segs, integers }
    }

    /// Values `x` with `x op t`.
    pub fn half(op: crate::syntax::ast::CmpOp, t: Num, integers: bool) -> Set {
        use crate::syntax::ast::CmpOp::*;
        let at = |closed| Some(End { v: t, closed });
        let segs = match op {
            Ge => vec![Seg {
                lo: at(true),
                hi: None,
            }],
            Gt => vec![Seg {
                lo: at(false),
                hi: None,
            }],
            Le => vec![Seg {
                lo: None,
                hi: at(true),
            }],
            Lt => vec![Seg {
                lo: None,
                hi: at(false),
            }],
            Eq => vec![Seg {
                lo: at(true),
                hi: at(true),
            }],
            Ne => vec![
                Seg {
                    lo: None,
                    hi: at(false),
                },
                Seg {
                    lo: at(false),
                    hi: None,
                },
            ],
        };
        Set::of(segs, integers)
    }

    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    pub fn intersect(&self, o: &Set) -> Set {
        let mut out = Vec::new();
        for a in &self.segs {
            for b in &o.segs {
                out.push(a.intersect(b));
            }
        }
        Set::of(out, self.integers)
    }

    pub fn complement(&self) -> Set {
        let full = Set::of(vec![Seg { lo: None, hi: None }], self.integers);
        self.segs.iter().fold(full, |acc, s| acc.minus_seg(s))
    }

    fn minus_seg(&self, s: &Seg) -> Set {
        let mut out = Vec::new();
        for a in &self.segs {
            let left = Seg {
                lo: None,
                hi: s.lo.map(|e| End {
                    v: e.v,
                    closed: !e.closed,
                }),
            };
            let right = Seg {
                lo: s.hi.map(|e| End {
                    v: e.v,
                    closed: !e.closed,
                }),
                hi: None,
            };
            if s.lo.is_some() {
                out.push(a.intersect(&left));
            }
            if s.hi.is_some() {
                out.push(a.intersect(&right));
            }
        }
        Set::of(out, self.integers)
    }

    pub fn minus(&self, o: &Set) -> Set {
        self.intersect(&o.complement())
    }

    pub fn union(&self, o: &Set) -> Set {
        let mut segs = self.segs.clone();
        segs.extend(o.segs.iter().copied());
        Set::of(segs, self.integers)
    }

    /// Chinese text like `[85%, 90%)`; `percent` shows fractions as percentages.
    pub fn describe(&self, percent: bool) -> String {
        let show = |v: &Num| {
            if percent {
                number::show_percent(v)
            } else {
                number::show(v)
            }
        };
        self.segs
            .iter()
            .map(|s| match (s.lo, s.hi) {
                (Some(l), Some(h)) if l.v == h.v => show(&l.v),
                (lo, hi) => format!(
                    "{}{}, {}{}",
                    lo.map_or("(", |e| if e.closed { "[" } else { "(" }),
                    lo.map_or("-∞".to_string(), |e| show(&e.v)),
                    hi.map_or("+∞".to_string(), |e| show(&e.v)),
                    hi.map_or(")", |e| if e.closed { "]" } else { ")" }),
                ),
            })
            .collect::<Vec<_>>()
            .join(" ∪ ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::CmpOp;

    fn pct(p: i64) -> Num {
        Num::new(p as i128, 100)
    }

    #[test]
    fn band_gap_is_found() {
        let domain = Set::from_interval(&Interval::new(number::zero(), number::int(1)), false);
        let rows =
            Set::half(CmpOp::Ge, pct(90), false).union(&Set::half(CmpOp::Lt, pct(85), false));
        let gap = domain.minus(&rows);
        assert_eq!(gap.describe(true), "[85%, 90%)");
    }

    #[test]
    fn integer_domain_has_no_gap_between_integers() {
        let domain = Set::from_interval(&Interval::at_least(number::zero()), true);
        let rows = Set::half(CmpOp::Eq, number::int(0), true)
            .union(&Set::half(CmpOp::Eq, number::int(1), true))
            .union(&Set::half(CmpOp::Ge, number::int(2), true));
        assert!(domain.minus(&rows).is_empty());
        let without_one = Set::half(CmpOp::Eq, number::int(0), true).union(&Set::half(
            CmpOp::Ge,
            number::int(2),
            true,
        ));
        assert_eq!(domain.minus(&without_one).describe(false), "(0, 2)");
    }

    #[test]
    fn interval_arithmetic() {
        let r = Interval::new(number::zero(), number::int(1));
        let five = Interval::point(number::int(5));
        assert_eq!(five.mul(&r), Interval::new(number::zero(), number::int(5)));
        assert_eq!(
            five.sub(&Interval::at_least(number::zero())).hi,
            Some(number::int(5))
        );
        assert!(Interval::at_least(number::zero()).contains_zero());
        let d = Interval::new(number::int(2), number::int(4));
        assert_eq!(r.div(&d), Interval::new(number::zero(), Num::new(1, 2)));
    }
}
