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
    assert_eq!(text(&out.stderr), "", "stderr");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn broken_file_exits_1_with_rendered_diagnostic() {
    let out = zhibiao(&["check", "tests/ui/E0301_points_do_not_add_up.zb"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[E0301]"), "{err}");
    assert!(
        err.contains("tests/ui/E0301_points_do_not_add_up.zb:14:11"),
        "{err}"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let out = zhibiao(&["check", "tests/ui/W0001_unused_field.zb"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("warning[W0001]"));
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
    assert_eq!(text(&out.stderr), "");

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
