#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `zhibiao sensitivity` (#13): hand-built populations whose answers are
//! known, and a re-derivation of the counts for thresholds of the
//! national rules by editing each threshold in a copy of the rules and
//! evaluating again.

#[path = "../benches/support/gen.rs"]
mod gen;
#[path = "support/office.rs"]
mod office;

use std::path::{Path, PathBuf};
use std::process::Command;
use zhibiao::analysis::sensitivity::{self, margins, Deltas, Threshold};
use zhibiao::eval::{Scorer, SubjectResult};
use zhibiao::evidence::{self, LoadOptions, Schema, Source};
use zhibiao::number::Num;
use zhibiao::plan::Plan;

fn plan_of(text: &str) -> Plan {
    let c = zhibiao::driver::compile_source("rules.zb", text);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    zhibiao::plan::build(c.model.unwrap(), &[]).unwrap()
}

fn load(plan: &Plan, dir: &Path) -> evidence::Evidence {
    let schema = Schema::of(&plan.model);
    let mut sources = vec![Source {
        table: "主体".into(),
        path: dir.join("主体.csv"),
    }];
    if dir.join("失信事件.csv").exists() {
        sources.push(Source {
            table: "失信事件".into(),
            path: dir.join("失信事件.csv"),
        });
    }
    evidence::load(&schema, &sources, &LoadOptions::default())
        .unwrap()
        .evidence
}

fn analyse(plan: &Plan, dir: &Path, deltas: &Deltas) -> (Vec<SubjectResult>, Vec<Threshold>) {
    let ev = load(plan, dir);
    let scorer = Scorer::new(plan, &ev).unwrap();
    let base = scorer.run().unwrap();
    let t = sensitivity::thresholds(&scorer, &base, deltas).unwrap();
    (base, t)
}

const SMALL: &str = r#"标准 "示例"
计分 分值
通则 {
  满分 10
  舍入 四舍五入 2 位
}
对象表 主体 {
  编码: 文本, 主键
  名称: 文本
  达标率: 百分数
  补充分: 分数
}
指标 1 达标 6 分 {
  分档 达标率 {
    ≥ 95 得 6 分
    否则 得 0 分
  }
}
指标 2 其他 4 分 {
  公式 补充分 ÷ 25
}
等级 {
  ≥ 9 为 优秀
  ≥ 6 为 合格
  否则 为 不合格
}
"#;

fn dir_with(name: &str, subjects: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-sens-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("主体.csv"), subjects).unwrap();
    dir
}

#[test]
fn three_subjects_around_a_band_threshold() {
    // 94.9, 95.0, 95.1 against ≥ 95 with δ = 0.2: at 94.8 all three get
    // the 6 points (94.9 gains), at 95.2 none does (95.0 and 95.1 lose).
    let dir = dir_with(
        "band",
        "编码,名称,达标率,补充分\nA,甲,94.9,75\nB,乙,95.0,75\nC,丙,95.1,75\n",
    );
    let plan = plan_of(SMALL);
    let deltas = Deltas {
        percent_points: Num::new(2, 10),
        ..Deltas::default()
    };
    let (base, all) = analyse(&plan, &dir, &deltas);
    let totals: Vec<String> = base.iter().map(|r| r.total.to_string()).collect();
    assert_eq!(totals, ["3.00", "9.00", "9.00"]);
    let band = all
        .iter()
        .find(|t| t.knob.label == "1 分档 ≥ 95 得 6 分")
        .unwrap();
    assert_eq!(band.near, 3);
    assert_eq!(band.score_changed, vec![0, 1, 2]);
    let moves: Vec<String> = (band.grade_changed.iter())
        .map(|m| format!("{} {} {}→{}", m.code, m.by, m.from, m.to))
        .collect();
    assert_eq!(
        moves,
        ["A -δ 不合格→优秀", "B +δ 优秀→不合格", "C +δ 优秀→不合格"]
    );
    assert_eq!(band.grade_subjects(), 3);
    // Ranked first: it changes the most grades.
    assert_eq!(all[0].knob.label, band.knob.label);
}

