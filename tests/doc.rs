//! `zhibiao doc`: the appendix generated from each rule file in rules/,
//! snapshotted so a rule edit shows up in review as changed text; the
//! rules in words with no rule-language syntax in Markdown, HTML or Word;
//! a variant's additions, changes and deletions marked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/office.rs"]
mod office;

#[path = "support/browser.rs"]
mod browser;

use std::io::Read;
use std::path::Path;
use std::process::Command;
use zhibiao::driver::{compile_file, Options};
use zhibiao::ir::Model;
use zhibiao::report::doc::{self, Appendix};

/// A rule file's model and, for a variant, its base's.
fn models(path: &str) -> (Model, Option<Model>) {
    let compiled = compile_file(Path::new(path)).unwrap();
    let model = compiled.model.unwrap();
    let base = doc::base_of(&model, &compiled.files, &Options::default());
    (model, base)
}

/// The appendix of a rule file, stamped with a fixed date.
fn appendix<'a>(m: &'a (Model, Option<Model>)) -> Appendix<'a> {
    Appendix {
        model: &m.0,
        base: m.1.as_ref(),
        date: "2025年1月1日".into(),
    }
}

fn markdown(path: &str) -> String {
    doc::markdown(&appendix(&models(path)))
}

const RULE_FILES: &[&str] = &[
    "rules/national.zb",
    "rules/variants/province-a.zb",
    "rules/variants/city-a1.zb",
    "tests/fixtures/prose/forms.zb",
    "tests/fixtures/weights/rules.zb",
];

#[path = "support/rule_syntax.rs"]
mod rule_syntax;
use rule_syntax::SYNTAX;

fn assert_no_syntax(what: &str, text: &str) {
    for s in SYNTAX {
        assert!(!text.contains(s), "{what}: rule syntax {s:?} in:\n{text}");
    }
    for line in text.lines() {
        if let Some(i) = line.find('若') {
            assert!(
                !line[i..].contains('得'),
                "{what}: a guard in rule syntax: {line}"
            );
        }
    }
}

#[test]
fn national_appendix_lists_all_25_leaves_with_rules_in_words() {
    let md = markdown("rules/national.zb");
    let leaf_rows = md
        .lines()
        .filter(|l| {
            l.starts_with("| ")
                && l.split(" | ")
                    .next()
                    .is_some_and(|c| c.matches('.').count() == 2)
        })
        .count();
    assert_eq!(leaf_rows, 25);
    assert!(md.contains("| 1.1.1 | 重大行政决策合法性审查 | 5 | 审查率 = 重大决策已审查数 ÷ 重大决策数。审查率 = 100% 得 5 分；≥ 95% 得 4 分；"), "{md}");
    assert!(
        md.contains("评价期间（2025年1月1日至12月31日）内类型为拖欠账款的失信事件，未整改的每件扣 2 分，已整改的每件扣 0.5 分，扣完为止。"),
        "{md}"
    );
    assert!(
        md.contains("标准：政务诚信评价通用指标；版本：附录A 全国通用版；生成日期：2025年1月1日")
    );
    // The general rules are a numbered list, every rounding level stated.
    assert!(md.contains("\n1. 基础分满分 100 分"), "{md}");
    assert!(md.contains("末级指标得分四舍五入保留 2 位小数"), "{md}");
    assert!(
        md.contains("上级指标得分与基础分为舍入后的下级得分之和"),
        "{md}"
    );
    assert!(
        md.contains("总分（计入上限后）四舍五入保留 2 位小数"),
        "{md}"
    );
    insta::assert_snapshot!("doc_national_md", md);
}

#[test]
fn variant_appendix_marks_added_changed_and_deleted() {
    let md = markdown("rules/variants/province-a.zb");
    assert!(md.contains("| 6〔新增〕 |"), "{md}");
    assert!(md.contains("| 1.3.1〔修改〕 |"), "{md}");
    assert!(md.contains("| 2〔修改〕 |"), "{md}");
    // The deleted 2.3 is kept, struck through, where it was.
    let deleted = md
        .find("| ~~2.3.1〔删除〕~~ | ~~公共数据开放~~ |")
        .expect(&md);
    let before = md.find("| 2.2.2 |").unwrap();
    let after = md.find("| 3 | 勤政高效 |").unwrap();
    assert!(before < deleted && deleted < after, "{md}");
    assert!(md.contains("| ~~2.3〔删除〕~~ |"), "{md}");
    assert!(md.contains("| B2〔新增〕 |"), "{md}");
    assert!(md.contains("## 等级〔修改〕"), "{md}");
    assert!(md.contains("| 信用试点〔新增〕 |"), "{md}");
    // Unchanged rows carry no mark.
    assert!(md.contains("| 1.1.1 | 重大行政决策合法性审查 |"), "{md}");
    insta::assert_snapshot!("doc_province_a_md", md);

    let city = markdown("rules/variants/city-a1.zb");
    assert!(city.contains("| 2.1.1〔修改〕 |"), "{city}");
    assert!(city.contains("| B3〔新增〕 |"), "{city}");
    // Against its own base (A省), 6 is not new and 2.3 not deleted again.
    assert!(city.contains("| 6 | 信用创新 |"), "{city}");
    assert!(!city.contains("〔删除〕~~"), "{city}");
    insta::assert_snapshot!("doc_city_a1_md", city);
}

