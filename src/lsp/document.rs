//! An open rule file: the editor's text and what the front end made of it.

use super::diagnostics;
use super::index::Index;
use super::position::Lines;
use super::uri;
use crate::driver::{self, Compiled};
use crate::ir::Model;
use crate::source::{FileId, Files, Span};
use crate::syntax;
use lsp_types::{Range, TextEdit, Uri};
use std::path::PathBuf;

/// A quick fix of one diagnostic in the open file.
#[derive(Clone, Debug)]
pub struct QuickFix {
    pub diagnostic: lsp_types::Diagnostic,
    pub title: String,
    pub edit: TextEdit,
}

pub struct Document {
    pub uri: Uri,
    /// The file it is (or will be) on disk: `继承` resolves from its folder.
    pub path: PathBuf,
    pub text: String,
    pub version: i32,
    /// Changed since the last check.
    pub dirty: bool,
    /// The last check whose own file parsed.
    pub snapshot: Option<Snapshot>,
    /// Quick fixes of the current diagnostics.
    pub fixes: Vec<QuickFix>,
    /// Other files (bases) this file's check published diagnostics to.
    pub foreign: Vec<Uri>,
    /// The line of the last change: while it is being typed it often
    /// does not parse.
    edited_line: Option<u32>,
}

/// The files of one check and the names in them.
pub struct Snapshot {
    pub files: Files,
    pub root: FileId,
    pub index: Index,
    /// The open file's syntax tree (for its outline).
    pub own: syntax::ast::File,
    /// The last model without errors, for the rules in words.
    pub model: Option<Model>,
    /// The text of the open file has changed since (its parse failed).
    pub stale: bool,
}

/// The line of the first syntax error in the open file.
fn syntax_error_line(compiled: &Compiled) -> Option<u32> {
    let root = compiled.root?;
    let span = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0001")
        .filter_map(|d| d.primary_span())
        .find(|s| s.file == root)?;
    Some(
        Lines::new(compiled.files.source(root))
            .position(span.start)
            .line,
    )
}

/// The text with one line blanked (its bytes made spaces, so every other
/// offset stays where it was), or `None` if there is no such line.
fn blank_line(text: &str, line: u32) -> Option<String> {
    let lines = Lines::new(text);
    let start = lines.offset(lsp_types::Position::new(line, 0));
    let end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    let mut out = String::with_capacity(text.len());
    out.push_str(text.get(..start)?);
    out.push_str(&" ".repeat(end - start));
    out.push_str(text.get(end..)?);
    Some(out)
}

impl Snapshot {
    pub fn uri_of(&self, file: FileId, doc: &Uri) -> Option<Uri> {
        if file == self.root {
            Some(doc.clone())
        } else {
            uri::from_path(std::path::Path::new(self.files.name(file)))
        }
    }

    /// An LSP range of a span of one of the files.
    pub fn range(&self, span: Span) -> Range {
        Lines::new(self.files.source(span.file)).range(span.start, span.end)
    }

    pub fn location(&self, span: Span, doc: &Uri) -> Option<lsp_types::Location> {
        Some(lsp_types::Location::new(
            self.uri_of(span.file, doc)?,
            self.range(span),
        ))
    }
}

/// Diagnostics to publish after a check: for the open file, and for each
/// base file with errors.
pub struct Published {
    pub own: Vec<lsp_types::Diagnostic>,
    pub foreign: Vec<(Uri, Vec<lsp_types::Diagnostic>)>,
}

impl Document {
    pub fn new(uri: Uri, text: String, version: i32) -> Self {
        let path = uri::to_path(&uri).unwrap_or_else(|| PathBuf::from("未命名.zb"));
        Document {
            uri,
            path,
            text,
            version,
            dirty: true,
            snapshot: None,
            fixes: Vec::new(),
            foreign: Vec::new(),
            edited_line: None,
        }
    }

