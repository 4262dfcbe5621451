//! `zhibiao compare` of rules/national.zb over examples/evidence-2024 (2024)
//! and examples/evidence (2025).
//!
//! The expected movements are computed by hand in
//! examples/expected/compare-2024-2025.md; the tests below assert the tool's
//! numbers equal those.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/office.rs"]
mod office;

use serde_json::Value;
use std::process::Command;

const RULES: &str = "rules/national.zb";
const Y2024: &str = "2024=examples/evidence-2024";
const Y2025: &str = "2025=examples/evidence";

fn zhibiao(args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

fn compare(extra: &[&str]) -> String {
    let mut args = vec!["compare", RULES, "--data", Y2024, "--data", Y2025];
    args.extend(extra);
    let (out, err, code) = zhibiao(&args);
    assert_eq!(code, Some(0), "{err}");
    out
}

fn json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    serde_json::from_str(&compare(&args)).unwrap()
}

fn subject<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["主体"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["编码"] == code)
        .unwrap_or_else(|| panic!("no subject {code}"))
}

/// (code, name, change) of each driver of the first step.
fn drivers(s: &Value) -> Vec<(String, String)> {
    s["变化"][0]["主要原因"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["编码"].as_str().unwrap().to_owned(),
                d["变化"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// (total, grade, rank, vetoed) of a subject in year `y`.
fn standing(s: &Value, y: usize) -> (String, String, u64, bool) {
    let v = &s["各年度"][y];
    (
        v["总分"].as_str().unwrap().to_owned(),
        v["等级"].as_str().unwrap().to_owned(),
        v["排名"].as_u64().unwrap(),
        v["否决"].as_bool().unwrap(),
    )
}

fn st(total: &str, grade: &str, rank: u64, vetoed: bool) -> (String, String, u64, bool) {
    (total.to_owned(), grade.to_owned(), rank, vetoed)
}

fn ds(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .collect()
}

/// The four subjects of examples/expected/compare-2024-2025.md.
#[test]
fn hand_checked_movements() {
    let doc = json(&[]);
    let cases = [
        (
            "110102",
            st("91.00", "优秀", 9, false),
            st("79.00", "合格", 19, false),
            "-12.00",
            -10,
            ds(&[("1.2.2", "-5.00"), ("4.1.2", "-4.00"), ("2.1.2", "-3.00")]),
        ),
        (
            "110115",
            st("95.00", "优秀", 6, false),
            st("90.00", "不合格", 30, true),
            "-5.00",
            -24,
            ds(&[("4.2.2", "-5.00")]),
        ),
        (
            "120104",
            st("79.00", "合格", 20, false),
            st("80.00", "良好", 16, false),
            "+1.00",
            4,
            ds(&[("加分", "+3.00"), ("3.2.1", "-2.00")]),
        ),
        (
            "110118",
            st("98.00", "优秀", 5, false),
            st("95.50", "优秀", 5, false),
            "-2.50",
            0,
            ds(&[("4.2.2", "-1.00"), ("4.2.3", "-1.00"), ("4.2.1", "-0.50")]),
        ),
    ];
    for (code, old, new, change, rank_change, expected) in cases {
        let s = subject(&doc, code);
        assert_eq!(standing(s, 0), old, "{code} 2024");
        assert_eq!(standing(s, 1), new, "{code} 2025");
        assert_eq!(s["变化"][0]["总分变化"], change, "{code}");
        assert_eq!(s["变化"][0]["名次变化"], rank_change, "{code}");
        assert_eq!(drivers(s), expected, "{code}");
    }
    // An unchanged subject: no change, no drivers.
    let s = subject(&doc, "110101");
    assert_eq!(s["变化"][0]["总分变化"], "0.00");
    assert!(drivers(s).is_empty());
}

#[test]
fn summary_and_transition_matrix() {
    let doc = json(&[]);
    let step = &doc["比较"][0];
    assert_eq!(
        (step["从"].as_str(), step["到"].as_str()),
        (Some("2024"), Some("2025"))
    );
    assert_eq!(step["主体数"], 29);
    assert_eq!(
        (step["升高"].as_u64(), step["降低"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(step["不变"], 25);
    assert_eq!(step["等级变化主体数"], 3);
    assert_eq!(step["总分变化平均"], "-0.64");
    assert_eq!(step["总分变化中位数"], "0.00");
    let m = &step["等级转移矩阵"];
    let grades = serde_json::json!(["优秀", "良好", "合格", "不合格"]);
    assert_eq!(m["旧等级"], grades);
    assert_eq!(m["新等级"], grades);
    assert_eq!(
        m["计数"],
        serde_json::json!([[9, 0, 1, 1], [0, 6, 0, 0], [0, 1, 6, 0], [0, 0, 0, 5]])
    );
    assert_eq!(step["进步最大"], serde_json::json!(["120104"]));
    assert_eq!(
        step["退步最大"],
        serde_json::json!(["110102", "110115", "110118"])
    );
    // --top limits both lists.
    let doc = json(&["--top", "2"]);
    assert_eq!(
        doc["比较"][0]["退步最大"],
        serde_json::json!(["110102", "110115"])
    );
}

#[test]
fn subjects_in_one_year_only_are_listed_not_dropped() {
    let doc = json(&[]);
    assert_eq!(
        doc["未在每个年度参评的主体"],
        serde_json::json!(["130125", "130130"])
    );
    let step = &doc["比较"][0];
    assert_eq!(step["仅前一年参评"], serde_json::json!(["130130"]));
    assert_eq!(step["仅后一年参评"], serde_json::json!(["130125"]));
    let wuji = subject(&doc, "130130");
    assert_eq!(standing(wuji, 0), st("100.00", "优秀", 1, false));
    assert!(wuji["各年度"][1].is_null());
    assert!(wuji["变化"][0].is_null());
    let xingtang = subject(&doc, "130125");
    assert!(xingtang["各年度"][0].is_null());
    assert_eq!(standing(xingtang, 1), st("100.00", "优秀", 1, false));
    // The terminal table lists them in a section of their own.
    let table = compare(&[]);
    let section = table
        .split("二、未在每个年度参评的主体（2 个）")
        .nth(1)
        .unwrap();
    let section = section.split("三、").next().unwrap();
    assert!(
        section.contains("130130") && section.contains("仅 2024"),
        "{section}"
    );
    assert!(
        section.contains("130125") && section.contains("仅 2025"),
        "{section}"
    );
    assert!(section.contains("未参评"), "{section}");
}

#[test]
fn the_year_parameter_comes_from_the_label() {
    let doc = json(&[]);
    let years = doc["年度"].as_array().unwrap();
    assert_eq!(years[0]["评价年度"], "2024");
    assert_eq!(years[1]["评价年度"], "2025");
    // Labels given out of order are sorted by year.
    let (out, err, code) = zhibiao(&[
        "compare", RULES, "--data", Y2025, "--data", Y2024, "--format", "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), doc);
    // --param 评价年度=2025 for every year: the 2024 events fall outside
    // 2025, so 密云区 loses nothing in 2024.
    let doc = json(&["--param", "评价年度=2025"]);
    assert_eq!(doc["年度"][0]["评价年度"], "2025");
    assert_eq!(standing(subject(&doc, "110118"), 0).0, "100.00");
}

#[test]
fn a_label_that_is_no_year_needs_a_param() {
    let (out, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        "去年=examples/evidence-2024",
        "--data",
        Y2025,
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert!(err.contains("年度标签“去年”不是年份"), "{err}");
    assert!(err.contains("--param 去年:评价年度=2024"), "{err}");
    // With the parameter for that year, the same result as label 2024.
    let (out, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        "去年=examples/evidence-2024",
        "--data",
        "今年=examples/evidence",
        "--param",
        "去年:评价年度=2024",
        "--param",
        "今年:评价年度=2025",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["年度"][0]["标签"], "去年");
    assert_eq!(doc["比较"][0]["从"], "去年");
    let s = subject(&doc, "110102");
    assert_eq!(s["变化"][0]["总分变化"], "-12.00");
}

#[test]
fn usage_errors_exit_2() {
    let one = zhibiao(&["compare", RULES, "--data", Y2025]);
    assert_eq!(one.2, Some(2));
    assert!(one.1.contains("至少需要两个年度"), "{}", one.1);
    let unknown = zhibiao(&[
        "compare",
        RULES,
        "--data",
        Y2024,
        "--data",
        Y2025,
        "--rules",
        "2023=x.zb",
    ]);
    assert_eq!(unknown.2, Some(2));
    assert!(unknown.1.contains("没有年度“2023”的证据"), "{}", unknown.1);
    let no_label = zhibiao(&["compare", RULES, "--data", "examples/evidence"]);
    assert_eq!(no_label.2, Some(2));
    assert!(no_label.1.contains("年度=证据"), "{}", no_label.1);
}

#[test]
fn different_rules_per_year_compare_by_indicator_code() {
    let doc = json(&["--rules", "2024=tests/fixtures/diff/changed.zb"]);
    assert_eq!(doc["各年度规则相同"], false);
    assert_eq!(doc["年度"][0]["规则"], "tests/fixtures/diff/changed.zb");
    assert_eq!(doc["年度"][1]["规则"], RULES);
    let step = &doc["比较"][0];
    assert_eq!(step["规则不同"], true);
    let notes: Vec<(String, String)> = step["仅一方规则有的指标"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["编码"].as_str().unwrap().to_owned(),
                n["年度"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        ds(&[
            ("4.3", "2024"),
            ("4.3.1", "2024"),
            ("3.3", "2025"),
            ("3.3.1", "2025")
        ])
    );
    // 东城区: 3.3.1 (5 points) only in the 2025 rules, 4.3.1 (信用承诺制,
    // 5 points) only in the 2024 rules, bonus cap 3 in 2024 and 5 in 2025.
    let s = subject(&doc, "110101");
    let d = &s["变化"][0]["主要原因"];
    assert_eq!(d[0]["编码"], "3.3.1");
    assert_eq!(d[0]["变化"], "+5.00");
    assert_eq!(d[0]["仅见于"], "2025");
    assert_eq!(d[1]["编码"], "4.3.1");
    assert_eq!(d[1]["变化"], "-5.00");
    assert_eq!(d[1]["仅见于"], "2024");
    assert_eq!(d[2]["编码"], "加分");
    assert_eq!(d[2]["变化"], "+2.00");
    let table = compare(&["--rules", "2024=tests/fixtures/diff/changed.zb"]);
    assert!(table.contains("各年度使用不同的规则"), "{table}");
    assert!(
        table.contains("2024 年度规则：tests/fixtures/diff/changed.zb"),
        "{table}"
    );
    assert!(table.contains("指标 4.3.1 信用承诺制全面推行 仅见于 2024 年度规则"));
}

#[test]
fn three_years_compare_each_consecutive_pair() {
    let doc = json(&["--data", "2026=examples/evidence"]);
    assert_eq!(doc["年度"].as_array().unwrap().len(), 3);
    let steps = doc["比较"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(
        (steps[1]["从"].as_str(), steps[1]["到"].as_str()),
        (Some("2025"), Some("2026"))
    );
    // 2026 reads the 2025 events, all outside 2026: 大兴区 loses its veto.
    let s = subject(&doc, "110115");
    assert_eq!(s["各年度"].as_array().unwrap().len(), 3);
    assert_eq!(standing(s, 2), st("95.00", "优秀", 6, false));
    assert_eq!(s["变化"][1]["总分变化"], "+5.00");
    let table = compare(&["--data", "2026=examples/evidence"]);
    for head in ["2024总分", "2025总分", "2026总分", "2025→2026变化"] {
        assert!(table.contains(head), "{head}");
    }
}

#[test]
fn an_evidence_error_names_file_and_row_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("2024");
    std::fs::create_dir(&bad).unwrap();
    for f in ["主体.csv", "失信事件.csv"] {
        std::fs::copy(format!("examples/evidence-2024/{f}"), bad.join(f)).unwrap();
    }
    let subjects = std::fs::read_to_string(bad.join("主体.csv")).unwrap();
    // 西城区 (row 3): 主动公开达标率 95 → 101.
    let broken = subjects.replacen(",95,30,30,50,49,", ",101,30,30,50,49,", 1);
    assert_ne!(broken, subjects);
    std::fs::write(bad.join("主体.csv"), broken).unwrap();
    let out = dir.path().join("比较.md");
    let data = format!("2024={}", bad.display());
    let (_, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        &data,
        "--data",
        Y2025,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!out.exists(), "an output file was written");
    assert!(err.contains("E0507"), "{err}");
    assert!(err.contains("主体.csv:3"), "{err}");
    assert!(err.contains("110102 西城区"), "{err}");
    assert!(err.contains("2024 年度未能评分"), "{err}");
    // Reported exactly as eval reports it.
    let (_, eval_err, eval_code) = zhibiao(&[
        "eval",
        RULES,
        "--data",
        bad.to_str().unwrap(),
        "--param",
        "评价年度=2024",
    ]);
    assert_eq!(eval_code, Some(1));
    assert!(
        err.starts_with(&eval_err),
        "compare:\n{err}\neval:\n{eval_err}"
    );
}

#[test]
fn output_formats_follow_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (name, check) in [
        (
            "比较.csv",
            "编码,名称,2024总分,2024等级,2024排名,2024否决,2025总分",
        ),
        ("比较.html", "<!DOCTYPE html>"),
        ("比较.json", "{\n  \"年度\": ["),
        ("比较.md", "# 年度比较：2024、2025"),
    ] {
        let out = dir.path().join(name);
        let (_, err, code) = zhibiao(&[
            "compare",
            RULES,
            "--data",
            Y2024,
            "--data",
            Y2025,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with(check),
            "{name}: {}",
            &text[..80.min(text.len())]
        );
    }
    let csv = compare(&["--format", "csv"]);
    let row = csv.lines().find(|l| l.starts_with("110115,")).unwrap();
    assert_eq!(
        row,
        "110115,大兴区,95.00,优秀,6,,90.00,不合格,30,是,-5.00,-24,4.2.2 政府失信被执行 -5.00"
    );
    assert_eq!(csv.lines().count(), 1 + 31);
    // --bom: UTF-8 with a byte-order mark, for Excel.
    let out = dir.path().join("bom.csv");
    let (_, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        Y2024,
        "--data",
        Y2025,
        "--bom",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn html_escapes_data() {
    let dir = tempfile::tempdir().unwrap();
    let y = dir.path().join("y");
    std::fs::create_dir(&y).unwrap();
    std::fs::copy("examples/evidence/失信事件.csv", y.join("失信事件.csv")).unwrap();
    let subjects = std::fs::read_to_string("examples/evidence/主体.csv").unwrap();
    std::fs::write(
        y.join("主体.csv"),
        subjects.replacen("东城区", "<b>东城区&</b>", 1),
    )
    .unwrap();
    let data = format!("2025={}", y.display());
    let (out, err, code) = zhibiao(&[
        "compare", RULES, "--data", Y2024, "--data", &data, "--format", "html",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("&lt;b&gt;东城区&amp;&lt;/b&gt;"));
    assert!(!out.contains("<b>东城区"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("compare_md", compare(&["--format", "md"]));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("compare_json", compare(&["--format", "json"]));
}

#[test]
fn workbook_has_the_csv_rows_with_numbers_as_numbers() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("比较.xlsx");
    let (_, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        Y2024,
        "--data",
        Y2025,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["各主体", "等级转移"]);
    let subjects = book.worksheet_range("各主体").unwrap();
    let csv = compare(&["--format", "csv"]);
    assert_eq!(subjects.height(), csv.lines().count());
    let header: Vec<String> = (0..subjects.width())
        .map(|c| subjects.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(header.join(","), csv.lines().next().unwrap());
    let row = (1..subjects.height())
        .find(|&r| subjects.get((r, 0)) == Some(&Data::String("110115".into())))
        .unwrap();
    let at = |c: usize| subjects.get((row, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(2), Data::Float(95.0));
    assert_eq!(at(6), Data::Float(90.0));
    assert_eq!(at(8), Data::Float(30.0));
    assert_eq!(at(9), Data::String("是".into()));
    assert_eq!(at(10), Data::Float(-5.0));
    assert_eq!(at(11), Data::Float(-24.0));
    let matrix = book.worksheet_range("等级转移").unwrap();
    // Title, header, 优秀 row: 9 0 1 1 | 11.
    let counts: Vec<Data> = (1..6)
        .map(|c| matrix.get((2, c)).cloned().unwrap())
        .collect();
    assert_eq!(counts, [9.0, 0.0, 1.0, 1.0, 11.0].map(Data::Float).to_vec());
}

#[test]
fn an_input_is_never_overwritten() {
    let before = std::fs::read("examples/evidence/主体.csv").unwrap();
    let (_, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        Y2024,
        "--data",
        Y2025,
        "-o",
        "examples/evidence/主体.csv",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("输入文件"), "{err}");
    assert_eq!(std::fs::read("examples/evidence/主体.csv").unwrap(), before);
}

/// The compare workbook opened by a real office suite: LibreOffice reads
/// both sheets, and its 各主体 sheet holds the CSV output's rows (numbers
/// compared as numbers).
#[test]
fn libreoffice_reads_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("比较.xlsx");
    let (_, err, code) = zhibiao(&[
        "compare",
        RULES,
        "--data",
        Y2024,
        "--data",
        Y2025,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let Some(sheets) = office::sheets_as_csv(&path) else {
        return;
    };
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["各主体", "等级转移"]);
    let rows = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let ours = rows(&compare(&["--format", "csv"]));
    let theirs = rows(&sheets[0].1);
    assert_eq!(theirs.len(), ours.len());
    for (got, want) in theirs.iter().zip(&ours) {
        for (g, w) in got.iter().zip(want) {
            match (g.parse::<f64>(), w.parse::<f64>()) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{want:?}"),
                _ => assert_eq!(g, w, "{want:?}"),
            }
        }
    }
}
