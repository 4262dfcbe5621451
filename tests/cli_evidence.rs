//! `zhibiao eval` on invalid evidence: one case per kind of problem. Each
//! must name the file, the line and the field, exit non-zero, and leave the
//! `-o` file unwritten.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

struct Case {
    name: &'static str,
    /// Which file to change: the subjects or the events table.
    events: bool,
    /// Data line (2 = first data row) and column to overwrite.
    line: usize,
    column: &'static str,
    value: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "not_a_number",
        events: false,
        line: 2,
        column: "重大决策数",
        value: "abc",
    },
    Case {
        name: "negative_count",
        events: false,
        line: 3,
        column: "政策文件数",
        value: "-1",
    },
    Case {
        name: "percent_out_of_range",
        events: false,
        line: 4,
        column: "网上可办率",
        value: "100.5",
    },
    Case {
        name: "numerator_over_denominator",
        events: false,
        line: 5,
        column: "重大决策已审查数",
        value: "999",
    },
    Case {
        name: "bad_yes_no",
        events: false,
        line: 6,
        column: "信用承诺制",
        value: "Y",
    },
    Case {
        name: "duplicate_key",
        events: false,
        line: 7,
        column: "编码",
        value: "110101",
    },
    Case {
        name: "unknown_enum",
        events: true,
        line: 2,
        column: "类型",
        value: "其他",
    },
    Case {
        name: "bad_date",
        events: true,
        line: 3,
        column: "日期",
        value: "2025-02-30",
    },
    Case {
        name: "unknown_subject",
        events: true,
        line: 4,
        column: "编码",
        value: "999999",
    },
    Case {
        name: "negative_money",
        events: true,
        line: 5,
        column: "金额",
        value: "-5",
    },
];

fn setup(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["主体.csv", "失信事件.csv"] {
        std::fs::copy(format!("examples/evidence/{f}"), dir.join(f)).unwrap();
    }
    dir
}

fn overwrite(path: &PathBuf, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let col = lines[0].split(',').position(|h| h == column).unwrap();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
    cells[col] = value.to_string();
    lines[line - 1] = cells.join(",");
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn eval_to(dir: &std::path::Path, out: &std::path::Path) -> (String, bool) {
    let o = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["eval", "rules/national.zb", "--format", "csv", "--data"])
        .arg(dir)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    (String::from_utf8(o.stderr).unwrap(), o.status.success())
}

#[test]
fn each_kind_of_invalid_evidence_is_rejected_with_its_place() {
    for case in CASES {
        let dir = setup(case.name);
        let file = if case.events {
            "失信事件.csv"
        } else {
            "主体.csv"
        };
        overwrite(&dir.join(file), case.line, case.column, case.value);
        let out = dir.join("out.csv");
        let (err, ok) = eval_to(&dir, &out);
        assert!(!ok, "{}: accepted", case.name);
        let place = format!("{file}:{}", case.line);
        assert!(err.contains(&place), "{}: no {place} in {err}", case.name);
        assert!(
            err.contains(case.column),
            "{}: no field in {err}",
            case.name
        );
        assert!(!out.exists(), "{}: output written", case.name);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_missing_declared_column_is_an_error() {
    let dir = setup("missing_column");
    let path = dir.join("主体.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let col = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "群众满意度")
        .unwrap();
    let cut: Vec<String> = text
        .lines()
        .map(|l| {
            l.split(',')
                .enumerate()
                .filter(|(i, _)| *i != col)
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    std::fs::write(&path, cut.join("\n") + "\n").unwrap();
    let out = dir.join("out.csv");
    let (err, ok) = eval_to(&dir, &out);
    assert!(!ok);
    assert!(
        err.contains("主体.csv") && err.contains("群众满意度"),
        "{err}"
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_existing_output_file_is_left_untouched() {
    let dir = setup("untouched");
    overwrite(&dir.join("主体.csv"), 2, "重大决策数", "x");
    let out = dir.join("out.csv");
    std::fs::write(&out, "previous results\n").unwrap();
    let (_, ok) = eval_to(&dir, &out);
    assert!(!ok);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gbk_and_bom_inputs_give_identical_output() {
    let base = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args([
            "eval",
            "rules/national.zb",
            "--format",
            "csv",
            "--data",
            "examples/evidence",
        ])
        .output()
        .unwrap();
    assert!(base.status.success());
    for (tag, enc) in [("gbk", "gbk"), ("bom", "bom")] {
        let dir = setup(tag);
        for f in ["主体.csv", "失信事件.csv"] {
            let text = std::fs::read_to_string(dir.join(f)).unwrap();
            let bytes = if enc == "gbk" {
                encoding_rs::GBK.encode(&text).0.into_owned()
            } else {
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
            };
            std::fs::write(dir.join(f), bytes).unwrap();
        }
        let o = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(["eval", "rules/national.zb", "--format", "csv", "--data"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{tag}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.stdout, base.stdout, "{tag}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
