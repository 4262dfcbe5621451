//! `zhibiao explain`: the feedback letter of a subject, by code or name;
//! `--all -o DIR` writes one per subject. The letters are snapshots
//! (every rule form: bands, interpolation, deductions, checklist, lookup,
//! guard, relative scoring, weights-style parents), and their numbers are
//! checked against `eval --format csv` for every subject of the sample.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const NATIONAL: &str = "rules/national.zb";
const EVIDENCE: &str = "examples/evidence";
/// Three subjects: two with the same name, one with a hostile name; every
/// 开放数据集数 0 and every 企业满意度 equal, so both guards fire.
const LETTER: &str = "tests/fixtures/letter";

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn zhibiao(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code(),
    }
}

fn explain(rules: &str, data: &str, subject: &str) -> Run {
    zhibiao(&["explain", rules, "--data", data, "--subject", subject])
}

/// A fresh temporary directory, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("zhibiao-explain-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn letters_cover_every_rule_form() {
    let weights = "主体=tests/fixtures/weights/主体.csv";
    let cases = [
        // Veto V1, a deduction naming its event, the minimum held by itself.
        ("national_110115", NATIONAL, EVIDENCE, "110115"),
        // Checklist with one “是”, interpolation mid-segment, lookup.
        ("national_120113", NATIONAL, EVIDENCE, "120113"),
        // Nine zero denominators, a bonus from one of two fields.
        ("national_110111", NATIONAL, EVIDENCE, "110111"),
        // Both guards fire (maximum 0; maximum = minimum); band 95 ≤ x < 98.
        ("guards_510102", NATIONAL, LETTER, "510102"),
        // 权重: weighted sums of parents and of the base score.
        (
            "weights_A1",
            "tests/fixtures/weights/rules.zb",
            weights,
            "A1",
        ),
        (
            "weights_A3",
            "tests/fixtures/weights/rules.zb",
            weights,
            "A3",
        ),
    ];
    for (name, rules, data, subject) in cases {
        let run = explain(rules, data, subject);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        insta::assert_snapshot!(format!("letter_{name}"), run.stdout);
    }
}

#[test]
fn subject_by_name_is_the_same_letter_as_by_code() {
    let by_code = explain(NATIONAL, EVIDENCE, "110109");
    let by_name = explain(NATIONAL, EVIDENCE, "门头沟区");
    assert_eq!(by_code.code, Some(0), "{}", by_code.stderr);
    assert_eq!(by_name.code, Some(0), "{}", by_name.stderr);
    assert_eq!(by_code.stdout, by_name.stdout);
    assert!(by_name.stdout.starts_with("# 门头沟区（110109）"));
}

