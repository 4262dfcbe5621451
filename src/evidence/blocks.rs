//! A UTF-8 CSV file cut into blocks of whole records, so several threads
//! can parse and check one file. Each block knows how many line breaks
//! precede it, so a record's editor line is computed exactly as the
//! one-thread reader computes it.

use std::io::Read;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A block that grows past this without a record ending (an unclosed
/// quote, a file without line breaks) stops the block reader; the file
/// is then read record by record on one thread, which reports the problem.
const LONGEST: usize = 64 << 20;

/// Whole records of a file, and the line breaks in the file before them.
pub(crate) struct Block {
    pub bytes: Vec<u8>,
    pub newlines_before: usize,
}

impl Block {
    /// Editor line of the record that starts at `byte` in this block, given
    /// the line breaks counted up to `counted` so far (advanced here).
    /// csv counts the line breaks before a record as part of it: skip them.
    pub fn line_at(&self, byte: usize, counted: &mut (usize, usize)) -> usize {
        let (upto, newlines) = counted;
        let byte = byte.min(self.bytes.len());
        if byte > *upto {
            *newlines += count_newlines(self.bytes.get(*upto..byte).unwrap_or_default());
            *upto = byte;
        }
        let skipped = breaks_before_record(self.bytes.get(byte..).unwrap_or_default());
        self.newlines_before + *newlines + skipped + 1
    }
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
}

impl<R: Read> Blocks<R> {
    /// Blocks of about `size` bytes (a record longer than that makes a
    /// longer block).
    pub fn new(inner: R, size: usize) -> Self {
        Blocks {
            inner,
            rest: Vec::new(),
            newlines: 0,
            size: size.max(1),
            longest: LONGEST.max(size),
            first: true,
            done: false,
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
            if let Some(cut) = last_record_end(&self.rest) {
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

/// The end of the last complete record in `buf` (`None`: not one yet).
/// Without quotes every line break ends a record; with quotes a line break
/// may sit inside a cell, so csv's own state machine decides.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    if !buf.contains(&b'"') {
        return buf.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    }
    let mut reader = csv_core::Reader::new();
    // Cell contents are not needed, only where records end: the output
    // buffers are reused whenever they fill.
    let mut out = [0u8; 4096];
    let mut ends = [0usize; 64];
    let mut pos = 0;
    let mut last = None;
    loop {
        let input = buf.get(pos..).unwrap_or_default();
        let (result, read, _, _) = reader.read_record(input, &mut out, &mut ends);
        pos += read;
        match result {
            csv_core::ReadRecordResult::Record => last = Some(pos),
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                return last
            }
        }
        if read == 0 && input.is_empty() {
            return last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, size: usize) -> Vec<(String, usize)> {
        let mut b = Blocks::new(text.as_bytes(), size);
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

    #[test]
    fn a_record_that_never_ends_stops_the_reader() {
        let text = format!("a,b\n1,\"{}", "x".repeat(100));
        let mut b = Blocks::new(text.as_bytes(), 8);
        b.longest = 50;
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
        let mut counted = (0, 0);
        assert_eq!(block.line_at(0, &mut counted), 2);
        // The second record's position is the blank line before it.
        assert_eq!(block.line_at(3, &mut counted), 4);
    }
}
