//! `zhibiao report` (issue #11, part 4) and the report in a real browser
//! (part 6): the numbers on the page equal numbers computed here from
//! `eval --format csv`; every chart is an inline SVG with one bar per
//! grade, bin or group and one radar point per first-level indicator;
//! text from the data is escaped; the page loads in headless Chromium
//! with no console errors, shows its Chinese text, and renders to PNG
//! and to an A4 PDF.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/browser.rs"]
mod browser;
#[allow(dead_code)]
#[path = "../benches/support/gen.rs"]
mod gen;

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;

const NATIONAL: &str = "rules/national.zb";
const EXAMPLES: &str = "examples/evidence";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1740818096")
        .output()
        .unwrap()
}

fn zhibiao(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "zhibiao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Write the report of `rules` on `data` to `dir/报告.html` and read it.
fn report(rules: &str, data: &[&str], extra: &[&str], dir: &Path) -> String {
    let out = dir.join("报告.html");
    let mut args = vec!["report", rules];
    for d in data {
        args.extend(["--data", d]);
    }
    args.extend(extra);
    let path = out.to_str().unwrap().to_string();
    args.extend(["-o", &path]);
    zhibiao(&args);
    std::fs::read_to_string(out).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s.trim()).unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// One subject of `eval --format csv`.
struct Row {
    code: String,
    total: Decimal,
    grade: String,
    vetoed: bool,
    /// The first-level indicators' scores, by code.
    scores: HashMap<String, Decimal>,
}

fn eval_rows(rules: &str, data: &[&str]) -> Vec<Row> {
    let mut args = vec!["eval", rules, "--format", "csv"];
    for x in data {
        args.extend(["--data", x]);
    }
    let text = zhibiao(&args);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (code, total, grade, veto) = (col("编码"), col("总分"), col("等级"), col("否决"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            Row {
                code: rec[code].to_string(),
                total: d(&rec[total]),
                grade: rec[grade].to_string(),
                vetoed: !rec[veto].trim().is_empty(),
                scores: header
                    .iter()
                    .enumerate()
                    .skip(8)
                    .map(|(i, h)| (h.clone(), d(&rec[i])))
                    .collect(),
            }
        })
        .collect()
}

/// The 所属地区 of every subject, straight from the evidence CSV.
fn regions(subjects_csv: &Path) -> HashMap<String, String> {
    let mut r = csv::Reader::from_path(subjects_csv).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let code = header.iter().position(|h| h == "编码").unwrap();
    let region = header.iter().position(|h| h == "所属地区").unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[code].to_string(), rec[region].to_string())
        })
        .collect()
}

fn mean4(xs: &[Decimal]) -> Decimal {
    let sum: Decimal = xs.iter().sum();
    (sum / Decimal::from(xs.len()))
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

fn median(xs: &[Decimal]) -> Decimal {
    let mut v = xs.to_vec();
    v.sort();
    let n = v.len();
    (v[(n - 1) / 2] + v[n / 2]) / Decimal::from(2)
}

/// The text of the element that `marker` (an attribute) is in: from the
/// next `>` to the next `<`.
fn cell_after<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page"));
    let open = at + html[at..].find('>').unwrap() + 1;
    let close = open + html[open..].find('<').unwrap();
    &html[open..close]
}

/// The report's numbers (from the written file or the browser's DOM)
/// equal those computed here from the CSV: subjects, mean (to 4 places),
/// median, grade counts, and each region's mean.
fn check_values(html: &str, rows: &[Row], regions: &HashMap<String, String>) {
    let totals: Vec<Decimal> = rows.iter().map(|r| r.total).collect();
    assert_eq!(
        cell_after(html, "data-fact=\"subjects\""),
        rows.len().to_string()
    );
    let mean = cell_after(html, "data-fact=\"mean\"");
    assert_eq!(mean.split('.').nth(1).map(str::len), Some(4), "{mean}");
    assert_eq!(d(mean), mean4(&totals));
    assert_eq!(d(cell_after(html, "data-fact=\"median\"")), median(&totals));
    let vetoed = rows.iter().filter(|r| r.vetoed).count();
    assert_eq!(cell_after(html, "data-fact=\"vetoed\""), vetoed.to_string());
    let mut grades: HashMap<&str, usize> = HashMap::new();
    for r in rows {
        *grades.entry(&r.grade).or_default() += 1;
    }
    for (g, n) in &grades {
        assert_eq!(
            cell_after(html, &format!("data-grade=\"{g}\"")),
            n.to_string(),
            "grade {g}"
        );
    }
    let mut by_region: HashMap<&str, Vec<Decimal>> = HashMap::new();
    for r in rows {
        by_region
            .entry(regions[&r.code].as_str())
            .or_default()
            .push(r.total);
    }
    assert!(by_region.len() > 1);
    for (region, totals) in &by_region {
        let row = &html[html.find(&format!("data-group=\"{region}\"")).unwrap()..];
        assert_eq!(d(cell_after(row, "data-mean")), mean4(totals), "{region}");
    }
}

