//! A UTF-8 CSV file cut into blocks of whole records, so several threads
//! can parse and check one file. Each block knows how many line breaks
//! precede it, so a record's editor line is computed exactly as the
//! one-thread reader computes it.

use std::io::Read;

use super::decode::BOM;

/// Whole records of a file, and the line breaks in the file before them.
pub(crate) struct Block {
    pub bytes: Vec<u8>,
    pub newlines_before: usize,
}

impl Block {
    /// Editor line of the record that starts at `byte` in this block.
    /// Records are asked for in order, so the line breaks before each are
    /// counted from where the last count stopped (`lines`).
    /// csv counts the line breaks before a record as part of it: skip them.
    pub fn line_at(&self, byte: usize, lines: &mut LineCount) -> usize {
        let byte = byte.min(self.bytes.len());
        if byte > lines.upto {
            lines.newlines += count_newlines(self.bytes.get(lines.upto..byte).unwrap_or_default());
            lines.upto = byte;
        }
        let skipped = breaks_before_record(self.bytes.get(byte..).unwrap_or_default());
        self.newlines_before + lines.newlines + skipped + 1
    }
}

/// Line breaks of a block counted so far: those before byte `upto`.
#[derive(Default)]
pub(crate) struct LineCount {
    upto: usize,
    newlines: usize,
}

/// Reads a file a block at a time, each cut after its last whole record.
pub(crate) struct Blocks<R> {
    inner: R,
    /// Bytes read after the last cut.
    rest: Vec<u8>,
    newlines: usize,
    size: usize,
    longest: usize,
    first: bool,
    done: bool,
    ends: RecordEnds,
}

impl<R: Read> Blocks<R> {
    /// Blocks of about `size` bytes (a record longer than that makes a
    /// longer block). A block that grows past `longest` (the record limit)
    /// without a record ending (an unclosed quote, a file without line
    /// breaks) stops the block reader; the file is then read record by
    /// record on one thread, which reports the problem.
    pub fn new(inner: R, size: usize, longest: usize) -> Self {
        Blocks {
            inner,
            rest: Vec::new(),
            newlines: 0,
            size: size.max(1),
            longest: longest.max(size),
            first: true,
            done: false,
            ends: RecordEnds::default(),
        }
    }

    /// The next block; `None` at the end of the file.
    pub fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        loop {
            if self.done {
                if self.rest.is_empty() {
                    return Ok(None);
                }
                let bytes = std::mem::take(&mut self.rest);
                return Ok(Some(self.block(bytes)));
            }
            let start = self.rest.len();
            let want = start + self.size;
            self.rest.resize(want, 0);
            let n = read_full(
                &mut self.inner,
                self.rest.get_mut(start..).unwrap_or_default(),
            )?;
            self.rest.truncate(start + n);
            if self.first {
                self.first = false;
                if self.rest.starts_with(BOM) {
                    self.rest.drain(..BOM.len());
                }
            }
            if n == 0 {
                self.done = true;
                continue;
            }
            if let Some(cut) = self.ends.last(&self.rest) {
                self.ends = RecordEnds::default();
                let tail = self.rest.split_off(cut);
                let bytes = std::mem::replace(&mut self.rest, tail);
                return Ok(Some(self.block(bytes)));
            }
            if self.rest.len() > self.longest {
                return Err(std::io::Error::other(
                    "no record ends within the block limit",
                ));
            }
        }
    }

    fn block(&mut self, bytes: Vec<u8>) -> Block {
        let newlines_before = self.newlines;
        self.newlines += count_newlines(&bytes);
        Block {
            bytes,
            newlines_before,
        }
    }
}

/// Fill `buf` unless the file ends first; the number of bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The line breaks at the start of `rest`: csv counts the line breaks
/// (and blank lines) before a record as part of it, an editor does not.
pub(crate) fn breaks_before_record<'a>(rest: impl IntoIterator<Item = &'a u8>) -> usize {
    rest.into_iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .filter(|&&b| b == b'\n')
        .count()
}

pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Where the last complete record of a growing buffer ends, looking at
/// each byte once however often the buffer grows (a long quoted cell or
/// an unclosed quote must not make the reader go over it again and again).
/// Without quotes every line break ends a record; once a quote is seen, a
/// line break may sit inside a cell, so csv's own state machine decides,
/// from the last record end found before the quote.
#[derive(Default)]
struct RecordEnds {
    /// Bytes of the buffer looked at so far.
    scanned: usize,
    last: Option<usize>,
    /// csv's reader, fed the buffer from `last` on, once a quote is seen.
    csv: Option<csv_core::Reader>,
}