#[test]
fn margins_around_a_grade_boundary() {
    // Totals 89.6 / 90.0 / 90.4 at a boundary of 90, ε = 0.5.
    let text = SMALL
        .replace("满分 10", "满分 100")
        .replace("指标 1 达标 6 分", "指标 1 达标 60 分")
        .replace("得 6 分", "得 60 分")
        .replace("指标 2 其他 4 分", "指标 2 其他 40 分")
        .replace("公式 补充分 ÷ 25", "公式 补充分 × 40 ÷ 100")
        .replace("≥ 9 为 优秀", "≥ 90 为 优秀")
        .replace("≥ 6 为 合格", "≥ 60 为 合格");
    let dir = dir_with(
        "margin",
        "编码,名称,达标率,补充分\nA,甲,99,74\nB,乙,99,75\nC,丙,99,76\nD,丁,99,50\n",
    );
    let plan = plan_of(&text);
    let ev = load(&plan, &dir);
    let base = Scorer::new(&plan, &ev).unwrap().run().unwrap();
    let totals: Vec<String> = base.iter().map(|r| r.total.to_string()).collect();
    assert_eq!(totals, ["89.60", "90.00", "90.40", "80.00"]);
    let m = margins::margins(&plan.model, &base, &Num::new(1, 2));
    let shown: Vec<String> = (m.iter())
        .map(|m| {
            format!(
                "{} {} {} {}→{} {}",
                m.code, m.direction, m.gap, m.grade, m.to, m.boundary
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "B down 0 优秀→合格 90",
            "A up 0.4 合格→优秀 90",
            "C down 0.4 优秀→合格 90"
        ]
    );
    // Up: 乙's lost points are in 指标 2 (10.4 of 40 lost... A lost 10.4).
    assert_eq!(
        m[1].indicators,
        vec![("2".to_string(), "10.40".parse().unwrap())]
    );
}

fn national() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/national.zb")).unwrap()
}

fn evaluate(text: &str, dir: &Path) -> Vec<SubjectResult> {
    let plan = plan_of(text);
    let ev = load(&plan, dir);
    zhibiao::eval::run(&plan, &ev).unwrap()
}

/// A national threshold re-derived: the rules edited by hand to each
/// side, evaluated, and the subjects whose indicator score or grade
/// changed counted.
fn rederive(label: &str, indicator: &str, from: &str, down: Option<&str>, up: Option<&str>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/evidence");
    rederive_on(&dir, label, indicator, from, down, up);
}

fn rederive_on(
    dir: &Path,
    label: &str,
    indicator: &str,
    from: &str,
    down: Option<&str>,
    up: Option<&str>,
) {
    let dir = dir.to_path_buf();
    let text = national();
    let plan = plan_of(&text);
    let (base, all) = analyse(&plan, &dir, &Deltas::default());
    let t = all
        .iter()
        .find(|t| t.knob.label == label)
        .unwrap_or_else(|| panic!("{label}"));
    let i = plan
        .model
        .indicators
        .iter()
        .position(|x| x.code == indicator)
        .unwrap();
    let mut score_changed = std::collections::BTreeSet::new();
    let mut grade_moves = Vec::new();
    let sides = [("-δ", down), ("+δ", up)];
    // A side the tool does not compute is one the rules cannot be
    // written with; the test names the same sides.
    let skipped: Vec<&str> = sides
        .iter()
        .filter(|(_, s)| s.is_none())
        .map(|(by, _)| *by)
        .collect();
    match &t.skipped {
        Some(why) => assert!(
            skipped.iter().all(|by| why.contains(by)) && !skipped.is_empty(),
            "{why}"
        ),
        None => assert!(skipped.is_empty(), "{label}: nothing skipped"),
    }
    for (by, to) in sides.iter().filter_map(|(by, to)| to.map(|to| (*by, to))) {
        assert_eq!(text.matches(from).count(), 1, "{from} must be unique");
        let edited = evaluate(&text.replace(from, to), &dir);
        for (row, (a, b)) in base.iter().zip(&edited).enumerate() {
            if a.indicators[i].score != b.indicators[i].score {
                score_changed.insert(row);
            }
            if a.grade != b.grade {
                grade_moves.push(format!("{} {by} {}→{}", a.code, a.grade, b.grade));
            }
        }
    }
    let ours: Vec<String> = (t.grade_changed.iter())
        .map(|m| format!("{} {} {}→{}", m.code, m.by, m.from, m.to))
        .collect();
    assert_eq!(
        t.score_changed,
        score_changed.into_iter().collect::<Vec<_>>(),
        "{label}"
    );
    let (mut ours, mut theirs) = (ours, grade_moves);
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs, "{label}");
}

