//! The one diagnostic model shared by every stage, and its renderers.
//!
//! Stages produce plain [`Diagnostic`] values; only this module knows about
//! codespan-reporting, so the wording and layout live in one place.

use crate::source::{Files, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A labelled place in a rule file. The primary label is where the mistake
/// is; secondary labels give context (the parent indicator, the base file).
#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0301`; documented in docs/errors.md.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).map(|l| l.span)
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::source::FileId> {
        let base = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        };
        let labels = self
            .labels
            .iter()
            .map(|l| {
                let style = if l.primary {
                    cs::LabelStyle::Primary
                } else {
                    cs::LabelStyle::Secondary
                };
                cs::Label::new(style, l.span.file, l.span.start..l.span.end)
                    .with_message(l.message.clone())
            })
            .collect();
        let mut notes = self.notes.clone();
        if let Some(help) = &self.help {
            notes.push(format!("帮助: {help}"));
        }
        base.with_code(self.code)
            .with_message(self.message.clone())
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// Sort diagnostics by file and position so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        d.primary_span()
            .map(|s| (s.file, s.start, s.end))
            .unwrap_or_default()
    });
}

/// Render diagnostics rustc-style without colour (snapshots, files).
pub fn render_plain(files: &Files, diags: &[Diagnostic]) -> String {
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        match term::emit_into_string(&config, files, &d.to_codespan()) {
            Ok(s) => out.push_str(&s),
            Err(e) => out.push_str(&format!(
                "{}[{}]: {} ({e})\n",
                d.severity_word(),
                d.code,
                d.message
            )),
        }
    }
    out
}

/// Render to the terminal's stderr, coloured when it is a terminal.
pub fn render_stderr(files: &Files, diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    use term::termcolor::{ColorChoice, StandardStream};
    let choice = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let stream = StandardStream::stderr(choice);
    let mut lock = stream.lock();
    let config = term::Config::default();
    for d in diags {
        if term::emit_to_write_style(&mut lock, &config, files, &d.to_codespan()).is_err() {
            eprint!("{}", render_plain(files, std::slice::from_ref(d)));
        }
    }
}

impl Diagnostic {
    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Diagnostics as JSON records for editors and CI.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<[usize; 2]>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    span: [usize; 2],
    message: &'a str,
    primary: bool,
}

pub fn render_json(files: &Files, diags: &[Diagnostic]) -> String {
    let records: Vec<JsonDiagnostic> = diags
        .iter()
        .map(|d| {
            let primary = d.primary_span();
            let pos = primary.map(|s| files.line_col(s.file, s.start));
            JsonDiagnostic {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                file: primary.map(|s| files.name(s.file)),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                span: primary.map(|s| [s.start, s.end]),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let (line, column) = files.line_col(l.span.file, l.span.start);
                        JsonLabel {
                            file: files.name(l.span.file),
                            line,
                            column,
                            span: [l.span.start, l.span.end],
                            message: &l.message,
                            primary: l.primary,
                        }
                    })
                    .collect(),
                help: d.help.as_deref(),
                notes: &d.notes,
            }
        })
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".to_string())
}
