//! CSV text to raw cells. The header is line 1; each row keeps the editor
//! line it starts on (a quoted cell may span lines), for messages.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{Cells, RawCell, RawRow, RawTable};
use std::collections::HashSet;
use std::path::Path;

/// csv's read buffer: at most this much of what it was given is not yet
/// part of a record (the streamed reader's record limit relies on it).
pub(crate) const CSV_BUFFER: usize = 8 << 10;

/// Read decoded CSV text. Problems go to `sink`; `None` when the file
/// has no usable header (then no per-column errors would help). A record
/// longer than `max_record` bytes is an error (E0517), as when streamed.
pub(crate) fn read(
    text: &str,
    path: &Path,
    max_record: usize,
    sink: &mut Sink,
) -> Option<RawTable> {
    let mut reader = reader(text.as_bytes());
    let mut lines = Lines::new(text);
    let mut rec = csv::StringRecord::new();
    // The bytes of the record just read, without the blank lines before it.
    let length = |rec: &csv::StringRecord, reader: &csv::Reader<&[u8]>, lines: &Lines| {
        let start = rec.position().map_or(0, |p| p.byte() as usize);
        let start = start + lines.breaks_at(start);
        (reader.position().byte() as usize).saturating_sub(start)
    };
    let (header, header_line) = match reader.read_record(&mut rec) {
        Ok(true) => {
            let line = lines.of(&rec);
            if length(&rec, &reader, &lines) > max_record {
                sink.push(too_long(path, line, max_record));
                return None;
            }
            (header_of(&rec, line, path, sink), line)
        }
        Err(e) => {
            sink.push(csv_error(&e, path, &mut lines));
            return None;
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
    };
    let mut table = RawTable {
        header,
        header_line,
        has_header: true,
        rows: Vec::new(),
        dropped: 0,
    };
    loop {
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.of(&rec);
                if length(&rec, &reader, &lines) > max_record {
                    sink.push(too_long(path, line, max_record));
                    table.dropped += 1;
                    continue;
                }
                match row_of(&rec, line, table.header.len(), path, sink) {
                    Some(Row::Data(row)) => table.rows.push(row.into_owned()),
                    Some(Row::Blank) => {}
                    None => table.dropped += 1,
                }
            }
            Err(e) => {
                sink.push(csv_error(&e, path, &mut lines));
                table.dropped += 1;
            }
        }
    }
    Some(table)
}

/// E0517: the record starting on `line` is longer than `limit` bytes.
pub(crate) fn too_long(path: &Path, line: usize, limit: usize) -> EvidenceError {
    let size = if limit.is_multiple_of(1 << 20) {
        format!("{} MiB", limit >> 20)
    } else {
        format!("{limit} 字节")
    };
    let msg = format!("从该行开始的一条记录超过 {size} 仍未结束：可能缺少右引号，或文件不是 CSV");
    EvidenceError::new(ErrorKind::RecordTooLong, msg)
        .in_file(path)
        .at_line(line)
}

/// The one CSV dialect every reader of a file uses. The header is read as
/// a record; width is checked per row (flexible), so a short row is one
/// clear message instead of a parser error; trimming is done per cell
/// because csv's trim is ASCII-only and misses the full-width space.
pub(crate) fn reader<R: std::io::Read>(from: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(from)
}

/// Editor line numbers from byte offsets. csv's own `Position::line` is
/// one short after a CRLF (the record ends at `\r`, the `\n` is counted
/// later), and Excel writes CRLF, so lines are recomputed from the text.
/// Records come in order, so line breaks are counted on from the last
/// offset asked for: no index of every line (a file of blank lines would
/// make it eight times the size of the file).
struct Lines<'a> {
    text: &'a [u8],
    /// Line breaks before byte `upto`.
    upto: usize,
    newlines: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            upto: 0,
            newlines: 0,
        }
    }

    /// The line breaks (and blank lines) at `byte`, which csv counts as
    /// part of the record starting there.
    fn breaks_at(&self, byte: usize) -> usize {
        let rest = self.text.get(byte..).unwrap_or_default();
        rest.iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count()
    }

    /// Line of a byte offset, after skipping the line breaks csv counts as
    /// part of the record's start.
    fn at(&mut self, byte: usize) -> usize {
        let start = (byte + self.breaks_at(byte)).min(self.text.len());
        if start < self.upto {
            // Not in order (no reader asks this): count from the start.
            (self.upto, self.newlines) = (0, 0);
        }
        let between = self.text.get(self.upto..start).unwrap_or_default();
        self.newlines += super::blocks::count_newlines(between);
        self.upto = start;
        self.newlines + 1
    }

    fn of(&mut self, rec: &csv::StringRecord) -> usize {
        rec.position().map_or(1, |p| self.at(p.byte() as usize))
    }
}

/// Column names, trimmed. A repeated name is an error: which of the two
/// columns is meant cannot be guessed.
pub(crate) fn header_of(
    rec: &csv::StringRecord,
    line: usize,
    path: &Path,
    sink: &mut Sink,
) -> Vec<String> {
    let names: Vec<String> = rec.iter().map(|s| s.trim().to_owned()).collect();
    let mut seen = HashSet::new();
    for name in &names {
        if !name.is_empty() && !seen.insert(name.as_str()) {
            let msg = format!("表头中列名“{name}”出现了不止一次");
            let e = EvidenceError::new(ErrorKind::Encoding, msg)
                .in_file(path)
                .at_line(line)
                .with_field(name.clone())
                .with_help("删除或改名重复的列");
            sink.push(e);
        }
    }
    names
}

pub(crate) enum Row<'a> {
    Data(RawRow<'a>),
    /// Excel writes `,,,` for rows it has formatted but left empty.
    Blank,
}

/// One data row; `None` for a row of the wrong width (reported).
pub(crate) fn row_of<'r>(
    rec: &'r csv::StringRecord,
    line: usize,
    width: usize,
    path: &Path,
    sink: &mut Sink,
) -> Option<Row<'r>> {
    if rec.iter().all(|s| RawCell::text(s) == RawCell::Empty) {
        return Some(Row::Blank);
    }
    if rec.len() != width {
        let msg = format!("该行有 {} 列，而表头有 {} 列", rec.len(), width);
        let e = EvidenceError::new(ErrorKind::Encoding, msg)
            .in_file(path)
            .at_line(line)
            .with_help("检查该行是否多了或少了逗号；含逗号的单元格须用英文双引号括起");
        sink.push(e);
        return None;
    }
    Some(Row::Data(RawRow {
        line,
        cells: Cells::Record(rec),
    }))
}

fn csv_error(e: &csv::Error, path: &Path, lines: &mut Lines) -> EvidenceError {
    let err = EvidenceError::new(ErrorKind::Encoding, format!("无法解析 CSV：{e}")).in_file(path);
    match e.position() {
        Some(p) => err.at_line(lines.at(p.byte() as usize)),
        None => err,
    }
}