impl RecordEnds {
    /// The end of the last complete record in `buf` (which only grows
    /// between calls), or `None` when there is none yet.
    fn last(&mut self, buf: &[u8]) -> Option<usize> {
        let new = buf.get(self.scanned..).unwrap_or_default();
        if self.csv.is_none() {
            if !new.contains(&b'"') {
                if let Some(i) = new.iter().rposition(|&b| b == b'\n') {
                    self.last = Some(self.scanned + i + 1);
                }
                self.scanned = buf.len();
                return self.last;
            }
            self.csv = Some(csv_core::Reader::new());
            self.scanned = self.last.unwrap_or(0);
        }
        let Some(reader) = self.csv.as_mut() else {
            return self.last;
        };
        // Cell contents are not needed, only where records end: csv
        // writes each call's output from the start of the buffers given,
        // so they are reused whenever they fill.
        let mut out = [0u8; 4096];
        let mut field_ends = [0usize; 64];
        while self.scanned < buf.len() {
            let input = buf.get(self.scanned..).unwrap_or_default();
            let (result, read, _, _) = reader.read_record(input, &mut out, &mut field_ends);
            self.scanned += read;
            match result {
                csv_core::ReadRecordResult::Record => self.last = Some(self.scanned),
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => break,
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, size: usize) -> Vec<(String, usize)> {
        let mut b = Blocks::new(text.as_bytes(), size, crate::evidence::MAX_RECORD);
        let mut out = Vec::new();
        while let Ok(Some(block)) = b.next_block() {
            out.push((
                String::from_utf8_lossy(&block.bytes).into_owned(),
                block.newlines_before,
            ));
        }
        out
    }

    #[test]
    fn cuts_after_whole_lines() {
        let got = blocks("a,b\n1,2\n3,4\n5,6", 6);
        let joined: String = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(joined, "a,b\n1,2\n3,4\n5,6");
        assert!(got.iter().all(|(s, _)| s.ends_with('\n') || s == "5,6"));
        assert_eq!(got.first().map(|g| g.1), Some(0));
        assert_eq!(got.last().map(|g| g.1), Some(3));
    }

    #[test]
    fn never_cuts_inside_a_quoted_cell() {
        let text = "a,b\n1,\"x\ny\nz\"\n2,\"w\"\n";
        for size in 1..text.len() + 2 {
            for (block, _) in blocks(text, size) {
                let mut r = crate::evidence::csv_read::reader(block.as_bytes());
                for rec in r.records() {
                    let rec = rec.unwrap_or_default();
                    assert!(rec.len() == 2, "size {size}: {block:?} split a record");
                }
            }
        }
    }

    /// Fed in pieces of every size, the record ends are those found in
    /// the whole buffer at once.
    #[test]
    fn record_ends_found_piece_by_piece() {
        let text = b"a,b\n1,\"x\ny\"\n\"q\"\"\",2\r\n3,4";
        let whole = RecordEnds::default().last(text);
        // csv ends a record at the `\r` of a CRLF (the `\n` starts the
        // next one, which skips it).
        assert_eq!(whole, Some(20));
        for step in 1..text.len() {
            let mut ends = RecordEnds::default();
            let mut found = None;
            let mut n = 0;
            while n < text.len() {
                n = (n + step).min(text.len());
                found = ends.last(text.get(..n).unwrap_or_default());
            }
            assert_eq!(found, whole, "pieces of {step}");
        }
        assert_eq!(RecordEnds::default().last(b"a,b\n1,2\n3"), Some(8));
        assert_eq!(RecordEnds::default().last(b"no line break"), None);
    }

    #[test]
    fn a_record_that_never_ends_stops_the_reader() {
        let text = format!("a,b\n1,\"{}", "x".repeat(100));
        let mut b = Blocks::new(text.as_bytes(), 8, 50);
        assert!(matches!(b.next_block(), Ok(Some(_))), "the header line");
        assert!(b.next_block().is_err());
    }

    #[test]
    fn bom_is_dropped_and_crlf_lines_counted() {
        let got = blocks("\u{feff}a\r\n1\r\n2\r\n", 3);
        let joined: String = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(joined, "a\r\n1\r\n2\r\n");
        let block = Block {
            bytes: b"1\r\n\r\n2\r\n".to_vec(),
            newlines_before: 1,
        };
        let mut counted = LineCount::default();
        assert_eq!(block.line_at(0, &mut counted), 2);
        // The second record's position is the blank line before it.
        assert_eq!(block.line_at(3, &mut counted), 4);
    }
}
