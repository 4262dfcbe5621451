#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The documentation stays true to the checker.
//!
//! - Every complete rule file shown in docs/language.md (a ```zb block that
//!   declares both `标准` and `等级`) checks without any diagnostic.
//! - Every rendered block in docs/errors.md, between
//!   `<!-- rendered: tests/ui/X.zb -->` and `<!-- /rendered -->`, is exactly
//!   what `zhibiao check` prints for that file today. Run
//!   `UPDATE_DOCS=1 cargo test --test docs` to rewrite those blocks.

use std::path::Path;
use zhibiao::diagnostic::render_plain;
use zhibiao::driver::{compile_file, compile_source};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The ```zb code blocks of a Markdown text, with their first line number.
fn zb_blocks(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```zb" => current = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_start() == "```" => out.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    out
}

#[test]
fn complete_examples_in_language_md_check_clean() {
    let md = std::fs::read_to_string(root().join("docs/language.md")).unwrap();
    let complete: Vec<_> = zb_blocks(&md)
        .into_iter()
        .filter(|(_, text)| {
            let starts = |p: &str| text.lines().any(|l| l.starts_with(p));
            starts("标准 ") && starts("等级 {")
        })
        .collect();
    assert!(!complete.is_empty(), "no complete example in language.md");
    for (line, text) in complete {
        let name = format!("docs/language.md:{line}");
        let compiled = compile_source(&name, &text);
        let rendered = render_plain(&compiled.files, &compiled.diagnostics);
        assert!(
            compiled.diagnostics.is_empty(),
            "example at {name} does not check clean:\n{rendered}"
        );
    }
}

const OPEN: &str = "<!-- rendered: ";
const CLOSE: &str = "<!-- /rendered -->";

/// errors.md with every rendered block replaced by today's output.
fn regenerate(md: &str) -> String {
    let mut out = String::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(rest) = line.strip_prefix(OPEN) else {
            continue;
        };
        let rel = rest.trim_end_matches("-->").trim();
        let compiled = compile_file(Path::new(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let rendered = render_plain(&compiled.files, &compiled.diagnostics);
        out.push_str("```text\n");
        out.push_str(&rendered);
        out.push_str("```\n");
        for skipped in lines.by_ref() {
            if skipped.trim() == CLOSE {
                out.push_str(CLOSE);
                out.push('\n');
                break;
            }
        }
    }
    out
}

#[test]
fn rendered_blocks_in_errors_md_are_current() {
    // compile_file names files as given: run from the crate root so the
    // rendered paths are the relative ones shown in the document.
    std::env::set_current_dir(root()).unwrap();
    let path = root().join("docs/errors.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let fresh = regenerate(&md);
    if fresh == md {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let first_diff = md
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .map_or(md.lines().count().min(fresh.lines().count()), |i| i);
    panic!(
        "docs/errors.md is out of date from line {}: run `UPDATE_DOCS=1 cargo test --test docs` \
         and review the diff",
        first_diff + 1
    );
}

#[test]
fn errors_md_has_a_section_for_every_ui_file() {
    let md = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    for entry in std::fs::read_dir(root().join("tests/ui")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            // Base files that the variant UI tests extend.
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((code, _)) = name.split_once('_') {
            if code.len() == 5 && code.starts_with(['E', 'W']) {
                assert!(
                    md.contains(&format!("### {code} ")),
                    "docs/errors.md has no section for {code}"
                );
            }
        }
        assert!(
            md.contains(&format!("{OPEN}tests/ui/{name} -->")),
            "docs/errors.md does not show the output for tests/ui/{name}"
        );
    }
}
