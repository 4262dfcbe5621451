//! Reading a UTF-8 CSV file record by record, so a file of ten million
//! events is never held in memory: each row is validated and handed on,
//! then dropped. Line numbers are those an editor shows (CRLF-safe).

use super::csv_read::{header_of, row_of, Row, CSV_BUFFER};
use super::decode::BOM;
use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::RawRow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

/// How much of a file decides its encoding. A GBK byte further on is
/// still caught, as a UTF-8 error naming its line and `--encoding gbk`.
const SNIFF: usize = 1 << 20;

/// Whether a file can be streamed as UTF-8: it starts with a BOM, or its
/// first megabyte is valid UTF-8 (a character cut at the end is fine).
pub(crate) fn is_utf8(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(SNIFF);
    if file
        .by_ref()
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return false;
    }
    if head.starts_with(BOM) {
        return true;
    }
    match std::str::from_utf8(&head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() == SNIFF,
    }
}

/// The bytes csv has read since the start of the record it is reading,
/// with the count of line breaks before them. The window is emptied up to
/// the next record's start after each record, and line breaks at its
/// front (blank lines between records) are counted and dropped as they
/// arrive, so it holds about one record: blank lines cost no memory, and
/// a record that never ends is caught at `limit` bytes.
struct Window {
    bytes: VecDeque<u8>,
    start: u64,
    newlines: usize,
    /// The longest record allowed (bytes, not counting blank lines).
    limit: usize,
    /// The current record grew past `limit`: reading stopped.
    too_long: bool,
}

impl Window {
    fn new(limit: usize) -> Self {
        Window {
            bytes: VecDeque::new(),
            start: 0,
            newlines: 0,
            limit,
            too_long: false,
        }
    }

    /// Count and drop the bytes before `byte`.
    fn drain_to(&mut self, byte: u64) {
        let k = usize::try_from(byte.saturating_sub(self.start))
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let newlines = super::blocks::count_newlines;
        let (a, b) = self.bytes.as_slices();
        self.newlines += if k <= a.len() {
            newlines(a.get(..k).unwrap_or_default())
        } else {
            newlines(a) + newlines(b.get(..k - a.len()).unwrap_or_default())
        };
        self.bytes.drain(..k);
        self.start += k as u64;
        self.drop_leading_breaks();
    }

    /// Editor line of the record starting at `byte` (csv counts the line
    /// breaks before a record as part of it: skip them).
    fn line_at(&mut self, byte: u64) -> usize {
        self.drain_to(byte);
        let skipped = super::blocks::breaks_before_record(&self.bytes);
        self.newlines + skipped + 1
    }

    /// Line breaks at the front belong to no record (csv skips them):
    /// count them now instead of keeping them.
    fn drop_leading_breaks(&mut self) {
        while let Some(&b) = self.bytes.front() {
            if b != b'\r' && b != b'\n' {
                break;
            }
            self.newlines += usize::from(b == b'\n');
            self.bytes.pop_front();
            self.start += 1;
        }
    }
}

/// A reader that keeps what it hands to csv in the window, and stops with
/// an error when the record being read is longer than the window's limit.
struct Tracking<R> {
    inner: R,
    window: Rc<RefCell<Window>>,
    first: bool,
}

impl<R: Read> Read for Tracking<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        if self.first && n > 0 {
            self.first = false;
            if buf.get(..n).is_some_and(|b| b.starts_with(BOM)) {
                buf.copy_within(BOM.len()..n, 0);
                n -= BOM.len();
            }
        }
        let mut window = self.window.borrow_mut();
        window.bytes.extend(buf.get(..n).unwrap_or_default());
        window.drop_leading_breaks();
        // What csv has been given but not parsed is at most its buffer, so
        // beyond that the window is the current record alone.
        if window.bytes.len() > window.limit.saturating_add(CSV_BUFFER) {
            window.too_long = true;
            return Err(std::io::Error::other("record longer than the limit"));
        }
        Ok(n)
    }
}

