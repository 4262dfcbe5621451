#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! UI tests for the checker: one broken rule file per diagnostic code in
//! `tests/ui/`. Each file's first line names the codes it must produce:
//!
//! ```text
//! # expect: E0301
//! ```
//!
//! Two independent checks per file:
//! 1. the rendered diagnostics (wording, labels, layout) are snapshotted with
//!    insta, so a wording change shows up as a reviewable diff;
//! 2. the set of codes produced contains every expected code, and every
//!    diagnostic carries a help line — this holds whatever the wording.
//!
//! A file may also carry `# known-bug: …` lines for a checker bug that
//! keeps check 2 from passing. Such a file is expected to *fail* check 2; once
//! the bug is fixed the test fails and asks for the `known-bug` line to be
//! removed, so a fix is never silently lost.

use std::collections::BTreeSet;
use std::path::Path;
use zhibiao::diagnostic::{render_plain, Diagnostic};
use zhibiao::driver::compile_file;

/// The header lines of a UI file.
struct Header {
    expect: BTreeSet<String>,
    known_bugs: Vec<String>,
}

fn header(text: &str) -> Header {
    // A file may start with a byte-order mark (E0001_bom_then_slips.zb).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let codes = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("first line must be `# expect: CODE…`, found {first:?}"));
    let expect: BTreeSet<String> = codes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    assert!(!expect.is_empty(), "`# expect:` names no code");
    let known_bugs = lines
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# known-bug:"))
        .map(|l| l.trim().to_string())
        .collect();
    Header { expect, known_bugs }
}

/// What is wrong with the diagnostics of one file, independent of wording.
fn problems(name: &str, header: &Header, diags: &[Diagnostic]) -> Vec<String> {
    let produced: BTreeSet<String> = diags.iter().map(|d| d.code.to_string()).collect();
    let mut out = Vec::new();
    for code in header.expect.difference(&produced) {
        out.push(format!("expected {code}, produced {produced:?}"));
    }
    for d in diags {
        if d.help.is_none() {
            out.push(format!("{} “{}” has no help line", d.code, d.message));
        }
        if !d.labels.iter().any(|l| l.primary) {
            out.push(format!("{} “{}” has no primary label", d.code, d.message));
        }
    }
    if name == "ten_mistakes.zb" && produced.len() < 10 {
        out.push(format!(
            "ten_mistakes.zb must produce at least ten distinct codes, produced {produced:?}"
        ));
    }
    out
}

/// In E0001_ten_syntax_slips.zb every slip is marked by a comment that
/// starts with its number (`# 3 …`): one diagnostic on each marked line,
/// none elsewhere.
fn each_slip_once(text: &str, compiled: &zhibiao::driver::Compiled) -> Vec<String> {
    let marked: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.split_once('#').is_some_and(|(code, comment)| {
                !code.trim().is_empty()
                    && comment
                        .trim_start()
                        .starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .map(|(i, _)| i + 1)
        .collect();
    let reported: Vec<usize> = compiled
        .diagnostics
        .iter()
        .filter_map(|d| d.labels.iter().find(|l| l.primary))
        .map(|l| compiled.files.line_col(l.span.file, l.span.start).0)
        .collect();
    let mut out = Vec::new();
    if marked.len() != 10 {
        out.push(format!("ten slips expected, {} marked", marked.len()));
    }
    if reported != marked {
        out.push(format!(
            "slips on lines {marked:?}, reported on {reported:?}"
        ));
    }
    out
}

#[test]
fn ui() {
    let mut failures: Vec<String> = Vec::new();
    insta::glob!("ui/*.zb", |path| {
        // A path relative to the crate root keeps snapshots machine-independent
        // (cargo runs tests from the crate root).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let rel = path.strip_prefix(root).unwrap_or(path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let header = header(&text);
        let compiled = compile_file(rel).unwrap();
        let rendered = render_plain(&compiled.files, &compiled.diagnostics);

        insta::assert_snapshot!(rendered);

        let mut found = problems(&name, &header, &compiled.diagnostics);
        if name == "E0001_ten_syntax_slips.zb" {
            found.extend(each_slip_once(&text, &compiled));
        }
        match (header.known_bugs.is_empty(), found.is_empty()) {
            (true, true) => {}
            (true, false) => {
                failures.push(format!("{name}:\n  {}\n\n{rendered}", found.join("\n  ")))
            }
            (false, false) => eprintln!(
                "{name}: known checker bug ({}): {}",
                header.known_bugs.join("; "),
                found.join("; ")
            ),
            (false, true) => failures.push(format!(
                "{name}: the known bug seems fixed ({}); remove its `# known-bug:` line \
                 and review the snapshot",
                header.known_bugs.join("; ")
            )),
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every diagnostic code the checker can produce has a UI file.
#[test]
fn every_code_has_a_ui_file() {
    let codes = [
        "E0001", "E0002", "E0004", "E0005", "E0006", "E0007", "E0101", "E0102", "E0103", "E0104",
        "E0105", "E0106", "E0107", "E0108", "E0109", "E0110", "E0201", "E0202", "E0203", "E0204",
        "E0301", "E0302", "E0303", "E0304", "E0305", "E0306", "E0307", "E0308", "E0309", "E0310",
        "E0311", "E0407", "E0408", "W0001", "W0002",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for code in codes {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{code}_")) && n.ends_with(".zb")),
            "no tests/ui/{code}_*.zb"
        );
    }
}
