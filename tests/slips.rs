#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Single-mistake edits of rules/national.zb that leave the file valid
//! but change scores: each must give exactly one diagnostic, with the
//! right code and line, and a help line that shows the corrected text
//! (issue #12). And the marks that silence a warning on purpose do so.

use zhibiao::diagnostic::Diagnostic;
use zhibiao::driver::{compile_source, Compiled};

fn national() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/national.zb");
    std::fs::read_to_string(path).unwrap()
}

/// The national rules with the `nth` (0-based) occurrence of `from`
/// replaced by `to`, and the 1-based line of that occurrence.
fn edited(from: &str, nth: usize, to: &str) -> (String, usize) {
    let text = national();
    let (at, _) = text.match_indices(from).nth(nth).expect("edit site");
    let line = text[..at].matches('\n').count() + 1;
    let mut out = text[..at].to_owned();
    out.push_str(to);
    out.push_str(&text[at + from.len()..]);
    (out, line)
}

fn line_of(c: &Compiled, d: &Diagnostic) -> usize {
    let label = d.labels.iter().find(|l| l.primary).expect("primary label");
    c.files.line_col(label.span.file, label.span.start).0
}

/// Exactly one diagnostic, `code` at `line`, whose help shows `fix`.
fn one(text: &str, code: &str, line: usize, fix: &str) {
    let c = compile_source("national.zb", text);
    let found: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| format!("{} {} (line {})", d.code, d.message, line_of(&c, d)))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one diagnostic: {found:#?}"
    );
    let d = &c.diagnostics[0];
    assert_eq!(d.code, code, "{found:?}");
    assert_eq!(line_of(&c, d), line, "{found:?}");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.contains(fix), "help {help:?} should show {fix:?}");
}

#[test]
fn the_national_rules_are_clean() {
    let c = compile_source("national.zb", &national());
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn a_band_threshold_missing_a_digit() {
    // `= 100%` typed `= 10%`: the 10% row would outscore the 95% row.
    let (text, line) = edited("= 100% 得 5 分", 0, "= 10% 得 5 分");
    one(&text, "W0006", line, "`= 100% 得 5 分`");
}

#[test]
fn a_threshold_out_of_scale_that_swallows_the_rows_below() {
    // `≥ 95` typed `≥ 9.5`: the rows below it become unreachable; one
    // error, which names the slip and the row as meant.
    let (text, _) = edited("≥ 95 得 4 分", 0, "≥ 9.5 得 4 分");
    let c = compile_source("national.zb", &text);
    assert_eq!(c.diagnostics.len(), 1, "{:#?}", c.diagnostics);
    let d = &c.diagnostics[0];
    assert_eq!(d.code, "E0306");
    assert!(d
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("`≥ 95 得 4 分`"));
}

#[test]
fn a_threshold_before_a_closing_row_missing_a_digit() {
    // 2.2.1: `≥ 95%` typed `≥ 9.5%`, so `< 95%` only catches [0, 9.5%).
    let (text, line) = edited("≥ 95% 得 2 分", 0, "≥ 9.5% 得 2 分");
    one(&text, "W0006", line, "`≥ 95% 得 2 分`");
}

#[test]
fn a_closing_row_partly_covered() {
    // 2.2.1 with `≥ 95%` typed `≥ 90%`: [90%, 95%) scores 2, not 0.
    let (text, line) = edited("≥ 95% 得 2 分", 0, "≥ 90% 得 2 分");
    one(&text, "W0007", line + 1, "`< 90% 得 0 分`");
}

#[test]
fn band_points_out_of_order() {
    // 1.1.1: the 90% band typed as 4.5 points, more than the 95% band.
    let (text, line) = edited("≥ 90% 得 3 分", 0, "≥ 90% 得 4.5 分");
    one(&text, "W0004", line, "不单调");
}

#[test]
fn lookup_points_out_of_order() {
    // 5.2.2: two negative reports typed as 2.5 points, more than one.
    let (text, line) = edited("2 得 1 分", 0, "2 得 2.5 分");
    one(&text, "W0004", line, "不单调");
}

#[test]
fn guards_in_the_wrong_order() {
    let (text, line) = edited(
        "      分档 审查率 {",
        0,
        "      若 审查率 ≥ 90% 得 3 分\n      若 审查率 ≥ 95% 得 4 分\n      分档 审查率 {",
    );
    one(&text, "E0312", line + 1, "≥ 95% 在 ≥ 90% 之前");
}

#[test]
fn a_table_marked_not_monotone_is_not_warned() {
    let (text, _) = edited("≥ 90% 得 3 分", 0, "≥ 90% 得 4.5 分");
    let text = text.replacen("分档 审查率 {", "分档 审查率 不单调 {", 1);
    let c = compile_source("national.zb", &text);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    // The mark survives fmt, and scores nothing differently.
    let formatted = zhibiao::fmt::format(&text).unwrap();
    assert!(formatted.contains("分档 审查率 不单调 {"));
}

#[test]
fn an_interpolation_marked_not_monotone_is_not_warned() {
    let (text, _) = edited("25% 得 0 分", 0, "15% 得 0 分\n        25% 得 1 分");
    let warned = compile_source("national.zb", &text);
    let codes: Vec<&str> = warned.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"W0005"), "{codes:?}");
    let text = text.replacen("插值 纠错率 {", "插值 纠错率 不单调 {", 1);
    let c = compile_source("national.zb", &text);
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&"W0005"), "{codes:?}");
}

