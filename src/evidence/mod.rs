//! Evidence input: reading the data tables (CSV in UTF-8, UTF-8 with BOM or
//! GBK; JSON) and validating them against the schema declared in the rules,
//! before any scoring. An invalid input yields every problem found (up to a
//! limit) and no data.

// Errors are the cold path and are matched field by field by the CLI and
// tests, so they stay plain structs rather than boxed.
#![allow(clippy::result_large_err)]

use crate::ir::Table;
use std::path::PathBuf;

/// One table's data, stored by column: `columns[f].get(row)` is the value
/// of field `f` (same order as `Table::fields`) in data row `row`; `None`
/// is an empty cell (缺失).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableData {
    pub columns: Vec<Column>,
    /// Line in the file (header = line 1) of each row, for messages.
    pub lines: Vec<usize>,
    pub rows: usize,
}

impl TableData {
    /// No rows yet, a column for each field of `table`.
    pub fn empty(table: &Table) -> Self {
        TableData {
            columns: table
                .fields
                .iter()
                .map(|f| Column::for_type(&f.ty))
                .collect(),
            lines: Vec::new(),
            rows: 0,
        }
    }
}

/// All evidence of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    pub subjects: TableData,
    /// One per event table of the model, same order as `Model::events`.
    pub events: Vec<TableData>,
    /// For each event table: the subject row each event belongs to (empty
    /// for a table without a subject reference field).
    pub event_subject: Vec<Vec<u32>>,
}

/// Takes each valid event row (event table, subject row, values) when
/// event rows are folded into aggregates instead of kept. A file read on
/// several threads gives each thread a fork; the forks are joined back
/// when the whole file proved valid. Folding must not depend on the order
/// of rows (sums and counts do not — except that whether a running sum
/// overflows can depend on the order: see docs/performance.md).
pub trait EventFold: Send + Sized {
    fn row(&mut self, table: usize, subject: u32, values: &[Option<crate::ir::Value>]);
    /// An empty fold for another thread.
    fn fork(&self) -> Self;
    /// Add the rows another thread folded. `false` when they cannot be
    /// added (a sum beyond exact arithmetic); `self` is then unchanged and
    /// the file is read again on one thread.
    fn join(&mut self, other: Self) -> bool;
    /// A row could not be folded (the file is then read again on one
    /// thread, so the first such row in file order is the one reported).
    fn failed(&self) -> bool;
}

/// Where one table's data comes from (`--data 表名=path`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub table: String,
    pub path: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// `None`: detect (BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GBK).
    pub encoding: Option<Encoding>,
    /// Stop collecting problems after this many.
    pub max_errors: usize,
    /// Threads reading a large UTF-8 CSV file; `None`: one per core.
    /// The result is the same for any number.
    pub threads: Option<usize>,
    /// The longest CSV record (one row, with the line breaks of its quoted
    /// cells), in bytes; a longer one is an error (E0517). CSV files are
    /// read record by record, so this bounds memory, not the file.
    pub max_record: usize,
    /// The largest JSON file, in bytes (E0518): JSON is read whole.
    pub max_json: u64,
}

/// Default [`LoadOptions::max_record`]: 64 MiB.
pub const MAX_RECORD: usize = 64 << 20;
/// Default [`LoadOptions::max_json`]: 128 MiB (reading JSON takes about
/// seven times its size in memory: about 1 GB at the limit).
pub const MAX_JSON: u64 = 128 << 20;

/// The schema the evidence is checked against.
pub struct Schema<'a> {
    pub subject: &'a Table,
    pub events: &'a [Table],
    /// Variant names of each enum type (`Ty::Enum(i)` → `enums[i]`).
    pub enums: &'a [Vec<String>],
}

impl<'a> Schema<'a> {
    /// The evidence schema declared by a checked model.
    pub fn of(model: &'a crate::ir::Model) -> Self {
        Schema {
            subject: &model.subject,
            events: &model.events,
            enums: &model.enums,
        }
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            encoding: None,
            max_errors: 100,
            threads: None,
            max_record: MAX_RECORD,
            max_json: MAX_JSON,
        }
    }
}

/// Validated evidence, and notes for stderr (e.g. ignored columns).
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub evidence: Evidence,
    pub notes: Vec<String>,
}

mod blocks;
mod cell;
mod column;
mod csv_read;
mod decode;
mod error;
mod json_read;
mod load;
mod memory;
mod parallel;
mod raw;
mod sources;
mod stream;
mod validate;
mod workbook;

pub use column::Column;
pub use error::{ErrorKind, EvidenceError};
pub use load::{load, load_with};
pub use memory::{from_memory, MemTable};
pub use sources::{find_in_dir, parse_source_arg, sources_from_args, sources_from_dir, DataArg};