    /// Check the text again (and read the files it extends from disk).
    pub fn check(&mut self, opts: &driver::Options) -> Published {
        self.dirty = false;
        if self.text.len() as u64 > driver::MAX_INPUT_BYTES {
            self.fixes.clear();
            return Published {
                own: vec![diagnostics::too_large()],
                foreign: Vec::new(),
            };
        }
        let compiled = match driver::compile_text_with(&self.path, self.text.clone(), opts) {
            Ok(c) => c,
            Err(e) => {
                self.fixes.clear();
                return Published {
                    own: vec![diagnostics::file_error(&e.to_string())],
                    foreign: Vec::new(),
                };
            }
        };
        let root = compiled.root.unwrap_or_default();
        let own_ast = syntax::parse(root, compiled.files.source(root)).ok();
        let extends = own_ast
            .as_ref()
            .and_then(|a| a.extends.as_ref())
            .map(|e| e.span);
        let converted = diagnostics::convert(&compiled, &self.uri, extends);
        self.fixes = converted.fixes;
        if let Some(own) = own_ast {
            let old = self.old_model();
            self.snapshot = Some(snapshot(compiled, own, old));
        } else if let Some(repaired) = self.repaired(opts, syntax_error_line(&compiled)) {
            self.snapshot = Some(repaired);
        } else if let Some(s) = &mut self.snapshot {
            s.stale = true;
        }
        Published {
            own: converted.own,
            foreign: converted.foreign,
        }
    }

    fn old_model(&mut self) -> Option<Model> {
        self.snapshot.as_mut().and_then(|s| s.model.take())
    }

    /// While a line is being typed the file often does not parse: the
    /// names come from the file without that line (checked again, once),
    /// so that completion, hover and definition see the rest as it is now.
    /// The lines tried: the one last edited, the first syntax error's and
    /// the one above it (a file opened while it does not parse; pest often
    /// reports the token after an unfinished line).
    fn repaired(&mut self, opts: &driver::Options, error_line: Option<u32>) -> Option<Snapshot> {
        let mut tried: Vec<u32> = Vec::new();
        let candidates = [
            self.edited_line,
            error_line,
            error_line.and_then(|l| l.checked_sub(1)),
        ];
        for line in candidates.into_iter().flatten() {
            if tried.contains(&line) {
                continue;
            }
            tried.push(line);
            let Some(text) = blank_line(&self.text, line) else {
                continue;
            };
            // Parse first: checking is only worth it if this repairs it.
            if syntax::parse(FileId(0), &text).is_err() {
                continue;
            }
            let Ok(compiled) = driver::compile_text_with(&self.path, text, opts) else {
                continue;
            };
            let root = compiled.root.unwrap_or_default();
            if let Ok(own) = syntax::parse(root, compiled.files.source(root)) {
                let old = self.old_model();
                return Some(snapshot(compiled, own, old));
            }
        }
        None
    }

    /// Apply one change the editor sent.
    pub fn apply(&mut self, change: lsp_types::TextDocumentContentChangeEvent) {
        self.edited_line = change.range.map(|r| r.start.line);
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let lines = Lines::new(&self.text);
                let start = lines.offset(range.start);
                let end = lines.offset(range.end).max(start);
                self.text.replace_range(start..end, &change.text);
            }
        }
        self.dirty = true;
    }
}

fn snapshot(compiled: Compiled, own: syntax::ast::File, old_model: Option<Model>) -> Snapshot {
    let root = compiled.root.unwrap_or_default();
    let bases: Vec<syntax::ast::File> = compiled
        .files
        .names()
        .enumerate()
        .map(|(i, _)| FileId(i as u32))
        .filter(|&id| id != root)
        .filter_map(|id| syntax::parse(id, compiled.files.source(id)).ok())
        .collect();
    // The chain from the base down: later files were added later.
    let mut chain: Vec<&syntax::ast::File> = bases.iter().rev().collect();
    chain.push(&own);
    let index = Index::new(&chain);
    Snapshot {
        own,
        model: compiled.model.or(old_model),
        files: compiled.files,
        root,
        index,
        stale: false,
    }
}

#[cfg(test)]
mod tests {
    use super::blank_line;

    #[test]
    fn a_blanked_line_keeps_every_offset() {
        let text = "甲\n  分档 重大决\n乙";
        let blank = blank_line(text, 1).unwrap();
        assert_eq!(blank.len(), text.len());
        assert_eq!(
            blank,
            format!("甲\n{}\n乙", " ".repeat("  分档 重大决".len()))
        );
        assert_eq!(
            blank_line(text, 2).unwrap(),
            format!("甲\n  分档 重大决\n{}", " ".repeat("乙".len()))
        );
        assert_eq!(blank_line(text, 9).unwrap(), text);
    }
}
