//! The commands of the command line, one module each (their arguments
//! are declared in `main.rs`).

/// `eprintln!` that never panics: when stderr is closed
/// (`zhibiao … 2>&1 | head -1`) the message is lost, not the process.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod check;
pub mod compare;
pub mod completions;
pub mod diff;
pub mod eval;
mod examples;
pub mod explain;
pub mod format;
pub mod lsp;
pub mod report;
pub mod rules;
pub mod sensitivity;
pub mod template;
pub mod usage;
mod workbook;

use std::path::Path;
use std::process::ExitCode;

/// Exit 0 on success; on failure the error has been printed: exit 1.
pub fn finish(result: Result<(), ()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}

/// Write `text` to `path` through a temporary file (see
/// [`zhibiao::output::file`]): an error never leaves a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), ()> {
    zhibiao::output::file::write_file(path, text).map_err(|e| say!("错误: {e}"))
}

/// A report to `output`, or to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), ()> {
    match output {
        Some(path) => write_atomically(path, text),
        None => stdout(text),
    }
}

/// CSV text to `output` or stdout in `encoding` (UTF-8 with or without a
/// byte-order mark, or GBK); a character GBK cannot hold fails the whole
/// output, and nothing is written to the file.
pub fn emit_csv(
    output: Option<&Path>,
    text: &str,
    encoding: zhibiao::output::encode::CsvEncoding,
) -> Result<(), ()> {
    use std::io::Write;
    if encoding == zhibiao::output::encode::CsvEncoding::Utf8 {
        return emit(output, text);
    }
    let mut bytes = Vec::with_capacity(text.len() + 3);
    let encoded = {
        let mut w = zhibiao::output::encode::Encoded::new(&mut bytes, encoding);
        w.write_all(text.as_bytes())
    };
    if let Err(e) = encoded {
        match output {
            Some(path) => say!("错误: 无法写入 {}：{e}", path.display()),
            None => say!("错误: 无法写入标准输出：{e}"),
        }
        return Err(());
    }
    match output {
        Some(path) => {
            zhibiao::output::file::write_bytes(path, &bytes).map_err(|e| say!("错误: {e}"))
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    say!("错误: 无法写入标准输出：{e}");
                    Err(())
                }
                _ => Ok(()),
            }
        }
    }
}

/// A rule-test file (`*.test.zb`), not a rule file.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".test.zb"))
}

/// Refuse an output path that names one of the inputs, before anything
/// is read.
pub fn refuse_inputs(output: Option<&Path>, inputs: &[impl AsRef<Path>]) -> Result<(), ()> {
    match output {
        Some(out) => {
            zhibiao::output::file::refuse_inputs(out, inputs).map_err(|e| say!("错误: {e}"))
        }
        None => Ok(()),
    }
}

/// Evidence errors on stderr, one a line; cells from the data in them
/// are escaped for the terminal. Returns how many problems were listed.
pub fn show_evidence_errors(errs: &[zhibiao::evidence::EvidenceError]) -> usize {
    for e in errs {
        say!("{}", zhibiao::output::escape::terminal_text(&e.to_string()));
    }
    errs.iter()
        .filter(|e| e.kind != zhibiao::evidence::ErrorKind::TooMany)
        .count()
}

/// The files a compiled rule set was read from (the file given and the
/// files it extends), as paths.
pub fn rule_files(files: &zhibiao::source::Files) -> Vec<std::path::PathBuf> {
    files.names().map(std::path::PathBuf::from).collect()
}

/// Text to stdout. A reader that stops early (`| head`) ends the output
/// quietly; any other failure is reported.
pub fn stdout(text: &str) -> Result<(), ()> {
    use std::io::IsTerminal;
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // On a terminal nothing from the data may act as a control sequence;
    // into a pipe or file the text goes as it is.
    let text = if out.is_terminal() {
        zhibiao::output::escape::terminal_text(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say!("错误: 无法写入标准输出：{e}");
            Err(())
        }
        _ => Ok(()),
    }
}

/// A writer to a terminal that shows control characters from the data as
/// `\u{…}` instead of letting them act (see
/// [`zhibiao::output::escape::terminal_text`]); into a pipe or a file the
/// bytes pass unchanged. Every write must be whole UTF-8 text.
pub struct TerminalSafe<W: std::io::Write> {
    inner: W,
    escape: bool,
}

impl<W: std::io::Write> TerminalSafe<W> {
    pub fn new(inner: W) -> Self {
        use std::io::IsTerminal;
        TerminalSafe {
            inner,
            escape: std::io::stdout().is_terminal(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.escape {
            let text = String::from_utf8_lossy(buf);
            self.inner
                .write_all(zhibiao::output::escape::terminal_text(&text).as_bytes())?;
        } else {
            self.inner.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
