#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `zhibiao test`: the rule tests committed in rules/ pass with complete
//! coverage of national.zb and province-a.zb; a failing expectation shows
//! expected against actual and the explain tree and exits 1; an unknown
//! field in a case is reported with its file:line.
//!
//! The expected values inside rules/**/*.test.zb are computed by hand from
//! the standard's appendix (national.md) and the province-A variant
//! (variant-a.md); the cases that make a test fail on purpose below are
//! written to a temporary directory and point at the repository's rules by
//! absolute path.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `zhibiao ARGS` in the repository root: (stdout, stderr, exit code).
fn zhibiao(args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

/// Every `*.test.zb` under `dir`, recursively.
fn test_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            test_files(&p, found);
        } else if p.to_string_lossy().ends_with(".test.zb") {
            found.push(p);
        }
    }
}

/// Number of `用例 "…"` cases in the test files under rules/.
fn case_count() -> usize {
    let mut files = Vec::new();
    test_files(&root().join("rules"), &mut files);
    assert!(
        files.len() >= 3,
        "expected national, province-a and city-a1 test files, found {files:?}"
    );
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter(|l| l.trim_start().starts_with("用例 "))
                .count()
        })
        .sum()
}

/// `N passed, M failed` → (N, M).
fn counts(last: &str) -> (usize, usize) {
    let parts: Vec<&str> = last.split_whitespace().collect();
    assert!(
        parts.len() == 4 && parts[1] == "passed," && parts[3] == "failed",
        "last line is not `N passed, M failed`: {last:?}"
    );
    (parts[0].parse().unwrap(), parts[2].parse().unwrap())
}

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("zhibiao-ruletest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Write a test file whose target is the repository's national.zb.
    fn test_file(&self, name: &str, body: &str) -> PathBuf {
        let rules = root().join("rules/national.zb");
        let text = format!("测试 \"{}\"\n{body}", rules.display());
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn committed_rule_tests_pass_with_complete_coverage() {
    let (out, err, code) = zhibiao(&["test", "rules/", "--coverage"]);
    assert_eq!(code, Some(0), "zhibiao test rules/ failed:\n{out}\n{err}");
    assert!(!out.contains('✗'), "a case failed:\n{out}");

    let last = out.lines().last().unwrap_or_default();
    let (passed, failed) = counts(last);
    let cases = case_count();
    assert_eq!(failed, 0, "{out}");
    assert!(
        passed >= cases,
        "{passed} passed but rules/ holds {cases} cases:\n{out}"
    );

    for rules in ["rules/national.zb", "rules/variants/province-a.zb"] {
        let line = out
            .lines()
            .find(|l| l.starts_with("覆盖率：") && l.contains(&format!("{rules} ")))
            .unwrap_or_else(|| panic!("no coverage line for {rules}:\n{out}"));
        assert!(
            line.ends_with("全部覆盖"),
            "coverage of {rules} is not complete:\n{out}"
        );
    }
}

#[test]
fn each_test_file_passes_on_its_own() {
    for rules in [
        "rules/national.zb",
        "rules/variants/province-a.zb",
        "rules/variants/city-a1.zb",
    ] {
        let (out, err, code) = zhibiao(&["test", rules, "--coverage"]);
        assert_eq!(code, Some(0), "zhibiao test {rules} failed:\n{out}\n{err}");
        let (passed, failed) = counts(out.lines().last().unwrap_or_default());
        assert!(passed > 0 && failed == 0, "{out}");
        assert!(out.contains("全部覆盖"), "{rules} coverage:\n{out}");
    }
}

#[test]
fn failing_expectation_prints_expected_actual_and_explain_tree() {
    let scratch = Scratch::new("failing");
    // 1.1.1: 19 of 20 reviewed is 95%, which scores 4 points, not 5.
    let path = scratch.test_file(
        "failing.test.zb",
        "基准 {\n  编码 = X0001\n  名称 = \"失败示例\"\n  重大决策数 = 20\n  重大决策已审查数 = 19\n}\n\n\
         用例 \"故意写错的期望\" {\n  期望 1.1.1 = 5\n}\n",
    );
    let shown = path.display().to_string();
    let (out, err, code) = zhibiao(&["test", &shown]);
    assert_eq!(code, Some(1), "expected exit 1:\n{out}\n{err}");
    assert!(
        out.contains(&format!("✗ 故意写错的期望（{shown}:9）")),
        "case and place:\n{out}"
    );
    assert!(
        out.contains(&format!("1.1.1：期望 5，实际 4.00（{shown}:10）")),
        "expected vs actual:\n{out}"
    );
    // The explain tree of the subject: the indicator, its band and evidence.
    assert!(out.contains("│ X0001 失败示例"), "explain tree:\n{out}");
    assert!(
        out.contains("1.1.1 重大行政决策合法性审查  4.00 / 5 分"),
        "explain tree:\n{out}"
    );
    // Its worked calculation, as the explain letter writes it.
    assert!(
        out.contains(
            "审查率 = 重大决策已审查数 ÷ 重大决策数 = 19 ÷ 20 = 95%；≥ 95% 一档，得 4 分。"
        ),
        "explain tree:\n{out}"
    );
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"), "{out}");
}

#[test]
fn unknown_field_in_a_case_is_reported_with_file_and_line() {
    let scratch = Scratch::new("unknown-field");
    let path = scratch.test_file(
        "unknown.test.zb",
        "基准 {\n  编码 = X0001\n  名称 = \"字段写错\"\n}\n\n\
         用例 \"字段名写错\" {\n  重大决策书 = 3\n  期望 总分 = 100\n}\n",
    );
    let shown = path.display().to_string();
    let (out, err, code) = zhibiao(&["test", &shown]);
    assert_eq!(code, Some(1), "expected exit 1:\n{out}\n{err}");
    assert!(
        out.contains(&format!("表“主体”中没有字段“重大决策书”（{shown}:8）")),
        "unknown field with file:line:\n{out}"
    );
    assert!(out.contains("是否想写“重大决策数”"), "suggestion:\n{out}");
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"), "{out}");
}
