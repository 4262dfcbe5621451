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
    /// A column with a value beyond 64 bits (counts go up to 28 digits)
    /// is kept as `Num` instead, so no value is ever lost.
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
        if let (Column::Int(_), Column::Num(_)) = (&*self, &more) {
            self.widen();
        }
        let more = match more {
            Column::Int(b) if matches!(self, Column::Num(_)) => Column::Num(widened(b)),
            other => other,
        };
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
        if let (Column::Int(_), Some(Value::Num(n))) = (&*self, &v) {
            if !fits_int(n) {
                self.widen();
            }
        }
        match (self, v) {
            (Column::Int(c), Some(Value::Num(n))) => {
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

impl Column {
    /// An integer column as decimals, for a value that `Int` cannot hold.
    fn widen(&mut self) {
        if let Column::Int(c) = self {
            *self = Column::Num(widened(std::mem::take(c)));
        }
    }
}

/// Whether an integer column holds `n` as it is: an integer of 64 bits
/// other than the empty marker.
fn fits_int(n: &Num) -> bool {
    n.is_integer() && i64::try_from(*n.numer()).is_ok_and(|i| i != NO_INT)
}

fn widened(c: Vec<i64>) -> Vec<Option<Decimal>> {
    c.into_iter()
        .map(|i| (i != NO_INT).then(|| Decimal::from(i)))
        .collect()
}

fn int_at(c: &[i64], row: usize) -> Option<i64> {
    c.get(row).copied().filter(|&n| n != NO_INT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Option<Value> {
        text.parse::<Decimal>()
            .ok()
            .map(|d| Value::Num(number::from_decimal(d)))
    }

    /// A count beyond 64 bits is kept exactly, and the values before and
    /// after it (and the empty cells) stay what they were.
    #[test]
    fn counts_beyond_64_bits_are_kept() {
        let big = "9223372036854775808"; // 2^63
        let mut c = Column::for_type(&Ty::Count);
        c.push(num("7"));
        c.push(None);
        c.push(num(big));
        c.push(num("9999999999999999999999999999"));
        c.push(num("-9223372036854775808")); // the empty marker's value
        assert_eq!(c.get(0), num("7"));
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(2), num(big));
        assert_eq!(c.get(3), num("9999999999999999999999999999"));
        assert_eq!(c.get(4), num("-9223372036854775808"));
        assert!(!c.is_present(1) && c.is_present(2));
    }

    /// Parts read by threads join to what one read gives, whichever part
    /// had to be widened.
    #[test]
    fn widened_parts_append() {
        let big = "18446744073709551616"; // 2^64
        let mut a = Column::for_type(&Ty::Count);
        a.push(num("1"));
        let mut b = Column::for_type(&Ty::Count);
        b.push(num(big));
        b.push(None);
        let mut c = Column::for_type(&Ty::Count);
        c.push(num("3"));
        a.append(b);
        a.append(c);
        let got: Vec<Option<Value>> = (0..4).map(|r| a.get(r)).collect();
        assert_eq!(got, vec![num("1"), num(big), None, num("3")]);
    }
}
