//! `eval -o 结果.xlsx` and `diff -o 影响.xlsx` (issue #10): the workbooks
//! read back with calamine equal the CSV output cell for cell, numbers as
//! numbers; 指标统计 against statistics computed here from the CSV; 说明
//! names every evidence file with its SHA-256; and LibreOffice Calc reads
//! the same cells.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/office.rs"]
mod office;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

/// A fixed time of run, so 说明 is reproducible.
const EPOCH: &str = "1740818096";

fn zhibiao(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zhibiao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.worksheet_range(name).unwrap()
}

fn cell(range: &Range<Data>, row: usize, col: usize) -> Data {
    range.get((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        other => panic!("expected a number (Data::Float), found {other:?}"),
    }
}

/// A workbook written by `eval -o` in a fresh folder.
fn result_book(rules: &str, data: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("结果.xlsx");
    zhibiao(&["eval", rules, "--data", data, "-o", path.to_str().unwrap()]);
    (dir, path)
}

/// The CSV cells of columns that hold scores.
fn is_score(header: &str) -> bool {
    matches!(header, "基础分" | "加分" | "总分") || header.starts_with(|c: char| c.is_ascii_digit())
}

/// 结果 equals the CSV output cell for cell: every CSV column is found by
/// its title (row 1) and every subject by its 编码; scores are numbers
/// that show as the CSV shows them with two places.
fn assert_results_equal_csv(rules: &str, data: &str) {
    let csv = csv_rows(&zhibiao(&[
        "eval", rules, "--data", data, "--format", "csv",
    ]));
    let (_dir, path) = result_book(rules, data);
    let range = sheet(&path, "结果");
    let (height, width) = range.get_size();
    assert_eq!(
        height,
        csv.len() + 1,
        "two header rows, one row per subject"
    );
    let titles: Vec<String> = (0..width).map(|c| text(&cell(&range, 0, c))).collect();
    let header = &csv[0];
    let col = |h: &str| {
        titles
            .iter()
            .position(|t| t == h)
            .unwrap_or_else(|| panic!("no column {h}"))
    };
    // The order: 编码, 名称, 所属地区, indicators, 基础分 … 缺失.
    let mut expected: Vec<&str> = vec!["编码", "名称", "所属地区"];
    expected.extend(header.iter().skip(8).map(String::as_str));
    expected.extend(["基础分", "加分", "总分", "排名", "等级", "否决", "缺失"]);
    assert_eq!(titles, expected);
    let rows: HashMap<String, usize> = (2..height)
        .map(|r| (text(&cell(&range, r, 0)), r))
        .collect();
    for line in &csv[1..] {
        let r = rows[&line[0]];
        for (h, want) in header.iter().zip(line) {
            let got = cell(&range, r, col(h));
            if is_score(h) {
                assert_eq!(&format!("{:.2}", float(&got)), want, "{} {h}", line[0]);
            } else {
                assert_eq!(&text(&got), want, "{} {h}", line[0]);
            }
        }
    }
    // 排名: competition ranks of 总分, vetoed subjects after all others
    // (appendix A.1 rule 10), computed here.
    let total = header.iter().position(|h| h == "总分").unwrap();
    let veto = header.iter().position(|h| h == "否决").unwrap();
    let keys: Vec<(bool, std::cmp::Reverse<Decimal>)> = csv[1..]
        .iter()
        .map(|l| {
            let t = Decimal::from_str(&l[total]).unwrap();
            (!l[veto].is_empty(), std::cmp::Reverse(t))
        })
        .collect();
    assert!(keys.iter().any(|k| k.0), "a vetoed subject is ranked");
    for (line, k) in csv[1..].iter().zip(&keys) {
        let rank = 1 + keys.iter().filter(|o| *o < k).count();
        assert_eq!(
            float(&cell(&range, rows[&line[0]], col("排名"))),
            rank as f64
        );
    }
    // 所属地区 as in the evidence; names of indicators in row 2.
    let evidence = csv_rows(&std::fs::read_to_string(Path::new(data).join("主体.csv")).unwrap());
    let region = evidence[0].iter().position(|h| h == "所属地区").unwrap();
    for e in &evidence[1..] {
        assert_eq!(text(&cell(&range, rows[&e[0]], 2)), e[region]);
    }
    let model = zhibiao::driver::compile_file(Path::new(rules))
        .unwrap()
        .model
        .unwrap();
    for ind in &model.indicators {
        assert_eq!(text(&cell(&range, 1, col(&ind.code))), ind.name);
    }
}

#[test]
fn national_result_sheet_equals_the_csv() {
    assert_results_equal_csv("rules/national.zb", "examples/evidence");
}

#[test]
fn variant_result_sheet_equals_the_csv() {
    assert_results_equal_csv("rules/variants/province-a.zb", "examples/evidence-a");
}

fn sha256(path: &str) -> String {
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn explanation_sheet_names_rules_parameters_files_and_checksums() {
    let (_dir, path) = result_book("rules/national.zb", "examples/evidence");
    let range = sheet(&path, "说明");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    let find = |key: &str, value: &str| {
        rows.iter().any(|r| {
            r.first().map(String::as_str) == Some(key)
                && r.get(1).map(String::as_str) == Some(value)
        })
    };
    assert!(find("规则文件", "rules/national.zb"), "{rows:?}");
    assert!(find("标准", "政务诚信评价通用指标"));
    assert!(find("版本", "附录A 全国通用版"));
    assert!(find("参数 评价年度", "2025"));
    assert!(find("运行时间（UTC）", "2025-03-01T08:34:56Z"));
    assert!(find(
        "程序",
        &format!("zhibiao {}", env!("CARGO_PKG_VERSION"))
    ));
    for file in [
        "examples/evidence/主体.csv",
        "examples/evidence/失信事件.csv",
    ] {
        let row = rows.iter().find(|r| r[0] == "证据文件" && r[1] == file);
        let row = row.unwrap_or_else(|| panic!("no row for {file}: {rows:?}"));
        assert_eq!(row[2], sha256(file));
    }
}

/// Statistics of one indicator computed here from the CSV output.
#[test]
fn indicator_statistics_match_an_independent_computation() {
    let csv = csv_rows(&zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--format",
        "csv",
    ]));
    let (_dir, path) = result_book("rules/national.zb", "examples/evidence");
    let range = sheet(&path, "指标统计");
    let model = zhibiao::driver::compile_file(Path::new("rules/national.zb"))
        .unwrap()
        .model
        .unwrap();
    let header: Vec<String> = (0..10).map(|c| text(&cell(&range, 0, c))).collect();
    assert_eq!(
        header,
        [
            "编码",
            "名称",
            "分值",
            "平均",
            "中位数",
            "最低",
            "最高",
            "满分数",
            "零分数",
            "缺失数"
        ]
    );
    let missing_col = csv[0].iter().position(|h| h == "缺失").unwrap();
    // Every leaf with someone missing, one that is not, and a parent.
    let mut checked = 0;
    for (i, ind) in model.indicators.iter().enumerate() {
        let c = csv[0].iter().position(|h| *h == ind.code).unwrap();
        let mut scores: Vec<Decimal> = csv[1..]
            .iter()
            .map(|l| Decimal::from_str(&l[c]).unwrap())
            .collect();
        scores.sort();
        let n = Decimal::from(scores.len());
        let mean = (scores.iter().sum::<Decimal>() / n).round_dp(4);
        let k = scores.len();
        let median = (scores[(k - 1) / 2] + scores[k / 2]) / Decimal::from(2);
        let points = zhibiao::number::to_decimal(&ind.full);
        let full = scores.iter().filter(|s| **s == points).count();
        let zero = scores.iter().filter(|s| s.is_zero()).count();
        let missing = csv[1..]
            .iter()
            .filter(|l| {
                l[missing_col]
                    .split(';')
                    .any(|m| m == ind.code || m.starts_with(&format!("{}.", ind.code)))
            })
            .count();
        let r = i + 1;
        assert_eq!(text(&cell(&range, r, 0)), ind.code);
        assert_eq!(text(&cell(&range, r, 1)), ind.name);
        let num = |c: usize| Decimal::from_str(&float(&cell(&range, r, c)).to_string()).unwrap();
        assert_eq!(num(2), points, "{} 分值", ind.code);
        assert_eq!(num(3), mean.normalize(), "{} 平均", ind.code);
        assert_eq!(num(4), median.normalize(), "{} 中位数", ind.code);
        assert_eq!(num(5), scores[0].normalize(), "{} 最低", ind.code);
        assert_eq!(num(6), scores[k - 1].normalize(), "{} 最高", ind.code);
        assert_eq!(
            float(&cell(&range, r, 7)),
            full as f64,
            "{} 满分数",
            ind.code
        );
        assert_eq!(
            float(&cell(&range, r, 8)),
            zero as f64,
            "{} 零分数",
            ind.code
        );
        assert_eq!(
            float(&cell(&range, r, 9)),
            missing as f64,
            "{} 缺失数",
            ind.code
        );
        checked += usize::from(missing > 0);
    }
    assert!(checked > 0, "the sample has indicators with missing data");
    // The rounding is stated in the sheet.
    let notes: Vec<String> = range
        .rows()
        .filter_map(|r| r.first().map(|d| d.to_string()))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("四舍五入保留 4 位小数")),
        "{notes:?}"
    );
}