#[test]
fn html_strikes_deleted_rows_and_prints_on_a4() {
    let m = models("rules/variants/province-a.zb");
    let html = doc::html(&appendix(&m));
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(
        html.contains("<tr class=\"deleted\"><td class=\"code\"><del>2.3.1〔删除〕</del></td>"),
        "{html}"
    );
    assert!(html.contains("@page{size:A4"), "{html}");
    assert!(html.contains("<ol>\n<li>基础分满分 100 分"), "{html}");
    assert!(html.contains("&lt; 80"));
    assert!(!html.contains("< 80"));
    assert!(
        !html.contains("<script") && !html.contains("http"),
        "{html}"
    );
    insta::assert_snapshot!("doc_province_a_html", html);
}

#[test]
fn weights_appendix_states_the_weighted_sums_and_their_rounding() {
    let md = markdown("tests/fixtures/weights/rules.zb");
    assert!(md.contains("| 1 | 办事效率 | 60% | 为下级指标得分按权重的加权和：70% × 1.1 按时办结得分 + 30% × 1.2 公开得分，四舍五入保留 2 位小数。 |"), "{md}");
    assert!(
        md.contains(
            "上级指标得分与基础分为舍入后的下级得分按权重的加权和，再四舍五入保留 2 位小数"
        ),
        "{md}"
    );
    insta::assert_snapshot!("doc_weights_md", md);
}

/// The text of a .docx: the runs of word/document.xml.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<w:t") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</w:t>") else {
            break;
        };
        if !after[..open_end].contains('/') {
            text.push_str(&body[..close]);
        }
        text.push('\n');
        rest = &body[close..];
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn no_rule_syntax_in_any_format() {
    for path in RULE_FILES {
        let m = models(path);
        let a = appendix(&m);
        assert_no_syntax(&format!("{path} md"), &doc::markdown(&a));
        assert_no_syntax(&format!("{path} html"), &doc::html(&a));
        let text = docx_text(&doc::docx(&a).unwrap());
        assert!(text.contains("评分标准"), "{path}: {text}");
        assert_no_syntax(&format!("{path} docx"), &text);
    }
}

#[test]
fn docx_has_the_table_and_the_deleted_rows_struck() {
    let m = models("rules/variants/province-a.zb");
    let bytes = doc::docx(&appendix(&m)).unwrap();
    let text = docx_text(&bytes);
    for want in [
        "政务诚信评价指标 A省实施细则 — 评分细则",
        "1. 基础分满分 100 分",
        "2.3.1〔删除〕",
        "6.1.1〔新增〕",
        "内类型为拖欠账款的失信事件，未整改的每件扣 3 分",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("<w:tbl>"), "no table");
    assert!(xml.contains("<w:strike"), "deleted rows not struck through");
    assert!(xml.contains("w:w=\"11906\""), "not A4");
}

fn zhibiao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .output()
        .unwrap()
}

