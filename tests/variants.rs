//! Variant rule files: they check clean, and the merged model has exactly
//! the differences variant-a.md states.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use zhibiao::driver::compile_file;
use zhibiao::ir::Model;
use zhibiao::number;

fn model(path: &str) -> Model {
    let c = compile_file(Path::new(path)).unwrap();
    assert!(
        c.diagnostics.is_empty(),
        "{path}: {}",
        zhibiao::diagnostic::render_plain(&c.files, &c.diagnostics)
    );
    c.model.unwrap()
}

fn points(m: &Model, code: &str) -> Option<String> {
    m.indicators
        .iter()
        .find(|i| i.code == code)
        .map(|i| number::show(&i.weight))
}

#[test]
fn province_a_is_national_with_the_stated_differences() {
    let m = model("rules/variants/province-a.zb");
    let codes: Vec<&str> = m.indicators.iter().map(|i| i.code.as_str()).collect();
    assert!(!codes.contains(&"2.3") && !codes.contains(&"2.3.1"));
    assert_eq!(codes.iter().filter(|c| !c.contains('.')).count(), 6);
    assert_eq!(codes.last(), Some(&"6.1.1"));
    assert_eq!(
        codes.iter().filter(|c| c.matches('.').count() == 2).count(),
        25
    );
    assert_eq!(points(&m, "2").as_deref(), Some("15"));
    assert_eq!(points(&m, "6").as_deref(), Some("5"));
    let roots: Vec<String> = m
        .roots
        .iter()
        .map(|r| number::show(&m.indicators[*r].weight))
        .collect();
    assert_eq!(roots, ["25", "15", "20", "25", "10", "5"]);
    assert!(m.subject.field("信用应用场景数").is_some() && m.subject.field("信用试点").is_some());
    let bonus: Vec<&str> = m.bonuses.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(bonus, ["B1", "B2"]);
    assert_eq!(m.policy.bonus_cap, Some(number::int(5)));
    let grades: Vec<&str> = m.grades.iter().map(|g| g.grade.as_str()).collect();
    assert_eq!(grades, ["优秀", "良好", "合格", "不合格"]);
    assert_eq!(m.grades[0].test.map(|t| t.1), Some(number::int(85)));
    assert_eq!(m.meta.standard, "政务诚信评价指标 A省实施细则");
}

#[test]
fn a_city_variant_of_the_province_variant_chains() {
    let m = model("rules/variants/city-a1.zb");
    let bonus: Vec<&str> = m.bonuses.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(bonus, ["B1", "B2", "B3"]);
    // Inherited from the province: no 2.3, first-level 6 present.
    assert!(points(&m, "2.3").is_none());
    assert_eq!(points(&m, "6").as_deref(), Some("5"));
    assert!(m.subject.field("市级创新案例数").is_some());
}

#[test]
fn variants_check_clean_from_the_command_line() {
    for f in ["rules/variants/province-a.zb", "rules/variants/city-a1.zb"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(["check", f])
            .output()
            .unwrap();
        assert!(out.status.success(), "{f}");
        // No diagnostic: only the summary.
        assert!(
            out.stdout.is_empty() && out.stderr == "1 个文件：0 个错误，0 个警告\n".as_bytes(),
            "{f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn eval_csv(rules: &str, data: &str, extra: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["eval", rules, "--data", data, "--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn province_a_sample_matches_the_independent_reference() {
    let expected = std::fs::read_to_string("examples/expected/province-a.csv").unwrap();
    assert_eq!(
        eval_csv("rules/variants/province-a.zb", "examples/evidence-a", &[]),
        expected
    );
}

#[test]
fn province_a_generated_population_matches_the_reference() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("python3 not found: skipping the generated cross-check");
        return;
    }
    // 1,200 subjects: both files are read on every core (over 128 KiB).
    let dir = std::env::temp_dir().join(format!("zhibiao-gen-a-{}", std::process::id()));
    let gen = std::process::Command::new("python3")
        .args([
            "tests/reference/gen_evidence.py",
            "--variant",
            "a",
            "--subjects",
            "1200",
            "--events-per-subject",
            "8",
            "--seed",
            "5",
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
    let got = eval_csv("rules/variants/province-a.zb", dir.to_str().unwrap(), &[]);
    assert_eq!(
        got,
        std::fs::read_to_string(dir.join("expected.csv")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
