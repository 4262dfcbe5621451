//! Byte offsets ↔ LSP positions. LSP counts a line's characters in UTF-16
//! code units: `标` is one unit, `𠀀` (outside the BMP) two, while the
//! rule text is UTF-8 (`标` is three bytes). Every conversion clamps: a
//! position past the end of a line or of the text means its end, an
//! offset inside a character means that character's start.

use lsp_types::{Position, Range};

/// Where the lines of one text start, for converting both ways.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's start; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of a byte offset. A byte-order mark at the start of
    /// the text is not a character (editors do not show it).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = self.text.get(start..offset).unwrap_or("");
        let before = match start {
            0 => before.strip_prefix('\u{feff}').unwrap_or(before),
            _ => before,
        };
        let character: usize = before.chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a position: a line past the last is the end of
    /// the text, a character past the line's end (or its `\r\n`) is the
    /// end of the line, a position inside a surrogate pair is the start of
    /// that character.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line = self.text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bom = if start == 0 && line.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let mut units = 0usize;
        for (i, c) in line.char_indices().filter(|&(i, _)| i >= bom) {
            units += c.len_utf16();
            if units > pos.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The largest character boundary at or before `offset`.
fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn chinese_characters_are_one_unit_each() {
        let text = "指标 1 依法行政 25 分 {\n  令 审查率 = 重大决策已审查数";
        let lines = Lines::new(text);
        let at = text.find("依法").unwrap_or(0);
        assert_eq!(lines.position(at), pos(0, 5));
        assert_eq!(lines.offset(pos(0, 5)), at);
        let at = text.find("审查率").unwrap_or(0);
        assert_eq!(lines.position(at), pos(1, 4));
        assert_eq!(lines.offset(pos(1, 4)), at);
        assert_eq!(lines.position(text.len()), pos(1, 18));
    }

    #[test]
    fn characters_outside_the_bmp_are_two_units() {
        let text = "令 𠀀字 = 1";
        let lines = Lines::new(text);
        let after = text.find('字').unwrap_or(0);
        assert_eq!(lines.position(after), pos(0, 4));
        assert_eq!(lines.offset(pos(0, 4)), after);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(lines.offset(pos(0, 3)), text.find('𠀀').unwrap_or(0));
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "甲\r\n乙乙\n";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(pos(0, 99)), "甲".len());
        assert_eq!(lines.offset(pos(1, 99)), "甲\r\n乙乙".len());
        assert_eq!(lines.offset(pos(2, 0)), text.len());
        assert_eq!(lines.offset(pos(99, 99)), text.len());
        assert_eq!(lines.position(999), pos(2, 0));
        // An offset inside a character is its start.
        assert_eq!(lines.position(1), pos(0, 0));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_character() {
        let text = "\u{feff}标准 \"x\"";
        let lines = Lines::new(text);
        let at = text.find('准').unwrap_or(0);
        assert_eq!(lines.position(at), pos(0, 1));
        assert_eq!(lines.offset(pos(0, 1)), at);
        assert_eq!(lines.offset(pos(0, 0)), 3);
    }

    #[test]
    fn round_trip_on_every_boundary() {
        let text = "# 注释 😀\n指标 1.1 \"名称\" 5 分 {\r\n  公式 5\n}";
        let lines = Lines::new(text);
        for (i, _) in text.char_indices() {
            if text[..i].ends_with('\r') {
                continue; // `\r` of `\r\n` is the line's end, as LSP has it
            }
            assert_eq!(lines.offset(lines.position(i)), i, "offset {i}");
        }
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        let chars = vec!['a', ' ', '标', '\n', '\r', '😀', '\u{feff}', '{'];
        proptest::collection::vec(proptest::sample::select(chars), 0..40)
            .prop_map(|cs| cs.into_iter().collect())
    }

    /// Rule-like text: keywords and marks completion looks at.
    fn words() -> impl proptest::strategy::Strategy<Value = String> {
        let words = vec![
            "修改 ", "删除 ", "指标 ", "1.2", "令 ", "x =", "分档 ", "条数(", "（", "满足 ", "表.",
            "清单 {", "{", "}", "\n", "\r\n", "😀", "标", " ", "\u{feff}", "×",
        ];
        proptest::collection::vec(proptest::sample::select(words), 0..30).prop_map(|ws| ws.concat())
    }

    use proptest::prelude::*;

    proptest! {
        /// Any position gives a character boundary in the text, and every
        /// boundary comes back from its position (but the `\n` of `\r\n`,
        /// and the start of a text that begins with a byte-order mark).
        #[test]
        fn positions_and_offsets_agree(text in text(), line in 0u32..12, character in 0u32..60) {
            let lines = Lines::new(&text);
            let o = lines.offset(pos(line, character));
            prop_assert!(o <= text.len() && text.is_char_boundary(o));
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let skip = text[..i].ends_with('\r') || (i == 0 && text.starts_with('\u{feff}'));
                if !skip {
                    prop_assert_eq!(lines.offset(lines.position(i)), i);
                }
            }
            let _ = lines.position(text.len() + 5);
        }

        /// Completion reads any line at any place without failing.
        #[test]
        fn completion_never_fails(text in words(), line in 0u32..12, character in 0u32..60) {
            let o = Lines::new(&text).offset(pos(line, character));
            let _ = super::super::completion::complete(&text, o, None);
        }
    }

    #[test]
    fn empty_text() {
        let lines = Lines::new("");
        assert_eq!(lines.position(0), pos(0, 0));
        assert_eq!(lines.offset(pos(3, 3)), 0);
    }
}
