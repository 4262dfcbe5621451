//! Raw cells of one file checked against one declared table: columns,
//! cell types, required fields, uniqueness, `不大于` between fields and
//! subject references. Every problem is reported; nothing stops early.

use super::cell::{self, Problem};
use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{RawCell, RawRow, RawTable};
use super::TableData;
use crate::ir::{Field, Table, Ty, Value};
use crate::number;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

/// Subject key (as text) → subject row.
pub(crate) type SubjectKeys = HashMap<String, u32, FastHash>;

/// Hashing for the loader's tables: short key texts through XXH3 (the
/// standard SipHash guards against crafted keys, which evidence files a
/// user loads are not), and 128-bit hashes as they are (their low bits are
/// uniformly distributed already).
#[derive(Clone, Copy, Default)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// What one file is checked against.
pub(crate) struct Ctx<'a> {
    pub table: &'a Table,
    pub enums: &'a [Vec<String>],
    pub path: &'a Path,
    /// For an event table: the subjects' names (the subject table's name
    /// column), so a message about an event row can name its subject.
    pub subject_names: Option<&'a super::Column>,
}

impl Ctx<'_> {
    fn error(&self, kind: ErrorKind, line: usize, field: &Field, msg: String) -> EvidenceError {
        EvidenceError::new(kind, msg)
            .in_file(self.path)
            .at_line(line)
            .with_field(field.name.clone())
    }
}

/// A validated table, and for an event table the subject row of each
/// event (empty when the table has no subject reference field).
pub(crate) struct Checked {
    pub data: TableData,
    pub event_subject: Vec<u32>,
    /// Every row was read and has a valid key: only then can a reference
    /// to an unknown key be blamed on the event rather than on a subject
    /// row that was rejected.
    pub complete_keys: bool,
}

/// Check a file's cells. `subjects` is `None` for the subject table itself,
/// or when the subject table could not be read (then references are not
/// checked: every one would be reported, hiding the real problem).
pub(crate) fn check<'c, 'r>(
    raw: &RawTable,
    ctx: &'c Ctx<'c>,
    subjects: Option<&'c SubjectKeys>,
    sink: &mut Sink,
    notes: &mut Vec<String>,
    receiver: Option<&'r mut Receiver<'r>>,
) -> Checked {
    let mut v = Validator::new(
        ctx,
        &raw.header,
        raw.header_line,
        raw.has_header,
        subjects,
        sink,
        notes,
    );
    if let Some(r) = receiver {
        v.send_rows_to(r);
    }
    for row in &raw.rows {
        v.row(row, sink);
    }
    v.finish(raw.dropped)
}

/// Takes each checked event row with its subject row, when rows are not kept.
pub(crate) type Receiver<'a> = dyn FnMut(u32, &[Option<Value>]) + 'a;

/// Checks one table row by row, as rows arrive (from a file read whole or
/// streamed). Rows are stored, unless a receiver takes them instead.
pub(crate) struct Validator<'c, 'r> {
    ctx: &'c Ctx<'c>,
    cols: Vec<Option<usize>>,
    subjects: Option<&'c SubjectKeys>,
    /// Values already seen in key and unique fields.
    seen: Seen,
    data: TableData,
    event_subject: Vec<u32>,
    receiver: Option<&'r mut Receiver<'r>>,
    keys_valid: bool,
    /// The row buffer, when rows are handed on.
    values: Vec<Option<Value>>,
    /// The key field, and the field referring to a subject.
    key: Option<usize>,
    reference: Option<usize>,
    /// The last subject key resolved and its row: events usually come
    /// grouped by subject, so most lookups are this comparison.
    last_subject: Option<(String, u32)>,
}

impl<'c, 'r> Validator<'c, 'r> {
    pub(crate) fn new(
        ctx: &'c Ctx<'c>,
        header: &[String],
        header_line: usize,
        has_header: bool,
        subjects: Option<&'c SubjectKeys>,
        sink: &mut Sink,
        notes: &mut Vec<String>,
    ) -> Self {
        let cols = map_columns(header, header_line, has_header, ctx, sink, notes);
        let seen = Seen::Local(vec![HashMap::default(); ctx.table.fields.len()]);
        Validator::with_columns(ctx, cols, subjects, seen)
    }

