//! Outputs never lose a file and never carry live markup, formulas or
//! terminal controls from the data (issue #15): `-o` naming an input, a
//! symlink, a device or a missing folder; names written into CSV,
//! Markdown, the table and JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the sample evidence in a fresh folder; `names` replaces the
/// 名称 of the first subjects.
fn evidence(names: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    let events = std::fs::read("examples/evidence/失信事件.csv").unwrap();
    std::fs::write(ev.join("失信事件.csv"), events).unwrap();
    let subjects = std::fs::read_to_string("examples/evidence/主体.csv").unwrap();
    let mut rdr = csv::Reader::from_reader(subjects.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(rdr.headers().unwrap()).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some(name) = names.get(i) {
            rec[1] = name.to_string();
        }
        w.write_record(&rec).unwrap();
    }
    std::fs::write(ev.join("主体.csv"), w.into_inner().unwrap()).unwrap();
    (dir, ev)
}

/// `zhibiao eval rules/national.zb --data DATA --format FORMAT -o OUTPUT`.
fn eval_into(data: &str, format: &str, output: &str) -> Output {
    zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        data,
        "--format",
        format,
        "-o",
        output,
    ])
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("zhibiao-tmp"))
        .collect()
}

#[test]
fn output_naming_an_evidence_file_is_refused_and_the_file_kept() {
    let (_dir, ev) = evidence(&[]);
    let input = ev.join("主体.csv");
    let before = std::fs::read(&input).unwrap();
    let data = ev.to_str().unwrap();
    for format in ["csv", "json", "table"] {
        let out = eval_into(data, format, input.to_str().unwrap());
        if format == "csv" {
            assert_eq!(out.status.code(), Some(1), "{format}");
            assert!(stderr(&out).contains("输入文件"), "{}", stderr(&out));
            assert!(stderr(&out).contains(input.to_str().unwrap()));
        } else {
            // Another format into a .csv file is refused first (issue #10).
            assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        }
        assert_eq!(std::fs::read(&input).unwrap(), before, "{format}");
    }
    // Through a table binding and a second path to the same file.
    let alias = ev.join("..").join("ev").join("主体.csv");
    let out = zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        &format!("主体={}", input.display()),
        "--data",
        &format!("失信事件={}", ev.join("失信事件.csv").display()),
        "-o",
        alias.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn output_naming_a_rule_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.zb");
    std::fs::copy("rules/national.zb", &rules).unwrap();
    let before = std::fs::read(&rules).unwrap();
    let out = zhibiao(&[
        "doc",
        rules.to_str().unwrap(),
        "-o",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("输入文件"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&rules).unwrap(), before);

    // The base a variant extends is an input too.
    let out = zhibiao(&[
        "doc",
        "rules/variants/province-a.zb",
        "-o",
        "rules/national.zb",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("输入文件"), "{}", stderr(&out));
    assert!(leftovers(Path::new("rules")).is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_replaces_the_file_it_points_to() {
    let (dir, ev) = evidence(&[]);
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let out = eval_into(ev.to_str().unwrap(), "csv", link.to_str().unwrap());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(written.starts_with("编码,名称,"), "{written}");
    assert!(leftovers(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_device_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let (_dir, ev) = evidence(&[]);
    for format in ["csv", "json", "md"] {
        let out = eval_into(ev.to_str().unwrap(), format, "/dev/null");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = zhibiao(&["doc", "rules/national.zb", "-o", "/dev/null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
}

#[test]
fn an_output_in_a_missing_folder_names_the_path_given() {
    let (dir, ev) = evidence(&[]);
    let target = dir.path().join("没有这个目录").join("结果.csv");
    let out = eval_into(ev.to_str().unwrap(), "csv", target.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(target.to_str().unwrap()), "{err}");
    assert!(err.contains("不存在"), "{err}");
    assert!(!err.contains("zhibiao-tmp"), "{err}");
}

#[test]
fn a_failed_run_leaves_the_old_output_and_no_temporary_file() {
    let (dir, ev) = evidence(&[]);
    // A broken evidence cell: nothing is scored, nothing written.
    let subjects = std::fs::read_to_string(ev.join("主体.csv")).unwrap();
    std::fs::write(
        ev.join("主体.csv"),
        subjects.replacen(",20,20,", ",x,20,", 1),
    )
    .unwrap();
    let target = dir.path().join("结果.json");
    std::fs::write(&target, "old").unwrap();
    let out = eval_into(ev.to_str().unwrap(), "json", target.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert!(leftovers(dir.path()).is_empty());
}

const HOSTILE: [&str; 8] = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    " =trimmed",
    "<script>alert(1)</script>",
    "甲\n乙|丙",
    "红\u{1b}[31m字\u{7}",
];

fn eval_hostile(format: &str, extra: &[&str]) -> String {
    let (_dir, ev) = evidence(&HOSTILE);
    let mut args = vec![
        "eval",
        "rules/national.zb",
        "--data",
        ev.to_str().unwrap(),
        "--format",
        format,
    ];
    args.extend(extra);
    let out = zhibiao(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn csv_cells_a_spreadsheet_would_run_get_an_apostrophe() {
    let text = eval_hostile("csv", &[]);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = rdr
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .take(HOSTILE.len())
        .collect();
    assert_eq!(names[0], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(names[1], "'+1+1");
    assert_eq!(names[2], "'-2+3");
    assert_eq!(names[3], "'@SUM(A1)");
    // The reader trims the cell; the trimmed text is guarded.
    assert_eq!(names[4], "'=trimmed");
    assert_eq!(names[5], "<script>alert(1)</script>");

    let raw = eval_hostile("csv", &["--csv-keep-formulas"]);
    let mut rdr = csv::Reader::from_reader(raw.as_bytes());
    let first = rdr.records().next().unwrap().unwrap();
    assert_eq!(&first[1], "=HYPERLINK(\"http://x\",\"y\")");
}

#[test]
fn markdown_escapes_html_and_keeps_each_subject_on_one_row() {
    let text = eval_hostile("md", &[]);
    assert!(!text.contains("<script>"), "{text}");
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text.contains("| 甲<br>乙\\|丙 |"), "{text}");
    assert!(!text.contains('\u{1b}'));
    let subjects = std::fs::read_to_string("examples/evidence/主体.csv")
        .unwrap()
        .lines()
        .count()
        - 1;
    // Header, separator, one line per subject.
    assert_eq!(text.lines().count(), subjects + 2);
}

#[test]
fn the_table_shows_controls_instead_of_sending_them() {
    let text = eval_hostile("table", &[]);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
    assert!(text.contains("红<U+001B>[31m字<U+0007>"), "{text}");
    assert!(text.contains("甲<U+000A>乙|丙"), "{text}");
}

#[test]
fn streamed_json_is_one_valid_document_with_every_subject() {
    let text = eval_hostile("json", &[]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = doc["结果"].as_array().unwrap();
    assert_eq!(results[6]["名称"], "甲\n乙|丙");
    assert_eq!(results[7]["名称"], "红\u{1b}[31m字\u{7}");
    // Laid out exactly as serde_json's pretty printer lays out the whole.
    let mut pretty = serde_json::to_string_pretty(&doc).unwrap();
    pretty.push('\n');
    assert_eq!(text, pretty);
}

#[test]
fn doc_escapes_text_from_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.zb");
    let text = std::fs::read_to_string("rules/national.zb")
        .unwrap()
        .replacen(
            "标准 \"政务诚信评价通用指标\"",
            "标准 \"<img src=x onerror=alert(1)>|甲\"",
            1,
        );
    std::fs::write(&rules, text).unwrap();
    let md = zhibiao(&["doc", rules.to_str().unwrap(), "--format", "md"]);
    assert!(md.status.success(), "{}", stderr(&md));
    let md = stdout(&md);
    assert!(!md.contains("<img"), "{md}");
    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt;\\|甲"),
        "{md}"
    );
    let html = zhibiao(&["doc", rules.to_str().unwrap(), "--format", "html"]);
    let html = stdout(&html);
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("<title>&lt;img src=x onerror=alert(1)&gt;|甲</title>"));
}

#[test]
fn evidence_errors_show_controls_from_cells() {
    let (_dir, ev) = evidence(&[]);
    let subjects = std::fs::read_to_string(ev.join("主体.csv")).unwrap();
    std::fs::write(
        ev.join("主体.csv"),
        subjects.replacen(",20,20,", ",2\u{1b}[2J0,20,", 1),
    )
    .unwrap();
    let out = zhibiao(&["eval", "rules/national.zb", "--data", ev.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(err.contains("2<U+001B>[2J0"), "{err}");
}

#[test]
fn diff_csv_guards_names_too() {
    let (_dir, ev) = evidence(&HOSTILE);
    let out = zhibiao(&[
        "diff",
        "rules/national.zb",
        "rules/national.zb",
        "--data",
        ev.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_with_the_path() {
    let (_dir, ev) = evidence(&[]);
    let out = eval_into(ev.to_str().unwrap(), "json", "/dev/full");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("无法写入 /dev/full：磁盘空间不足"), "{err}");
}

#[cfg(unix)]
#[test]
fn fmt_through_a_symlink_formats_the_file_it_points_to() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.zb");
    let text = std::fs::read_to_string("rules/national.zb").unwrap();
    std::fs::write(
        &real,
        text.replacen("指标 1 依法行政", "指标   1 依法行政", 1),
    )
    .unwrap();
    let link = dir.path().join("link.zb");
    std::os::unix::fs::symlink("real.zb", &link).unwrap();
    let out = zhibiao(&["fmt", link.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), text);
    assert!(leftovers(dir.path()).is_empty());
}

/// A reader that closes stderr early (`zhibiao … 2>&1 | head -1`) loses
/// the rest of the messages; the process still ends with its own code.
#[test]
fn a_closed_stderr_is_not_a_crash() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bad.zb");
    let text = std::fs::read_to_string("rules/national.zb").unwrap();
    std::fs::write(&rules, text.replace("得 5 分", "得 50 分")).unwrap();
    for args in [
        vec!["doc", rules.to_str().unwrap()],
        vec!["check", rules.to_str().unwrap()],
        vec![
            "eval",
            rules.to_str().unwrap(),
            "--data",
            "examples/evidence",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}");
    }
}
