//! Evaluation of rules/national.zb on the sample evidence in examples/:
//! every cell against the independent reference, named edge cases with
//! their values, and snapshots of the table and explanations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

#[path = "../benches/support/gen.rs"]
mod gen;

fn zhibiao(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

fn sample_csv() -> String {
    let (out, err, ok) = zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    out
}

/// Rows of a results CSV keyed by subject code, each a column → cell map.
fn table(csv: &str) -> HashMap<String, HashMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let row: HashMap<String, String> = header
                .iter()
                .zip(&cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect();
            (cells[0].to_string(), row)
        })
        .collect()
}

#[test]
fn sample_matches_the_independent_reference_exactly() {
    let expected = std::fs::read_to_string("examples/expected/national.csv").unwrap();
    assert_eq!(sample_csv(), expected);
}

#[test]
fn named_edge_cases_of_the_sample() {
    let t = table(&sample_csv());
    let cell = |code: &str, col: &str| t[code][col].clone();
    // Bonus 7 capped at 5, total 105 capped at 100.
    assert_eq!(
        (cell("110101", "加分"), cell("110101", "总分")),
        ("5.00".into(), "100.00".into())
    );
    // Bonus cap binds and lifts the total to exactly 90.00 → 优秀.
    assert_eq!(
        (
            cell("120111", "加分"),
            cell("120111", "总分"),
            cell("120111", "等级")
        ),
        ("5.00".into(), "90.00".into(), "优秀".into())
    );
    // Grade boundaries: 90.00 优秀, 89.99 良好, 60.00 合格, 59.99 不合格.
    assert_eq!(cell("120102", "等级"), "优秀");
    assert_eq!(cell("120103", "等级"), "良好");
    assert_eq!(cell("120106", "等级"), "合格");
    assert_eq!(cell("120110", "等级"), "不合格");
    // A veto overrides a grade the score would earn.
    assert_eq!(
        (
            cell("110114", "基础分"),
            cell("110114", "否决"),
            cell("110114", "等级")
        ),
        ("100.00".into(), "V2".into(), "不合格".into())
    );
    // Events dated 2025-01-01 and 2025-12-31 count; 2024-12-31 and 2026-01-01 do not.
    assert_eq!(cell("110115", "否决"), "V1");
    assert_eq!(cell("110116", "否决"), "V1;V2");
    assert_eq!(
        (cell("110117", "总分"), cell("110117", "否决")),
        ("100.00".into(), "".into())
    );
    // Half-up rounding of exact values: 3 × 5/600 = 0.025 → 0.03; 4.975 → 4.98.
    assert_eq!(cell("110109", "5.1.2"), "0.03");
    assert_eq!(cell("110109", "1.2.2"), "4.98");
    // Zero denominators score full points; missing data scores 0 and is listed.
    assert_eq!(cell("110111", "1.1.1"), "5.00");
    assert_eq!(cell("110112", "1.1.1"), "0.00");
    assert!(cell("110112", "缺失").split(';').any(|c| c == "1.1.1"));
    // Deductions floor at 0; amount exactly 1000000 deducts twice.
    assert_eq!(cell("110119", "1.1.2"), "0.00");
    assert_eq!(cell("120101", "4.2.3"), "2.00");
}

#[test]
fn evaluation_year_parameter_moves_the_period() {
    let (out, err, ok) = zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--format",
        "csv",
        "--param",
        "评价年度=2026",
    ]);
    assert!(ok, "{err}");
    let t = table(&out);
    // In 2026 the 2025 events no longer count, and 行唐县's 2026-01-01 one does (V1).
    assert_eq!(t["110115"]["否决"], "");
    assert_eq!(t["130125"]["否决"], "V1");
}

#[test]
fn output_is_deterministic() {
    assert_eq!(sample_csv(), sample_csv());
}

