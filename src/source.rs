//! Source files and spans.
//!
//! Every diagnostic points into a file of the [`Files`] store by a [`Span`],
//! so one diagnostic can label a variant and the base file it extends.

use codespan_reporting::files;

/// Index of a file in [`Files`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file. Spans never take part in equality of AST
/// nodes that contain them: compare structure, not positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    /// The smallest span covering both; `self` wins if the files differ.
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }
}

/// All rule files of one run, with their names and texts.
#[derive(Default, Debug)]
pub struct Files {
    files: Vec<SourceFile>,
}

#[derive(Debug)]
struct SourceFile {
    name: String,
    source: String,
    lines: LineIndex,
}

impl Files {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, source: impl Into<String>) -> FileId {
        let source = source.into();
        let lines = LineIndex::new(&source);
        self.files.push(SourceFile {
            name: name.into(),
            source,
            lines,
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name.as_str())
            .unwrap_or("<unknown>")
    }

    /// Every file's name, in the order they were added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.name.as_str())
    }

    pub fn source(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.source.as_str())
            .unwrap_or("")
    }

    /// 1-based line and column (in characters, as editors show) of a byte
    /// offset. A byte-order mark at the start of the file is not a column.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let Some(f) = self.files.get(id.0 as usize) else {
            return (1, 1);
        };
        let src = f.source.as_str();
        let offset = offset.min(src.len());
        let line = f.lines.line_index(src, offset);
        let start = f.lines.line_start(src, line).unwrap_or(0);
        let text = src.get(start..offset).unwrap_or("");
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        (line + 1, text.chars().count() + 1)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.source(span.file)
            .get(span.start..span.end)
            .unwrap_or("")
    }

    fn get(&self, id: FileId) -> Result<&SourceFile, files::Error> {
        self.files
            .get(id.0 as usize)
            .ok_or(files::Error::FileMissing)
    }
}

impl<'a> files::Files<'a> for Files {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.name.as_str())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.source.as_str())
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let f = self.get(id)?;
        Ok(f.lines.line_index(&f.source, byte_index))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, files::Error> {
        let f = self.get(id)?;
        f.lines.line_range(&f.source, line_index)
    }
}

/// Where lines start in a text, for turning byte offsets into lines.
///
/// Only every [`LineIndex::STRIDE`]th line start is stored and the lines in
/// between are found by scanning, so the index costs an eighth of a byte per
/// line instead of eight bytes: a file of blank lines does not take eight
/// times its size in memory. The answers are those of codespan's
/// `SimpleFile` (a line includes its line feed).
#[derive(Debug, Default)]
pub struct LineIndex {
    /// Start of lines 0, STRIDE, 2·STRIDE, …
    marks: Vec<usize>,
    /// Number of lines: one more than the number of line feeds.
    lines: usize,
}

impl LineIndex {
    const STRIDE: usize = 64;

    pub fn new(text: &str) -> Self {
        let mut marks = vec![0];
        let mut lines = 1;
        for (i, _) in text.match_indices('\n') {
            if lines % Self::STRIDE == 0 {
                marks.push(i + 1);
            }
            lines += 1;
        }
        LineIndex { marks, lines }
    }

    /// The 0-based line of a byte offset (the last line for offsets past the end).
    pub fn line_index(&self, text: &str, byte: usize) -> usize {
        let block = self.marks.partition_point(|&m| m <= byte).saturating_sub(1);
        let from = self.marks.get(block).copied().unwrap_or(0);
        let upto = byte.min(text.len()).max(from);
        let feeds = text
            .as_bytes()
            .get(from..upto)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0);
        block * Self::STRIDE + feeds
    }

    /// Start of a 0-based line; the text's length for the line after the last.
    pub fn line_start(&self, text: &str, line: usize) -> Result<usize, files::Error> {
        if line == self.lines {
            return Ok(text.len());
        }
        if line > self.lines {
            return Err(files::Error::LineTooLarge {
                given: line,
                max: self.lines.saturating_sub(1),
            });
        }
        let mut at = self.marks.get(line / Self::STRIDE).copied().unwrap_or(0);
        for _ in 0..line % Self::STRIDE {
            let rest = text.as_bytes().get(at..).unwrap_or(&[]);
            at += rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(rest.len(), |i| i + 1);
        }
        Ok(at)
    }

    pub fn line_range(
        &self,
        text: &str,
        line: usize,
    ) -> Result<std::ops::Range<usize>, files::Error> {
        Ok(self.line_start(text, line)?..self.line_start(text, line + 1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::Files as _;

    /// The sparse index answers as codespan's SimpleFile does.
    #[test]
    fn line_index_matches_codespan() {
        let texts = [
            String::new(),
            "a".to_string(),
            "\n".to_string(),
            "一\n二\r\n\n三".to_string(),
            "\n".repeat(300),
            (0..500).map(|i| format!("第 {i} 行\n")).collect::<String>(),
        ];
        for text in &texts {
            let simple = files::SimpleFile::new("f", text.as_str());
            let index = LineIndex::new(text);
            for byte in 0..=text.len() + 2 {
                let want = simple.line_index((), byte).ok();
                assert_eq!(Some(index.line_index(text, byte)), want, "byte {byte}");
            }
            for line in 0..=text.matches('\n').count() + 2 {
                let want = simple.line_range((), line).ok();
                assert_eq!(index.line_range(text, line).ok(), want, "line {line}");
            }
        }
    }

    /// Blank lines cost a bit per line, not eight bytes.
    #[test]
    fn the_index_keeps_one_line_start_in_stride() {
        let index = LineIndex::new(&"\n".repeat(1_000_000));
        assert_eq!(index.lines, 1_000_001);
        assert_eq!(index.marks.len(), 1_000_000 / LineIndex::STRIDE + 1);
    }

    #[test]
    fn line_col_counts_characters_and_skips_a_bom() {
        let mut files = Files::new();
        let id = files.add("a.zb", "\u{feff}标准 x\n  指标");
        assert_eq!(files.line_col(id, 3), (1, 1));
        assert_eq!(files.line_col(id, 3 + "标准 ".len()), (1, 4));
        let second = "\u{feff}标准 x\n  ".len();
        assert_eq!(files.line_col(id, second), (2, 3));
    }
}
