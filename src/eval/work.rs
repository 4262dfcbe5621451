//! The worked calculation of one leaf indicator, recorded while it is
//! scored (only when explaining): every number a reader needs to redo the
//! calculation by hand, exact, with no formatting.

use crate::ir::{FieldId, Value};
use crate::number::Num;
use crate::plan::Stat;

/// How a leaf's unrounded score came about.
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    /// An evidence field it reads is empty (named in `Trace::missing`).
    Missing,
    /// A denominator was zero: scored by the 分母为零 policy.
    ZeroDenominator { score: Num },
    /// The `index`-th special case (`若 … 得 …`) applied.
    Guard { index: usize, score: Num },
    /// A band (分档) or lookup (对照) table: the value looked up and the
    /// row chosen (`None`: no row matched, 0 points).
    Table {
        value: Num,
        row: Option<usize>,
        score: Num,
    },
    /// Interpolation at `value`.
    Interp {
        value: Num,
        segment: Segment,
        score: Num,
    },
    /// A formula's value.
    Formula { score: Num },
    /// Deductions from the full points, row by row.
    Deduct {
        rows: Vec<DeductRow>,
        taken: Num,
        /// 扣完为止 applied: the deductions exceeded the points.
        floored: bool,
        score: Num,
    },
    /// A checklist: whether each row was yes.
    Checklist { yes: Vec<bool>, score: Num },
    /// No scoring rule: 0 points.
    NoRule,
}

impl Work {
    /// The unrounded score.
    pub fn score(&self) -> Num {
        match self {
            Work::Missing | Work::NoRule => crate::number::zero(),
            Work::ZeroDenominator { score }
            | Work::Guard { score, .. }
            | Work::Table { score, .. }
            | Work::Interp { score, .. }
            | Work::Formula { score }
            | Work::Deduct { score, .. }
            | Work::Checklist { score, .. } => *score,
        }
    }
}

/// Where an interpolated value lies among the anchors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// At or below the first anchor.
    Below,
    /// At or above the last anchor.
    Above,
    /// Strictly between anchors `i - 1` and `i`.
    Between(usize),
}

/// One deduction row: how many times it applied and the points taken.
#[derive(Clone, Debug, PartialEq)]
pub struct DeductRow {
    pub count: Num,
    pub taken: Num,
    /// The ids of the events counted (for an event count).
    pub events: Vec<String>,
}

/// The values a leaf read, for substituting into its formulas.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Values {
    /// The subject's fields read, with their values.
    pub fields: Vec<(FieldId, Value)>,
    /// Each `令` binding's value (`None`: it has none, e.g. 0 ÷ 0).
    pub lets: Vec<Option<Value>>,
    /// Population maxima/minima read (relative scoring).
    pub population: Vec<Population>,
}

impl Values {
    pub fn field(&self, f: FieldId) -> Option<&Value> {
        self.fields.iter().find(|(id, _)| *id == f).map(|(_, v)| v)
    }

    pub fn stat(&self, s: Stat) -> Option<&Population> {
        self.population.iter().find(|p| p.stat == s)
    }
}

/// A population maximum or minimum and the subjects holding it.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    pub stat: Stat,
    pub value: Option<Num>,
    /// (编码, 名称) of the first few subjects holding the value.
    pub holders: Vec<(String, String)>,
    /// How many subjects hold it.
    pub held_by: usize,
}

/// How many holders of a maximum/minimum a letter names.
pub const HOLDERS_NAMED: usize = 3;
