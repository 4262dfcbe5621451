//! A real office suite reads what we write (issue #10): LibreOffice Calc,
//! run headless, converts our workbooks to CSV (to compare with what we
//! meant to write) and re-saves files as .xlsx (to read a workbook that
//! our own writer did not make); Writer converts the Word appendix
//! (issue #11) to text or PDF.
//!
//! Include it in a test file with
//! `#[path = "support/office.rs"] mod office;`.
//!
//! Without `soffice` on the PATH the helpers print a loud `SKIPPED:` line
//! and return `None`, so the calling test returns early; when `CI` is set
//! they panic instead, because CI must really run these tests
//! (`.ci/run` installs `libreoffice-calc-nogui`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CSV export filter: comma, double quotes, UTF-8 (76), from line 1,
/// values as stored rather than as shown, no formulas, every sheet (-1)
/// into its own `NAME-SHEET.csv`.
const CSV_FILTER: &str =
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";

/// How long one conversion may take; the first start of LibreOffice with
/// a fresh profile takes a few seconds, a busy CI machine more.
/// `ZHIBIAO_SOFFICE_TIMEOUT` (seconds) overrides it.
fn timeout() -> Duration {
    let secs = std::env::var("ZHIBIAO_SOFFICE_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180);
    Duration::from_secs(secs)
}

/// The `soffice` program, or `None` after saying loudly that the test is
/// skipped (a panic under `CI`).
fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("soffice"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("LibreOffice (soffice) not installed, and CI must run the LibreOffice tests — install libreoffice-calc-nogui");
        }
        // Straight to the process's stderr: the test harness captures
        // `eprintln!`, and this line must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: LibreOffice (soffice) not installed — install libreoffice-calc-nogui"
        );
    }
    found
}

/// Run `soffice --headless --convert-to FILTER --outdir OUT INPUT` with a
/// private profile (parallel tests would otherwise share, and lock, the
/// user's profile) and a timeout; panics when it fails or takes too long.
fn run(soffice: &Path, filter: &str, input: &Path, out: &Path) {
    let csv_input = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let profile = tempfile::tempdir().unwrap();
    let profile_url = format!("file://{}", profile.path().display());
    let mut cmd = Command::new(soffice);
    cmd.arg(format!("-env:UserInstallation={profile_url}"))
        .args(["--headless", "--norestore", "--nolockcheck"]);
    if csv_input {
        // A CSV input is read as UTF-8, comma-separated, from line 1.
        cmd.arg("--infilter=Text - txt - csv (StarCalc):44,34,76,1");
    }
    cmd.arg("--convert-to")
        .arg(filter)
        .arg("--outdir")
        .arg(out)
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: `soffice` is a script starting `soffice.bin`,
    // and a timeout must end both.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let limit = timeout();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.wait();
            panic!(
                "LibreOffice did not convert {} within {} s",
                input.display(),
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "soffice failed converting {}: {}\n{}",
        input.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every sheet of `xlsx` as LibreOffice Calc exports it to CSV (UTF-8,
/// comma, values as stored), as (sheet name, CSV text) in workbook order;
/// `None` when LibreOffice is not installed (outside CI).
pub fn sheets_as_csv(xlsx: &Path) -> Option<Vec<(String, String)>> {
    let soffice = soffice()?;
    let out = tempfile::tempdir().unwrap();
    run(&soffice, CSV_FILTER, xlsx, out.path());
    let stem = xlsx.file_stem().unwrap().to_string_lossy().into_owned();
    let names = sheet_names(xlsx);
    let mut produced: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    produced.sort();
    let mut sheets = Vec::new();
    for name in names {
        // LibreOffice 7.4 names each sheet's file `STEM-SHEET.csv`; a
        // workbook of one sheet still gets the suffix.
        let file = format!("{stem}-{name}.csv");
        let path = out.path().join(&file);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("LibreOffice wrote no {file} ({e}); it wrote {produced:?}"));
        let text = String::from_utf8(bytes).expect("LibreOffice CSV is not UTF-8");
        sheets.push((name, text));
    }
    assert_eq!(
        sheets.len(),
        produced.len(),
        "LibreOffice wrote other files than one per sheet: {produced:?}"
    );
    Some(sheets)
}

/// `input` converted by LibreOffice to `to_ext` (e.g. "xlsx": a CSV or one
/// of our workbooks saved again by LibreOffice itself), written into a
/// fresh folder in the system's temporary directory that is left in place
/// (the path must outlive this call); `None` when LibreOffice is not
/// installed (outside CI).
pub fn convert(input: &Path, to_ext: &str) -> Option<PathBuf> {
    let soffice = soffice()?;
    let document = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx") || e.eq_ignore_ascii_case("odt"));
    if document && !writer_installed() {
        return None;
    }
    let out = tempfile::tempdir().unwrap().keep();
    let filter = match (to_ext, document) {
        ("xlsx", _) => "xlsx:Calc MS Excel 2007 XML",
        ("ods", _) => "ods:calc8",
        ("xls", _) => "xls:MS Excel 97",
        // A Word document's text, UTF-8; or printed to PDF by Writer.
        ("txt", true) => "txt:Text (encoded):UTF8",
        ("pdf", true) => "pdf:writer_pdf_Export",
        (other, _) => other,
    };
    run(&soffice, filter, input, &out);
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    let path = out.join(format!("{stem}.{to_ext}"));
    assert!(
        path.is_file(),
        "LibreOffice wrote no {} (in {})",
        path.display(),
        out.display()
    );
    Some(path)
}

/// Whether LibreOffice Writer (which reads Word documents) is installed
/// beside Calc; when not, say loudly that the test is skipped (a panic
/// under `CI`: `.ci/run` installs `libreoffice-writer-nogui`).
fn writer_installed() -> bool {
    let found = ["/usr/lib/libreoffice/program", "/opt/libreoffice/program"]
        .iter()
        .any(|dir| Path::new(dir).join("libswlo.so").is_file());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("LibreOffice Writer not installed, and CI must run the Word tests — install libreoffice-writer-nogui");
        }
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: LibreOffice Writer not installed — install libreoffice-writer-nogui"
        );
    }
    found
}

/// The sheets of a workbook in order, as calamine reads them.
fn sheet_names(path: &Path) -> Vec<String> {
    use calamine::Reader;
    let workbook = calamine::open_workbook_auto(path).unwrap();
    workbook.sheet_names().to_vec()
}