#[test]
fn an_ambiguous_name_lists_the_subjects_with_their_codes() {
    let run = explain(NATIONAL, LETTER, "同名县");
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "", "nothing else printed");
    assert!(
        run.stderr.contains("有 2 个主体名为“同名县”"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("同名县（编码 510101）"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("同名县（编码 510102）"),
        "{}",
        run.stderr
    );
    // Either of them by its code.
    assert_eq!(explain(NATIONAL, LETTER, "510102").code, Some(0));
}

#[test]
fn an_unknown_subject_says_so_with_near_candidates() {
    let run = explain(NATIONAL, EVIDENCE, "东城");
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("证据中没有编码或名称为“东城”的主体"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("是否要找：东城区（编码 110101）"),
        "{}",
        run.stderr
    );
    let code = explain(NATIONAL, EVIDENCE, "110110");
    assert_eq!(code.code, Some(1));
    assert!(
        code.stderr.contains("房山区（编码 110111）"),
        "{}",
        code.stderr
    );
    let far = explain(NATIONAL, EVIDENCE, "完全无关的名字");
    assert_eq!(far.code, Some(1));
    assert!(!far.stderr.contains("是否要找"), "{}", far.stderr);
}

/// `eval --format csv` as rows by code: column name → cell.
fn csv_results() -> (Vec<String>, Vec<HashMap<String, String>>) {
    let run = zhibiao(&["eval", NATIONAL, "--data", EVIDENCE, "--format", "csv"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut lines = run.stdout.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect();
    (head, rows)
}

#[test]
fn every_letter_agrees_with_eval_csv_and_vetoed_subjects_rank_last() {
    let (head, rows) = csv_results();
    let dir = Dir::new("agree");
    let run = zhibiao(&[
        "explain",
        NATIONAL,
        "--data",
        EVIDENCE,
        "--all",
        "-o",
        dir.0.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(files(&dir.0).len(), rows.len());
    let national = std::fs::read_to_string(NATIONAL).unwrap();
    let kept = rows.iter().filter(|r| r["否决"].is_empty()).count();
    assert_eq!(kept, 27, "the sample has three vetoed subjects");
    for row in &rows {
        let path = dir.0.join(format!("{}-{}.md", row["编码"], row["名称"]));
        let letter = std::fs::read_to_string(&path).unwrap();
        let who = &row["编码"];
        assert!(
            letter.contains(&format!(
                "总分 {} 分（基础分 {} + 加分 {}）",
                row["总分"], row["基础分"], row["加分"]
            )),
            "{who}"
        );
        assert!(
            letter.contains(&format!("- 等级：{}\n", row["等级"])),
            "{who}"
        );
        // Every indicator's heading carries its score, as the CSV has it.
        for code in head.iter().skip(8) {
            let name = indicator_name(&national, code);
            let heading = format!(" {code} {name}：{} ", row[code]);
            assert!(letter.contains(&heading), "{who}: no “{heading}”");
        }
        let rank: usize = letter
            .split("排名：第 ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        if row["否决"].is_empty() {
            assert!(rank <= kept, "{who}: rank {rank}");
        } else {
            assert!(rank > kept, "{who}: a vetoed subject ranks {rank}");
            assert!(letter.contains("一票否决："), "{who}");
        }
    }
    // 昌平区 (V2) has the best total of all, 100.00, yet ranks after the
    // 27 subjects not vetoed.
    let changping = std::fs::read_to_string(dir.0.join("110114-昌平区.md")).unwrap();
    assert!(changping.contains("总分 100.00 分"), "{changping}");
    assert!(
        changping.contains("排名：第 28 名（共 30 个主体"),
        "{changping}"
    );
}

/// The name of indicator `code` in the rule file (quoted or not).
fn indicator_name(rules: &str, code: &str) -> String {
    let line = rules
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("指标 {code} ")))
        .unwrap();
    let rest = line[format!("指标 {code} ").len()..].trim_start();
    match rest.strip_prefix('"') {
        Some(q) => q.split('"').next().unwrap().to_string(),
        None => rest.split(' ').next().unwrap().to_string(),
    }
}

#[test]
fn json_letters_have_exact_values() {
    let run = zhibiao(&[
        "explain",
        NATIONAL,
        "--data",
        EVIDENCE,
        "--subject",
        "110109",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ind = |code: &str| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap()
            .clone()
    };
    // 4 × 45.5 ÷ 60 = 91/30: shown 3.03, exact as a fraction.
    assert_eq!(ind("3.1.2")["score"], "3.03");
    assert_eq!(ind("3.1.2")["unrounded"], "91/30");
    assert_eq!(ind("1.2.2")["unrounded"], "4.975");
    assert_eq!(ind("5.1.2")["values"]["办结率"], "1/120");
    assert_eq!(v["next_grade"]["grade"], "良好");
    assert_eq!(v["next_grade"]["gap"], "3.21");
    assert_eq!(v["total"], "76.79");
}

#[test]
fn all_writes_one_md_and_one_html_per_subject_with_safe_escaped_names() {
    let dir = Dir::new("all");
    let out = dir.0.join("letters");
    let run = zhibiao(&[
        "explain",
        NATIONAL,
        "--data",
        LETTER,
        "--all",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let hostile = "510103-_script_alert(1)__script__.._甲_乡";
    assert_eq!(
        files(&out),
        vec![
            "510101-同名县.html".to_string(),
            "510101-同名县.md".to_string(),
            "510102-同名县.html".to_string(),
            "510102-同名县.md".to_string(),
            format!("{hostile}.html"),
            format!("{hostile}.md"),
        ]
    );
    assert_eq!(
        files(&dir.0),
        vec!["letters".to_string()],
        "nothing outside DIR"
    );
    let html = std::fs::read_to_string(out.join(format!("{hostile}.html"))).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;/../甲&quot;乡"));
    assert!(html.contains("size: A4"), "print CSS");
    assert!(!html.contains("http"), "self-contained");
    let md = std::fs::read_to_string(out.join(format!("{hostile}.md"))).unwrap();
    assert!(!md.contains("<script"), "{md}");
    assert!(md.starts_with("# &lt;script>alert(1)&lt;/script>/../甲\"乡（510103）"));
}

#[test]
fn all_refuses_to_overwrite_an_input_and_needs_a_directory() {
    let dir = Dir::new("input");
    // The rule file itself sits where a letter would be written.
    let rules = dir.0.join("510101-同名县.md");
    std::fs::copy(NATIONAL, &rules).unwrap();
    let before = std::fs::read(&rules).unwrap();
    let run = zhibiao(&[
        "explain",
        rules.to_str().unwrap(),
        "--data",
        LETTER,
        "--all",
        "-o",
        dir.0.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("输入文件"), "{}", run.stderr);
    assert_eq!(std::fs::read(&rules).unwrap(), before);
    assert_eq!(
        files(&dir.0),
        vec!["510101-同名县.md".to_string()],
        "nothing written"
    );
    // -o naming a file, not a directory.
    let run = zhibiao(&[
        "explain",
        NATIONAL,
        "--data",
        LETTER,
        "--all",
        "-o",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("须为目录"), "{}", run.stderr);
    // --all without -o is refused by the argument parser.
    let run = zhibiao(&["explain", NATIONAL, "--data", LETTER, "--all"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn a_variant_letter_names_ties_and_its_own_bonus_rows() {
    let dir = Dir::new("variant");
    let run = zhibiao(&[
        "explain",
        "rules/variants/province-a.zb",
        "--data",
        "examples/evidence-a",
        "--all",
        "-o",
        dir.0.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let letters: Vec<String> = files(&dir.0)
        .iter()
        .map(|f| std::fs::read_to_string(dir.0.join(f)).unwrap())
        .collect();
    assert_eq!(letters.len(), 36);
    let tied = letters
        .iter()
        .filter(|l| l.contains("排名：第 1 名（并列）"))
        .count();
    assert_eq!(tied, 2, "two subjects share the first place");
    // B2 (若 信用试点 = 是 加 1 分) reads as its field, yes or no.
    assert!(letters
        .iter()
        .any(|l| l.contains("加分 B2 信用试点：信用试点：是，加 1 分；计 1.00 分")));
    assert!(letters.iter().any(|l| l.contains("信用试点：否，不加分")));
    // 2.3 is deleted in the variant: no letter calculates it.
    assert!(letters.iter().all(|l| !l.contains("2.3.1 公共数据开放")));
}