    /// A validator for part of a file whose header was mapped already
    /// (`columns`), sharing the values seen with the other parts.
    pub(crate) fn with_columns(
        ctx: &'c Ctx<'c>,
        cols: Vec<Option<usize>>,
        subjects: Option<&'c SubjectKeys>,
        seen: Seen,
    ) -> Self {
        Validator {
            ctx,
            cols,
            subjects,
            seen,
            data: TableData::empty(ctx.table),
            event_subject: Vec::new(),
            receiver: None,
            keys_valid: true,
            values: Vec::new(),
            key: ctx.table.fields.iter().position(|f| f.key),
            reference: ctx.table.fields.iter().position(|f| f.refers_to_subject),
            last_subject: None,
        }
    }

    /// Hand each checked row to `receiver` (with its subject row) instead
    /// of storing it.
    pub(crate) fn send_rows_to(&mut self, receiver: &'r mut Receiver<'r>) {
        self.receiver = Some(receiver);
    }

    pub(crate) fn row(&mut self, row: &RawRow, sink: &mut Sink) {
        let start = sink.errors.len();
        self.check_row(row, sink);
        if let Some(errors) = sink.errors.get_mut(start..) {
            self.locate(row, errors);
        }
    }

    /// Each problem of a row gets the column of its field and the
    /// row's subject (编码, 名称), so it can be found in the file and
    /// sent to whoever filled in that subject's data.
    fn locate(&self, row: &RawRow, errors: &mut [EvidenceError]) {
        if errors.is_empty() {
            return;
        }
        let fields = &self.ctx.table.fields;
        let shown = |f: Option<usize>| {
            let c = (*self.cols.get(f?)?)?;
            let text = row.cell(c)?.shown();
            (!text.is_empty()).then_some(text)
        };
        let code = shown(self.reference.or(self.key));
        let name = match self.reference {
            None => shown(self.ctx.table.name_field()),
            Some(_) => code.as_ref().and_then(|c| {
                let r = *self.subjects?.get(c.as_str())?;
                let name = self.ctx.subject_names?.text(r as usize)?;
                Some(name.to_owned())
            }),
        };
        for e in errors {
            if e.column.is_none() {
                let field = e
                    .field
                    .as_deref()
                    .and_then(|f| fields.iter().position(|x| x.name == f));
                e.column = field.and_then(|f| self.cols.get(f).copied().flatten());
            }
            if e.subject.is_none() && e.subject_name.is_none() {
                e.subject.clone_from(&code);
                e.subject_name.clone_from(&name);
            }
        }
    }

    fn check_row(&mut self, row: &RawRow, sink: &mut Sink) {
        let ctx = self.ctx;
        // Rows handed on are not kept: one buffer serves every row.
        let mut values = match self.receiver {
            Some(_) => std::mem::take(&mut self.values),
            None => Vec::with_capacity(self.cols.len()),
        };
        fill_values(row, &self.cols, ctx, sink, &mut values);
        check_at_most(row, &self.cols, &values, ctx, sink);
        check_unique(row.line, &values, &mut self.seen, ctx, sink);
        let subject = (self.reference).map(|f| self.subject_of(f, row.line, &values, sink));
        if let Some(k) = self.key {
            self.keys_valid &= matches!(values.get(k), Some(Some(_)));
        }
        if let Some(receiver) = self.receiver.as_mut() {
            receiver(subject.unwrap_or(u32::MAX), &values);
            self.values = values;
            self.data.rows += 1;
            return;
        }
        if let Some(s) = subject {
            self.event_subject.push(s);
        }
        for (column, value) in self.data.columns.iter_mut().zip(values) {
            column.push(value);
        }
        self.data.lines.push(row.line);
        self.data.rows += 1;
    }

    /// The rows stored so far (and their subjects), leaving none: a
    /// thread hands over each block's rows this way.
    pub(crate) fn take_rows(&mut self) -> (TableData, Vec<u32>) {
        let data = std::mem::replace(&mut self.data, TableData::empty(self.ctx.table));
        (data, std::mem::take(&mut self.event_subject))
    }

    /// The values seen, once every row has been checked.
    pub(crate) fn into_seen(self) -> Seen {
        self.seen
    }