/// The diff every impact-workbook test runs: national against the
/// changed fixture, on the sample evidence.
const DIFF: [&str; 5] = [
    "diff",
    "rules/national.zb",
    "tests/fixtures/diff/changed.zb",
    "--data",
    "examples/evidence",
];

/// The diff's text output in `format`.
fn diff_text(format: &str) -> String {
    let mut args = DIFF.to_vec();
    args.extend(["--format", format]);
    zhibiao(&args)
}

/// The diff's workbook, written in a fresh folder.
fn diff_book() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("影响.xlsx");
    let mut args = DIFF.to_vec();
    args.extend(["-o", path.to_str().unwrap()]);
    zhibiao(&args);
    (dir, path)
}

/// diff's CSV rows in the sheet 各主体变化, and the transition matrix
/// counted here from them.
#[test]
fn diff_workbook_equals_the_csv_and_counts_transitions() {
    let csv = csv_rows(&diff_text("csv"));
    let (_dir, path) = diff_book();
    let range = sheet(&path, "各主体变化");
    assert_eq!(range.get_size(), (csv.len(), 9));
    for (r, line) in csv.iter().enumerate() {
        for (c, want) in line.iter().enumerate() {
            let got = cell(&range, r, c);
            if r > 0 && matches!(c, 2 | 3 | 4 | 7 | 8) && !want.is_empty() {
                let want: f64 = want.parse().unwrap();
                assert_eq!(float(&got), want, "row {r} col {c}");
            } else {
                assert_eq!(&text(&got), want, "row {r} col {c}");
            }
        }
    }
    let matrix = sheet(&path, "等级变化");
    let (h, w) = matrix.get_size();
    let new_grades: Vec<String> = (1..w - 1).map(|c| text(&cell(&matrix, 0, c))).collect();
    let mut total = 0.0;
    for r in 1..h - 1 {
        let old = text(&cell(&matrix, r, 0));
        for (i, new) in new_grades.iter().enumerate() {
            let counted = csv[1..]
                .iter()
                .filter(|l| l[5] == old && l[6] == *new)
                .count();
            assert_eq!(
                float(&cell(&matrix, r, i + 1)),
                counted as f64,
                "{old} → {new}"
            );
            total += counted as f64;
        }
    }
    assert_eq!(text(&cell(&matrix, h - 1, 0)), "合计");
    assert_eq!(float(&cell(&matrix, h - 1, w - 1)), total);
    assert_eq!(total, (csv.len() - 1) as f64);
}

