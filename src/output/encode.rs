//! The bytes of CSV output for spreadsheets: UTF-8 (as written), UTF-8
//! with a byte-order mark (Excel on Windows then reads it as UTF-8), or
//! GBK (what Excel on Chinese Windows assumes for a CSV without a mark).
//!
//! [`Encoded`] sits between a CSV writer and the output file. Every
//! `write` it is given must be whole CSV records of UTF-8 text (the result
//! writers write the header, then one subject's line at a time, or the
//! whole text). A character GBK cannot hold fails the write with a message
//! naming the record (line of the CSV file), its first two fields (编码,
//! 名称) and the character: nothing is then committed to the output file.

use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    #[default]
    Utf8,
    Utf8Bom,
    Gbk,
}

/// A writer of CSV text in `encoding`.
pub struct Encoded<W: Write> {
    inner: W,
    encoding: CsvEncoding,
    /// CSV records written so far (the header is record 1).
    records: usize,
    started: bool,
}

impl<W: Write> Encoded<W> {
    pub fn new(inner: W, encoding: CsvEncoding) -> Self {
        Encoded {
            inner,
            encoding,
            records: 0,
            started: false,
        }
    }

    /// GBK bytes of `text`, or the message for the first character GBK
    /// cannot hold.
    fn gbk(&self, text: &str) -> Result<Vec<u8>, String> {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        if !unmappable {
            return Ok(bytes.into_owned());
        }
        let Some((at, c)) = text.char_indices().find(|&(_, c)| !gbk_holds(c)) else {
            return Ok(bytes.into_owned());
        };
        Err(self.unencodable(text, at, c))
    }

    fn unencodable(&self, text: &str, at: usize, c: char) -> String {
        let (index, fields) = record_at(text, at);
        let line = self.records + index + 1;
        let shown = crate::output::escape::terminal(&fields.join("，")).into_owned();
        format!(
            "第 {line} 行（{shown}）含有 GBK 无法表示的字符“{}”（U+{:04X}）；\
             改用 --bom（带 BOM 的 UTF-8）或 -o 结果.xlsx",
            crate::output::escape::terminal(&c.to_string()),
            u32::from(c)
        )
    }
}

/// Whether GBK holds `c` (encoding_rs writes a character it cannot hold
/// as an HTML numeric reference and reports it).
fn gbk_holds(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (_, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    !unmappable
}

/// The index of the CSV record of `text` that holds byte `at`, and its
/// first two fields.
fn record_at(text: &str, at: usize) -> (usize, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    let mut last = Vec::new();
    while let Ok(true) = reader.read_record(&mut record) {
        last = record.iter().take(2).map(str::to_string).collect();
        if usize::try_from(reader.position().byte()).unwrap_or(usize::MAX) > at {
            return (index, last);
        }
        index += 1;
    }
    (index.saturating_sub(1), last)
}

/// CSV records in `text` (a quoted line break does not end one).
fn count_records(text: &str) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        n += 1;
    }
    n
}

impl<W: Write> Write for Encoded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.started {
            self.started = true;
            if self.encoding == CsvEncoding::Utf8Bom {
                self.inner.write_all("\u{feff}".as_bytes())?;
            }
        }
        match self.encoding {
            CsvEncoding::Utf8 | CsvEncoding::Utf8Bom => self.inner.write_all(buf)?,
            CsvEncoding::Gbk => {
                let text = std::str::from_utf8(buf).map_err(io::Error::other)?;
                let bytes = self.gbk(text).map_err(io::Error::other)?;
                self.inner.write_all(&bytes)?;
                self.records += count_records(text);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(encoding: CsvEncoding, writes: &[&str]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        {
            let mut w = Encoded::new(&mut out, encoding);
            for t in writes {
                w.write_all(t.as_bytes()).map_err(|e| e.to_string())?;
            }
        }
        Ok(out)
    }

    #[test]
    fn bom_once_at_the_start() {
        let out = encoded(CsvEncoding::Utf8Bom, &["编码\n", "1\n"]);
        assert_eq!(out, Ok("\u{feff}编码\n1\n".as_bytes().to_vec()));
    }

    #[test]
    fn gbk_bytes() {
        let out = encoded(CsvEncoding::Gbk, &["编码,名称\n"]);
        assert_eq!(
            out,
            Ok(vec![
                0xB1, 0xE0, 0xC2, 0xEB, b',', 0xC3, 0xFB, 0xB3, 0xC6, b'\n'
            ])
        );
    }

    #[test]
    fn a_character_gbk_cannot_hold_names_its_record() {
        let err = encoded(
            CsvEncoding::Gbk,
            &["编码,名称\n", "1,\"甲\n县\"\n2,乙县\n", "3,😀县,x\n"],
        );
        let err = err.err().unwrap_or_default();
        assert!(err.contains("第 4 行（3，😀县）"), "{err}");
        assert!(err.contains("“😀”（U+1F600）"), "{err}");
    }
}