#[test]
fn report_values_equal_those_computed_from_eval_csv() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(NATIONAL, &[EXAMPLES], &[], dir.path());
    let rows = eval_rows(NATIONAL, &[EXAMPLES]);
    let regions = regions(&Path::new(EXAMPLES).join("主体.csv"));
    check_values(&html, &rows, &regions);
    // `--by 所属地区` names the field the rules mark 分组: the same page.
    let by = report(NATIONAL, &[EXAMPLES], &["--by", "所属地区"], dir.path());
    assert_eq!(by, html);
    // Self-contained: nothing fetched, no script.
    let own = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in [
        "<script", "http://", "https://", "<link", "@import", "url(", "src=",
    ] {
        assert!(!own.contains(bad), "{bad} in the report");
    }
    for section in [
        "一、概况",
        "二、分组结果（按所属地区）",
        "三、各指标",
        "四、否决与缺失",
        "五、排名",
        "六、各主体",
    ] {
        assert!(html.contains(section), "{section}");
    }
    // One radar (an <svg>) per subject, one bar chart per first-level
    // indicator.
    assert_eq!(html.matches("data-chart=\"radar\"").count(), rows.len());
    assert_eq!(html.matches("data-chart=\"indicator\"").count(), 5);
    assert!(html.contains("@page { size: A4"));
}

#[test]
fn ranking_puts_vetoed_subjects_after_all_others() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(NATIONAL, &[EXAMPLES], &[], dir.path());
    let rows = eval_rows(NATIONAL, &[EXAMPLES]);
    let table = &html[html.find("<table class=\"ranking\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let listed: Vec<(usize, &str, bool)> = table
        .split("<tr")
        .skip(2)
        .map(|tr| {
            let rank = cell_after(tr, "class=\"n\"").parse().unwrap();
            let code = cell_after(tr, "href=");
            (rank, code, tr.starts_with(" class=\"vetoed\""))
        })
        .collect();
    assert_eq!(listed.len(), rows.len());
    let first_vetoed = listed.iter().position(|l| l.2).unwrap();
    assert!(listed[first_vetoed..].iter().all(|l| l.2));
    // Ranks never go down, and match totals: a kept subject outranks
    // every vetoed one whatever its total.
    assert!(listed.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(listed[0].0, 1);
    assert_eq!(listed[first_vetoed].0, first_vetoed + 1);
    let vetoed: Vec<&str> = rows
        .iter()
        .filter(|r| r.vetoed)
        .map(|r| r.code.as_str())
        .collect();
    for (_, code, flagged) in &listed {
        assert_eq!(*flagged, vetoed.contains(code), "{code}");
    }
}

#[test]
fn weights_rules_have_a_report_too() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "tests/fixtures/weights/rules.zb";
    let data = "主体=tests/fixtures/weights/主体.csv";
    let html = report(rules, &[data], &[], dir.path());
    assert!(html.contains("本规则为权重制"));
    assert!(html.contains("规则没有标注分组字段"));
    assert!(html.contains("规则没有否决项"));
    // Two first-level indicators: too few for a radar, so bars, one each.
    let rows = eval_rows(rules, &[data]);
    let radar = html.find("data-chart=\"radar\"").unwrap();
    let fig = &html[radar..radar + html[radar..].find("</figure>").unwrap()];
    let bars = fig.split("<rect").skip(1);
    assert_eq!(
        bars.filter(|r| r[..r.find('>').unwrap()].contains("data-series"))
            .count(),
        2
    );
    assert_eq!(html.matches("data-chart=\"radar\"").count(), rows.len());
    let totals: Vec<Decimal> = rows.iter().map(|r| r.total).collect();
    assert_eq!(d(cell_after(&html, "data-fact=\"mean\"")), mean4(&totals));
    // Attainment of a weights parent is its score ÷ 100.
    let first = &rows[0];
    let score = first.scores["1"];
    let pct = (score).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    assert!(
        html.contains(&format!("{}%</td>", pct.normalize())),
        "{pct}"
    );
}

/// A copy of the example evidence with hostile names.
fn hostile_evidence(dir: &Path) -> std::path::PathBuf {
    let ev = dir.join("evidence");
    std::fs::create_dir_all(&ev).unwrap();
    let subjects = std::fs::read_to_string(Path::new(EXAMPLES).join("主体.csv")).unwrap();
    let mut lines: Vec<String> = subjects.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen(
        ",东城区,北京市,",
        ",\"<script>document.title='x'</script>&amp\",\"<img src=x onerror=alert(1)>区\",",
        1,
    );
    std::fs::write(ev.join("主体.csv"), lines.join("\n") + "\n").unwrap();
    std::fs::copy(
        Path::new(EXAMPLES).join("失信事件.csv"),
        ev.join("失信事件.csv"),
    )
    .unwrap();
    ev
}

#[test]
fn hostile_subject_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let ev = hostile_evidence(dir.path());
    let html = report(NATIONAL, &[ev.to_str().unwrap()], &[], dir.path());
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;&amp;amp"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;区"));
    let Some(b) = browser::browser() else { return };
    let (probe, console, _) = browser::load(&b, dir.path(), "hostile.html", &html);
    assert!(probe.errors.is_empty(), "{:?}", probe.errors);
    assert!(console.is_empty(), "{console:?}");
    assert_eq!(probe.scripts, 1, "only the probe's own script");
    assert!(probe
        .text
        .contains("<script>document.title='x'</script>&amp"));
    assert!(probe.text.contains("<img src=x onerror=alert(1)>区"));
}