/// LibreOffice Calc opens both workbooks and reads the cells we meant.
#[test]
fn libreoffice_reads_the_workbooks() {
    let (_dir, path) = result_book("rules/national.zb", "examples/evidence");
    let Some(sheets) = office::sheets_as_csv(&path) else {
        return;
    };
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["结果", "指标统计", "说明"]);
    let ours = csv_rows(&zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--format",
        "csv",
    ]));
    let theirs = csv_rows(&sheets[0].1);
    let titles = &theirs[0];
    let by_code: HashMap<&str, &Vec<String>> =
        theirs[2..].iter().map(|r| (r[0].as_str(), r)).collect();
    assert_eq!(by_code.len(), ours.len() - 1);
    for line in &ours[1..] {
        let row = by_code[line[0].as_str()];
        for (h, want) in ours[0].iter().zip(line) {
            let c = titles.iter().position(|t| t == h).unwrap();
            if is_score(h) {
                let got: f64 = row[c]
                    .parse()
                    .unwrap_or_else(|_| panic!("{h}: {:?}", row[c]));
                assert_eq!(&format!("{got:.2}"), want, "{} {h}", line[0]);
            } else {
                assert_eq!(&row[c], want, "{} {h}", line[0]);
            }
        }
    }

    let (_diff_dir, diff_path) = diff_book();
    let diff_csv = csv_rows(&diff_text("csv"));
    let sheets = office::sheets_as_csv(&diff_path).unwrap();
    assert_eq!(sheets[0].0, "各主体变化");
    assert_eq!(sheets[1].0, "等级变化");
    let theirs = csv_rows(&sheets[0].1);
    assert_eq!(theirs.len(), diff_csv.len());
    for (got, want) in theirs.iter().zip(&diff_csv) {
        for (c, (g, w)) in got.iter().zip(want).enumerate() {
            if matches!(c, 2 | 3 | 4 | 7 | 8) && w.parse::<f64>().is_ok() {
                assert_eq!(
                    g.parse::<f64>().unwrap(),
                    w.parse::<f64>().unwrap(),
                    "{want:?}"
                );
            } else {
                assert_eq!(g, w);
            }
        }
    }
}