#[test]
fn national_thresholds_match_edited_rules() {
    rederive(
        "3.2.1 分档 ≥ 98% 得 4 分",
        "3.2.1",
        "≥ 98% 得 4 分",
        Some("≥ 97% 得 4 分"),
        Some("≥ 99% 得 4 分"),
    );
    rederive(
        "1.3.1 分档 ≤ 3% 得 4 分",
        "1.3.1",
        "≤ 3% 得 4 分",
        Some("≤ 2% 得 4 分"),
        Some("≤ 4% 得 4 分"),
    );
    rederive(
        "3.1.2 插值 60 得 4 分",
        "3.1.2",
        "60 得 4 分",
        Some("59 得 4 分"),
        Some("61 得 4 分"),
    );
    // Key 2 moved down would repeat key 1: only up is computed.
    rederive(
        "5.2.2 对照 2 得 1 分",
        "5.2.2",
        "        2 得 1 分",
        None,
        Some("        3 得 1 分"),
    );
    rederive(
        "1.1.2 扣分 第 2 行 扣 2 分",
        "1.1.2",
        "每 规范性文件被撤销纠正数 扣 2 分",
        Some("每 规范性文件被撤销纠正数 扣 1.5 分"),
        Some("每 规范性文件被撤销纠正数 扣 2.5 分"),
    );
    // `= 100%` cannot move up past 100%.
    rederive(
        "1.1.1 分档 = 100% 得 5 分",
        "1.1.1",
        "= 100% 得 5 分",
        Some("= 99% 得 5 分"),
        None,
    );
}

#[test]
fn national_thresholds_on_3000_generated_subjects_match_edited_rules() {
    let dir = tempfile::tempdir().unwrap();
    gen::write(dir.path(), 3000, 10, 42).unwrap();
    rederive_on(
        dir.path(),
        "2.2.1 分档 ≥ 98% 得 3 分",
        "2.2.1",
        "≥ 98% 得 3 分",
        Some("≥ 97% 得 3 分"),
        Some("≥ 99% 得 3 分"),
    );
    rederive_on(
        dir.path(),
        "1.2.2 插值 25% 得 0 分",
        "1.2.2",
        "25% 得 0 分",
        Some("24% 得 0 分"),
        Some("26% 得 0 分"),
    );
    rederive_on(
        dir.path(),
        "等级 ≥ 80 为 良好",
        "1",
        "≥ 80 为 良好",
        Some("≥ 79.5 为 良好"),
        Some("≥ 80.5 为 良好"),
    );
}

#[test]
fn every_threshold_of_the_national_rules_is_listed() {
    let plan = plan_of(&national());
    let knobs = sensitivity::knobs::all(&plan.model);
    let kinds = |k: sensitivity::knobs::Kind| knobs.iter().filter(|x| x.kind == k).count();
    use sensitivity::knobs::Kind::*;
    // Counted from rules/national.zb by hand: 36 band rows with a
    // threshold, 7 of them closing rows (`< 80` after `≥ 80`) that share
    // their threshold with the row above and move with it.
    assert_eq!(kinds(Band), 29);
    assert_eq!(kinds(Lookup), 3);
    assert_eq!(kinds(Anchor), 10);
    assert_eq!(kinds(Guard), 1);
    assert_eq!(kinds(Deduction), 9);
    assert_eq!(kinds(Grade), 3);
}

