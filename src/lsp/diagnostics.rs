//! The checker's diagnostics as LSP diagnostics: the same codes and
//! spans, secondary labels as related information, notes and help in the
//! message. A variant's errors that lie in its base file are published to
//! the base file and summed up on the variant's `继承` line.

use super::document::QuickFix;
use super::position::Lines;
use super::uri;
use crate::diagnostic::{Diagnostic, Severity};
use crate::driver::Compiled;
use crate::source::{FileId, Files, Span};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    TextEdit, Uri,
};
use std::collections::HashMap;

pub const SOURCE: &str = "zhibiao";

pub struct Converted {
    pub own: Vec<lsp_types::Diagnostic>,
    pub foreign: Vec<(Uri, Vec<lsp_types::Diagnostic>)>,
    pub fixes: Vec<QuickFix>,
}

/// Line tables and URIs of the files of one check, made when first needed.
struct Places<'a> {
    files: &'a Files,
    root: FileId,
    doc: &'a Uri,
    lines: HashMap<FileId, Lines<'a>>,
}

impl<'a> Places<'a> {
    fn range(&mut self, span: Span) -> Range {
        let files = self.files;
        self.lines
            .entry(span.file)
            .or_insert_with(|| Lines::new(files.source(span.file)))
            .range(span.start, span.end)
    }

    fn uri(&self, file: FileId) -> Option<Uri> {
        if file == self.root {
            Some(self.doc.clone())
        } else {
            uri::from_path(std::path::Path::new(self.files.name(file)))
        }
    }

    fn location(&mut self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(span.file)?, self.range(span)))
    }
}

pub fn convert(compiled: &Compiled, doc: &Uri, extends: Option<Span>) -> Converted {
    let root = compiled.root.unwrap_or_default();
    let mut places = Places {
        files: &compiled.files,
        root,
        doc,
        lines: HashMap::new(),
    };
    let mut own = Vec::new();
    let mut foreign: Vec<(Uri, Vec<lsp_types::Diagnostic>)> = Vec::new();
    let mut fixes = Vec::new();
    let mut in_base = Vec::new();
    for d in &compiled.diagnostics {
        let file = d.primary_span().map_or(root, |s| s.file);
        let lsp = one(d, &mut places);
        if file == root {
            fixes.extend(quick_fixes(d, &lsp, root, &mut places));
            own.push(lsp);
            continue;
        }
        let Some(uri) = places.uri(file) else {
            continue;
        };
        if d.is_error() {
            in_base.push((d, uri.clone(), lsp.range));
        }
        match foreign.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, list)) => list.push(lsp),
            None => foreign.push((uri, vec![lsp])),
        }
    }
    if let Some(summary) = summary(&in_base, extends, &mut places) {
        own.insert(0, summary);
    }
    Converted {
        own,
        foreign,
        fixes,
    }
}

fn one(d: &Diagnostic, places: &mut Places) -> lsp_types::Diagnostic {
    let primary = d.labels.iter().find(|l| l.primary);
    let range = primary.map_or_else(Range::default, |l| places.range(l.span));
    let mut message = d.message.clone();
    if let Some(l) = primary.filter(|l| !l.message.is_empty()) {
        message.push_str(&format!("：{}", l.message));
    }
    for note in d.notes() {
        message.push_str(&format!("\n注: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\n帮助: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: places.location(l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    }
}

/// The diagnostic's fixes that rewrite the open file.
fn quick_fixes(
    d: &Diagnostic,
    lsp: &lsp_types::Diagnostic,
    root: FileId,
    places: &mut Places,
) -> Vec<QuickFix> {
    d.fixes()
        .iter()
        .filter(|f| f.span.file == root)
        .map(|f| {
            let title = match &d.help {
                Some(help) => format!("修复 {}：{help}", d.code),
                None => format!("修复 {}：改为“{}”", d.code, f.replacement),
            };
            QuickFix {
                diagnostic: lsp.clone(),
                title,
                edit: TextEdit::new(places.range(f.span), f.replacement.clone()),
            }
        })
        .collect()
}

/// One error on the `继承` line for the errors in the files it extends.
fn summary(
    errors: &[(&Diagnostic, Uri, Range)],
    extends: Option<Span>,
    places: &mut Places,
) -> Option<lsp_types::Diagnostic> {
    let (first, _, first_range) = errors.first()?;
    let range = extends.map_or_else(Range::default, |s| places.range(s));
    let file = first
        .primary_span()
        .map(|s| places.files.name(s.file).to_string())
        .unwrap_or_default();
    let message = format!(
        "被继承的规则有 {} 处错误；第一处在 {file} 第 {} 行：{} {}",
        errors.len(),
        first_range.start.line + 1,
        first.code,
        first.message
    );
    let related = errors
        .iter()
        .map(|(d, uri, range)| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), *range),
            message: format!("{} {}", d.code, d.message),
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(first.code.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: Some(related),
        ..Default::default()
    })
}

/// The open file is larger than a rule file may be.
pub fn too_large() -> lsp_types::Diagnostic {
    at_start(format!(
        "文件过大，未检查：规则文件不能超过 {} MiB",
        crate::driver::MAX_INPUT_BYTES / 1024 / 1024
    ))
}

/// The file could not be checked at all (its rules root is unreadable).
pub fn file_error(message: &str) -> lsp_types::Diagnostic {
    at_start(message.to_string())
}

fn at_start(message: String) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message,
        ..Default::default()
    }
}
