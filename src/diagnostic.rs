//! The one diagnostic model shared by every stage, and its renderers.
//!
//! Stages produce plain [`Diagnostic`] values; only this module knows about
//! codespan-reporting, so the wording and layout live in one place.

pub mod shown;

pub use shown::{escape, is_invisible};

use crate::source::{Files, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use serde::Serialize;
use shown::Shown;

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

/// A concrete rewrite an editor can apply: replace the text of `span`
/// with `replacement`. Only given when the fix is certain to be what the
/// help line says (a unit, a full-width mark, a did-you-mean).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0301`; documented in docs/errors.md.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Notes and fixes, boxed: few diagnostics have them, and every
    /// `Result<_, Diagnostic>` of the parser carries the struct's size.
    extra: Option<Box<Extra>>,
}

#[derive(Clone, Debug, Default)]
struct Extra {
    notes: Vec<String>,
    /// Rewrites that apply the help (see `render_json`).
    fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            extra: None,
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
        self.extra.get_or_insert_default().notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A rewrite that applies the help: `span`'s text becomes `replacement`.
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.extra.get_or_insert_default().fixes.push(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// The rewrites that apply this diagnostic's help, if it has any.
    pub fn fixes(&self) -> &[Fix] {
        self.extra.as_deref().map_or(&[], |e| &e.fixes)
    }

    pub fn notes(&self) -> &[String] {
        self.extra.as_deref().map_or(&[], |e| &e.notes)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).map(|l| l.span)
    }

    /// The codespan form, with invisible characters shown (see [`shown`]).
    fn to_codespan(&self, shown: &Shown) -> cs::Diagnostic<crate::source::FileId> {
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
                cs::Label::new(style, l.span.file, shown.range(l.span))
                    .with_message(escape(&l.message))
            })
            .collect();
        let mut notes: Vec<String> = self
            .notes()
            .iter()
            .map(|n| escape(n).into_owned())
            .collect();
        if let Some(help) = &self.help {
            notes.push(format!("帮助: {}", escape(help)));
        }
        base.with_code(self.code)
            .with_message(escape(&self.message))
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

/// Most diagnostics rendered for people (`render_plain`, `render_stderr`);
/// one line then says how many more there are. JSON has them all.
pub const MAX_SHOWN: usize = 50;

/// The diagnostics to render, in their order: all of them up to
/// [`MAX_SHOWN`]; beyond that errors first (a flood of warnings must not
/// hide an error), and the line that counts the rest.
fn select(diags: &[Diagnostic]) -> (Vec<&Diagnostic>, Option<String>) {
    if diags.len() <= MAX_SHOWN {
        return (diags.iter().collect(), None);
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings_shown = MAX_SHOWN.saturating_sub(errors);
    let mut warnings_seen = 0;
    let mut errors_seen = 0;
    let shown: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| {
            if d.is_error() {
                errors_seen += 1;
                errors_seen <= MAX_SHOWN
            } else {
                warnings_seen += 1;
                warnings_seen <= warnings_shown
            }
        })
        .collect();
    let hidden_errors = errors.saturating_sub(MAX_SHOWN);
    let hidden_warnings = (diags.len() - errors).saturating_sub(warnings_shown);
    let rest = format!(
        "还有 {} 条诊断未显示（错误 {hidden_errors} 条，警告 {hidden_warnings} 条）；zhibiao check --format json 可列出全部\n",
        hidden_errors + hidden_warnings
    );
    (shown, Some(rest))
}

/// Render diagnostics rustc-style without colour (snapshots, files).
pub fn render_plain(files: &Files, diags: &[Diagnostic]) -> String {
    let (diags, rest) = select(diags);
    let shown = shown_files(files, &diags);
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        match term::emit_into_string(&config, &shown, &d.to_codespan(&shown)) {
            Ok(s) => out.push_str(&chinese_header(&s)),
            Err(e) => out.push_str(&d.fallback(&e)),
        }
    }
    out.push_str(rest.as_deref().unwrap_or(""));
    out
}

/// Render to the terminal's stderr, coloured when it is a terminal.
pub fn render_stderr(files: &Files, diags: &[Diagnostic]) {
    use std::io::{IsTerminal, Write};
    use term::termcolor::Buffer;
    let (diags, rest) = select(diags);
    let shown = shown_files(files, &diags);
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        // Each diagnostic is rendered into memory (with colour codes on a
        // terminal) so that its severity can be said in Chinese.
        let mut buffer = if std::io::stderr().is_terminal() {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        match term::emit_to_write_style(&mut buffer, &config, &shown, &d.to_codespan(&shown)) {
            Ok(()) => out.push_str(&chinese_header(&String::from_utf8_lossy(buffer.as_slice()))),
            Err(e) => out.push_str(&d.fallback(&e)),
        }
    }
    out.push_str(rest.as_deref().unwrap_or(""));
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// codespan-reporting names the severity in English (`error[E0101]`,
/// fixed in its renderer); the CLI says every severity in Chinese
/// (`错误[E0101]`, `警告[W0001]`), so the word in the header line, the
/// first of a rendered diagnostic, is replaced.
fn chinese_header(rendered: &str) -> String {
    let (head, rest) = rendered.split_at(rendered.find('\n').unwrap_or(rendered.len()));
    let head = head
        .replacen("error[", "错误[", 1)
        .replacen("warning[", "警告[", 1);
    format!("{head}{rest}")
}

fn shown_files<'a>(files: &'a Files, diags: &[&Diagnostic]) -> Shown<'a> {
    Shown::new(
        files,
        diags
            .iter()
            .flat_map(|d| d.labels.iter().map(|l| l.span.file)),
    )
}

impl Diagnostic {
    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }

    /// One line when codespan cannot render (a span outside its file).
    fn fallback(&self, e: &dyn std::fmt::Display) -> String {
        format!(
            "{}[{}]: {} ({})\n",
            self.severity_word(),
            self.code,
            escape(&self.message),
            escape(&e.to_string())
        )
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
    fixes: Vec<JsonFix<'a>>,
}

/// Where a fix applies: byte range, and line and column (1-based, in
/// characters) of its start and end.
#[derive(Serialize)]
struct JsonFixSpan<'a> {
    file: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    span: JsonFixSpan<'a>,
    replacement: &'a str,
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

fn json_fix<'a>(files: &'a Files, f: &'a Fix) -> JsonFix<'a> {
    let (line, column) = files.line_col(f.span.file, f.span.start);
    let (end_line, end_column) = files.line_col(f.span.file, f.span.end);
    JsonFix {
        span: JsonFixSpan {
            file: files.name(f.span.file),
            start: f.span.start,
            end: f.span.end,
            line,
            column,
            end_line,
            end_column,
        },
        replacement: &f.replacement,
    }
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
                notes: d.notes(),
                fixes: d.fixes().iter().map(|f| json_fix(files, f)).collect(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".to_string())
}
