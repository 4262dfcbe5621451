//! Rule text as a terminal may safely show it.
//!
//! A rule file can hold control characters (an ESC that starts a colour or
//! cursor sequence, a vertical tab, a lone carriage return) and invisible
//! ones (zero-width spaces, direction overrides that reorder a line). None
//! of them reaches the terminal raw: in messages and labels they become
//! `<U+001B>`, and the source lines codespan quotes are taken from a copy
//! of the file with the same replacement, the labels' byte ranges moved to
//! match.

use crate::source::{FileId, Files, LineIndex, Span};
use codespan_reporting::files;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

/// Characters never written raw: control characters other than line feed
/// and tab, and characters that are invisible or reorder the text around
/// them (zero-width, joiners, direction marks and overrides, BOM).
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// How an invisible character is shown.
pub fn visible(c: char) -> String {
    format!("<U+{:04X}>", u32::from(c))
}

/// A text with every invisible character shown by its code point.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, is_invisible)
}

/// A text with the characters `hide` picks shown by their code points.
pub fn escape_where(text: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hide(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether the character at `at` is kept as it is in a quoted source line:
/// a byte-order mark opening the file (it is accepted silently), and the
/// carriage return of a CRLF line end (codespan drops it).
fn kept(text: &str, at: usize, c: char) -> bool {
    (c == '\u{FEFF}' && at == 0) || (c == '\r' && text.as_bytes().get(at + 1) == Some(&b'\n'))
}

/// A file's text with invisible characters shown, and how offsets move.
struct View {
    text: String,
    lines: LineIndex,
    /// (offset in the file just after a replaced character, bytes added
    /// by that and every earlier replacement), in file order.
    shifts: Vec<(usize, usize)>,
}

impl View {
    /// `None` when the file has nothing to replace (the common case).
    fn of(source: &str) -> Option<View> {
        let needs = |(at, c): &(usize, char)| is_invisible(*c) && !kept(source, *at, *c);
        source.char_indices().find(needs)?;
        let mut text = String::with_capacity(source.len() + 64);
        let mut shifts = Vec::new();
        for (at, c) in source.char_indices() {
            if needs(&(at, c)) {
                let shown = visible(c);
                text.push_str(&shown);
                let added = shifts.last().map_or(0, |&(_, a)| a) + shown.len() - c.len_utf8();
                shifts.push((at + c.len_utf8(), added));
            } else {
                text.push(c);
            }
        }
        let lines = LineIndex::new(&text);
        Some(View {
            text,
            lines,
            shifts,
        })
    }

    fn offset(&self, at: usize) -> usize {
        let i = self.shifts.partition_point(|&(after, _)| after <= at);
        let added = i
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |&(_, a)| a);
        at + added
    }
}

/// The files of some diagnostics, as they are shown: codespan reads them
/// through this, and labels are moved with [`Shown::range`].
pub struct Shown<'a> {
    files: &'a Files,
    names: BTreeMap<FileId, String>,
    views: BTreeMap<FileId, View>,
}

impl<'a> Shown<'a> {
    pub fn new(files: &'a Files, ids: impl Iterator<Item = FileId>) -> Self {
        let mut shown = Shown {
            files,
            names: BTreeMap::new(),
            views: BTreeMap::new(),
        };
        for id in ids {
            if shown.names.contains_key(&id) {
                continue;
            }
            shown.names.insert(id, escape(files.name(id)).into_owned());
            if let Some(view) = View::of(files.source(id)) {
                shown.views.insert(id, view);
            }
        }
        shown
    }

    /// A span's byte range in the shown text.
    pub fn range(&self, span: Span) -> Range<usize> {
        match self.views.get(&span.file) {
            Some(v) => v.offset(span.start)..v.offset(span.end),
            None => span.start..span.end,
        }
    }
}

impl<'s> files::Files<'s> for Shown<'_> {
    type FileId = FileId;
    type Name = &'s str;
    type Source = &'s str;

    fn name(&'s self, id: FileId) -> Result<&'s str, files::Error> {
        match self.names.get(&id) {
            Some(n) => Ok(n.as_str()),
            None => Ok(self.files.name(id)),
        }
    }

    fn source(&'s self, id: FileId) -> Result<&'s str, files::Error> {
        match self.views.get(&id) {
            Some(v) => Ok(v.text.as_str()),
            None => files::Files::source(self.files, id),
        }
    }

    fn line_index(&'s self, id: FileId, byte: usize) -> Result<usize, files::Error> {
        match self.views.get(&id) {
            Some(v) => Ok(v.lines.line_index(&v.text, byte)),
            None => self.files.line_index(id, byte),
        }
    }

    fn line_range(&'s self, id: FileId, line: usize) -> Result<Range<usize>, files::Error> {
        match self.views.get(&id) {
            Some(v) => v.lines.line_range(&v.text, line),
            None => self.files.line_range(id, line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invisibles_only() {
        assert_eq!(escape("标准 x\t1\n"), "标准 x\t1\n");
        assert_eq!(escape("a\u{1b}[31mb"), "a<U+001B>[31mb");
        assert_eq!(escape("a\u{b}b\u{202e}c\r"), "a<U+000B>b<U+202E>c<U+000D>");
    }

    #[test]
    fn offsets_move_past_each_replacement() {
        let src = "ab\u{1b}cd\u{b}e";
        let view = View::of(src).expect("has controls");
        assert_eq!(view.text, "ab<U+001B>cd<U+000B>e");
        assert_eq!(view.offset(0), 0);
        assert_eq!(view.offset(2), 2);
        assert_eq!(view.offset(3), 10);
        assert_eq!(view.offset(5), 12);
        assert_eq!(view.offset(6), 20);
        assert_eq!(view.offset(src.len()), view.text.len());
    }

    #[test]
    fn a_leading_bom_and_crlf_are_left_alone() {
        assert!(View::of("\u{feff}标准 \"x\"\r\n").is_none());
        assert!(View::of("标准\r\n\u{feff}").is_some());
    }
}
