//! `eval` and `diff` output (issue #10): the format follows the `-o`
//! extension unless `--format` says otherwise, a conflicting pair or an
//! extension we cannot write is refused before anything is written; HTML
//! escapes the data; CSV for Excel with `--bom` or `--output-encoding gbk`.
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

/// `eval rules/national.zb --data DATA` with more arguments.
fn eval(data: &str, more: &[&str]) -> Output {
    let mut args = vec!["eval", "rules/national.zb", "--data", data];
    args.extend(more);
    zhibiao(&args)
}

fn stdout_of(data: &str, format: &str) -> Vec<u8> {
    let out = eval(data, &["--format", format]);
    assert!(out.status.success(), "{}", stderr(&out));
    out.stdout
}

/// A copy of the sample evidence whose first subjects get `names`.
fn evidence(names: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    std::fs::copy("examples/evidence/失信事件.csv", ev.join("失信事件.csv")).unwrap();
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

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_extension_chooses_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for (ext, format) in [
        ("csv", "csv"),
        ("json", "json"),
        ("md", "md"),
        ("txt", "table"),
        ("html", "html"),
    ] {
        let out = dir.path().join(format!("结果.{ext}"));
        let run = eval("examples/evidence", &["-o", path_str(&out)]);
        assert!(run.status.success(), "{ext}: {}", stderr(&run));
        let written = std::fs::read(&out).unwrap();
        assert_eq!(
            written,
            stdout_of("examples/evidence", format),
            ".{ext} is not {format}"
        );
    }
    // No extension: the terminal table, as before.
    let out = dir.path().join("结果");
    assert!(eval("examples/evidence", &["-o", path_str(&out)])
        .status
        .success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        stdout_of("examples/evidence", "table")
    );
    // An explicit format agreeing with the extension, or into a neutral name.
    let out = dir.path().join("r.CSV");
    assert!(eval(
        "examples/evidence",
        &["--format", "csv", "-o", path_str(&out)]
    )
    .status
    .success());
    let out = dir.path().join("r.txt");
    assert!(eval(
        "examples/evidence",
        &["--format", "json", "-o", path_str(&out)]
    )
    .status
    .success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        stdout_of("examples/evidence", "json")
    );
    // .xlsx is a workbook (a zip file), never the text table.
    let out = dir.path().join("结果.xlsx");
    assert!(eval("examples/evidence", &["-o", path_str(&out)])
        .status
        .success());
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK\x03\x04"));
}

/// Refused with exit 2, the target untouched (absent, or as it was).
fn assert_refused(out: &Output, target: &Path, before: Option<&[u8]>, says: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    for s in says {
        assert!(err.contains(s), "{s:?} not in {err}");
    }
    assert_eq!(std::fs::read(target).ok().as_deref(), before);
    let dir = target.parent().unwrap();
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(names.len() <= 1, "left behind: {names:?}");
}

#[test]
fn a_format_conflicting_with_the_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("结果.xlsx");
    let out = eval(
        "examples/evidence",
        &["--format", "csv", "-o", path_str(&target)],
    );
    assert_refused(&out, &target, None, &["--format csv", "结果.xlsx", "xlsx"]);
    std::fs::write(&target, b"old").unwrap();
    let out = eval(
        "examples/evidence",
        &["--format", "md", "-o", path_str(&target)],
    );
    assert_refused(&out, &target, Some(b"old"), &["--format md"]);
    let target = dir.path().join("a.csv");
    let out = zhibiao(&[
        "diff",
        "rules/national.zb",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--format",
        "json",
        "-o",
        path_str(&target),
    ]);
    assert_refused(&out, &target, None, &["--format json"]);
}

#[test]
fn an_extension_we_cannot_write_is_refused() {
    for name in ["结果.xls", "结果.docx", "结果.et"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(name);
        let out = eval("examples/evidence", &["-o", path_str(&target)]);
        assert_refused(&out, &target, None, &[".csv .json .md .html .xlsx", name]);
    }
    // Only CSV takes an output encoding; a workbook needs a file.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("结果.xlsx");
    let out = eval("examples/evidence", &["--bom", "-o", path_str(&target)]);
    assert_refused(&out, &target, None, &["--bom", "CSV"]);
    let out = eval("examples/evidence", &["--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-o"), "{}", stderr(&out));
}