#[test]
fn generated_population_matches_the_reference() {
    // The reference implementation is Python; the rust machine ships python3.
    let Ok(status) = Command::new("python3").arg("--version").output() else {
        eprintln!("python3 not found: skipping the generated cross-check");
        return;
    };
    assert!(status.status.success());
    let dir = std::env::temp_dir().join(format!("zhibiao-gen-{}", std::process::id()));
    // 1,200 subjects: both files are large enough to be read on every
    // core, so the parallel reader is checked against the reference too.
    for seed in ["3", "9"] {
        let gen = Command::new("python3")
            .args([
                "tests/reference/gen_evidence.py",
                "--subjects",
                "1200",
                "--events-per-subject",
                "8",
                "--seed",
                seed,
                "--out",
            ])
            .arg(&dir)
            .arg("--expected")
            .arg(dir.join("expected.csv"))
            .output()
            .unwrap();
        assert!(
            gen.status.success(),
            "{}",
            String::from_utf8_lossy(&gen.stderr)
        );
        let (out, err, ok) = zhibiao(&[
            "eval",
            "rules/national.zb",
            "--data",
            dir.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        assert!(ok, "{err}");
        assert_eq!(
            out,
            std::fs::read_to_string(dir.join("expected.csv")).unwrap(),
            "seed {seed}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_table_snapshot() {
    let (out, err, ok) = at_width(
        80,
        &["eval", "rules/national.zb", "--data", "examples/evidence"],
    );
    assert!(ok, "{err}");
    insta::assert_snapshot!(out);
}

/// `zhibiao` with `COLUMNS` set, as a terminal of that width would.
fn at_width(columns: usize, args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

/// The widest line, in terminal columns (a CJK character takes two).
fn widest(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    text.lines().map(|l| l.width()).max().unwrap_or(0)
}

#[test]
fn the_table_has_ranks_names_and_a_summary() {
    let (out, err, ok) = at_width(
        200,
        &["eval", "rules/national.zb", "--data", "examples/evidence"],
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("排名  编码"), "{out}");
    assert!(lines[0].contains("总分  等级"), "{out}");
    // Each first-level indicator's code over its name.
    assert!(
        lines[1].contains("依法") && lines[2].contains("行政"),
        "{out}"
    );
    // Ranks as the statistics rank them: 东城区 100 分 shares rank 1.
    let first = lines.iter().find(|l| l.contains("110101")).unwrap();
    assert!(first.trim_start().starts_with("1  110101"), "{out}");
    // Numbers on the right: 8.00 under 25.00 ends in the same column.
    let a = lines.iter().find(|l| l.contains("110101")).unwrap();
    let b = lines.iter().find(|l| l.contains("120106")).unwrap();
    assert_eq!(a.find("100.00").unwrap() + 6, b.find(" 60.00").unwrap() + 6);
    assert_eq!(
        lines.last().unwrap(),
        &"共 30 个主体：优秀 10，良好 7，合格 7，不合格 6；一票否决 3 个"
    );
    // Wide enough: the vetoes are shown, no indicator is left out.
    assert!(lines[0].ends_with("否决"), "{out}");
    assert!(!out.contains("未显示"), "{out}");
}

#[test]
fn level_and_columns_choose_the_indicators() {
    let args = ["eval", "rules/national.zb", "--data", "examples/evidence"];
    let with = |more: &[&str]| {
        let mut a = args.to_vec();
        a.extend(more);
        at_width(300, &a)
    };
    let (two, err, ok) = with(&["--level", "2"]);
    assert!(ok, "{err}");
    assert!(two.lines().next().unwrap().contains("    1.1"), "{two}");
    assert!(!two.lines().next().unwrap().contains("1.1.1"), "{two}");
    let (three, _, _) = with(&["--level", "3"]);
    assert!(three.lines().next().unwrap().contains("1.1.1"), "{three}");
    let (cols, err, ok) = with(&["--columns", "2.3,1.1"]);
    assert!(ok, "{err}");
    let head = cols.lines().next().unwrap();
    assert!(head.contains("等级       2.3     1.1  否决"), "{cols}");
    let (_, err, ok) = with(&["--columns", "9.9"]);
    assert!(!ok && err.contains("没有编号为“9.9”的指标"), "{err}");
}

#[test]
fn a_table_of_3000_subjects_fits_columns() {
    let dir = tempfile::tempdir().unwrap();
    gen::write(dir.path(), 3000, 2, 7).unwrap();
    let data = dir.path().to_str().unwrap();
    for columns in [60, 80, 132] {
        for level in ["1", "3"] {
            let (out, err, ok) = at_width(
                columns,
                &[
                    "eval",
                    "rules/national.zb",
                    "--data",
                    data,
                    "--level",
                    level,
                ],
            );
            assert!(ok, "{err}");
            assert!(out.lines().count() > 3000, "{columns}");
            assert!(
                widest(&out) <= columns,
                "{columns} {level}: {}",
                widest(&out)
            );
            assert!(out.contains("共 3000 个主体"), "{columns}");
        }
    }
}

#[test]
fn explain_snapshots() {
    for code in ["110109", "110112", "110116", "110119"] {
        let (out, err, ok) = zhibiao(&[
            "explain",
            "rules/national.zb",
            "--data",
            "examples/evidence",
            "--subject",
            code,
        ]);
        assert!(ok, "{err}");
        insta::assert_snapshot!(format!("explain_{code}"), out);
    }
}

#[test]
fn explain_unknown_subject_fails() {
    let (_, err, ok) = zhibiao(&[
        "explain",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--subject",
        "999999",
    ]);
    assert!(!ok);
    assert!(err.contains("999999"), "{err}");
}

#[test]
fn invalid_evidence_writes_no_output() {
    let dir = std::env::temp_dir().join(format!("zhibiao-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let subjects = std::fs::read_to_string("examples/evidence/主体.csv").unwrap();
    // Line 3 of the file: 主动公开达标率 out of range.
    let mut lines: Vec<String> = subjects.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "主动公开达标率").unwrap();
    let mut cells: Vec<String> = lines[2].split(',').map(String::from).collect();
    cells[col] = "101".into();
    lines[2] = cells.join(",");
    std::fs::write(dir.join("主体.csv"), lines.join("\n") + "\n").unwrap();
    std::fs::copy("examples/evidence/失信事件.csv", dir.join("失信事件.csv")).unwrap();
    let out_file = dir.join("out.csv");
    let (_, err, ok) = zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("主体.csv")
            && err.contains(":3")
            && err.contains("主动公开达标率")
            && err.contains("101"),
        "{err}"
    );
    assert!(!Path::new(&out_file).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn weights_mode_is_a_weighted_sum_of_rounded_children() {
    let (out, err, ok) = zhibiao(&[
        "eval",
        "tests/fixtures/weights/rules.zb",
        "--data",
        "主体=tests/fixtures/weights/主体.csv",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    // 甲镇: 1.1 = (95% − 50%) ÷ 50% × 100 = 90; 1 = 0.7 × 90 + 0.3 × 100 = 93;
    // total = 0.6 × 93 + 0.4 × 88.5 = 91.2. 乙镇: zero denominator → 100.
    // 丙镇: 1.1 missing → 0, total = 0.6 × 30 + 0.4 × 95 = 56.
    let t = table(&out);
    assert_eq!(
        (
            t["A1"]["1"].as_str(),
            t["A1"]["总分"].as_str(),
            t["A1"]["等级"].as_str()
        ),
        ("93.00", "91.20", "优秀")
    );
    assert_eq!(
        (t["A2"]["1.1"].as_str(), t["A2"]["总分"].as_str()),
        ("100.00", "70.00")
    );
    assert_eq!(
        (t["A3"]["缺失"].as_str(), t["A3"]["总分"].as_str()),
        ("1.1", "56.00")
    );
}

#[test]
fn fast_path_equals_the_explained_path() {
    // Plain scoring reads aggregates from one pass over the events and
    // scores subjects in parallel; explained scoring scans each subject's
    // events. Both must give the same numbers.
    use zhibiao::evidence::{self, LoadOptions, Schema, Source};
    for (rules, data) in [
        ("rules/national.zb", "examples/evidence"),
        ("rules/variants/province-a.zb", "examples/evidence-a"),
    ] {
        let compiled = zhibiao::driver::compile_file(Path::new(rules)).unwrap();
        let plan = zhibiao::plan::build(compiled.model.unwrap(), &[]).unwrap();
        let schema = Schema::of(&plan.model);
        let sources = vec![
            Source {
                table: "主体".into(),
                path: Path::new(data).join("主体.csv"),
            },
            Source {
                table: "失信事件".into(),
                path: Path::new(data).join("失信事件.csv"),
            },
        ];
        let loaded = evidence::load(&schema, &sources, &LoadOptions::default()).unwrap();
        let fast = zhibiao::eval::run(&plan, &loaded.evidence).unwrap();
        let slow = zhibiao::eval::run_explained(&plan, &loaded.evidence).unwrap();
        // Streamed: event rows folded into aggregates as they are read.
        let mut folder = zhibiao::eval::Folded::new(&plan).unwrap();
        let streamed = evidence::load_with(
            &schema,
            &sources,
            &LoadOptions::default(),
            &mut folder,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(
            streamed.evidence.events[0].columns[0].len(),
            0,
            "event rows are not kept"
        );
        let folded = zhibiao::eval::run_folded(&plan, &streamed.evidence, folder).unwrap();
        let csv = |r: &[zhibiao::eval::SubjectResult]| {
            zhibiao::report::render(zhibiao::report::Format::Csv, &plan.model, r)
        };
        assert_eq!(csv(&fast), csv(&slow), "{rules}");
        assert_eq!(csv(&folded), csv(&slow), "{rules}");
    }
}

/// `zhibiao eval … | head`: the reader closes the pipe early; the output
/// (far more than a pipe holds) stops quietly, without a panic or an error.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    let dir = std::env::temp_dir().join(format!("zhibiao-pipe-{}", std::process::id()));
    gen::write(&dir, 3000, 2, 5).unwrap();
    let data = dir.to_str().unwrap();
    for format in ["json", "csv", "table"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(["eval", "rules/national.zb", "--data", data])
            .args(["--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe is closed here, before the output ends.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {err}");
        assert!(!err.contains("panicked"), "{format}: {err}");
    }
    std::fs::remove_dir_all(dir).ok();
}
