//! `zhibiao fmt`: idempotent on every rule file, and meaning-preserving:
//! the formatted rules give byte-identical results on the sample evidence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use zhibiao::fmt::format;

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rule_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "zb") {
            out.push(p);
        }
    }
}

#[test]
fn every_rule_file_is_formatted_and_formatting_is_idempotent() {
    let mut files = Vec::new();
    rule_files(Path::new("rules"), &mut files);
    rule_files(Path::new("tests/ui"), &mut files);
    assert!(files.len() > 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let Some(once) = format(&text) else {
            continue; // a deliberately broken UI input
        };
        assert_eq!(
            format(&once).as_deref(),
            Some(once.as_str()),
            "{} not idempotent",
            f.display()
        );
        if f.starts_with("rules") {
            assert_eq!(
                once,
                text,
                "{} is not formatted: run zhibiao fmt rules",
                f.display()
            );
        }
    }
}

/// `eval` of `rules`; `root` is the rules root of a copy outside the
/// repository (its `继承` would otherwise leave the default root).
fn eval(rules: &Path, data: &str, root: Option<&Path>) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhibiao"));
    cmd.arg("eval")
        .arg(rules)
        .args(["--data", data, "--format", "csv"]);
    if let Some(root) = root {
        cmd.arg("--rules-root").arg(root);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn formatting_preserves_meaning() {
    // A messy copy of the rules (ASCII operators, odd spacing), formatted,
    // must evaluate exactly like the original.
    let dir = std::env::temp_dir().join(format!("zhibiao-fmt-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("variants")).unwrap();
    for (src, dst) in [
        ("rules/national.zb", "national.zb"),
        ("rules/variants/province-a.zb", "variants/province-a.zb"),
    ] {
        let text = std::fs::read_to_string(src).unwrap();
        let messy = text
            .replace('≥', ">=")
            .replace('≤', "<=")
            .replace('×', "*")
            .replace('÷', "/")
            .replace("  ", "    ");
        std::fs::write(dir.join(dst), format(&messy).unwrap()).unwrap();
    }
    assert_eq!(
        eval(&dir.join("national.zb"), "examples/evidence", Some(&dir)),
        eval(Path::new("rules/national.zb"), "examples/evidence", None)
    );
    assert_eq!(
        eval(
            &dir.join("variants/province-a.zb"),
            "examples/evidence-a",
            Some(&dir)
        ),
        eval(
            Path::new("rules/variants/province-a.zb"),
            "examples/evidence-a",
            None
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_mode_reports_unformatted_files_and_changes_nothing() {
    let dir = std::env::temp_dir().join(format!("zhibiao-fmtcheck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("a.zb");
    std::fs::write(&f, "标准  \"甲\"\n指标 1 甲 10 分 {\n公式 1*2\n}\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .arg("fmt")
        .arg("--check")
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = f.display().to_string();
    // The file named, then a unified diff of what would change.
    assert_eq!(
        stdout,
        format!(
            "需要排版：{name}\n--- {name}\n+++ {name}（排版后）\n@@ -1,4 +1,4 @@\n\
             -标准  \"甲\"\n+标准 \"甲\"\n 指标 1 甲 10 分 {{\n-公式 1*2\n+  公式 1 × 2\n }}\n"
        )
    );
    assert!(std::fs::read_to_string(&f).unwrap().contains("1*2"));
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .arg("fmt")
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "标准 \"甲\"\n指标 1 甲 10 分 {\n  公式 1 × 2\n}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file that does not parse (an unclosed `{`) is left as it is, its
/// syntax error shown and the exit code 1, with and without `--check`;
/// a rule-test file is parsed as one.
#[test]
fn a_file_with_a_syntax_error_is_reported_not_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.zb");
    let text = "标准 \"t\"\n指标   1 a 5 分 {\n  清单 {\n";
    std::fs::write(&broken, text).unwrap();
    for check in [false, true] {
        let mut args = vec!["fmt"];
        if check {
            args.push("--check");
        }
        args.push(broken.to_str().unwrap());
        let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("E0001") && err.contains("有语法错误，未排版"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    }
    let tests = dir.path().join("r.test.zb");
    std::fs::copy("rules/national.test.zb", &tests).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["fmt", "--check", tests.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