    pub(crate) fn finish(self, dropped: usize) -> Checked {
        Checked {
            data: self.data,
            event_subject: self.event_subject,
            complete_keys: dropped == 0 && self.keys_valid,
        }
    }
}

/// The file column of each declared field. A missing one is an error;
/// extra columns are ignored with one note for the file.
pub(crate) fn map_columns(
    header: &[String],
    header_line: usize,
    has_header: bool,
    ctx: &Ctx,
    sink: &mut Sink,
    notes: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let mut cols = Vec::with_capacity(ctx.table.fields.len());
    for field in &ctx.table.fields {
        let col = header.iter().position(|h| *h == field.name);
        if col.is_none() && has_header {
            let msg = format!("缺少列“{}”：表“{}”声明了该字段", field.name, ctx.table.name);
            sink.push(ctx.error(ErrorKind::MissingColumn, header_line, field, msg));
        }
        cols.push(col);
    }
    let extra: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| ctx.table.field(h).is_none())
        .map(|(i, h)| match h.is_empty() {
            true => format!("第 {} 列（无列名）", i + 1),
            false => format!("“{h}”"),
        })
        .collect();
    if !extra.is_empty() {
        notes.push(format!(
            "{}: 忽略未在表“{}”中声明的列：{}",
            ctx.path.display(),
            ctx.table.name,
            extra.join("、")
        ));
    }
    cols
}

/// The typed value of each declared field in one row (`None` = empty or
/// invalid; invalid ones are reported), into `values`. A text cell reuses
/// the string the buffer holds from the row before.
fn fill_values(
    row: &RawRow,
    cols: &[Option<usize>],
    ctx: &Ctx,
    sink: &mut Sink,
    values: &mut Vec<Option<Value>>,
) {
    values.resize(cols.len(), None);
    for ((field, col), slot) in ctx.table.fields.iter().zip(cols).zip(values.iter_mut()) {
        let cell = col.and_then(|c| row.cell(c));
        if let (Some(RawCell::Text(text)), Some(Value::Text(old)), Ty::Text) =
            (&cell, slot.as_mut(), &field.ty)
        {
            old.clear();
            old.push_str(text);
            continue;
        }
        *slot = cell.and_then(|cell| field_value(&cell, field, row.line, ctx, sink));
    }
}

fn field_value(
    cell: &RawCell,
    field: &Field,
    line: usize,
    ctx: &Ctx,
    sink: &mut Sink,
) -> Option<Value> {
    match (cell, cell::convert(cell, field, ctx.enums)) {
        (RawCell::Absent, _) => {
            let msg = format!("该对象缺少字段“{}”（空值请写 null）", field.name);
            sink.push(ctx.error(ErrorKind::MissingColumn, line, field, msg));
            None
        }
        (_, Err(p)) => {
            sink.push(problem_error(p, cell, field, line, ctx));
            None
        }
        (RawCell::Empty, Ok(None)) if must_have(field) => {
            let what = if field.key { "主键" } else { "必填字段" };
            let msg = format!("字段“{}”为空：{what}不能为空", field.name);
            sink.push(ctx.error(ErrorKind::Empty, line, field, msg));
            None
        }
        (_, Ok(value)) => value,
    }
}

/// Key, required and subject-reference fields: a row without them cannot
/// be scored or attached to a subject.
fn must_have(field: &Field) -> bool {
    field.required || field.key || field.refers_to_subject
}

fn problem_error(
    p: Problem,
    cell: &RawCell,
    field: &Field,
    line: usize,
    ctx: &Ctx,
) -> EvidenceError {
    let e = ctx
        .error(p.kind, line, field, p.message)
        .with_value(cell.shown());
    match p.help {
        Some(h) => e.with_help(h),
        None => e,
    }
}

