//! CSV text to raw cells. The header is line 1; each row keeps the editor
//! line it starts on (a quoted cell may span lines), for messages.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::{RawCell, RawRow, RawTable};
use std::collections::HashSet;
use std::path::Path;

/// Read decoded CSV text. Problems go to `sink`; `None` when the file
/// has no usable header (then no per-column errors would help).
pub(crate) fn read(text: &str, path: &Path, sink: &mut Sink) -> Option<RawTable> {
    // Width is checked here (flexible), so a short row is one clear
    // message instead of a parser error; trimming is done per cell below
    // because csv's trim is ASCII-only and misses the full-width space.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let (header, header_line) = match records.next() {
        Some(Ok(rec)) => {
            let line = rec.position().map_or(1, |p| p.line() as usize);
            (header_of(&rec, line, path, sink), line)
        }
        Some(Err(e)) => {
            sink.push(csv_error(&e, path));
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
        rows: Vec::new(),
    };
    for rec in records {
        match rec {
            Ok(rec) => {
                if let Some(row) = row_of(&rec, table.header.len(), path, sink) {
                    table.rows.push(row);
                }
            }
            Err(e) => sink.push(csv_error(&e, path)),
        }
    }
    Some(table)
}

/// Column names, trimmed. A repeated name is an error: which of the two
/// columns is meant cannot be guessed.
fn header_of(rec: &csv::StringRecord, line: usize, path: &Path, sink: &mut Sink) -> Vec<String> {
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

/// One data row; `None` for a blank row (Excel writes `,,,` for rows it
/// has formatted but left empty) or a row of the wrong width (reported).
fn row_of(rec: &csv::StringRecord, width: usize, path: &Path, sink: &mut Sink) -> Option<RawRow> {
    let line = rec.position().map_or(0, |p| p.line() as usize);
    let cells: Vec<RawCell> = rec.iter().map(RawCell::text).collect();
    if cells.iter().all(|c| *c == RawCell::Empty) {
        return None;
    }
    if cells.len() != width {
        let msg = format!("该行有 {} 列，而表头有 {} 列", cells.len(), width);
        let e = EvidenceError::new(ErrorKind::Encoding, msg)
            .in_file(path)
            .at_line(line)
            .with_help("检查该行是否多了或少了逗号；含逗号的单元格须用英文双引号括起");
        sink.push(e);
        return None;
    }
    Some(RawRow { line, cells })
}

fn csv_error(e: &csv::Error, path: &Path) -> EvidenceError {
    let err = EvidenceError::new(ErrorKind::Encoding, format!("无法解析 CSV：{e}")).in_file(path);
    match e.position() {
        Some(p) => err.at_line(p.line() as usize),
        None => err,
    }
}
