//! `zhibiao diff` of rules/national.zb (old) against
//! tests/fixtures/diff/changed.zb (new) on the sample evidence in examples/.
//!
//! changed.zb differs from national.zb in: 1.3.1's bands (≤ 2% / ≤ 5% for
//! 4 / 3 points instead of ≤ 3% / ≤ 6%); 4.2.1's deductions (3 and 1 points
//! per unrectified / rectified arrears instead of 2 and 0.5); 3.3 (with
//! 3.3.1 企业满意度 and its evidence field) removed, 3 down from 20 to 15
//! points; 4.3 / 4.3.1 信用承诺制全面推行 added (5 points if 信用承诺制),
//! 4 up from 25 to 30; 2.3.1 renamed; bonus cap 5 → 3; 良好 from 80 to 85.
//!
//! The expected values below are computed by hand from
//! examples/expected/national.csv (the old scores) and the changes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/rule_syntax.rs"]
mod rule_syntax;
use std::collections::HashMap;
use std::process::Command;

const OLD: &str = "rules/national.zb";
const NEW: &str = "tests/fixtures/diff/changed.zb";

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

fn diff(old: &str, new: &str, format: &str) -> String {
    let (out, err, ok) = zhibiao(&[
        "diff",
        old,
        new,
        "--data",
        "examples/evidence",
        "--format",
        format,
    ]);
    assert!(ok, "{err}");
    out
}

/// The CSV rows, each a column → cell map, in output order.
fn csv_rows(csv: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.to_string()))
                .collect()
        })
        .collect();
    (header, rows)
}

fn by_code(rows: &[HashMap<String, String>]) -> HashMap<String, HashMap<String, String>> {
    rows.iter()
        .map(|r| (r["编码"].clone(), r.clone()))
        .collect()
}

