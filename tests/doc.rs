//! `zhibiao doc`: the appendix generated from each rule file in rules/,
//! snapshotted so a rule edit shows up in review as changed text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use zhibiao::driver::compile_file;
use zhibiao::report::doc;

fn model(path: &str) -> zhibiao::ir::Model {
    compile_file(Path::new(path)).unwrap().model.unwrap()
}

#[test]
fn national_appendix_lists_all_25_leaves_with_rules_in_words() {
    let md = doc::markdown(&model("rules/national.zb"));
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
    assert!(md.contains("| 1.1.1 | 重大行政决策合法性审查 | 5 | 审查率 = 重大决策已审查数 ÷ 重大决策数。审查率 = 100% 得 5 分；"), "{md}");
    assert!(md.contains("扣完为止"));
    insta::assert_snapshot!("doc_national_md", md);
}

#[test]
fn variant_appendix_marks_the_changes() {
    let md = doc::markdown(&model("rules/variants/province-a.zb"));
    assert!(md.contains("| 6〔新增〕 |"), "{md}");
    assert!(md.contains("| 1.3.1〔修改〕 |"), "{md}");
    assert!(md.contains("| 2〔修改〕 |"), "{md}");
    assert!(!md.contains("| 2.3.1"), "{md}");
    insta::assert_snapshot!("doc_province_a_md", md);
    insta::assert_snapshot!(
        "doc_city_a1_md",
        doc::markdown(&model("rules/variants/city-a1.zb"))
    );
}

#[test]
fn html_is_a_complete_escaped_page() {
    let html = doc::html(&model("rules/national.zb"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("&lt; 80"));
    assert!(!html.contains("< 80"));
}
