//! A UTF-8 CSV file read and checked on every core. The file is cut into
//! blocks of whole records; each thread parses and checks blocks with its
//! own validator (the sets of seen keys are shared) and folds event rows
//! into its own fork of the aggregates; the parts are joined in file order.
//!
//! Only a valid file is read this way. At the first problem the threads
//! stop and the caller reads the file again on one thread, so the messages
//! users see (lines, first occurrences, order) always come from the
//! one-thread reader, and any file read here gives exactly what the
//! one-thread reader gives.

use super::blocks::{count_newlines, Block, Blocks, LineCount};
use super::csv_read::{header_of, row_of, Row};
use super::error::Sink;
use super::validate::{
    has_repeats, map_columns, Buckets, Checked, Ctx, Seen, SubjectKeys, Validator,
};
use super::{EventFold, TableData};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Blocks are at least this big (a thread's share of a block is worth
/// more than handing it over) and at most `MAX_BLOCK` (memory in flight).
const MIN_BLOCK: usize = 64 << 10;
const MAX_BLOCK: usize = 4 << 20;

/// How many threads read a file: one per core.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What one file is read into.
pub(crate) struct Target<'a, F> {
    pub ctx: &'a Ctx<'a>,
    pub subjects: Option<&'a SubjectKeys>,
    /// Event rows folded instead of kept: the fold, and the table's index.
    pub fold: Option<(&'a mut F, usize)>,
    /// The longest record allowed: a longer one is left to the one-thread
    /// reader, which reports it.
    pub max_record: usize,
    pub progress: &'a mut dyn FnMut(u64),
}

/// One block's rows (empty columns when rows are folded).
struct Part {
    data: TableData,
    event_subject: Vec<u32>,
}

/// Read and check a file on `threads` threads; `None` when the file has a
/// problem (nothing is reported: the caller reads it again on one thread)
/// or is too small to be worth sharing out.
pub(crate) fn read<F: EventFold>(
    target: Target<'_, F>,
    threads: usize,
    notes: &mut Vec<String>,
) -> Option<Checked> {
    let Target {
        ctx,
        subjects,
        fold,
        max_record,
        progress,
    } = target;
    let file = std::fs::File::open(ctx.path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    if len < 2 * MIN_BLOCK {
        // One block: nothing to share out.
        return None;
    }
    let size = (len / (threads * 8)).clamp(MIN_BLOCK, MAX_BLOCK);
    let mut blocks = Blocks::new(file, size, max_record);
    let first = blocks.next_block().ok()??;
    progress(first.bytes.len() as u64);
    let mut file_notes = Vec::new();
    let (cols, width, first) = header(first, ctx, &mut file_notes)?;
    let shared = Shared {
        ctx,
        subjects,
        cols: &cols,
        width,
        max_record,
        failed: AtomicBool::new(false),
    };
    let (table, main_fold) = match fold {
        Some((f, t)) => (t, Some(f)),
        None => (0, None),
    };
    let forks = || main_fold.as_ref().map(|f| f.fork());
    let done = spread(&shared, blocks, first, threads, forks, table, progress);
    if shared.failed.load(Ordering::Relaxed) || done.len() != threads {
        return None;
    }
    let checked = gather(ctx, done, main_fold)?;
    notes.extend(file_notes);
    Some(checked)
}

/// Hand the blocks out to `threads` threads (each with a fork of the
/// fold) while reading the next, until the file ends or a thread fails.
fn spread<F: EventFold>(
    shared: &Shared,
    mut blocks: Blocks<std::fs::File>,
    first: Block,
    threads: usize,
    fork: impl Fn() -> Option<F>,
    table: usize,
    progress: &mut dyn FnMut(u64),
) -> Vec<Done<F>> {
    let (tx, rx) = mpsc::sync_channel::<(usize, Block)>(threads * 2);
    // Only the threads hold the receiver: should every one of them stop,
    // sending fails instead of waiting for room forever.
    let rx = Arc::new(Mutex::new(rx));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (fold, rx) = (fork(), Arc::clone(&rx));
                scope.spawn(move || worker(shared, &rx, fold, table))
            })
            .collect();
        drop(rx);
        let mut next = Some(first);
        let mut index = 0;
        while let Some(block) = next.take() {
            if shared.failed.load(Ordering::Relaxed) || tx.send((index, block)).is_err() {
                break;
            }
            index += 1;
            match blocks.next_block() {
                Ok(Some(b)) => {
                    progress(b.bytes.len() as u64);
                    next = Some(b);
                }
                Ok(None) => {}
                Err(_) => shared.failed.store(true, Ordering::Relaxed),
            }
        }
        drop(tx);
        workers.into_iter().filter_map(|w| w.join().ok()).collect()
    })
}

/// The threads' work joined: rows in file order, forks into the caller's
/// fold. `None` when a row could not be folded or a key repeats.
fn gather<F: EventFold>(ctx: &Ctx, done: Vec<Done<F>>, fold: Option<&mut F>) -> Option<Checked> {
    let mut parts = Vec::new();
    let mut forks = Vec::new();
    let mut seen = Vec::new();
    for w in done {
        parts.extend(w.parts);
        forks.extend(w.fold);
        seen.push(w.seen);
    }
    if forks.iter().any(EventFold::failed) || has_repeats(seen) {
        return None;
    }
    // The forks are added up first, and then to the caller's fold in one
    // step, so a sum that cannot be made leaves the caller's fold as it
    // was for the one-thread reader.
    let mut forks = forks.into_iter();
    if let (Some(main), Some(mut sum)) = (fold, forks.next()) {
        for fork in forks {
            if !sum.join(fork) {
                return None;
            }
        }
        if !main.join(sum) {
            return None;
        }
    }
    parts.sort_by_key(|(i, _)| *i);
    Some(join_parts(ctx, parts.into_iter().map(|(_, p)| p)))
}

