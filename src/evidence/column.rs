//! Typed, compact storage of one evidence column: counts as integers,
//! decimals as exact fractions, flags, enum indices, dates and text, each
//! with its empty cells. A million subjects of forty fields stay well
//! under a gigabyte, where a column of generic values would not.

use crate::ir::{Ty, Value};
use crate::number::{self, Num};

#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Counts and years.
    Int(Vec<Option<i64>>),
    /// Decimals, percentages, scores and money, exact.
    Num(Vec<Option<Num>>),
    Bool(Vec<Option<bool>>),
    Enum(Vec<Option<u32>>),
    /// Day numbers (see `crate::date`).
    Date(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
}

impl Column {
    /// An empty column for values of a field's type.
    pub fn for_type(ty: &Ty) -> Column {
        match ty {
            Ty::Count | Ty::Year => Column::Int(Vec::new()),
            Ty::YesNo => Column::Bool(Vec::new()),
            Ty::Enum(_) => Column::Enum(Vec::new()),
            Ty::Date => Column::Date(Vec::new()),
            Ty::Text | Ty::Period => Column::Text(Vec::new()),
            _ => Column::Num(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Int(v) | Column::Date(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Enum(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append a validated value (`None`: an empty cell). A value of
    /// another kind than the column's is stored as empty; validation
    /// makes that impossible.
    pub fn push(&mut self, v: Option<Value>) {
        match self {
            Column::Int(c) => c.push(match v {
                Some(Value::Num(n)) if n.is_integer() => i64::try_from(*n.numer()).ok(),
                _ => None,
            }),
            Column::Num(c) => c.push(match v {
                Some(Value::Num(n)) => Some(n),
                _ => None,
            }),
            Column::Bool(c) => c.push(match v {
                Some(Value::Bool(b)) => Some(b),
                _ => None,
            }),
            Column::Enum(c) => c.push(match v {
                Some(Value::Enum(e)) => Some(e),
                _ => None,
            }),
            Column::Date(c) => c.push(match v {
                Some(Value::Date(d)) => Some(d),
                _ => None,
            }),
            Column::Text(c) => c.push(match v {
                Some(Value::Text(s)) => Some(s),
                _ => None,
            }),
        }
    }

    /// The value in a row; `None` for an empty cell or a row past the end.
    pub fn get(&self, row: usize) -> Option<Value> {
        match self {
            Column::Int(c) => c
                .get(row)
                .copied()
                .flatten()
                .map(|n| Value::Num(number::int(n))),
            Column::Num(c) => c.get(row).copied().flatten().map(Value::Num),
            Column::Bool(c) => c.get(row).copied().flatten().map(Value::Bool),
            Column::Enum(c) => c.get(row).copied().flatten().map(Value::Enum),
            Column::Date(c) => c.get(row).copied().flatten().map(Value::Date),
            Column::Text(c) => c.get(row).cloned().flatten().map(Value::Text),
        }
    }

    /// The number in a row, without building a `Value`.
    pub fn num(&self, row: usize) -> Option<Num> {
        match self {
            Column::Int(c) => c.get(row).copied().flatten().map(number::int),
            Column::Num(c) => c.get(row).copied().flatten(),
            _ => None,
        }
    }

    pub fn is_present(&self, row: usize) -> bool {
        match self {
            Column::Int(c) | Column::Date(c) => matches!(c.get(row), Some(Some(_))),
            Column::Num(c) => matches!(c.get(row), Some(Some(_))),
            Column::Bool(c) => matches!(c.get(row), Some(Some(_))),
            Column::Enum(c) => matches!(c.get(row), Some(Some(_))),
            Column::Text(c) => matches!(c.get(row), Some(Some(_))),
        }
    }

    /// The text of a row of a text column (keys, names, event ids).
    pub fn text(&self, row: usize) -> Option<&str> {
        match self {
            Column::Text(c) => c.get(row).and_then(|s| s.as_deref()),
            _ => None,
        }
    }
}