/// The cells' formats as Excel shows them: scores with the rule's two
/// places, a coloured 等级 cell per grade (the same grade the same
/// colour, different grades different colours).
#[test]
fn scores_show_the_rules_places_and_grades_are_coloured() {
    let (_dir, path) = result_book("rules/national.zb", "examples/evidence");
    let range = sheet(&path, "结果");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let styles = book.worksheet_style("结果").unwrap();
    let col = |title: &str| {
        (0..range.width())
            .find(|&c| text_or_empty(&cell(&range, 0, c)) == title)
            .unwrap()
    };
    let (total, grade) = (col("总分"), col("等级"));
    let mut colours: HashMap<String, String> = HashMap::new();
    for r in 2..range.height() {
        let at = |c: usize| (r as u32, c as u32);
        let format = styles
            .get(at(total))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone());
        assert_eq!(format.as_deref(), Some("0.00"), "row {r}");
        let fill = styles
            .get(at(grade))
            .and_then(|s| s.fill.as_ref())
            .and_then(|f| f.get_color())
            .map(|c| format!("{c:?}"))
            .unwrap_or_else(|| panic!("等级 of row {r} has no fill"));
        let name = text(&cell(&range, r, grade));
        let seen = colours.entry(name.clone()).or_insert_with(|| fill.clone());
        assert_eq!(*seen, fill, "{name}: one colour per grade");
    }
    assert!(colours.len() >= 3, "{colours:?}");
    let distinct: std::collections::HashSet<&String> = colours.values().collect();
    assert_eq!(distinct.len(), colours.len(), "{colours:?}");

    // Frozen header rows and 编码/名称 columns, and an autofilter (sheet
    // 结果 is the first sheet).
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    use std::io::Read;
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains(r#"xSplit="2" ySplit="2""#), "frozen panes");
    assert!(xml.contains(r#"state="frozen""#), "frozen panes");
    assert!(
        xml.contains("<autoFilter ref=\"A2:"),
        "autofilter on the header"
    );
}

fn text_or_empty(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The impact workbook's 修改对照表 sheet holds the rule changes in words,
/// one row per change of the JSON output, as the memo has them.
#[test]
fn diff_workbook_has_the_comparison_table_in_words() {
    let json: serde_json::Value = serde_json::from_str(&diff_text("json")).unwrap();
    let changes = json["规则变化"].as_array().unwrap();
    let (_dir, path) = diff_book();
    let range = sheet(&path, "修改对照表");
    assert_eq!(range.get_size(), (changes.len() + 1, 4));
    let heads: Vec<String> = (0..4).map(|c| text(&cell(&range, 0, c))).collect();
    assert_eq!(heads, ["编号", "原条文", "新条文", "说明"]);
    for (r, change) in (1..).zip(changes) {
        let item = text(&cell(&range, r, 0));
        assert!(item.starts_with(change["项目"].as_str().unwrap()), "{item}");
        assert!(text(&cell(&range, r, 3)).starts_with(change["类型"].as_str().unwrap()));
        if let Some(words) = change["新条文"].as_str() {
            assert_eq!(text(&cell(&range, r, 2)), words);
        }
    }
    let all: String = (1..range.height())
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .map(|(r, c)| text(&cell(&range, r, c)))
        .collect();
    assert!(
        !all.contains("条数(") && !all.contains("满足"),
        "no rule syntax"
    );
}