#[test]
fn html_escapes_every_cell() {
    let hostile = "<script>alert('x')</script>&\"甲\"";
    let (_dir, ev) = evidence(&[hostile]);
    let target = ev.parent().unwrap().join("结果.html");
    let out = eval(path_str(&ev), &["-o", path_str(&target)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(!html.contains("<script>"), "{html}");
    assert!(html
        .contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;甲&quot;</td>"));
    // The same columns as the CSV, one row per subject.
    let csv = String::from_utf8(stdout_of(path_str(&ev), "csv")).unwrap();
    let header = csv.lines().next().unwrap();
    let ths: Vec<&str> = header.split(',').collect();
    let head: String = ths.iter().map(|h| format!("<th>{h}</th>")).collect();
    assert!(html.contains(&head));
    assert_eq!(html.matches("<tr><td>").count(), csv.lines().count() - 1);
    // diff writes its subject rows as HTML too.
    let target = ev.parent().unwrap().join("影响.html");
    let out = zhibiao(&[
        "diff",
        "rules/national.zb",
        "tests/fixtures/diff/changed.zb",
        "--data",
        path_str(&ev),
        "-o",
        path_str(&target),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    assert!(html.contains("<th>旧总分</th>"));
}

#[test]
fn bom_writes_utf8_with_a_byte_order_mark() {
    let plain = stdout_of("examples/evidence", "csv");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("结果.csv");
    let out = eval("examples/evidence", &["--bom", "-o", path_str(&target)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    assert_eq!(&bytes[3..], &plain[..]);
    // diff's CSV too.
    let target = dir.path().join("影响.csv");
    let args = [
        "diff",
        "rules/national.zb",
        "tests/fixtures/diff/changed.zb",
        "--data",
        "examples/evidence",
    ];
    let mut with = args.to_vec();
    with.extend(["--bom", "-o", path_str(&target)]);
    assert!(zhibiao(&with).status.success());
    let mut plain = args.to_vec();
    plain.extend(["--format", "csv"]);
    let plain = zhibiao(&plain).stdout;
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    assert_eq!(&bytes[3..], &plain[..]);
}

#[test]
fn gbk_output_is_gbk_bytes() {
    let plain = String::from_utf8(stdout_of("examples/evidence", "csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("结果.csv");
    let out = eval(
        "examples/evidence",
        &["--output-encoding", "gbk", "-o", path_str(&target)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&target).unwrap();
    let (expected, _, bad) = encoding_rs::GBK.encode(&plain);
    assert!(!bad);
    assert_eq!(bytes, expected.into_owned());
    // 编码 → B1E0 C2EB in GBK: not UTF-8.
    assert!(bytes.starts_with(&[0xB1, 0xE0, 0xC2, 0xEB]));
    // Read back as GBK evidence-style text, it is the UTF-8 output.
    let (back, _, _) = encoding_rs::GBK.decode(&bytes);
    assert_eq!(back, plain);
}

#[test]
fn a_character_gbk_cannot_hold_fails_and_writes_nothing() {
    let (_dir, ev) = evidence(&["东城区", "西城😀区"]);
    let target = ev.parent().unwrap().join("结果.csv");
    std::fs::write(&target, "old").unwrap();
    let out = eval(
        path_str(&ev),
        &["--output-encoding", "gbk", "-o", path_str(&target)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for s in ["第 3 行", "110102", "西城😀区", "“😀”", "U+1F600", "--bom"] {
        assert!(err.contains(s), "{s:?} not in {err}");
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    let left: Vec<_> = std::fs::read_dir(ev.parent().unwrap()).unwrap().collect();
    assert_eq!(left.len(), 2, "a temporary file was left behind");
    // diff fails the same way.
    let out = zhibiao(&[
        "diff",
        "rules/national.zb",
        "rules/national.zb",
        "--data",
        path_str(&ev),
        "--format",
        "csv",
        "--output-encoding",
        "gbk",
        "-o",
        path_str(&target),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("西城😀区"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
}
