//! Numbers, dates and periods through the CLI: huge counts scored or
//! rejected (never silently emptied), evidence dates only in documented
//! shapes, impossible periods and dates rejected by `check` (from the
//! defaults) and by `eval` (from `--param`), and evidence paths that are
//! not files (`/dev/zero`, a pipe) refused at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const TWO_63: &str = "9223372036854775808";
const TWO_63_LESS_1: &str = "9223372036854775807";
const TWO_64: &str = "18446744073709551616";
const MAX_COUNT: &str = "9999999999999999999999999999";
const TOO_BIG: &str = "10000000000000000000000000000";

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-nd-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example evidence in a folder of its own.
fn evidence(tag: &str) -> PathBuf {
    let dir = temp(tag);
    for f in ["主体.csv", "失信事件.csv"] {
        std::fs::copy(format!("examples/evidence/{f}"), dir.join(f)).unwrap();
    }
    dir
}

fn set_cells(path: &Path, column: &str, cells: &[(usize, &str)]) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let col = lines[0].split(',').position(|h| h == column).unwrap();
    for (line, value) in cells {
        let mut parts: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
        parts[col] = value.to_string();
        lines[line - 1] = parts.join(",");
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// `eval --format csv` as rows of cells, by column name.
fn scores(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let o = zhibiao(&[
        "eval",
        "rules/national.zb",
        "--format",
        "csv",
        "--data",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    &row[header.iter().position(|h| h == name).unwrap()]
}

#[test]
fn counts_beyond_64_bits_are_scored() {
    let dir = evidence("scored");
    let subjects = dir.join("主体.csv");
    let total = [(2, TWO_63), (3, TWO_63), (4, MAX_COUNT)];
    set_cells(&subjects, "重大决策数", &total);
    let reviewed = [(2, TWO_63), (3, TWO_63_LESS_1), (4, MAX_COUNT)];
    set_cells(&subjects, "重大决策已审查数", &reviewed);
    // Relative scoring against the population's largest value.
    set_cells(&subjects, "开放数据集数", &[(2, TWO_64), (3, TWO_63)]);
    let (header, rows) = scores(&dir);
    // 审查率 = 100% → 5 points; (2^63 − 1) / 2^63 ≥ 95% → 4 points.
    let got: Vec<&str> = rows[..3]
        .iter()
        .map(|r| cell(&header, r, "1.1.1"))
        .collect();
    assert_eq!(got, ["5.00", "4.00", "5.00"]);
    // 5 × 开放数据集数 ÷ 最高(开放数据集数): 2^64 is the largest.
    let open: Vec<&str> = rows[..2]
        .iter()
        .map(|r| cell(&header, r, "2.3.1"))
        .collect();
    assert_eq!(open, ["5.00", "2.50"]);
    for row in &rows[..3] {
        assert!(!cell(&header, row, "缺失").contains("1.1.1"), "{row:?}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_count_of_more_than_28_digits_is_an_evidence_error() {
    let dir = evidence("too-big");
    set_cells(&dir.join("主体.csv"), "失信负面舆情数", &[(3, TOO_BIG)]);
    let o = zhibiao(&["eval", "rules/national.zb", "--data", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("错误[E0507]"), "{err}");
    assert!(err.contains("主体.csv:3"), "{err}");
    assert!(
        err.contains("失信负面舆情数") && err.contains(TOO_BIG),
        "{err}"
    );
    assert!(err.contains(MAX_COUNT), "{err}");
    assert!(o.stdout.is_empty());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn evidence_dates_with_a_sign_or_three_digit_month_are_rejected() {
    let dir = evidence("dates");
    let cells = [(2, "+2025-01-01"), (3, "2025-001-01")];
    set_cells(&dir.join("失信事件.csv"), "日期", &cells);
    let o = zhibiao(&["eval", "rules/national.zb", "--data", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("错误[E0511]"), "{err}");
    assert!(
        err.contains("失信事件.csv:2") && err.contains("+2025-01-01"),
        "{err}"
    );
    assert!(
        err.contains("失信事件.csv:3") && err.contains("2025-001-01"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// national.zb with one text replaced, in a folder of its own.
fn rules_with(tag: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string("rules/national.zb").unwrap();
    assert!(text.contains(from));
    let path = temp(tag).join("rules.zb");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path
}

const PERIOD: &str = "期间 评价期间 = 日期(评价年度, 1, 1) 至 日期(评价年度, 12, 31)";

#[test]
fn impossible_periods_and_dates_are_check_errors() {
    let cases = [
        (
            "reversed",
            "期间 评价期间 = 2025-12-31 至 2025-01-01",
            "E0111",
        ),
        (
            "month-13",
            "期间 评价期间 = 日期(评价年度, 1, 1) 至 日期(评价年度, 13, 1)",
            "E0110",
        ),
        (
            "june-31",
            "期间 评价期间 = 日期(评价年度, 1, 1) 至 日期(评价年度, 6, 31)",
            "E0110",
        ),
    ];
    for (tag, period, code) in cases {
        let rules = rules_with(tag, PERIOD, period);
        let o = zhibiao(&["check", rules.to_str().unwrap()]);
        assert!(!o.status.success(), "{tag}");
        let err = stderr(&o);
        assert!(err.contains(&format!("错误[{code}]")), "{tag}: {err}");
        assert!(err.contains("rules.zb:10:"), "{tag}: {err}");
        // eval stops too, before reading any evidence.
        let o = zhibiao(&[
            "eval",
            rules.to_str().unwrap(),
            "--data",
            "examples/evidence",
        ]);
        assert!(!o.status.success() && o.stdout.is_empty(), "{tag}");
        std::fs::remove_dir_all(rules.parent().unwrap()).ok();
    }
    // A date outside any period, in a veto's filter.
    let rules = rules_with(
        "veto-date",
        "已整改 = 否 且 日期 在 评价期间) > 0",
        "已整改 = 否 且 日期 ≥ 日期(评价年度, 2, 30)) > 0",
    );
    let o = zhibiao(&["check", rules.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("错误[E0110]"), "{err}");
    assert!(err.contains("2025 年 2 月只有 28 天，没有 30 日"), "{err}");
    assert!(err.contains("评价年度 = 2025"), "{err}");
    std::fs::remove_dir_all(rules.parent().unwrap()).ok();
}

#[test]
fn param_values_that_make_a_period_impossible_are_rejected_with_the_reason() {
    for (year, why) in [
        ("-1", "年份 -1 不在 1 到 9999 之间"),
        ("10000", "年份 10000 不在 1 到 9999 之间"),
    ] {
        let param = format!("评价年度={year}");
        let o = zhibiao(&[
            "eval",
            "rules/national.zb",
            "--data",
            "examples/evidence",
            "--param",
            &param,
        ]);
        assert!(!o.status.success(), "{year}");
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        assert!(
            err.contains(&format!("参数“评价年度”为 {year} 时")),
            "{err}"
        );
        assert!(err.contains("期间“评价期间”") && err.contains(why), "{err}");
    }
    // A date parameter that puts the start after the end.
    let rules = rules_with(
        "date-param",
        PERIOD,
        "参数 开始: 日期 = 2025-01-01\n期间 评价期间 = 开始 至 日期(评价年度, 12, 31)",
    );
    let run = |param: &str| {
        zhibiao(&[
            "eval",
            rules.to_str().unwrap(),
            "--data",
            "examples/evidence",
            "--param",
            param,
        ])
    };
    let o = run("开始=2026-01-01");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("参数“开始”为 2026-01-01 时，期间“评价期间”的结束日期 2025-12-31 早于开始日期 2026-01-01"),
        "{err}"
    );
    assert!(run("开始=2025-06-01").status.success());
    std::fs::remove_dir_all(rules.parent().unwrap()).ok();
}

/// Run until done, failing the test if it takes longer than `limit`.
fn within(limit: Duration, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("still running after {limit:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
#[cfg(unix)]
fn dev_zero_as_evidence_ends_at_once_with_an_error() {
    let o = within(
        Duration::from_secs(10),
        &[
            "eval",
            "rules/national.zb",
            "--data",
            "主体=/dev/zero",
            "--data",
            "失信事件=examples/evidence/失信事件.csv",
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("错误[E0501]: /dev/zero: 不是普通文件（是字符设备）"),
        "{err}"
    );
}

#[test]
#[cfg(unix)]
fn a_pipe_as_evidence_is_refused_without_waiting_for_a_writer() {
    let dir = temp("fifo");
    let fifo = dir.join("主体.csv");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to test
    }
    let subjects = format!("主体={}", fifo.display());
    let o = within(
        Duration::from_secs(10),
        &[
            "eval",
            "rules/national.zb",
            "--data",
            &subjects,
            "--data",
            "失信事件=examples/evidence/失信事件.csv",
        ],
    );
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(
        err.contains("错误[E0501]") && err.contains("不是普通文件（是管道）"),
        "{err}"
    );
    // Found in a --data folder, it is refused by name too.
    std::fs::copy("examples/evidence/失信事件.csv", dir.join("失信事件.csv")).unwrap();
    let o = within(
        Duration::from_secs(10),
        &["eval", "rules/national.zb", "--data", dir.to_str().unwrap()],
    );
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(err.contains("主体.csv: 不是普通文件（是管道）"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

/// A regular file that never ends a record (a sparse gigabyte of zeros)
/// stops at the record limit, on one thread or several.
#[test]
fn a_file_without_line_breaks_stops_at_the_record_limit() {
    let dir = temp("zeros");
    let path = dir.join("主体.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(1 << 30).unwrap();
    let subjects = format!("主体={}", path.display());
    let o = within(
        Duration::from_secs(60),
        &[
            "eval",
            "rules/national.zb",
            "--data",
            &subjects,
            "--data",
            "失信事件=examples/evidence/失信事件.csv",
        ],
    );
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(
        err.contains("错误[E0517]") && err.contains("主体.csv:1"),
        "{err}"
    );
    assert!(err.contains("64 MiB"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

/// A `日期(…)` whose month comes from the evidence cannot be checked in
/// advance: scoring stops with the reason, the subject and the event.
#[test]
fn a_date_formed_from_evidence_that_does_not_exist_names_the_reason() {
    let dir = temp("date-from-evidence");
    let rules = dir.join("r.zb");
    let text = std::fs::read_to_string("rules/national.zb")
        .unwrap()
        .replacen(
            "且 日期 在 评价期间 且 金额 ≥ 1000000)",
            "且 日期 ≥ 日期(2025, 省级创新案例数 + 12, 1))",
            1,
        );
    std::fs::write(&rules, text).unwrap();
    let out = zhibiao(&[
        "eval",
        rules.to_str().unwrap(),
        "--data",
        "examples/evidence",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("事件表“失信事件”第") && err.contains("日期(…) 无法构成日期：月份"),
        "{err}"
    );
    assert!(err.contains("不在 1 到 12 之间"), "{err}");
    assert!(!err.contains("BadDate") && !err.contains("Span"), "{err}");
    assert!(out.stdout.is_empty());
}