#[test]
fn a_formula_that_forgot_to_divide_by_100() {
    // 3.3.1: `3 × 群众满意度 ÷ 100` typed without `÷ 100` (up to 300
    // points); the help asks about ÷ 100 instead of suggesting a clamp.
    let (text, line) = edited("公式 3 × 群众满意度 ÷ 100", 0, "公式 3 × 群众满意度");
    one(&text, "E0308", line, "÷ 100");
}

#[test]
fn a_band_row_over_the_points() {
    // 1.1.1: `≥ 95% 得 4 分` typed `得 6 分` in a 5-point indicator: the
    // error points at that row, and no monotonicity warning comes with it.
    let (text, line) = edited("≥ 95% 得 4 分", 0, "≥ 95% 得 6 分");
    one(&text, "E0308", line, "改正这行的得分");
}

#[test]
fn an_interpolation_point_out_of_range() {
    // 3.1.2: `60 得 4 分` typed `600 得 4 分` on a 0–100 percentage.
    let (text, line) = edited("        60 得 4 分", 0, "        600 得 4 分");
    one(&text, "W0008", line, "`60 得 4 分`");
}

/// The text with every fix of its diagnostics applied (as an editor
/// would from `check --format json`).
fn fixed(text: &str) -> String {
    let c = compile_source("national.zb", text);
    let mut fixes: Vec<(usize, usize, String)> = (c.diagnostics.iter())
        .flat_map(|d| d.fixes().iter())
        .map(|f| (f.span.start, f.span.end, f.replacement.clone()))
        .collect();
    assert!(!fixes.is_empty(), "no fix: {:#?}", c.diagnostics);
    fixes.sort_by_key(|f| std::cmp::Reverse(f.0));
    let mut out = text.to_owned();
    for (start, end, with) in fixes {
        out.replace_range(start..end, &with);
    }
    out
}

