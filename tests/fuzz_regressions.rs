//! Inputs the fuzz targets found problems with (tests/fuzz/<target>/*),
//! replayed through the targets' own code (fuzz/harness.rs) by a plain
//! `cargo test`: each must now run without a panic and give a sensible
//! result. A new finding is added by copying the minimised input from
//! fuzz/artifacts/<target>/ (`cargo +nightly fuzz tmin`) to
//! tests/fuzz/<target>/<what-it-broke>.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// A fuzz target's body.
type Target = fn(&[u8]);

/// Run every file of tests/fuzz/<target> through `run`; the names of
/// those that fail are reported together.
fn replay(target: &str, run: Target) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    replay_dir(&dir.join(target), run)
}

fn replay_dir(dir: &Path, run: Target) -> usize {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "failed: {failed:#?}");
    files.len()
}

#[test]
fn check_findings() {
    assert!(replay("check", harness::check) > 0);
}

#[test]
fn fmt_findings() {
    assert!(replay("fmt", harness::fmt) > 0);
}

#[test]
fn ruletest_findings() {
    assert!(replay("ruletest", harness::ruletest) > 0);
}

#[test]
fn evidence_findings() {
    assert!(replay("evidence", harness::evidence) > 0);
}

/// The harness itself catches what it is meant to catch: scores outside
/// their bounds, and a formatter that changes a file's meaning.
#[test]
fn harness_detects_broken_properties() {
    let plan = harness::national();
    let tables = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/evidence");
    let sources =
        zhibiao::evidence::sources_from_dir(&tables, &zhibiao::evidence::Schema::of(&plan.model))
            .unwrap();
    let loaded = zhibiao::evidence::load(
        &zhibiao::evidence::Schema::of(&plan.model),
        &sources,
        &Default::default(),
    )
    .unwrap();
    let mut results = zhibiao::eval::run(plan, &loaded.evidence).unwrap();
    harness::assert_scores(&plan.model, &results);
    results[0].indicators[2].score += rust_decimal::Decimal::ONE * rust_decimal::Decimal::from(9);
    let broken = results.clone();
    assert!(std::panic::catch_unwind(|| harness::assert_scores(&plan.model, &broken)).is_err());
}

/// The committed corpora (fuzz/corpus/<target>), replayed on stable
/// without a fuzzer: `cargo test --test fuzz_regressions -- --ignored`.
/// Slower than the findings (every rule-test input compiles the rules).
#[test]
#[ignore]
fn corpora() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let targets: [(&str, Target); 4] = [
        ("check", harness::check),
        ("fmt", harness::fmt),
        ("ruletest", harness::ruletest),
        ("evidence", harness::evidence),
    ];
    for (target, run) in targets {
        assert!(replay_dir(&root.join(target), run) > 0, "{target}");
    }
}
