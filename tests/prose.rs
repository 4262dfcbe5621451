//! The prose renderer (`zhibiao::prose`): every rule form in words, as
//! the appendix writes it, snapshotted; and no rule-language syntax in it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use zhibiao::driver::compile_file;
use zhibiao::ir::Model;
use zhibiao::prose;

fn model(path: &str) -> Model {
    let compiled = compile_file(Path::new(path)).unwrap();
    assert!(!compiled.has_errors(), "{path} does not check");
    compiled.model.unwrap()
}

/// Everything the renderer says about a rule file, one item a line.
fn all_prose(m: &Model) -> String {
    let mut out = String::new();
    out.push_str("## 通则\n");
    for (i, r) in prose::general_rules(m).iter().enumerate() {
        out.push_str(&format!("{}. {r}\n", i + 1));
    }
    out.push_str("## 期间\n");
    for i in 0..m.periods.len() {
        out.push_str(&format!("{}\n", prose::period(m, i)));
    }
    out.push_str("## 指标\n");
    for ind in &m.indicators {
        out.push_str(&format!(
            "{} {}：{}\n",
            ind.code,
            ind.name,
            prose::rule(m, ind)
        ));
        for g in &ind.guards {
            out.push_str(&format!("  特殊情形：{}\n", prose::guard(m, ind, g)));
        }
    }
    out.push_str("## 加分\n");
    for b in &m.bonuses {
        out.push_str(&format!("{} {}：{}\n", b.code, b.name, prose::bonus(m, b)));
    }
    out.push_str("## 否决\n");
    for v in &m.vetoes {
        out.push_str(&format!("{} {}：{}\n", v.code, v.name, prose::veto(m, v)));
    }
    out.push_str("## 等级\n");
    for (grade, cond) in prose::grades(m) {
        out.push_str(&format!("{grade}：{cond}\n"));
    }
    out
}

#[path = "support/rule_syntax.rs"]
mod rule_syntax;
use rule_syntax::SYNTAX;

fn assert_no_syntax(text: &str) {
    for s in SYNTAX {
        assert!(!text.contains(s), "rule syntax {s:?} in:\n{text}");
    }
    // 若 … 得: a guard as written in the rules.
    for line in text.lines() {
        if let Some(i) = line.find('若') {
            assert!(
                !line[i..].contains('得'),
                "a guard in rule syntax in: {line}"
            );
        }
    }
}

#[test]
fn every_rule_form_in_words() {
    let m = model("tests/fixtures/prose/forms.zb");
    let text = all_prose(&m);
    assert_no_syntax(&text);
    insta::assert_snapshot!("prose_forms", text);
}

#[test]
fn national_rules_in_words() {
    let m = model("rules/national.zb");
    let text = all_prose(&m);
    assert_no_syntax(&text);
    assert!(text.contains(
        "6 分起扣：评价期间（2025年1月1日至12月31日）内类型为拖欠账款的失信事件，未整改的每件扣 2 分，已整改的每件扣 0.5 分，扣完为止"
    ));
    assert!(text.contains(
        "V1 失信被执行未整改：评价期间（2025年1月1日至12月31日）内存在类型为失信被执行且未整改的失信事件"
    ));
    insta::assert_snapshot!("prose_national", text);
}

#[test]
fn weights_parents_in_words() {
    let m = model("tests/fixtures/weights/rules.zb");
    let text = all_prose(&m);
    assert_no_syntax(&text);
    assert!(
        text.contains("70% × 1.1 按时办结得分 + 30% × 1.2 公开得分"),
        "{text}"
    );
    assert!(text.contains("再四舍五入保留 2 位小数"), "{text}");
    insta::assert_snapshot!("prose_weights", text);
}

#[test]
fn conditions_periods_and_dates() {
    let m = model("rules/national.zb");
    assert_eq!(prose::period(&m, 0), "评价期间（2025年1月1日至12月31日）");
    let v1 = m.vetoes.first().unwrap();
    assert_eq!(
        prose::condition(&m, &[], &v1.cond),
        "评价期间（2025年1月1日至12月31日）内存在类型为失信被执行且未整改的失信事件"
    );
    let day = zhibiao::date::day_number(2025, 1, 1).unwrap();
    assert_eq!(prose::date(day), "2025年1月1日");
    let ind = m.indicators.iter().find(|i| i.code == "1.1.1").unwrap();
    assert_eq!(
        prose::definition(&m, ind, 0),
        "审查率 = 重大决策已审查数 ÷ 重大决策数"
    );
    assert_eq!(
        prose::scoring(&m, ind),
        "审查率 = 100% 得 5 分；≥ 95% 得 4 分；≥ 90% 得 3 分；≥ 80% 得 1 分；< 80% 得 0 分"
    );
}