#[test]
fn the_command_writes_each_format_and_refuses_an_input_as_output() {
    let bin = env!("CARGO_BIN_EXE_zhibiao");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("zhibiao-sens-out-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    for ext in ["md", "csv", "json", "html"] {
        let file = out.join(format!("敏感性.{ext}"));
        let status = Command::new(bin)
            .current_dir(root)
            .args([
                "sensitivity",
                "rules/national.zb",
                "--data",
                "examples/evidence",
                "-o",
            ])
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "{ext}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("3.1.2 插值 60 得 4 分"), "{ext}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("敏感性.json")).unwrap()).unwrap();
    assert_eq!(json["subjects"], 30);
    assert_eq!(json["thresholds"].as_array().unwrap().len(), 55);
    let refused = Command::new(bin)
        .current_dir(root)
        .args([
            "sensitivity",
            "rules/national.zb",
            "--data",
            "examples/evidence",
            "-o",
            "rules/national.zb",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

fn national_base() -> (Plan, Vec<SubjectResult>) {
    let plan = plan_of(&national());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/evidence");
    let ev = load(&plan, &dir);
    let base = Scorer::new(&plan, &ev).unwrap().run().unwrap();
    (plan, base)
}

#[test]
fn spread_zero_gives_every_subject_its_rank_and_grade() {
    use zhibiao::analysis::sensitivity::uncertainty::{uncertainty, Options};
    let (plan, base) = national_base();
    let opts = Options {
        runs: 50,
        spread: 0,
        seed: 7,
    };
    let u = uncertainty(&plan.model, &base, &opts);
    for (s, r) in u.subjects.iter().zip(&base) {
        assert_eq!(
            (s.low_rank, s.median_rank, s.high_rank),
            (s.rank, s.rank, s.rank),
            "{}",
            s.code
        );
        let got: Vec<&(String, usize)> = s.grades.iter().filter(|(_, n)| *n > 0).collect();
        assert_eq!(got, vec![&(r.grade.clone(), 50)], "{}", s.code);
    }
}

#[test]
fn points_drawn_near_their_declared_values_move_ranks_within_bounds() {
    use zhibiao::analysis::sensitivity::uncertainty::{uncertainty, Options};
    let (plan, base) = national_base();
    let opts = Options {
        runs: 200,
        spread: 20,
        seed: 7,
    };
    let u = uncertainty(&plan.model, &base, &opts);
    // 东城区 leads with every weighting; 河西区 (89.99, a hair below 优秀)
    // is 优秀 in some runs and 良好 in others.
    let first = &u.subjects[0];
    assert_eq!(
        (first.code.as_str(), first.low_rank, first.high_rank),
        ("110101", 1, 1)
    );
    let hexi = u.subjects.iter().find(|s| s.code == "120103").unwrap();
    let shares: Vec<usize> = hexi.grades.iter().map(|(_, n)| *n).collect();
    assert!(
        shares.iter().filter(|n| **n > 0).count() == 2,
        "{:?}",
        hexi.grades
    );
    assert_eq!(shares.iter().sum::<usize>(), 200);
    for s in &u.subjects {
        assert!(s.low_rank <= s.median_rank && s.median_rank <= s.high_rank);
    }
}

#[test]
fn the_same_seed_gives_byte_identical_output() {
    let bin = env!("CARGO_BIN_EXE_zhibiao");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |seed: &str| {
        let out = Command::new(bin)
            .current_dir(root)
            .args([
                "sensitivity",
                "rules/national.zb",
                "--data",
                "examples/evidence",
            ])
            .args([
                "--runs", "100", "--spread", "20%", "--seed", seed, "--format", "json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let (a, b, c) = (run("7"), run("7"), run("8"));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn removing_an_indicator_everyone_scores_equally_on_moves_no_rank() {
    use zhibiao::analysis::sensitivity::uncertainty::{uncertainty, Options};
    // 指标 2 gives every subject the same 4 points.
    let text = SMALL.replace("公式 补充分 ÷ 25", "公式 最小(补充分, 4)");
    let dir = dir_with(
        "removal",
        "编码,名称,达标率,补充分\nA,甲,94,50\nB,乙,96,50\nC,丙,99,50\n",
    );
    let plan = plan_of(&text);
    let ev = load(&plan, &dir);
    let base = Scorer::new(&plan, &ev).unwrap().run().unwrap();
    let opts = Options {
        runs: 10,
        spread: 10,
        seed: 1,
    };
    let u = uncertainty(&plan.model, &base, &opts);
    let two = u.removal.iter().find(|m| m.code == "2").unwrap();
    assert_eq!(two.mean_shift.to_string(), "0.00");
    // Without 指标 1 the three tie: ranks 3, 1, 1 become 1, 1, 1.
    let one = u.removal.iter().find(|m| m.code == "1").unwrap();
    assert_eq!(one.mean_shift.to_string(), "0.67");
}

/// `-o 敏感性.xlsx`: the thresholds, margins, uncertainty and removal as
/// sheets, read back with calamine and opened by LibreOffice.
#[test]
fn the_workbook_holds_every_table() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("敏感性.xlsx");
    let status = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "sensitivity",
            "rules/national.zb",
            "--data",
            "examples/evidence",
        ])
        .args(["--runs", "20", "-o"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["阈值", "等级边界", "不确定性", "逐项剔除"]
    );
    let t = book.worksheet_range("阈值").unwrap();
    assert_eq!(t.height(), 56, "a header and 55 thresholds");
    let row = (1..t.height())
        .find(|&r| t.get((r, 0)) == Some(&Data::String("3.2.1 分档 ≥ 98% 得 4 分".into())))
        .unwrap();
    assert_eq!(t.get((row, 3)), Some(&Data::Float(21.0)));
    assert_eq!(t.get((row, 5)), Some(&Data::Float(4.0)));
    let u = book.worksheet_range("不确定性").unwrap();
    assert_eq!(u.height(), 31);
    if let Some(sheets) = office::sheets_as_csv(&path) {
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["阈值", "等级边界", "不确定性", "逐项剔除"]);
        assert!(sheets[0].1.contains("3.2.1 分档 ≥ 98% 得 4 分"));
    }
}