#[test]
fn csv_has_exactly_the_nine_columns() {
    let (header, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    assert_eq!(
        header,
        [
            "编码",
            "名称",
            "旧总分",
            "新总分",
            "变化",
            "旧等级",
            "新等级",
            "旧排名",
            "新排名"
        ]
    );
    assert_eq!(header, zhibiao::diff::COLUMNS);
    assert_eq!(rows.len(), 30);
}

/// (编码, 名称, 旧总分, 新总分, 变化, 旧等级, 新等级, 旧排名, 新排名)
const HAND: [[&str; 9]; 7] = [
    // 78 + 2: 1.3.1 3/100 = 3% falls from 4 to 3 points (−1); 3.3.1's 5
    // points are gone (−5); 信用承诺制 is empty, so 4.3.1 scores 0; bonus
    // 2 is under both caps. 74 < 85: 良好 → 合格. Old rank 19 is shared
    // with 南开区 (80.00).
    [
        "110113",
        "顺义区",
        "80.00",
        "74.00",
        "-6.00",
        "良好",
        "合格",
        "16",
        "21",
    ],
    // 1.3.1 −1; 企业满意度 55 is the population minimum, so 3.3.1 was 0;
    // 4.3.1 +5. Vetoed (V1) on both sides. Old rank 11 is shared three
    // ways (90.00), the next is 14.
    [
        "110115",
        "大兴区",
        "90.00",
        "94.00",
        "+4.00",
        "不合格",
        "不合格",
        "30",
        "29",
    ],
    // Base 96.50: 1.3.1 −1; 4.2.1 three rectified arrears in 2025: 6 − 1.5
    // = 4.5 → 6 − 3 = 3 (−1.5); 3.3.1 −5; 4.3.1 +5 → 94.00. Bonus 6 was
    // capped at 5 (total capped at 100), now at 3 → 97.00.
    [
        "130125",
        "行唐县",
        "100.00",
        "97.00",
        "-3.00",
        "优秀",
        "优秀",
        "1",
        "4",
    ],
    // 90.17 − 2.56 (3.3.1) + 5 (4.3.1) − 1 (1.3.1) = 91.61.
    [
        "120114",
        "武清区",
        "90.17",
        "91.61",
        "+1.44",
        "优秀",
        "优秀",
        "8",
        "8",
    ],
    // Base 100 − 1 − 5 + 5 = 99; bonus 7 capped at 3 → 102 → total cap 100.
    [
        "110101",
        "东城区",
        "100.00",
        "100.00",
        "0.00",
        "优秀",
        "优秀",
        "1",
        "1",
    ],
    // 1.3.1 is 10%: 2 points either way; 3.3.1 −5, 4.3.1 +5: unchanged
    // total, but 82 < 85: 良好 → 合格.
    [
        "110105",
        "朝阳区",
        "82.00",
        "82.00",
        "0.00",
        "良好",
        "合格",
        "14",
        "15",
    ],
    // 4.2.1: three unrectified arrears already floored at 0; 1.3.1 is 100%
    // either way; 3.3.1's 0.13 is gone; 信用承诺制 否.
    [
        "120112",
        "津南区",
        "0.13",
        "0.00",
        "-0.13",
        "不合格",
        "不合格",
        "27",
        "27",
    ],
];

#[test]
fn hand_computed_subjects() {
    let (header, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    let rows = by_code(&rows);
    for want in HAND {
        let got = &rows[want[0]];
        for (col, cell) in header.iter().zip(want) {
            assert_eq!(&got[col], cell, "{} {col}", want[0]);
        }
    }
}

#[test]
fn rows_sorted_by_absolute_change_then_code() {
    let (_, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    let key = |r: &HashMap<String, String>| {
        let c: f64 = r["变化"].parse().unwrap();
        (c.abs(), r["编码"].clone())
    };
    for pair in rows.windows(2) {
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        assert!(
            a.0 > b.0 || (a.0 == b.0 && a.1 < b.1),
            "{:?} before {:?}",
            a,
            b
        );
    }
    let first: Vec<&str> = rows.iter().take(3).map(|r| r["编码"].as_str()).collect();
    assert_eq!(first, ["110113", "120113", "120111"]);
    // Signs: + for a rise, - for a fall, none for no change.
    assert!(rows.iter().any(|r| r["变化"] == "+4.00"));
    assert!(rows.iter().any(|r| r["变化"] == "-0.13"));
    assert!(rows.iter().any(|r| r["变化"] == "0.00"));
}

#[test]
fn ranks_share_and_skip() {
    use rust_decimal::Decimal;
    use zhibiao::analysis::stats::Standing;
    let s = |n: i64, vetoed: bool| Standing {
        total: Decimal::new(n, 0),
        vetoed,
    };
    let kept = |n| s(n, false);
    assert_eq!(
        zhibiao::diff::ranks(&[kept(100), kept(90), kept(90), kept(80)]),
        [1, 2, 2, 4]
    );
    assert_eq!(
        zhibiao::diff::ranks(&[kept(80), kept(90), kept(100), kept(90)]),
        [4, 2, 1, 2]
    );
    // Appendix A.1 rule 10: vetoed subjects after all others.
    assert_eq!(
        zhibiao::diff::ranks(&[s(100, true), kept(50), s(90, true)]),
        [2, 1, 3]
    );
    assert_eq!(zhibiao::diff::ranks(&[]), Vec::<usize>::new());

    // On the sample: every rank is 1 + the number of subjects standing
    // strictly better (not vetoed against vetoed, else a higher total).
    let (_, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    for (rules, total, rank) in [(OLD, "旧总分", "旧排名"), (NEW, "新总分", "新排名")] {
        let (out, err, ok) = zhibiao(&[
            "eval",
            rules,
            "--data",
            "examples/evidence",
            "--format",
            "csv",
        ]);
        assert!(ok, "{err}");
        let vetoed: HashMap<String, bool> = csv_rows(&out)
            .1
            .iter()
            .map(|r| (r["编码"].clone(), !r["否决"].is_empty()))
            .collect();
        assert!(
            vetoed.values().any(|v| *v),
            "the sample has a vetoed subject"
        );
        let key = |r: &HashMap<String, String>| -> (bool, f64) {
            (vetoed[&r["编码"]], -r[total].parse::<f64>().unwrap())
        };
        for r in &rows {
            let better = rows.iter().filter(|o| key(o) < key(r)).count();
            assert_eq!(r[rank], (better + 1).to_string(), "{} {rank}", r["编码"]);
        }
    }
    let rows = by_code(&rows);
    // Old: three subjects at 100.00 share rank 1; 昌平区 (100.00, vetoed
    // by V2) ranks after all 27 not vetoed; 房山区 (99.00) is 4th.
    for code in ["110101", "110117", "130125"] {
        assert_eq!(rows[code]["旧排名"], "1");
    }
    assert_eq!(rows["110114"]["旧排名"], "28");
    assert_eq!(rows["110111"]["旧排名"], "4");
    // New: 东城区 alone at 100.00; two at 99.00 share 2 (昌平区, also at
    // 99.00, stays after the others); 行唐县 is 4th.
    assert_eq!(rows["110101"]["新排名"], "1");
    for code in ["110111", "110117"] {
        assert_eq!(rows[code]["新排名"], "2");
    }
    assert_eq!(rows["110114"]["新排名"], "28");
    assert_eq!(rows["130125"]["新排名"], "4");
}

#[test]
fn structural_changes() {
    let json: serde_json::Value = serde_json::from_str(&diff(OLD, NEW, "json")).unwrap();
    let changes: Vec<(String, String)> = json["规则变化"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["类型"].as_str().unwrap().to_string(),
                c["项目"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("通则改变", "加分上限"),
        ("证据字段删除", "主体.企业满意度"),
        ("评分规则改变", "1.3.1"),
        ("指标名称改变", "2.3.1"),
        ("分值改变", "3"),
        ("指标删除", "3.3"),
        ("指标删除", "3.3.1"),
        ("分值改变", "4"),
        ("评分规则改变", "4.2.1"),
        ("指标增加", "4.3"),
        ("指标增加", "4.3.1"),
        ("等级表改变", "等级"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(changes, want);
    let c131 = &json["规则变化"][2];
    assert!(c131["旧文本"].as_str().unwrap().contains("≤ 3% 得 4 分"));
    assert!(c131["新文本"].as_str().unwrap().contains("≤ 2% 得 4 分"));
    assert!(c131["新文本"]
        .as_str()
        .unwrap()
        .starts_with("令 败诉率 = 行政诉讼败诉数 / 行政诉讼结案数\n分档 败诉率 {"));
    let points = &json["规则变化"][4];
    assert_eq!(
        (points["旧"].as_str(), points["新"].as_str()),
        (Some("20 分"), Some("15 分"))
    );
}

#[test]
fn layout_comments_and_operator_spelling_are_not_changes() {
    let json: serde_json::Value =
        serde_json::from_str(&diff(OLD, "tests/fixtures/diff/reformatted.zb", "json")).unwrap();
    assert_eq!(json["规则变化"], serde_json::json!([]));
    assert_eq!(json["汇总"]["等级变化主体数"], 0);
    assert!(json["主体"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["变化"] == "0.00" && r["旧排名"] == r["新排名"]));
}

#[test]
fn summary() {
    let json: serde_json::Value = serde_json::from_str(&diff(OLD, NEW, "json")).unwrap();
    let s = &json["汇总"];
    assert_eq!(s["主体数"], 30);
    assert_eq!(s["等级变化主体数"], 6);
    assert_eq!(
        (s["升高"].clone(), s["降低"].clone(), s["不变"].clone()),
        (5.into(), 14.into(), 11.into())
    );
    assert_eq!(s["总分变化合计"], "-17.45");
    // Grades in the new table's order; 优秀 → 良好: 西青区, 河东区;
    // 良好 → 合格: 顺义区, 北辰区, 朝阳区, 南开区.
    assert_eq!(
        s["等级转移矩阵"],
        serde_json::json!({
            "旧等级": ["优秀", "良好", "合格", "不合格"],
            "新等级": ["优秀", "良好", "合格", "不合格"],
            "计数": [[8, 2, 0, 0], [0, 3, 4, 0], [0, 0, 7, 0], [0, 0, 0, 6]],
        })
    );
    assert_eq!(s["变化最大的主体"].as_array().unwrap().len(), 10);
    // 4.3.1: 27 subjects with 信用承诺制 = 是 × 5; 3.3.1: minus the old
    // column's sum; 1.3.1: 19 subjects lose a point; 4.2.1: 密云区 −1.5,
    // 和平区 −0.5, 西青区 −2, 行唐县 −1.5.
    let list = |k: &str| -> Vec<(String, String)> {
        s[k].as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["编码"].as_str().unwrap().to_string(),
                    c["贡献合计"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        list("贡献最大的末级指标"),
        pairs(&[
            ("4.3.1", "+135.00"),
            ("3.3.1", "-126.45"),
            ("1.3.1", "-19.00"),
            ("4.2.1", "-5.50"),
        ])
    );
    assert_eq!(
        list("贡献最大的一级指标"),
        pairs(&[("4", "+129.50"), ("3", "-126.45"), ("1", "-19.00")])
    );
}

#[test]
fn output_is_deterministic() {
    for format in ["table", "csv", "json", "md"] {
        let a = diff(OLD, NEW, format);
        let b = diff(OLD, NEW, format);
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn output_file_equals_stdout_and_ignored_columns_are_noted() {
    let dir = std::env::temp_dir().join(format!("zhibiao-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("diff.csv");
    let (out, err, ok) = zhibiao(&[
        "diff",
        OLD,
        NEW,
        "--data",
        "examples/evidence",
        "--format",
        "csv",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        diff(OLD, NEW, "csv")
    );
    // changed.zb does not declare 企业满意度: that side ignores the column.
    assert!(err.contains("企业满意度"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_evidence_leaves_the_output_file_alone() {
    let dir = std::env::temp_dir().join(format!("zhibiao-diff-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("diff.csv");
    std::fs::write(&path, "before").unwrap();
    let (_, err, ok) = zhibiao(&[
        "diff",
        OLD,
        NEW,
        "--data",
        "主体=tests/evidence/bad/duplicate.csv",
        "--data",
        "失信事件=examples/evidence/失信事件.csv",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("证据数据有错误"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "before");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!("diff_table", diff(OLD, NEW, "table"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("diff_md", diff(OLD, NEW, "md"));
}

/// 权重 mode: tests/fixtures/weights/rules.zb with 1 and 2 reweighted from
/// 60% / 40% to 50% / 50% and a 良好 grade added. Indicator scores (0–100)
/// do not change, so each one's contribution is its score times the change
/// in its share of the total: 1 −10%, 2 +10%, 1.1 70% × −10% = −7%,
/// 1.2 30% × −10% = −3%, 2.1 +10%.
#[test]
fn weights_mode_contributions_are_weighted() {
    let (out, err, ok) = zhibiao(&[
        "diff",
        "tests/fixtures/weights/rules.zb",
        "tests/fixtures/diff/weights-changed.zb",
        "--data",
        "主体=tests/fixtures/weights/主体.csv",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<(String, String, String, String)> = json["主体"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("编码"), s("旧总分"), s("新总分"), s("变化"))
        })
        .collect();
    let want = [
        // 0.6 × 30 + 0.4 × 95 = 56 → 0.5 × 30 + 0.5 × 95 = 62.5
        ("A3", "56.00", "62.50", "+6.50"),
        // 0.6 × 93 + 0.4 × 88.5 = 91.2 → 0.5 × 93 + 0.5 × 88.5 = 90.75
        ("A1", "91.20", "90.75", "-0.45"),
        ("A2", "70.00", "70.00", "0.00"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(rows, want);
    let s = &json["汇总"];
    assert_eq!(s["总分变化合计"], "+6.05");
    let list = |k: &str| -> Vec<String> {
        s[k].as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c["编码"].as_str().unwrap(),
                    c["贡献合计"].as_str().unwrap()
                )
            })
            .collect()
    };
    // 1: −0.1 × (93 + 70 + 30); 2: +0.1 × (88.5 + 70 + 95).
    assert_eq!(list("贡献最大的一级指标"), ["2 +25.35", "1 -19.30"]);
    // 1.1: −0.07 × (90 + 100 + 0); 1.2: −0.03 × (100 + 0 + 100).
    assert_eq!(
        list("贡献最大的末级指标"),
        ["2.1 +25.35", "1.1 -13.30", "1.2 -6.00"]
    );
    let kinds: Vec<&str> = json["规则变化"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["类型"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["权重改变", "权重改变", "等级表改变"]);
    assert_eq!(json["规则变化"][0]["旧"], "权重 60%");
    assert_eq!(
        json["汇总"]["等级转移矩阵"]["新等级"],
        serde_json::json!(["优秀", "良好", "合格", "不合格"])
    );
}

/// national → province A on examples/evidence-a: every subject's new total
/// and grade equal the independently computed examples/expected/province-a.csv,
/// old ones equal `eval` of the national rules, and the change and both
/// ranks follow from them.
#[test]
fn national_to_province_a_matches_the_reference() {
    let (out, err, ok) = zhibiao(&[
        "diff",
        OLD,
        "rules/variants/province-a.zb",
        "--data",
        "examples/evidence-a",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    let (_, rows) = csv_rows(&out);
    let read = |csv: &str| -> HashMap<String, (String, String, bool)> {
        let (_, rows) = csv_rows(csv);
        rows.into_iter()
            .map(|r| {
                let vetoed = !r["否决"].is_empty();
                (
                    r["编码"].clone(),
                    (r["总分"].clone(), r["等级"].clone(), vetoed),
                )
            })
            .collect()
    };
    let (old_csv, err, ok) = zhibiao(&[
        "eval",
        OLD,
        "--data",
        "examples/evidence-a",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    let old = read(&old_csv);
    let new = read(&std::fs::read_to_string("examples/expected/province-a.csv").unwrap());
    assert_eq!(rows.len(), new.len());
    let cents = |s: &str| -> i64 { s.replace('.', "").parse().unwrap() };
    // Appendix A.1 rule 10: vetoed subjects rank after all others.
    let rank = |all: &HashMap<String, (String, String, bool)>, t: &str, v: bool| {
        let key = |total: &str, vetoed: bool| (vetoed, -cents(total));
        all.values()
            .filter(|(x, _, w)| key(x, *w) < key(t, v))
            .count()
            + 1
    };
    for r in &rows {
        let code = &r["编码"];
        let (ot, og, ov) = &old[code];
        let (nt, ng, nv) = &new[code];
        assert_eq!((&r["旧总分"], &r["旧等级"]), (ot, og), "{code}");
        assert_eq!((&r["新总分"], &r["新等级"]), (nt, ng), "{code}");
        let change = cents(nt) - cents(ot);
        let sign = if change > 0 {
            "+"
        } else if change < 0 {
            "-"
        } else {
            ""
        };
        let want = format!("{sign}{}.{:02}", change.abs() / 100, change.abs() % 100);
        assert_eq!(r["变化"], want, "{code}");
        assert_eq!(r["旧排名"], rank(&old, ot, *ov).to_string(), "{code}");
        assert_eq!(r["新排名"], rank(&new, nt, *nv).to_string(), "{code}");
    }
}

/// The memo (table, Markdown) lists the subjects whose grade changed, not
/// every subject; its mean, median and extremes agree with the CSV; the
/// movers are the `--top N` largest; vetoed grades are marked.
#[test]
fn the_memo_lists_grade_changes_and_summarises_the_rest() {
    use rust_decimal::Decimal;
    let (_, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    let changed: Vec<&HashMap<String, String>> =
        rows.iter().filter(|r| r["旧等级"] != r["新等级"]).collect();
    let (md, err, ok) = zhibiao(&[
        "diff",
        OLD,
        NEW,
        "--data",
        "examples/evidence",
        "--format",
        "md",
        "--top",
        "3",
    ]);
    assert!(ok, "{err}");
    assert!(
        md.contains(&format!(
            "## 二、等级变化的主体（{} 个，共 {} 个主体",
            changed.len(),
            rows.len()
        )),
        "{md}"
    );
    // Each subject row of the memo is a grade change or one of 3 movers.
    let listed: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .map(|l| l.split(" | ").next().unwrap())
        .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    for r in &changed {
        assert!(listed.contains(&r["编码"].as_str()), "{}", r["编码"]);
    }
    assert!(listed.len() <= changed.len() + 3, "{listed:?}");
    assert!(md.contains("### 变化最大的主体（前 3 名）"), "{md}");
    // Mean and median of the change, computed here from the CSV.
    let mut changes: Vec<Decimal> = rows
        .iter()
        .map(|r| r["变化"].trim_start_matches('+').parse().unwrap())
        .collect();
    changes.sort();
    let n = Decimal::from(changes.len());
    let mean = changes.iter().sum::<Decimal>() / n;
    let mid = changes.len() / 2;
    let median = if changes.len().is_multiple_of(2) {
        (changes[mid - 1] + changes[mid]) / Decimal::TWO
    } else {
        changes[mid]
    };
    let show = |d: Decimal| {
        let d = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let s = format!("{d:.2}");
        if d > Decimal::ZERO {
            format!("+{s}")
        } else if d.is_zero() {
            "0.00".to_owned()
        } else {
            s
        }
    };
    assert!(
        md.contains(&format!(
            "总分变化：平均 {}，中位数 {}",
            show(mean),
            show(median)
        )),
        "{md}"
    );
    assert!(md.contains("最大降幅 -6.00（110113 顺义区）"), "{md}");
    // 110114 昌平区 is vetoed on both sides: marked wherever it is listed.
    let (table, _, _) = zhibiao(&[
        "diff",
        OLD,
        NEW,
        "--data",
        "examples/evidence",
        "--top",
        "30",
    ]);
    let line = table.lines().find(|l| l.contains("110114")).unwrap();
    assert!(line.contains("不合格（否决）"), "{line}");
}

/// The rule changes read as the appendix does: a 修改对照表 in words, no
/// rule-language syntax, deleted items marked.
#[test]
fn rule_changes_are_a_comparison_table_in_words() {
    for format in ["md", "table"] {
        let out = diff(OLD, NEW, format);
        let extra = ["分档 ", "扣分 {", "```diff"];
        for syntax in rule_syntax::SYNTAX.iter().chain(&extra) {
            assert!(!out.contains(syntax), "{format}: {syntax}\n{out}");
        }
        assert!(out.contains("修改对照表（12 处）"), "{out}");
        assert!(out.contains("〔删除〕"), "{out}");
        assert!(
            out.contains("未整改的每件扣 3 分，已整改的每件扣 1 分，扣完为止"),
            "{out}"
        );
    }
    let md = diff(OLD, NEW, "md");
    assert!(md.contains("| 编号 | 原条文 | 新条文 | 说明 |"), "{md}");
}

/// The HTML memo: the same sections as the Markdown one, then every
/// subject; self-contained and printable.
#[test]
fn html_memo_has_every_section_and_every_subject() {
    let html = diff(OLD, NEW, "html");
    let (_, rows) = csv_rows(&diff(OLD, NEW, "csv"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    for section in [
        "<h2>一、修改对照表（12 处）</h2>",
        "<h2>二、等级变化的主体（6 个，共 30 个主体；按变化的绝对值从大到小）</h2>",
        "<h3>等级转移矩阵（行：旧等级，列：新等级）</h3>",
        "<h3>变化最大的主体（前 10 名）</h3>",
        "<h2>附：全部主体（30 个，按变化的绝对值从大到小）</h2>",
        "@page { size: A4;",
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
    let appendix = html.split("<h2>附：全部主体").nth(1).unwrap();
    assert_eq!(appendix.matches("<tr><td>").count(), rows.len());
    // Rule text in words, escaped: “> 15%” as &gt;.
    assert!(html.contains("&gt; 15% 得 0 分"), "escaped comparison");
    assert!(!html.contains("条数("), "no rule syntax");
}

/// `--by 所属地区`: per region, the subjects, mean change, grade changes,
/// rises and falls — recomputed here from the CSV and the evidence.
#[test]
fn by_group_summarises_each_region() {
    use rust_decimal::Decimal;
    let args = |format: &str| {
        let (out, err, ok) = zhibiao(&[
            "diff",
            OLD,
            "rules/variants/province-a.zb",
            "--data",
            "examples/evidence-a",
            "--format",
            format,
            "--by",
            "所属地区",
        ]);
        assert!(ok, "{err}");
        out
    };
    let (_, rows) = csv_rows(&args("csv"));
    let evidence = std::fs::read_to_string("examples/evidence-a/主体.csv").unwrap();
    let (_, subjects) = csv_rows(&evidence);
    let region: HashMap<String, String> = subjects
        .iter()
        .map(|s| (s["编码"].clone(), s["所属地区"].clone()))
        .collect();
    let md = args("md");
    assert!(
        md.contains("### 按所属地区（平均变化四舍五入到 2 位小数）"),
        "{md}"
    );
    let mut regions: Vec<&String> = region.values().collect();
    regions.sort();
    regions.dedup();
    for g in regions {
        let of: Vec<&HashMap<String, String>> =
            rows.iter().filter(|r| &region[&r["编码"]] == g).collect();
        let changes: Vec<Decimal> = of
            .iter()
            .map(|r| r["变化"].trim_start_matches('+').parse().unwrap())
            .collect();
        let mean = (changes.iter().sum::<Decimal>() / Decimal::from(changes.len()))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let mean = match mean {
            m if m > Decimal::ZERO => format!("+{m:.2}"),
            m if m.is_zero() => "0.00".to_owned(),
            m => format!("{m:.2}"),
        };
        let changed = of.iter().filter(|r| r["旧等级"] != r["新等级"]).count();
        let up = changes.iter().filter(|c| **c > Decimal::ZERO).count();
        let down = changes.iter().filter(|c| **c < Decimal::ZERO).count();
        let line = format!(
            "| {g} | {} | {mean} | {changed} | {up} | {down} |",
            of.len()
        );
        assert!(md.contains(&line), "{line}\n{md}");
    }
    // An unknown field is an error naming the fields that can be used.
    let (_, err, ok) = zhibiao(&[
        "diff",
        OLD,
        NEW,
        "--data",
        "examples/evidence",
        "--by",
        "地区",
    ]);
    assert!(!ok);
    assert!(err.contains("可用的有 名称、所属地区"), "{err}");
}
