//! Reading a UTF-8 CSV file record by record, so a file of ten million
//! events is never held in memory: each row is validated and handed on,
//! then dropped. Line numbers are those an editor shows (CRLF-safe).

use super::csv_read::{header_of, row_of, Row};
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

/// The bytes csv has read but not yet turned into a record's position,
/// with the count of line breaks before them.
#[derive(Default)]
struct Window {
    bytes: VecDeque<u8>,
    start: u64,
    newlines: usize,
}

impl Window {
    /// Editor line of the record starting at `byte` (csv counts the line
    /// breaks before a record as part of it: skip them).
    fn line_at(&mut self, byte: u64) -> usize {
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
        let skipped = super::blocks::breaks_before_record(&self.bytes);
        self.newlines + skipped + 1
    }
}

/// A reader that keeps what it hands to csv in the window.
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
        self.window
            .borrow_mut()
            .bytes
            .extend(buf.get(..n).unwrap_or_default());
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
pub(crate) fn read(
    path: &Path,
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
    let window = Rc::new(RefCell::new(Window::default()));
    let tracking = Tracking {
        inner: std::io::BufReader::with_capacity(1 << 16, file),
        window: Rc::clone(&window),
        first: true,
    };
    let mut reader = super::csv_read::reader(tracking);
    let line_of = |rec: &csv::StringRecord| {
        rec.position()
            .map_or(1, |p| window.borrow_mut().line_at(p.byte()))
    };
    let mut rec = csv::StringRecord::new();
    let width = match reader.read_record(&mut rec) {
        Ok(true) => {
            let line = line_of(&rec);
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
                let line = line_of(&rec);
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
                // error ends the file.
                if e.is_io_error() {
                    break;
                }
            }
        }
    }
    progress(reader.position().byte().saturating_sub(counted));
    Some(dropped)
}

fn csv_error(e: &csv::Error, path: &Path, window: &Rc<RefCell<Window>>) -> EvidenceError {
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