/// `不大于 其他字段`: e.g. a numerator over its denominator.
fn check_at_most(
    row: &RawRow,
    cols: &[Option<usize>],
    values: &[Option<Value>],
    ctx: &Ctx,
    sink: &mut Sink,
) {
    for (f, field) in ctx.table.fields.iter().enumerate() {
        let Some(g) = field.at_most else { continue };
        let (Some(Some(a)), Some(Some(b))) = (values.get(f), values.get(g)) else {
            continue;
        };
        if compare(a, b) != Some(Ordering::Greater) {
            continue;
        }
        let Some(upper) = ctx.table.fields.get(g) else {
            continue;
        };
        let shown = |i: usize| {
            let cell = cols.get(i).copied().flatten().and_then(|c| row.cell(c));
            cell.map(|c| c.shown()).unwrap_or_default()
        };
        let (va, vb) = (shown(f), shown(g));
        let msg = format!(
            "字段“{}”的值“{va}”大于字段“{}”的值“{vb}”：应不大于“{}”",
            field.name, upper.name, upper.name
        );
        let e = ctx
            .error(ErrorKind::OverUpperField, row.line, field, msg)
            .with_value(va);
        sink.push(e);
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Some(number::cmp(x, y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A 128-bit hash of a key or unique value: ten million event ids stay
/// small, and a false duplicate among them would take about 10^-24 odds.
type Hash128 = u128;

/// Values seen so far in each key and `唯一` field (one set per field).
pub(crate) enum Seen {
    /// One thread reads the whole file: each value with its line, so a
    /// repeat names the line of the first.
    Local(Vec<HashMap<Hash128, usize, FastHash>>),
    /// Several threads read parts of one file: each collects the hashes
    /// it reads, and they are checked for repeats once the whole file is
    /// read (see [`has_repeats`]; then the file is read again on one
    /// thread for the message).
    Collect(Vec<Buckets>),
}

/// One field's hashes split by their top byte, so the repeat check works
/// on pieces that fit in the processor's cache instead of inserting ten
/// million values into one table at random places. 64 bits suffice here:
/// a false repeat (odds about 10^-6 for ten million values) only means the
/// file is read again on one thread, whose check uses 128 bits.
#[derive(Default)]
pub(crate) struct Buckets(Vec<Vec<u64>>);

impl Buckets {
    const COUNT: usize = 256;

    /// Buckets for a field whose values must be unique (none otherwise).
    pub fn for_field(field: &Field) -> Self {
        match field.key || field.unique {
            true => Buckets(vec![Vec::new(); Self::COUNT]),
            false => Buckets::default(),
        }
    }

    fn push(&mut self, h: Hash128) {
        if let Some(b) = self.0.get_mut((h >> 120) as usize) {
            b.push(h as u64);
        }
    }
}

/// Whether any value repeats within a field, across the collections of
/// every thread (`threads[t][f]`: thread `t`'s hashes of field `f`). Each
/// thread's bucket is sorted in place and every pair of threads' buckets
/// is merged, rather than the buckets being joined into one: no copy of
/// ten million hashes, and the threads are as few as the cores.
pub(crate) fn has_repeats(threads: Vec<Vec<Buckets>>) -> bool {
    use rayon::prelude::*;
    // Piece (field, bucket) → each thread's hashes in it.
    let mut pieces: Vec<Vec<Vec<u64>>> = Vec::new();
    for (t, fields) in threads.into_iter().enumerate() {
        let buckets = fields.into_iter().flat_map(|f| f.0);
        for (i, bucket) in buckets.enumerate() {
            if t == 0 {
                pieces.push(Vec::new());
            }
            if let Some(piece) = pieces.get_mut(i) {
                piece.push(bucket);
            }
        }
    }
    pieces.par_iter_mut().any(|piece| {
        for part in piece.iter_mut() {
            part.sort_unstable();
        }
        let within = piece
            .iter()
            .any(|p| p.windows(2).any(|w| w.first() == w.last()));
        within
            || piece
                .iter()
                .enumerate()
                .any(|(i, a)| piece.iter().skip(i + 1).any(|b| sorted_share_a_value(a, b)))
    })
}

/// Whether two sorted lists have a value in common (one merge walk).
fn sorted_share_a_value(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => return true,
        }
    }
    false
}

/// Key and `唯一` fields: a repeated value names both lines.
fn check_unique(
    line: usize,
    values: &[Option<Value>],
    seen: &mut Seen,
    ctx: &Ctx,
    sink: &mut Sink,
) {
    for (f, (field, value)) in ctx.table.fields.iter().zip(values).enumerate() {
        let (true, Some(value)) = (field.key || field.unique, value) else {
            continue;
        };
        let text = key_cow(value);
        let h = hash128(&text);
        let first = match seen {
            Seen::Local(sets) => match sets.get_mut(f) {
                Some(set) => match set.get(&h) {
                    Some(first) => Some(first.to_string()),
                    None => {
                        set.insert(h, line);
                        None
                    }
                },
                None => None,
            },
            Seen::Collect(fields) => {
                if let Some(b) = fields.get_mut(f) {
                    b.push(h);
                }
                None
            }
        };
        if let Some(first) = first {
            let msg = format!(
                "字段“{}”的值“{text}”重复：第 {first} 行已有相同的值",
                field.name
            );
            let e = ctx
                .error(ErrorKind::DuplicateKey, line, field, msg)
                .with_value(text.into_owned());
            sink.push(e);
        }
    }
}

impl Validator<'_, '_> {
    /// The subject row of an event whose reference is field `f`.
    /// Unresolved references are reported and get a placeholder: the load
    /// fails, so it never reaches the evaluator.
    fn subject_of(
        &mut self,
        f: usize,
        line: usize,
        values: &[Option<Value>],
        sink: &mut Sink,
    ) -> u32 {
        let ctx = self.ctx;
        let (Some(field), Some(subjects), Some(Some(value))) =
            (ctx.table.fields.get(f), self.subjects, values.get(f))
        else {
            return u32::MAX;
        };
        let text = key_cow(value);
        if let Some((last, row)) = &self.last_subject {
            if *last == text {
                return *row;
            }
        }
        if let Some(&row) = subjects.get(text.as_ref()) {
            match &mut self.last_subject {
                Some((last, r)) => {
                    last.clear();
                    last.push_str(&text);
                    *r = row;
                }
                None => self.last_subject = Some((text.into_owned(), row)),
            }
            return row;
        }
        let msg = format!(
            "字段“{}”的值“{text}”在主体表中不存在：应为某个主体的主键",
            field.name
        );
        sink.push(
            ctx.error(ErrorKind::UnknownSubject, line, field, msg)
                .with_value(text),
        );
        u32::MAX
    }
}

/// XXH3's 128-bit hash of a text.
fn hash128(text: &str) -> Hash128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// A key's text, borrowed when the value is text already (the usual case:
/// no allocation per event row).
fn key_cow(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::Text(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(key_text(other)),
    }
}

/// A value as text, for comparing keys across tables and for messages.
pub(crate) fn key_text(value: &Value) -> String {
    match value {
        Value::Text(s) => s.clone(),
        Value::Num(n) => number::show(n),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Enum(i) => i.to_string(),
        Value::Date(d) => crate::date::format(*d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets(values: &[&str]) -> Buckets {
        let mut b = Buckets(vec![Vec::new(); Buckets::COUNT]);
        for v in values {
            b.push(hash128(v));
        }
        b
    }

    #[test]
    fn repeats_within_one_thread_and_across_threads() {
        let distinct = || vec![vec![buckets(&["E1", "E2"])], vec![buckets(&["E3"])]];
        assert!(!has_repeats(distinct()));
        let within = vec![vec![buckets(&["E1", "E2", "E1"])], vec![buckets(&["E3"])]];
        assert!(has_repeats(within));
        let across = vec![vec![buckets(&["E1", "E2"])], vec![buckets(&["E3", "E2"])]];
        assert!(has_repeats(across));
    }

    #[test]
    fn one_value_in_two_fields_is_no_repeat() {
        let fields = |a: &[&str], b: &[&str]| vec![buckets(a), buckets(b)];
        assert!(!has_repeats(vec![fields(&["A"], &["A"])]));
        assert!(!has_repeats(vec![fields(&["A"], &[]), fields(&[], &["A"])]));
        assert!(has_repeats(vec![fields(&["A"], &[]), fields(&["A"], &[])]));
    }

    #[test]
    fn merge_walk_finds_a_shared_value() {
        assert!(sorted_share_a_value(&[1, 4, 9], &[2, 9]));
        assert!(!sorted_share_a_value(&[1, 4, 9], &[2, 5, 10]));
        assert!(!sorted_share_a_value(&[], &[1]));
    }
}