/// What a thread read: its blocks' rows (with the block's place in the
/// file), its fork of the fold and the key values it saw.
struct Done<F> {
    parts: Vec<(usize, Part)>,
    fold: Option<F>,
    seen: Vec<Buckets>,
}

/// What every thread reads and shares.
struct Shared<'a> {
    ctx: &'a Ctx<'a>,
    subjects: Option<&'a SubjectKeys>,
    cols: &'a [Option<usize>],
    width: usize,
    max_record: usize,
    /// A problem was found: every thread stops.
    failed: AtomicBool,
}

/// The header of the first block: the column of each field, the number of
/// columns, and the rest of the block. `None` when it has any problem.
fn header(
    first: Block,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> Option<(Vec<Option<usize>>, usize, Block)> {
    let mut sink = Sink::new(1);
    let mut reader = super::csv_read::reader(first.bytes.as_slice());
    let mut rec = csv::StringRecord::new();
    if !reader.read_record(&mut rec).ok()? {
        return None;
    }
    let at = usize::try_from(rec.position()?.byte()).ok()?;
    let line = first.line_at(at, &mut LineCount::default());
    let names = header_of(&rec, line, ctx.path, &mut sink);
    let cols = map_columns(&names, line, true, ctx, &mut sink, notes);
    if !sink.is_empty() {
        return None;
    }
    let end = usize::try_from(reader.position().byte()).ok()?;
    let head = first.bytes.get(..end)?;
    let rest = Block {
        newlines_before: first.newlines_before + count_newlines(head),
        bytes: first.bytes.get(end..)?.to_vec(),
    };
    Some((cols, names.len(), rest))
}

/// One thread: blocks from the channel until it closes or a problem is
/// found anywhere.
fn worker<F: EventFold>(
    shared: &Shared,
    rx: &Mutex<mpsc::Receiver<(usize, Block)>>,
    mut fold: Option<F>,
    table: usize,
) -> Done<F> {
    let ctx = shared.ctx;
    let seen = Seen::Collect(ctx.table.fields.iter().map(Buckets::for_field).collect());
    let mut v = Validator::with_columns(ctx, shared.cols.to_vec(), shared.subjects, seen);
    let mut forward = fold
        .as_mut()
        .map(|f| move |s: u32, values: &[Option<crate::ir::Value>]| f.row(table, s, values));
    if let Some(r) = forward.as_mut() {
        v.send_rows_to(r);
    }
    let mut parts = Vec::new();
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => break,
        };
        let Ok((index, block)) = next else { break };
        if shared.failed.load(Ordering::Relaxed) {
            continue;
        }
        match check_block(shared, &block, &mut v) {
            Some(p) => parts.push((index, p)),
            None => shared.failed.store(true, Ordering::Relaxed),
        }
    }
    let seen = match v.into_seen() {
        Seen::Collect(buckets) => buckets,
        Seen::Local(_) => Vec::new(),
    };
    Done { parts, fold, seen }
}

/// Check one block's records; `None` at the first problem.
fn check_block(shared: &Shared, block: &Block, v: &mut Validator) -> Option<Part> {
    // csv drops a BOM at the start of what it reads; the one-thread reader
    // sees this one mid-file and keeps it in the cell.
    if block.bytes.starts_with(super::decode::BOM) {
        return None;
    }
    let mut sink = Sink::new(1);
    let mut reader = super::csv_read::reader(block.bytes.as_slice());
    let mut rec = csv::StringRecord::new();
    let mut counted = LineCount::default();
    while reader.read_record(&mut rec).ok()? {
        let at = usize::try_from(rec.position()?.byte()).ok()?;
        let end = usize::try_from(reader.position().byte()).ok()?;
        if end - at > shared.max_record {
            return None;
        }
        let line = block.line_at(at, &mut counted);
        match row_of(&rec, line, shared.width, shared.ctx.path, &mut sink) {
            Some(Row::Data(row)) => v.row(&row, &mut sink),
            Some(Row::Blank) => {}
            None => return None,
        }
        if !sink.is_empty() {
            return None;
        }
    }
    let (data, event_subject) = v.take_rows();
    Some(Part {
        data,
        event_subject,
    })
}

/// The blocks' rows in file order, as one read would have stored them.
fn join_parts(ctx: &Ctx, parts: impl Iterator<Item = Part>) -> Checked {
    let mut data = TableData::empty(ctx.table);
    let parts: Vec<Part> = parts.collect();
    let rows: usize = parts.iter().map(|p| p.data.lines.len()).sum();
    for column in &mut data.columns {
        column.reserve(rows);
    }
    let mut event_subject = Vec::with_capacity(parts.iter().map(|p| p.event_subject.len()).sum());
    for part in parts {
        for (column, more) in data.columns.iter_mut().zip(part.data.columns) {
            column.append(more);
        }
        data.lines.extend(part.data.lines);
        data.rows += part.data.rows;
        event_subject.extend(part.event_subject);
    }
    Checked {
        data,
        event_subject,
        complete_keys: true,
    }
}
