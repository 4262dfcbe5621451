//! Evidence given in memory rather than in files (rule tests): the same
//! validation as files, so a test's data obeys the declared schema.

use super::error::Sink;
use super::raw::{Cells, RawCell, RawRow, RawTable};
use super::validate::{self, Ctx, SubjectKeys};
use super::{Evidence, EvidenceError, Schema};
use std::path::Path;

/// One table's rows as text, with the line each row was written on.
#[derive(Clone, Debug, Default)]
pub struct MemTable {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Validate in-memory tables (subject table first, then the event tables
/// in schema order); `origin` names the file they were written in.
pub fn from_memory(
    schema: &Schema,
    tables: &[MemTable],
    origin: &Path,
) -> Result<Evidence, Vec<EvidenceError>> {
    let mut sink = Sink::new(100);
    let mut notes = Vec::new();
    let empty = MemTable::default();
    let mut it = tables.iter();
    let subject_raw = raw(it.next().unwrap_or(&empty));
    let ctx = Ctx {
        subject_names: None,
        table: schema.subject,
        enums: schema.enums,
        path: origin,
    };
    let subject = validate::check(&subject_raw, &ctx, None, &mut sink, &mut notes, None);
    let mut keys = SubjectKeys::default();
    if let Some(f) = schema.subject.fields.iter().position(|f| f.key) {
        if let Some(col) = subject.data.columns.get(f) {
            for row in 0..col.len() {
                if let (Some(v), Ok(row32)) = (col.get(row), u32::try_from(row)) {
                    keys.entry(validate::key_text(&v)).or_insert(row32);
                }
            }
        }
    }
    let mut evidence = Evidence {
        subjects: subject.data,
        ..Evidence::default()
    };
    for table in schema.events {
        let ctx = Ctx {
            subject_names: None,
            table,
            enums: schema.enums,
            path: origin,
        };
        let checked = validate::check(
            &raw(it.next().unwrap_or(&empty)),
            &ctx,
            Some(&keys),
            &mut sink,
            &mut notes,
            None,
        );
        evidence.events.push(checked.data);
        evidence.event_subject.push(checked.event_subject);
    }
    if sink.is_empty() {
        Ok(evidence)
    } else {
        Err(sink.finish())
    }
}

fn raw(t: &MemTable) -> RawTable {
    RawTable {
        header: t.header.clone(),
        header_line: 0,
        has_header: true,
        rows: t
            .rows
            .iter()
            .map(|(line, cells)| RawRow {
                line: *line,
                cells: Cells::Held(
                    cells
                        .iter()
                        .map(|c| RawCell::text(c).into_owned())
                        .collect(),
                ),
            })
            .collect(),
        dropped: 0,
    }
}
