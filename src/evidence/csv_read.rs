//! CSV text to raw cells. The header is line 1; each row keeps the editor
//! line it starts on (a quoted cell may span lines), for messages.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{Cells, RawCell, RawRow, RawTable};
use std::collections::HashSet;
use std::path::Path;

/// Read decoded CSV text. Problems go to `sink`; `None` when the file
/// has no usable header (then no per-column errors would help).
pub(crate) fn read(text: &str, path: &Path, sink: &mut Sink) -> Option<RawTable> {
    let mut reader = reader(text.as_bytes());
    let lines = Lines::new(text);
    let mut records = reader.records();
    let (header, header_line) = match records.next() {
        Some(Ok(rec)) => {
            let line = lines.of(&rec);
            (header_of(&rec, line, path, sink), line)
        }
        Some(Err(e)) => {
            sink.push(csv_error(&e, path, &lines));
            return None;
        }
        None => {
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
    for rec in records {
        match rec {
            Ok(rec) => {
                let line = lines.of(&rec);
                match row_of(&rec, line, table.header.len(), path, sink) {
                    Some(Row::Data(row)) => table.rows.push(row.into_owned()),
                    Some(Row::Blank) => {}
                    None => table.dropped += 1,
                }
            }
            Err(e) => {
                sink.push(csv_error(&e, path, &lines));
                table.dropped += 1;
            }
        }
    }
    Some(table)
}

/// The one CSV dialect every reader of a file uses. The header is read as
/// a record; width is checked per row (flexible), so a short row is one
/// clear message instead of a parser error; trimming is done per cell
/// because csv's trim is ASCII-only and misses the full-width space.
pub(crate) fn reader<R: std::io::Read>(from: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(from)
}

/// Editor line numbers from byte offsets. csv's own `Position::line` is
/// one short after a CRLF (the record ends at `\r`, the `\n` is counted
/// later), and Excel writes CRLF, so lines are recomputed from the text.
struct Lines<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        let newlines = text
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| (b == b'\n').then_some(i))
            .collect();
        Lines { text, newlines }
    }

    /// Line of a byte offset, after skipping the line breaks (and blank
    /// lines) csv counts as part of the record's start.
    fn at(&self, byte: usize) -> usize {
        let skipped = self
            .text
            .get(byte..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let start = byte + skipped;
        self.newlines.partition_point(|&n| n < start) + 1
    }

    fn of(&self, rec: &csv::StringRecord) -> usize {
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

fn csv_error(e: &csv::Error, path: &Path, lines: &Lines) -> EvidenceError {
    let err = EvidenceError::new(ErrorKind::Encoding, format!("无法解析 CSV：{e}")).in_file(path);
    match e.position() {
        Some(p) => err.at_line(lines.at(p.byte() as usize)),
        None => err,
    }
}
