//! Bytes to text. Excel on Chinese Windows saves CSV as GBK, other tools
//! as UTF-8 with or without a BOM, so the encoding is detected unless the
//! user forces one.

use super::error::{ErrorKind, EvidenceError};
use super::Encoding;

/// The UTF-8 byte order mark Excel writes at the start of a CSV file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decode a file: BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GBK.
/// `forced` skips detection. Malformed bytes are an error naming the line.
pub(crate) fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<String, EvidenceError> {
    let has_bom = bytes.starts_with(BOM);
    match forced {
        Some(Encoding::Utf8) => utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)),
        Some(Encoding::Gbk) if has_bom => Err(EvidenceError::new(
            ErrorKind::Encoding,
            "文件以 UTF-8 BOM 开头，但指定了 GBK 编码",
        )
        .at_line(1)
        .with_help("去掉 GBK 编码选项，或把文件另存为 GBK")),
        Some(Encoding::Gbk) => gbk(bytes),
        None if has_bom => utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => gbk(bytes),
        },
    }
}

fn utf8(bytes: &[u8]) -> Result<String, EvidenceError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(malformed("UTF-8", bytes, e.valid_up_to())),
    }
}

fn gbk(bytes: &[u8]) -> Result<String, EvidenceError> {
    let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or_else(|| EvidenceError::new(ErrorKind::Encoding, "文件过大，无法按 GBK 解码"))?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        // `read` includes the malformed bytes; the line is the same.
        encoding_rs::DecoderResult::Malformed(..) | encoding_rs::DecoderResult::OutputFull => {
            Err(malformed("UTF-8 或 GBK", bytes, read))
        }
    }
}

fn malformed(expected: &str, bytes: &[u8], offset: usize) -> EvidenceError {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    EvidenceError::new(
        ErrorKind::Encoding,
        format!(
            "第 {line} 行含有无法按 {expected} 编码识别的字节（第 {} 字节处）",
            offset + 1
        ),
    )
    .at_line(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_bom_utf8_and_gbk() {
        assert_eq!(decode(b"\xEF\xBB\xBFa", None).ok(), Some("a".to_owned()));
        // “是” in GBK is C A C7.
        assert_eq!(decode(b"\xCA\xC7", None).ok(), Some("是".to_owned()));
        assert!(decode(b"\xCA\xC7", Some(Encoding::Utf8)).is_err());
    }

    #[test]
    fn malformed_bytes_name_the_line() {
        let e = decode(b"a\nb\n\xFF\xFF", Some(Encoding::Utf8)).err();
        assert_eq!(e.and_then(|e| e.line), Some(3));
        let e = decode(b"a\n\x81", None).err();
        assert_eq!(e.map(|e| e.kind), Some(ErrorKind::Encoding));
    }
}