#[test]
fn the_fixes_restore_the_rules() {
    let slips = [
        ("= 100% 得 5 分", "= 10% 得 5 分"),
        ("≥ 95 得 4 分", "≥ 9.5 得 4 分"),
        ("≥ 95% 得 2 分", "≥ 9.5% 得 2 分"),
        ("        60 得 4 分", "        600 得 4 分"),
        ("        90% 得 3 分", "        9% 得 3 分"),
    ];
    for (from, to) in slips {
        let (text, _) = edited(from, 0, to);
        assert_eq!(fixed(&text), national(), "{to}");
    }
    // The closing row rewritten to meet the row above: clean again.
    let (text, _) = edited("≥ 95% 得 2 分", 0, "≥ 90% 得 2 分");
    let c = compile_source("national.zb", &fixed(&text));
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn an_interpolation_point_a_digit_short() {
    // 1.3.2: `90% 得 3 分` typed `9% 得 3 分`: from 9% up everyone gets
    // the 3 points.
    let (text, line) = edited("        90% 得 3 分", 0, "        9% 得 3 分");
    one(&text, "W0009", line, "`90% 得 3 分`");
}

#[test]
fn grade_veto_bonus_and_deduction_slips() {
    let cases = [
        // A veto that holds for everyone.
        ("评价期间) > 0", 0, "评价期间) ≥ 0", "W0012"),
        // An amount filter whose leading 1 was lost.
        ("金额 ≥ 1000000", 0, "金额 ≥ 000000", "W0012"),
        (
            "每 信息公开被纠错数 扣 1 分",
            0,
            "每 信息公开被纠错数 扣 0 分",
            "W0011",
        ),
        (
            "每 信息公开被纠错数 扣 1 分",
            0,
            "每 信息公开被纠错数 扣 10 分",
            "W0011",
        ),
        ("加 2 分", 0, "加 20 分", "W0011"),
        ("≥ 60 为 合格", 0, "≥ 6 为 合格", "W0006"),
        ("≥ 60 为 合格", 0, "≤ 60 为 合格", "W0004"),
        ("≥ 80 为 良好", 0, "≥ 80 为 优秀", "W0010"),
        // 5.2.1: two bands with the same points.
        ("≥ 70 得 1 分", 1, "≥ 70 得 2 分", "W0010"),
        ("< 70 得 0 分", 1, "< 70 得 1 分", "W0010"),
        ("2 得 1 分", 0, "2 得 0 分", "W0010"),
    ];
    for (from, nth, to, code) in cases {
        let (text, line) = edited(from, nth, to);
        let c = compile_source("national.zb", &text);
        let found: Vec<(&str, usize)> = (c.diagnostics.iter())
            .map(|d| (d.code, line_of(&c, d)))
            .collect();
        assert_eq!(found.len(), 1, "{to}: {found:?}");
        assert_eq!(found[0].0, code, "{to}: {found:?}");
        // The label is on the edited line, or (W0010, W0004) on the row
        // next to it.
        assert!(
            found[0].1.abs_diff(line) <= 1,
            "{to}: {found:?} vs line {line}"
        );
    }
}

#[test]
fn a_parameter_default_that_spoils_every_date_is_one_error() {
    // `2025` typed `20255`: both ends of 评价期间 are no dates; one error.
    let (text, line) = edited("年份 = 2025", 0, "年份 = 20255");
    let c = compile_source("national.zb", &text);
    assert_eq!(c.diagnostics.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(c.diagnostics[0].code, "E0110");
    assert_eq!(line_of(&c, &c.diagnostics[0]), line + 1);
}

#[test]
fn max_of_one_value_means_the_population_highest() {
    // 2.3.1: `最高(开放数据集数)` typed `最大(…)`: one E0107 whose fix is
    // 最高, and no E0309 for the division the failed guard protected.
    let (text, line) = edited("若 最高(开放数据集数)", 0, "若 最大(开放数据集数)");
    one(&text, "E0107", line, "最高");
    let fixed = fixed(&text);
    assert_eq!(fixed, national());
}

/// Slips that used to give one diagnostic per place they touched: now one
/// per root cause (unused-field warnings aside, which can be true on
/// their own).
#[test]
fn one_diagnostic_per_root_cause() {
    let cases = [
        // A mid-level indicator's points: the sum below and above it.
        (
            "指标 4.1 政府承诺兑现 10 分",
            "指标 4.1 政府承诺兑现 100 分",
            "E0301",
        ),
        // A first-level indicator's points: its children and 满分.
        ("指标 5 履职成效 10 分", "指标 5 履职成效 100 分", "E0301"),
        // A parent's code: every child's code.
        ("指标 4.2 政务履约", "指标 4.20 政务履约", "E0104"),
        // A deleted field declaration, used in a constraint and a rule.
        ("  重大决策数: 计数\n", "", "E0101"),
        // A band threshold that leaves a row unreachable and a gap.
        ("≥ 70 得 1 分", "≥ 700 得 1 分", "E0306"),
        // No 分母为零 policy: every division unguarded.
        ("  分母为零 得满分\n", "", "E0309"),
    ];
    for (from, to, code) in cases {
        let (text, _) = edited(from, 0, to);
        let c = compile_source("national.zb", &text);
        let found: Vec<&str> = (c.diagnostics.iter())
            .map(|d| d.code)
            .filter(|c| *c != "W0001")
            .collect();
        assert_eq!(found, vec![code], "{to:?}");
    }
}