#[test]
fn bad_output_names_and_unknown_group_fields_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("报告.txt");
    let out = run(&[
        "report",
        NATIONAL,
        "--data",
        EXAMPLES,
        "-o",
        txt.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".html"));
    assert!(!txt.exists());
    let html = dir.path().join("报告.html");
    let out = run(&[
        "report",
        NATIONAL,
        "--data",
        EXAMPLES,
        "--by",
        "省份",
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("没有字段“省份”") && err.contains("所属地区"),
        "{err}"
    );
    assert!(!html.exists());
    // The error list and the report are two files.
    let out = run(&[
        "report",
        NATIONAL,
        "--data",
        EXAMPLES,
        "--errors",
        html.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!html.exists());
    // Evidence with errors: listed, and no report written.
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let subjects = std::fs::read_to_string(Path::new(EXAMPLES).join("主体.csv")).unwrap();
    std::fs::write(
        bad.join("主体.csv"),
        subjects.replacen(",北京市,", ",北京市,-1", 1),
    )
    .unwrap();
    let out = run(&[
        "report",
        NATIONAL,
        "--data",
        bad.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未评分"));
    assert!(!html.exists());
    // An input named as the output is refused, and left as it was.
    let rules = dir.path().join("规则.html");
    std::fs::copy(NATIONAL, &rules).unwrap();
    let r = rules.to_str().unwrap();
    let out = run(&["report", r, "--data", EXAMPLES, "-o", r]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&rules).unwrap(),
        std::fs::read(NATIONAL).unwrap()
    );
}

#[test]
fn browser_helper_really_detects_errors() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let broken = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>中文</p>\
                  <script>undefinedFunction();</script></body></html>";
    let (probe, console, _) = browser::load(&b, dir.path(), "broken.html", broken);
    assert!(
        probe.errors.iter().any(|e| e.contains("undefinedFunction")),
        "{:?}",
        probe.errors
    );
    assert!(
        console
            .iter()
            .any(|l| l.contains("Uncaught") && l.contains("undefinedFunction")),
        "{console:?}"
    );
    let missing = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\
                   <img src=\"no-such-image.png\"></body></html>";
    let (probe, _, _) = browser::load(&b, dir.path(), "missing.html", missing);
    assert!(
        probe.errors.iter().any(|e| e.contains("no-such-image.png")),
        "{:?}",
        probe.errors
    );
    let fine =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>中文</p></body></html>";
    let (probe, console, _) = browser::load(&b, dir.path(), "fine.html", fine);
    assert!(probe.errors.is_empty() && console.is_empty());
    assert_eq!(probe.text.trim(), "中文");
}

/// Render `html` in the browser: no error, every chart drawn with the
/// expected bars and points, the Chinese text shown, the values equal to
/// the CSV's; a PNG and (if `pdf`) an A4 PDF of real size.
fn check_in_browser(
    b: &browser::Browser,
    dir: &Path,
    html: &str,
    rows: &[Row],
    regions: &HashMap<String, String>,
    grades: usize,
    pdf: bool,
) {
    let (probe, console, dom) = browser::load(b, dir, "report.html", html);
    assert!(probe.errors.is_empty(), "{:?}", probe.errors);
    assert!(console.is_empty(), "{console:?}");
    assert_eq!(probe.scripts, 1, "the report has no script of its own");
    for c in &probe.charts {
        assert_eq!(c.svgs, 1, "{c:?}");
        assert!(c.width > 50.0 && c.height > 50.0, "chart not drawn: {c:?}");
    }
    let grade_chart = probe.charts("grades");
    assert_eq!(grade_chart.len(), 1);
    assert_eq!(grade_chart[0].bars, grades);
    assert_eq!(grade_chart[0].values.iter().sum::<f64>(), rows.len() as f64);
    let hist = probe.charts("histogram");
    assert_eq!(hist[0].bars, 10);
    assert_eq!(hist[0].values.iter().sum::<f64>(), rows.len() as f64);
    let regions_seen: std::collections::HashSet<&String> = regions.values().collect();
    assert_eq!(probe.charts("groups")[0].bars, regions_seen.len());
    let indicators = probe.charts("indicator");
    assert_eq!(indicators.len(), 5);
    for c in indicators {
        assert_eq!(c.bars, 5);
        assert_eq!(c.values.iter().sum::<f64>(), rows.len() as f64);
    }
    let radars = probe.charts("radar");
    assert_eq!(radars.len(), rows.len());
    assert!(
        radars.iter().all(|c| c.points == 5),
        "5 first-level indicators"
    );
    for text in [
        "政务诚信评价通用指标评价结果报告",
        "一、概况",
        "等级分布",
        "依法行政",
        "被评价主体",
    ] {
        assert!(probe.text.contains(text), "{text} not shown");
    }
    check_values(&dom, rows, regions);
    let png = dir.join("report.png");
    let page = dir.join("report.html");
    b.screenshot(&page, &png, 1200, 3000);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(bytes.len() > 50_000, "PNG of {} bytes", bytes.len());
    if pdf {
        let out = dir.join("report.pdf");
        b.print_pdf(&page, &out);
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert!(bytes.len() > 50_000, "PDF of {} bytes", bytes.len());
        let pages = browser::a4_pages(&bytes);
        assert!(pages > 5, "{pages} pages");
    }
}

#[test]
fn examples_report_renders_in_chromium() {
    let Some(b) = browser::browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = report(NATIONAL, &[EXAMPLES], &[], dir.path());
    let rows = eval_rows(NATIONAL, &[EXAMPLES]);
    let regions = regions(&Path::new(EXAMPLES).join("主体.csv"));
    check_in_browser(&b, dir.path(), &html, &rows, &regions, 4, true);
}

#[test]
fn report_of_3000_generated_subjects_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("evidence");
    gen::write(&ev, 3000, 2, 7).unwrap();
    let data = ev.to_str().unwrap();
    let html = report(NATIONAL, &[data], &[], dir.path());
    let rows = eval_rows(NATIONAL, &[data]);
    let regions = regions(&ev.join("主体.csv"));
    check_values(&html, &rows, &regions);
    let Some(b) = browser::browser() else { return };
    // No PDF here: Chromium takes minutes to print some 1,500 pages; the
    // print CSS is checked on the examples' PDF.
    check_in_browser(&b, dir.path(), &html, &rows, &regions, 4, false);
}

#[test]
fn each_subject_links_to_its_letter_from_explain_all() {
    let dir = tempfile::tempdir().unwrap();
    let letters = dir.path().join("解释信");
    zhibiao(&[
        "explain",
        NATIONAL,
        "--data",
        EXAMPLES,
        "--all",
        "-o",
        letters.to_str().unwrap(),
    ]);
    let html = report(NATIONAL, &[EXAMPLES], &["--letters", "解释信"], dir.path());
    let rows = eval_rows(NATIONAL, &[EXAMPLES]);
    let links: Vec<&str> = html
        .split("<p class=\"letter\"")
        .skip(1)
        .map(|p| {
            let at = p.find("<a href=\"").unwrap() + "<a href=\"".len();
            &p[at..at + p[at..].find('"').unwrap()]
        })
        .collect();
    assert_eq!(links.len(), rows.len());
    for link in links {
        assert!(link.starts_with("解释信/"), "{link}");
        assert!(
            dir.path().join(link).is_file(),
            "{link} not written by explain --all"
        );
    }
    // Without --letters, no link.
    let plain = report(NATIONAL, &[EXAMPLES], &[], dir.path());
    assert!(!plain.contains("解释信："));
}
