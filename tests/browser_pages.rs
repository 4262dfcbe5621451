//! The other pages people read, in a real browser (issue #11, part 6):
//! a feedback letter (`explain --format html`) rendered to PNG, the
//! published appendix (`doc --format html`, national and a variant) and
//! the diff memo (`diff --format html`) printed to A4 PDF. Each loads in
//! headless Chromium with no console error and no failed resource, runs
//! no script of its own, and shows its Chinese text. (The report's own
//! browser tests are in `tests/report.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::process::Command;

fn zhibiao(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1740818096")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zhibiao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Load `page` (a probed copy) and check: no error, no script of its
/// own, every text in `shown` on the rendered page.
fn loads_cleanly(b: &browser::Browser, dir: &Path, page: &Path, shown: &[&str]) {
    let html = std::fs::read_to_string(page).unwrap();
    let name = format!("probed-{}", page.file_name().unwrap().to_string_lossy());
    let (probe, console, _) = browser::load(b, dir, &name, &html);
    assert!(
        probe.errors.is_empty(),
        "{}: {:?}",
        page.display(),
        probe.errors
    );
    assert!(console.is_empty(), "{}: {console:?}", page.display());
    assert_eq!(probe.scripts, 1, "only the probe's own script");
    for text in shown {
        assert!(
            probe.text.contains(text),
            "{text} not shown on {}",
            page.display()
        );
    }
}

fn out(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[test]
fn a_feedback_letter_renders_to_png() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let letter = out(dir.path(), "东城区.html");
    zhibiao(&[
        "explain",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--subject",
        "110101",
        "--format",
        "html",
        "-o",
        letter.to_str().unwrap(),
    ]);
    loads_cleanly(&b, dir.path(), &letter, &["东城区", "110101", "依法行政"]);
    let png = out(dir.path(), "letter.png");
    b.screenshot(&letter, &png, 1000, 1400);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(bytes.len() > 20_000, "PNG of {} bytes", bytes.len());
}

#[test]
fn the_appendix_prints_to_a4_pdf() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (rules, name, shown) in [
        ("rules/national.zb", "附录.html", "政务诚信评价通用指标"),
        (
            "rules/variants/province-a.zb",
            "A省细则.html",
            "A省实施细则",
        ),
    ] {
        let page = out(dir.path(), name);
        zhibiao(&[
            "doc",
            rules,
            "--format",
            "html",
            "-o",
            page.to_str().unwrap(),
        ]);
        loads_cleanly(&b, dir.path(), &page, &[shown, "依法行政"]);
        let pdf = out(dir.path(), &format!("{name}.pdf"));
        b.print_pdf(&page, &pdf);
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.len() > 20_000, "PDF of {} bytes", bytes.len());
        assert!(browser::a4_pages(&bytes) >= 2);
    }
}

#[test]
fn the_diff_memo_prints_to_a4_pdf() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = out(dir.path(), "影响.html");
    zhibiao(&[
        "diff",
        "rules/national.zb",
        "rules/variants/province-a.zb",
        "--data",
        "examples/evidence-a",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    loads_cleanly(&b, dir.path(), &page, &["修改对照表"]);
    let pdf = out(dir.path(), "影响.pdf");
    b.print_pdf(&page, &pdf);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.len() > 20_000, "PDF of {} bytes", bytes.len());
    assert!(browser::a4_pages(&bytes) >= 1);
}

/// `eval -o 结果.html`: the results page loads cleanly and shows every
/// subject's name; a hostile name stays text.
#[test]
fn the_results_page_loads_cleanly() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("证据");
    std::fs::create_dir(&evidence).unwrap();
    let subjects = std::fs::read_to_string("examples/evidence/主体.csv")
        .unwrap()
        .replacen(",东城区,", ",<img src=x onerror=alert(1)>,", 1);
    std::fs::write(evidence.join("主体.csv"), subjects).unwrap();
    std::fs::copy(
        "examples/evidence/失信事件.csv",
        evidence.join("失信事件.csv"),
    )
    .unwrap();
    let page = out(dir.path(), "结果.html");
    zhibiao(&[
        "eval",
        "rules/national.zb",
        "--data",
        evidence.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    loads_cleanly(
        &b,
        dir.path(),
        &page,
        &["西城区", "<img src=x onerror=alert(1)>", "总分"],
    );
}

/// `sensitivity -o 敏感性.html` with the uncertainty runs, and `compare
/// -o 比较.html`: each loads cleanly, shows its tables and, for the
/// sensitivity page, one rank-interval plot per subject.
#[test]
fn the_sensitivity_and_compare_pages_load_cleanly() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = out(dir.path(), "敏感性.html");
    zhibiao(&[
        "sensitivity",
        "rules/national.zb",
        "--data",
        "examples/evidence",
        "--runs",
        "50",
        "-o",
        page.to_str().unwrap(),
    ]);
    loads_cleanly(
        &b,
        dir.path(),
        &page,
        &[
            "阈值敏感性分析",
            "3.2.1 分档 ≥ 98% 得 4 分",
            "排名区间图",
            "逐项剔除",
            "东城区",
        ],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), 30, "one plot per subject");
    let pdf = out(dir.path(), "敏感性.pdf");
    b.print_pdf(&page, &pdf);
    assert!(browser::a4_pages(&std::fs::read(&pdf).unwrap()) >= 2);
    let page = out(dir.path(), "比较.html");
    zhibiao(&[
        "compare",
        "rules/national.zb",
        "--data",
        "2024=examples/evidence-2024",
        "--data",
        "2025=examples/evidence",
        "-o",
        page.to_str().unwrap(),
    ]);
    loads_cleanly(&b, dir.path(), &page, &["西城区", "2024", "2025"]);
}
