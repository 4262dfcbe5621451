//! Snapshot review of rule changes: for every rule file in rules/, its
//! results over the sample evidence are snapshotted (the generated appendix
//! is in tests/doc.rs), so a rule edit shows up in review as changed numbers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const RULES: &[(&str, &str, &str)] = &[
    ("national", "rules/national.zb", "examples/evidence"),
    (
        "province_a",
        "rules/variants/province-a.zb",
        "examples/evidence-a",
    ),
    (
        "city_a1",
        "rules/variants/city-a1.zb",
        "examples/evidence-a1",
    ),
];

#[test]
fn results_of_every_rule_file_on_its_sample() {
    for (name, rules, data) in RULES {
        let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(["eval", rules, "--data", data, "--format", "csv"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{rules}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        insta::assert_snapshot!(
            format!("eval_{name}_csv"),
            String::from_utf8(out.stdout).unwrap()
        );
    }
}

#[test]
fn every_rule_file_has_a_snapshot_entry() {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.to_string_lossy().ends_with(".zb")
                && !p.to_string_lossy().ends_with(".test.zb")
            {
                out.push(p.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    walk(std::path::Path::new("rules"), &mut files);
    for f in files {
        assert!(
            RULES.iter().any(|(_, r, _)| *r == f),
            "{f} has no results snapshot: add it to RULES"
        );
    }
}
