//! Typed, compact storage of one evidence column: counts as integers,
//! decimals exactly as written, flags, enum indices, dates and text, each
//! with its empty cells. A million subjects of forty fields stay near half
//! a gigabyte, where a column of generic values would take several.

use crate::ir::{Ty, Value};
use crate::number::{self, Num};
use rust_decimal::Decimal;

/// An empty integer cell (no count or year can be this value).
const NO_INT: i64 = i64::MIN;

#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Counts and years; `NO_INT` marks an empty cell (8 bytes a cell).
    Int(Vec<i64>),
    /// Decimals, percentages, scores and money, exact as written (a
    /// 16-byte decimal, made a fraction when read).
    Num(Vec<Option<Decimal>>),
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
            Column::Int(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Enum(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Room for `n` more values.
    pub fn reserve(&mut self, n: usize) {
        match self {
            Column::Int(v) => v.reserve(n),
            Column::Date(v) => v.reserve(n),
            Column::Num(v) => v.reserve(n),
            Column::Bool(v) => v.reserve(n),
            Column::Enum(v) => v.reserve(n),
            Column::Text(v) => v.reserve(n),
        }
    }

    /// The values of `more` after these (a column read in parts). Both
    /// come from one field, so they are of one kind.
    pub fn append(&mut self, more: Column) {
        match (self, more) {
            (Column::Int(a), Column::Int(b)) => a.extend(b),
            (Column::Date(a), Column::Date(b)) => a.extend(b),
            (Column::Num(a), Column::Num(b)) => a.extend(b),
            (Column::Bool(a), Column::Bool(b)) => a.extend(b),
            (Column::Enum(a), Column::Enum(b)) => a.extend(b),
            (Column::Text(a), Column::Text(b)) => a.extend(b),
            _ => {}
        }
    }

    /// Append a validated value (`None`: an empty cell). A value of
    /// another kind than the column's is stored as empty; validation
    /// makes that impossible.
    pub fn push(&mut self, v: Option<Value>) {
        match (self, v) {
            (Column::Int(c), Some(Value::Num(n))) if n.is_integer() => {
                c.push(i64::try_from(*n.numer()).unwrap_or(NO_INT))
            }
            (Column::Int(c), _) => c.push(NO_INT),
            (Column::Num(c), Some(Value::Num(n))) => c.push(number::to_exact_decimal(&n)),
            (Column::Num(c), _) => c.push(None),
            (Column::Bool(c), Some(Value::Bool(b))) => c.push(Some(b)),
            (Column::Bool(c), _) => c.push(None),
            (Column::Enum(c), Some(Value::Enum(e))) => c.push(Some(e)),
            (Column::Enum(c), _) => c.push(None),
            (Column::Date(c), Some(Value::Date(d))) => c.push(Some(d)),
            (Column::Date(c), _) => c.push(None),
            (Column::Text(c), Some(Value::Text(s))) => c.push(Some(s)),
            (Column::Text(c), _) => c.push(None),
        }
    }

    /// The value in a row; `None` for an empty cell or a row past the end.
    pub fn get(&self, row: usize) -> Option<Value> {
        match self {
            Column::Int(_) | Column::Num(_) => self.num(row).map(Value::Num),
            Column::Bool(c) => c.get(row).copied().flatten().map(Value::Bool),
            Column::Enum(c) => c.get(row).copied().flatten().map(Value::Enum),
            Column::Date(c) => c.get(row).copied().flatten().map(Value::Date),
            Column::Text(c) => c.get(row).cloned().flatten().map(Value::Text),
        }
    }

    /// The number in a row, without building a `Value`.
    pub fn num(&self, row: usize) -> Option<Num> {
        match self {
            Column::Int(c) => int_at(c, row).map(number::int),
            Column::Num(c) => c.get(row).copied().flatten().map(number::from_decimal),
            _ => None,
        }
    }

    pub fn is_present(&self, row: usize) -> bool {
        match self {
            Column::Int(c) => int_at(c, row).is_some(),
            Column::Date(c) => matches!(c.get(row), Some(Some(_))),
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

fn int_at(c: &[i64], row: usize) -> Option<i64> {
    c.get(row).copied().filter(|&n| n != NO_INT)
}