#[test]
fn cli_writes_docx_atomically_and_opens_in_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("评分细则.docx");
    let run = zhibiao(&["doc", "rules/national.zb", "-o", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK"), "not a zip");
    assert!(docx_text(&bytes).contains("生成日期：2025年1月1日"));
    // Only the document is left in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // A Word document is not written to the terminal.
    let run = zhibiao(&["doc", "rules/national.zb", "--format", "docx"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(run.stdout.is_empty());

    let Some(txt) = office::convert(&out, "txt") else {
        return;
    };
    let text = std::fs::read_to_string(txt).unwrap();
    for want in [
        "政务诚信评价通用指标 — 评分细则",
        "重大行政决策合法性审查",
        "审查率 = 100% 得 5 分",
        "评价期间（2025年1月1日至12月31日）内存在类型为失信被执行且未整改的失信事件",
    ] {
        assert!(
            text.contains(want),
            "LibreOffice text lacks {want}:\n{text}"
        );
    }
}

#[test]
fn cli_format_follows_the_output_extension_and_refuses_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("a.html");
    let run = zhibiao(&["doc", "rules/national.zb", "-o", html.to_str().unwrap()]);
    assert!(run.status.success());
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));

    // --format and the extension must agree; nothing is written when not.
    let docx = dir.path().join("b.docx");
    let run = zhibiao(&[
        "doc",
        "rules/national.zb",
        "--format",
        "html",
        "-o",
        docx.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("扩展名不符"));
    assert!(!docx.exists());

    let rules = dir.path().join("r.zb");
    std::fs::copy("rules/national.zb", &rules).unwrap();
    let before = std::fs::read(&rules).unwrap();
    let run = zhibiao(&[
        "doc",
        rules.to_str().unwrap(),
        "--format",
        "docx",
        "-o",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(std::fs::read(&rules).unwrap(), before);
}

#[test]
fn variant_marks_deleted_and_changed_bonus_items_vetoes_and_general_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("rules/national.zb", dir.path().join("national.zb")).unwrap();
    let variant = dir.path().join("v.zb");
    std::fs::write(
        &variant,
        "继承 \"national.zb\"\n\
         删除 加分 B1\n\
         删除 否决 V1\n\
         修改 否决 V2 当 重大政务失信事件 = 是 且 信用承诺制 = 否\n\
         修改 通则 { 加分上限 6 }\n\
         否决 V3 舆情 当 失信负面舆情数 ≥ 10\n",
    )
    .unwrap();
    let opts = Options {
        rules_root: Some(dir.path().to_path_buf()),
        ..Options::default()
    };
    let compiled = zhibiao::driver::compile_file_with(&variant, &opts).unwrap();
    assert!(!compiled.has_errors());
    let model = compiled.model.unwrap();
    let base = doc::base_of(&model, &compiled.files, &opts);
    assert!(base.is_some());
    let md = doc::markdown(&Appendix {
        model: &model,
        base: base.as_ref(),
        date: "2025年1月1日".into(),
    });
    assert!(md.contains("| ~~B1〔删除〕~~ | ~~政务诚信创新举措~~ | ~~省级创新案例数，每个加 1 分；国家级创新案例数，每个加 2 分。~~ |"), "{md}");
    assert!(md.contains("| ~~V1〔删除〕~~ |"), "{md}");
    assert!(
        md.contains(
            "| V2〔修改〕 | 重大政务失信事件 | 重大政务失信事件为“是”且信用承诺制为“否”。 |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| V3〔新增〕 | 舆情 | 失信负面舆情数 ≥ 10。 |"),
        "{md}"
    );
    assert!(md.contains("〔修改〕加分项另计，加分合计最高 6 分"), "{md}");
    assert!(md.contains("| 1.1.1 | 重大行政决策合法性审查 |"), "{md}");
    assert_no_syntax("variant", &md);
}

#[test]
fn html_appendix_loads_in_chromium_and_prints_on_a4() {
    let Some(b) = browser::browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = models("rules/variants/province-a.zb");
    let html = doc::html(&appendix(&m));
    let (probe, console, _) = browser::load(&b, dir.path(), "probe.html", &html);
    assert!(probe.errors.is_empty(), "{:?}", probe.errors);
    assert!(console.is_empty(), "{console:?}");
    assert_eq!(probe.scripts, 1, "the appendix has a script of its own");
    for want in [
        "政务诚信评价指标 A省实施细则 — 评分细则",
        "内类型为拖欠账款的失信事件，未整改的每件扣 3 分",
        "2.3.1〔删除〕",
    ] {
        assert!(
            probe.text.contains(want),
            "{want} not shown:\n{}",
            probe.text
        );
    }

    let page = dir.path().join("细则.html");
    std::fs::write(&page, &html).unwrap();
    let pdf = dir.path().join("细则.pdf");
    let run = b.print_pdf(&page, &pdf);
    assert!(run.console.is_empty(), "{:?}", run.console);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<&str> = text.split("/MediaBox [").skip(1).collect();
    assert!(boxes.len() >= 3, "{} pages", boxes.len());
    // Every page A4: 595.28 × 841.89 points, to Chromium's rounding.
    for b in boxes {
        let nums: Vec<f64> = b[..b.find(']').unwrap()]
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        assert!(
            (nums[2] - 595.28).abs() < 1.0 && (nums[3] - 841.89).abs() < 1.0,
            "{nums:?}"
        );
    }
}

#[test]
fn docx_escapes_text_from_the_rules() {
    let text = std::fs::read_to_string("rules/national.zb")
        .unwrap()
        .replacen(
            "标准 \"政务诚信评价通用指标\"",
            "标准 \"<w:t>&amp;甲\u{1b}[2J乙\"",
            1,
        );
    let compiled = zhibiao::driver::compile_source("hostile.zb", &text);
    let model = compiled.model.expect("the hostile standard checks");
    let bytes = doc::docx(&Appendix {
        model: &model,
        base: None,
        date: "2025年1月1日".into(),
    })
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains("&lt;w:t&gt;&amp;amp;甲&lt;U+001B&gt;[2J乙"),
        "{xml}"
    );
    assert!(!xml.contains('\u{1b}'));
}
