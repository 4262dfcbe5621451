//! The commands of the command line, one module each (their arguments
//! are declared in `main.rs`).

pub mod check;
pub mod diff;
pub mod eval;
pub mod rules;

use std::path::Path;
use std::process::ExitCode;

/// Exit 0 on success; on failure the error has been printed: exit 1.
pub fn finish(result: Result<(), ()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}

/// Write to a temporary file beside the target, then rename: an error
/// never leaves a half-written file.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), ()> {
    let tmp = path.with_extension("zhibiao-tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("错误: 无法写入 {}：{e}", path.display());
        })
}

/// A report to `output`, or to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), ()> {
    match output {
        Some(path) => write_atomically(path, text),
        None => stdout(text),
    }
}

/// Text to stdout. A reader that stops early (`| head`) ends the output
/// quietly; any other failure is reported.
pub fn stdout(text: &str) -> Result<(), ()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("错误: 无法写入标准输出：{e}");
            Err(())
        }
        _ => Ok(()),
    }
}
