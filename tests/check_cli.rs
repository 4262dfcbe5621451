#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `zhibiao check` through the real binary: exit codes, human and JSON output.

use std::process::{Command, Output};

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn national_rules_check_clean() {
    let out = zhibiao(&["check", "rules/national.zb"]);
    assert_eq!(text(&out.stdout), "", "stdout");
    assert_eq!(
        text(&out.stderr),
        "1 个文件：0 个错误，0 个警告\n",
        "stderr"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn broken_file_exits_1_with_rendered_diagnostic() {
    let out = zhibiao(&["check", "tests/ui/E0301_points_do_not_add_up.zb"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("错误[E0301]"), "{err}");
    assert!(
        err.contains("tests/ui/E0301_points_do_not_add_up.zb:14:11"),
        "{err}"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let out = zhibiao(&["check", "tests/ui/W0001_unused_field.zb"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("警告[W0001]"));
}

#[test]
fn json_format_gives_records_with_positions() {
    let path = "tests/ui/E0301_points_do_not_add_up.zb";
    let out = zhibiao(&["check", "--format", "json", path]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 1, "{json:#}");
    let r = &records[0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "span",
    ] {
        assert!(
            r.get(key).is_some_and(|v| !v.is_null()),
            "missing {key}: {r:#}"
        );
    }
    assert_eq!(r["code"], "E0301");
    assert_eq!(r["severity"], "error");
    assert_eq!(r["file"], path);
    assert_eq!(r["line"], 14);
    // Columns count characters (as editors show), not bytes.
    assert_eq!(r["column"], 11);
    // The span is a byte range into the file: it covers the parent's points.
    let src = std::fs::read_to_string(path).unwrap();
    let (start, end) = (
        r["span"][0].as_u64().unwrap() as usize,
        r["span"][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&src[start..end], "10 分");
}

#[test]
fn json_format_on_a_clean_file_is_an_empty_array() {
    let out = zhibiao(&["check", "--format", "json", "rules/national.zb"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::json!([]));
}

/// A folder is checked as `fmt` and `test` take it: every rule file in it
/// and its subfolders, the rule-test files left to `test`.
#[test]
fn a_folder_checks_every_rule_file_in_it() {
    let out = zhibiao(&["check", "rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "3 个文件：0 个错误，0 个警告\n");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let national =
        std::fs::read_to_string(format!("{}/rules/national.zb", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    std::fs::write(dir.path().join("ok.zb"), &national).unwrap();
    std::fs::write(
        dir.path().join("sub/bad.zb"),
        national.replacen("= 100% 得 5 分", "= 100% 得 50 分", 1),
    )
    .unwrap();
    std::fs::write(dir.path().join("ok.test.zb"), "not a rule file").unwrap();
    let out = zhibiao(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let errors: Vec<&serde_json::Value> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with('E')))
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|d| d["file"].as_str().unwrap().ends_with("sub/bad.zb")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|d| d["code"] == "E0308"), "{errors:?}");
}

/// Apply every fix of `check --format json` to the file's text, from the
/// last to the first so earlier byte offsets stay valid.
fn apply_fixes(source: &str, records: &[serde_json::Value]) -> (String, usize) {
    let mut fixes: Vec<(usize, usize, String)> = records
        .iter()
        .flat_map(|r| r["fixes"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            let span = &f["span"];
            let (start, end) = (
                span["start"].as_u64().unwrap(),
                span["end"].as_u64().unwrap(),
            );
            // Line and column agree with the byte offset.
            let line = source[..start as usize].matches('\n').count() + 1;
            assert_eq!(span["line"].as_u64(), Some(line as u64), "{f:#}");
            let replacement = f["replacement"].as_str().unwrap().to_string();
            (start as usize, end as usize, replacement)
        })
        .collect();
    fixes.sort_by_key(|f| std::cmp::Reverse(f.0));
    let mut text = source.to_string();
    for (start, end, replacement) in &fixes {
        text.replace_range(*start..*end, replacement);
    }
    (text, fixes.len())
}

/// Each of these files has one slip whose diagnostic carries a fix: the
/// fixed text checks without errors.
#[test]
fn json_fixes_applied_make_the_file_check() {
    let files = [
        "tests/ui/E0001_full_width_colon.zb",
        "tests/ui/E0001_glued_keyword.zb",
        "tests/ui/E0001_syntax_error.zb",
        "tests/ui/E0101_typo_in_a_let_no_cascade.zb",
        "tests/ui/E0101_unknown_name.zb",
        "tests/ui/E0101_unknown_veto_grade.zb",
        "tests/ui/E0106_unknown_enum_value.zb",
        "tests/ui/E0108_field_type_no_cascade.zb",
        "tests/ui/E0201_param_default_no_cascade.zb",
        "tests/ui/E0201_weight_written_as_points.zb",
        "tests/ui/E0203_one_minus_ratio.zb",
        "tests/ui/E0203_percent_field_vs_percent_literal.zb",
        "tests/ui/E0203_ratio_vs_bare_number.zb",
        "tests/ui/E0203_ratio_vs_fraction.zb",
        "tests/ui/E0302_weights_full_marks_no_grade_cascade.zb",
    ];
    let dir = tempfile::tempdir().unwrap();
    for path in files {
        let out = zhibiao(&["check", "--format", "json", path]);
        assert_eq!(out.status.code(), Some(1), "{path}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let records = json.as_array().unwrap();
        let source = std::fs::read_to_string(path).unwrap();
        let (fixed, applied) = apply_fixes(&source, records);
        assert!(applied > 0, "{path}: no fix in {json:#}");
        let target = dir.path().join("fixed.zb");
        std::fs::write(&target, &fixed).unwrap();
        let again = zhibiao(&["check", "--allow-outside-root", target.to_str().unwrap()]);
        let stderr = text(&again.stderr);
        if path.contains("E0001_") {
            // The syntax examples are fragments: the slip is gone, the
            // missing declarations remain.
            assert!(
                !stderr.contains("错误[E0001]"),
                "{path} after its fixes:\n{fixed}\n{stderr}"
            );
        } else {
            assert_eq!(
                again.status.code(),
                Some(0),
                "{path} after its fixes:\n{fixed}\n{stderr}"
            );
        }
    }
}

#[test]
fn a_diagnostic_without_a_certain_rewrite_has_no_fix() {
    // 记数 is as close to 计数 as to 小数 and 分数: no fix is guessed.
    let out = zhibiao(&[
        "check",
        "--format",
        "json",
        "tests/ui/E0108_unknown_type.zb",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &json.as_array().unwrap()[0];
    assert_eq!(r["fixes"], serde_json::json!([]), "{r:#}");
}

/// The ten syntax slips: every slip whose help writes the line out
/// carries the fix, and applying them all leaves only the two slips
/// that need a person (a doubled ×, a missing number).
#[test]
fn json_fixes_repair_most_of_ten_syntax_slips() {
    let path = "tests/ui/E0001_ten_syntax_slips.zb";
    let out = zhibiao(&["check", "--format", "json", path]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 10);
    let source = std::fs::read_to_string(path).unwrap();
    let (fixed, applied) = apply_fixes(&source, records);
    assert_eq!(applied, 8, "{json:#}");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("fixed.zb");
    std::fs::write(&target, &fixed).unwrap();
    let again = zhibiao(&[
        "check",
        "--format",
        "json",
        "--allow-outside-root",
        target.to_str().unwrap(),
    ]);
    let left: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let lines: Vec<u64> = (left.as_array().unwrap().iter())
        .map(|r| r["labels"][0]["span"]["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines.len(), 2, "{left:#}");
}

/// The summary counts the files, errors and warnings of the whole check;
/// JSON output has no summary (stdout is one JSON document).
#[test]
fn the_summary_counts_errors_and_warnings() {
    let out = zhibiao(&[
        "check",
        "tests/ui/W0001_unused_field.zb",
        "rules/national.zb",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.ends_with("2 个文件：0 个错误，1 个警告\n"), "{err}");
    let out = zhibiao(&[
        "check",
        "tests/ui/E0301_points_do_not_add_up.zb",
        "no/such.zb",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.ends_with("2 个文件：2 个错误，0 个警告\n"), "{err}");
    let out = zhibiao(&["check", "--format", "json", "rules/national.zb"]);
    assert_eq!(text(&out.stderr), "");
}