/// What a streamed file's header and rows go to.
pub(crate) trait Rows {
    fn header(&mut self, names: Vec<String>, line: usize, sink: &mut Sink);
    fn row(&mut self, row: RawRow<'_>, sink: &mut Sink);
}

/// Read a UTF-8 CSV file into `to`. Returns the number of rows dropped
/// for errors, or `None` when the file has no usable header (reported).
/// `progress` is told how many more bytes were read, about every 1 MiB.
/// A record longer than `max_record` bytes ends the read (E0517): the
/// file is never held whole, but neither is one endless record.
pub(crate) fn read(
    path: &Path,
    max_record: usize,
    sink: &mut Sink,
    to: &mut dyn Rows,
    progress: &mut dyn FnMut(u64),
) -> Option<usize> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            sink.push(
                EvidenceError::new(ErrorKind::Io, format!("无法读取文件：{e}")).in_file(path),
            );
            return None;
        }
    };
    let window = Rc::new(RefCell::new(Window::new(max_record)));
    let tracking = Tracking {
        inner: std::io::BufReader::with_capacity(1 << 16, file),
        window: Rc::clone(&window),
        first: true,
    };
    let mut reader = super::csv_read::reader(tracking);
    // A record's line and length (without the blank lines before it);
    // what comes before the next record is then counted, not kept.
    let place = |rec: &csv::StringRecord, next: &csv::Position| {
        let mut w = window.borrow_mut();
        let line = rec.position().map_or(1, |p| w.line_at(p.byte()));
        let length = next.byte().saturating_sub(w.start);
        w.drain_to(next.byte());
        (line, usize::try_from(length).unwrap_or(usize::MAX))
    };
    let mut rec = csv::StringRecord::new();
    let width = match reader.read_record(&mut rec) {
        Ok(true) => {
            let (line, length) = place(&rec, reader.position());
            if length > max_record {
                sink.push(super::csv_read::too_long(path, line, max_record));
                return None;
            }
            let header = header_of(&rec, line, path, sink);
            let width = header.len();
            to.header(header, line, sink);
            width
        }
        Ok(false) => {
            let msg = "文件为空：缺少表头行（第 1 行应为列名）";
            sink.push(
                EvidenceError::new(ErrorKind::Encoding, msg)
                    .in_file(path)
                    .at_line(1),
            );
            return None;
        }
        Err(e) => {
            sink.push(csv_error(&e, path, &window));
            return None;
        }
    };
    let mut dropped = 0;
    let mut counted = 0;
    loop {
        let at = reader.position().byte();
        if at >= counted + (1 << 20) {
            progress(at - counted);
            counted = at;
        }
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let (line, length) = place(&rec, reader.position());
                if length > max_record {
                    sink.push(super::csv_read::too_long(path, line, max_record));
                    dropped += 1;
                    continue;
                }
                match row_of(&rec, line, width, path, sink) {
                    Some(Row::Data(row)) => to.row(row, sink),
                    Some(Row::Blank) => {}
                    None => dropped += 1,
                }
            }
            Err(e) => {
                sink.push(csv_error(&e, path, &window));
                dropped += 1;
                // After a bad record csv goes on with the next one; an I/O
                // error (or a record too long) ends the file.
                if e.is_io_error() {
                    break;
                }
                window.borrow_mut().drain_to(reader.position().byte());
            }
        }
    }
    progress(reader.position().byte().saturating_sub(counted));
    Some(dropped)
}

fn csv_error(e: &csv::Error, path: &Path, window: &Rc<RefCell<Window>>) -> EvidenceError {
    let mut window_now = window.borrow_mut();
    if window_now.too_long {
        // The window's front is the first byte of the record.
        let start = window_now.start;
        let line = window_now.line_at(start);
        return super::csv_read::too_long(path, line, window_now.limit);
    }
    drop(window_now);
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "该行含有无法按 UTF-8 编码识别的字节：文件若为 GBK，请用 --encoding gbk".to_string()
        }
        _ => format!("无法解析 CSV：{e}"),
    };
    let err = EvidenceError::new(ErrorKind::Encoding, msg).in_file(path);
    match e.position() {
        Some(p) => err.at_line(window.borrow_mut().line_at(p.byte())),
        None => err,
    }
}
