#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Deep, long and hostile rule text through the real binary: every command
//! that reads rules gives a coded error (exit 1) instead of overflowing the
//! stack, the limits hold exactly, many siblings are checked, diagnostics
//! are capped, numbers keep to 28 digits, and control characters in rule
//! text never reach the terminal raw.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zhibiao::syntax::limits::{MAX_EXPR_DEPTH, MAX_INDICATOR_DEPTH, MAX_LET_CHAIN, MAX_NESTING};

const EVIDENCE: &str = "examples/evidence";
const LET: &str = "令 审查率 = 重大决策已审查数 ÷ 重大决策数";
const FIELD: &str = "重大决策已审查数";

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn national() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("rules/national.zb")).unwrap()
}

/// The national rules with `extra` written after the first indicator's
/// `令` (so it is inside indicator 1.1.1, three braces deep).
fn with_lines(extra: &str) -> String {
    let src = national();
    assert!(src.contains(LET));
    src.replacen(LET, &format!("{LET}\n{extra}"), 1)
}

/// The national rules with a `令` of this value, read by a `若` so that
/// eval, explain and doc all go through it.
fn with_let(value: &str) -> String {
    with_lines(&format!("令 深 = {value}\n若 深 = 1000000007 得 0 分"))
}

/// The national rules with indicator 1.1.1's rule `levels` indicators further down.
fn nested_indicators(levels: usize) -> String {
    let src = national();
    let head = "指标 1.1.1 重大行政决策合法性审查 5 分 {";
    let mut code = "1.1.1".to_string();
    let mut opens = String::new();
    for _ in 0..levels {
        code.push_str(".1");
        opens.push_str(&format!("指标 {code} 层 5 分 {{\n"));
    }
    let src = src.replacen(head, &format!("{head}\n{opens}"), 1);
    let rule_end =
        src[src.find(LET).unwrap()..].find("否则 得 0 分").unwrap() + src.find(LET).unwrap();
    let close = rule_end + src[rule_end..].find('}').unwrap() + 1;
    format!("{}\n{}{}", &src[..close], "}".repeat(levels), &src[close..])
}

fn chain(terms: usize) -> String {
    vec![FIELD; terms].join(" + ")
}

fn calls(n: usize) -> String {
    format!("{}{FIELD}{}", "最大(".repeat(n), ", 0)".repeat(n))
}

fn parens(n: usize) -> String {
    format!("{}{FIELD}{}", "(".repeat(n), ")".repeat(n))
}

fn let_chain(n: usize) -> String {
    let mut lines = vec![format!("令 l1 = {FIELD}")];
    lines.extend((2..=n).map(|i| format!("令 l{i} = l{}", i - 1)));
    lines.push(format!("若 l{n} = 1000000007 得 0 分"));
    with_lines(&lines.join("\n"))
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// The commands that read rule files, on one file.
fn commands(path: &str) -> Vec<Vec<String>> {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        owned(&["check", path]),
        owned(&["eval", path, "--data", EVIDENCE]),
        owned(&["doc", path]),
        owned(&["explain", path, "--data", EVIDENCE, "--subject", "110101"]),
        owned(&["diff", "rules/national.zb", path, "--data", EVIDENCE]),
    ]
}

fn run(args: &[String]) -> Output {
    zhibiao(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Every command refuses the file with `code`, exit 1, no crash.
fn refused_everywhere(text: &str, code: &str) {
    let dir = Dir::new();
    let path = dir.write("deep.zb", text);
    for args in commands(path.to_str().unwrap()) {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&format!("错误[{code}]")), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("overflow"), "{args:?}: {err}");
        assert!(!err.contains("stack limit"), "{args:?}: {err}");
    }
}

/// Every command accepts the file (exit 0).
fn accepted_everywhere(text: &str) {
    let dir = Dir::new();
    let path = dir.write("deep.zb", text);
    for args in commands(path.to_str().unwrap()) {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn three_thousand_parentheses() {
    refused_everywhere(&with_let(&parens(3000)), "E0004");
}

#[test]
fn a_hundred_thousand_parentheses_do_not_show_parser_internals() {
    refused_everywhere(&with_let(&parens(100_000)), "E0004");
}

#[test]
fn a_sum_of_3500_terms() {
    refused_everywhere(&with_let(&chain(3500)), "E0005");
}

#[test]
fn two_thousand_nested_calls() {
    refused_everywhere(&with_let(&calls(2000)), "E0004");
}

#[test]
fn three_thousand_signs_and_negations() {
    refused_everywhere(&with_let(&format!("{}{FIELD}", "- ".repeat(3000))), "E0005");
    let nots = format!("若 {}({FIELD} < 0) 且 否 得 0 分", "非 ".repeat(3000));
    refused_everywhere(&with_lines(&nots), "E0005");
}

#[test]
fn four_thousand_nested_indicators() {
    refused_everywhere(&nested_indicators(4000), "E0004");
}

#[test]
fn a_long_let_chain() {
    refused_everywhere(&let_chain(2000), "E0006");
}

/// At exactly each limit every stage runs (debug build, default stacks,
/// eval's worker threads included); one over gives the code.
#[test]
fn limits_hold_exactly() {
    // Indicator 1.1.1 is three braces deep.
    let room = MAX_NESTING - 3;
    accepted_everywhere(&with_let(&parens(room)));
    refused_everywhere(&with_let(&parens(room + 1)), "E0004");
    accepted_everywhere(&with_let(&calls(room)));
    // A chain of n terms has depth n - 1.
    accepted_everywhere(&with_let(&chain(MAX_EXPR_DEPTH + 1)));
    refused_everywhere(&with_let(&chain(MAX_EXPR_DEPTH + 2)), "E0005");
    // Depth counts through calls: `room` calls around a chain.
    let mixed = |terms: usize| {
        format!(
            "{}{}{}",
            "最大(".repeat(room),
            chain(terms),
            ", 0)".repeat(room)
        )
    };
    accepted_everywhere(&with_let(&mixed(MAX_EXPR_DEPTH - room + 1)));
    refused_everywhere(&with_let(&mixed(MAX_EXPR_DEPTH - room + 2)), "E0005");
    // Inside an aggregate's filter (evaluated while the events are read).
    let filter = |terms: usize| {
        format!(
            "条数(失信事件 满足 {} > 0)",
            vec!["金额"; terms].join(" + ")
        )
    };
    accepted_everywhere(&with_let(&filter(MAX_EXPR_DEPTH - 1)));
    refused_everywhere(&with_let(&filter(MAX_EXPR_DEPTH)), "E0005");
    accepted_everywhere(&let_chain(MAX_LET_CHAIN));
    refused_everywhere(&let_chain(MAX_LET_CHAIN + 1), "E0006");
    // Indicator 1.1.1 is at level 3.
    let levels = MAX_INDICATOR_DEPTH - 3;
    accepted_everywhere(&nested_indicators(levels));
    refused_everywhere(&nested_indicators(levels + 1), "E0007");
}

/// The deepest tree allowed, at the bottom of the deepest indicator tree allowed.
#[test]
fn deepest_expression_in_deepest_indicator() {
    let levels = MAX_INDICATOR_DEPTH - 3;
    let text = nested_indicators(levels).replacen(
        LET,
        &format!(
            "{LET}\n令 深 = {}\n若 深 = 1000000007 得 0 分",
            chain(MAX_EXPR_DEPTH + 1)
        ),
        1,
    );
    accepted_everywhere(&text);
}

/// Indicators nested by braces, each with a one-part code: the tree is
/// measured before it is walked, whatever the codes say.
#[test]
fn deep_indicator_tree_with_short_codes() {
    let levels = MAX_INDICATOR_DEPTH + 8;
    let mut text = national();
    let at = text.find("指标 2 政务公开").unwrap();
    let opens: String = (0..levels)
        .map(|i| format!("指标 {} 层 0 分 {{\n", 100 + i))
        .collect();
    let leaf = "清单 {\n 执法公示制度 得 0 分\n}\n";
    text.insert_str(at, &format!("{opens}{leaf}{}\n", "}\n".repeat(levels)));
    refused_everywhere(&text, "E0007");
}

/// A variant adds indicators one below the other by their codes alone,
/// with no nested braces: 4,000 levels.
#[test]
fn a_variant_chaining_four_thousand_added_indicators() {
    let dir = Dir::new();
    dir.write("base.zb", &national());
    let mut text = "继承 \"base.zb\"\n修改 指标 1 30 分\n修改 指标 1.1 15 分\n".to_string();
    let mut code = "1.1.3".to_string();
    for i in 0..4000 {
        let rule = if i == 3999 {
            "清单 {\n 执法公示制度 得 5 分\n}\n"
        } else {
            ""
        };
        text.push_str(&format!("指标 {code} 层 5 分 {{\n{rule}}}\n"));
        code.push_str(".1");
    }
    let path = dir.write("variant.zb", &text);
    let root = dir.0.path().to_str().unwrap().to_string();
    for mut args in commands(path.to_str().unwrap()) {
        args.extend(["--rules-root".to_string(), root.clone()]);
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        // One error for the one chain.
        assert_eq!(err.matches("错误[E0007]").count(), 1, "{args:?}: {err}");
        assert!(err.contains("第 33 级"), "{args:?}: {err}");
    }
}

#[test]
fn fmt_on_deep_input_stays_linear() {
    let text = "{\n".repeat(100_000);
    // The layout alone: indentation stops growing at the nesting limit.
    let formatted = zhibiao::fmt::format(&text).unwrap();
    assert!(formatted.len() <= 100_000 * (2 * MAX_NESTING + 2));
    // The command does not lay out a file that does not parse: it shows
    // the nesting error and leaves the file as it was.
    let dir = Dir::new();
    let path = dir.write("deep.zb", &text);
    let out = zhibiao(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0004"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_hundred_thousand_sibling_indicators_are_checked() {
    let n = 100_000;
    let mut text = format!(
        "标准 \"t\"\n计分 分值\n通则 {{\n  满分 {n}\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  制度: 是否\n}}\n"
    );
    for i in 1..=n {
        text.push_str(&format!(
            "指标 {i} 项 1 分 {{\n  清单 {{\n    制度 得 1 分\n  }}\n}}\n"
        ));
    }
    text.push_str("等级 {\n  否则 为 合格\n}\n");
    let dir = Dir::new();
    let ok = dir.write("siblings.zb", &text);
    let out = zhibiao(&["check", ok.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A duplicate code among them is found; a wrong sum gives a short message.
    let bad =
        text.replace(&format!("满分 {n}"), "满分 1")
            .replacen("指标 99999 项", "指标 7 项", 1);
    let bad = dir.write("bad.zb", &bad);
    let out = zhibiao(&["check", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("错误[E0103]: 指标编号 7 重复"), "{err}");
    assert!(err.contains("…（共 100000 项）"), "{err}");
    assert!(err.len() < 10_000, "{} bytes", err.len());
}

/// A variant that adds fifty thousand indicators under one base
/// indicator is merged without searching the tree for each one (it was
/// quadratic: 100,000 took 10 s in a release build, now 1.9 s).
#[test]
fn a_variant_adding_fifty_thousand_indicators_is_checked() {
    let n = 50_000;
    let dir = Dir::new();
    dir.write(
        "base.zb",
        &format!(
            "标准 \"t\"\n计分 分值\n通则 {{\n  满分 {n}\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  制度: 是否\n}}\n\
             指标 1 父 {n} 分 {{\n  指标 1.1 项 1 分 {{\n    清单 {{\n      制度 得 1 分\n    }}\n  }}\n}}\n\
             等级 {{\n  否则 为 合格\n}}\n"
        ),
    );
    let mut variant = String::from("继承 \"base.zb\"\n");
    for i in 2..=n {
        variant.push_str(&format!(
            "指标 1.{i} 项 1 分 {{\n  清单 {{\n    制度 得 1 分\n  }}\n}}\n"
        ));
    }
    let path = dir.write("variant.zb", &variant);
    let out = zhibiao(&["check", path.to_str().unwrap(), "--allow-outside-root"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One added twice is found.
    let twice = dir.write(
        "twice.zb",
        &format!("{variant}指标 1.77 项 1 分 {{\n  清单 {{\n    制度 得 1 分\n  }}\n}}\n"),
    );
    let out = zhibiao(&["check", twice.to_str().unwrap(), "--allow-outside-root"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("E0402"), "{err}");
}

/// Sixty unused fields (warnings) and then two errors.
fn many_diagnostics() -> String {
    let fields: String = (1..=60).map(|i| format!("  字段{i}: 计数\n")).collect();
    format!(
        "标准 \"t\"\n计分 分值\n通则 {{\n  满分 10\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n{fields}  制度: 是否\n}}\n\
         指标 1 项 10 分 {{\n  清单 {{\n    制度 得 10 分\n  }}\n}}\n\
         指标 2 项 1 分 {{\n  清单 {{\n    未知一 得 1 分\n  }}\n}}\n等级 {{\n  否则 为 合格\n}}\n"
    )
}

#[test]
fn at_most_fifty_diagnostics_are_shown_errors_first() {
    let dir = Dir::new();
    let path = dir.write("many.zb", &many_diagnostics());
    let out = zhibiao(&["check", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    let errors = err.matches("错误[").count();
    let warnings = err.matches("警告[").count();
    assert_eq!((errors, warnings), (2, 48), "{err}");
    assert!(err.contains("错误[E0101]: 未知的名称“未知一”"), "{err}");
    assert!(err.contains("错误[E0302]"), "{err}");
    assert!(
        err.ends_with(
            "还有 12 条诊断未显示（错误 0 条，警告 12 条）；zhibiao check --format json 可列出全部\n\
             1 个文件：2 个错误，60 个警告\n"
        ),
        "{err}"
    );
    // JSON lists them all.
    let out = zhibiao(&["check", "--format", "json", path.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(62));
}

/// The national rules with one more parameter, whose default is `value`.
fn with_param(value: &str) -> String {
    let param = "参数 评价年度: 年份 = 2025";
    assert!(national().contains(param));
    national().replacen(param, &format!("{param}\n参数 大数: 小数 = {value}"), 1)
}

#[test]
fn numbers_keep_to_28_digits_as_documented() {
    let dir = Dir::new();
    let check = |name: &str, text: &str| {
        let path = dir.write(name, text);
        let out = zhibiao(&["check", path.to_str().unwrap()]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = check("28.zb", &with_param(&"9".repeat(28)));
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = check("29.zb", &with_param(&"9".repeat(29)));
    assert_eq!(code, Some(1));
    assert!(err.contains("错误[E0002]"), "{err}");
    // 29 digits that rust_decimal would still take.
    let (code, err) = check("max.zb", &with_param("12345678901234567890123456789"));
    assert_eq!(code, Some(1));
    assert!(err.contains("错误[E0002]"), "{err}");
    let (code, err) = check("places.zb", &with_param(&format!("0.{}1", "0".repeat(27))));
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = check(
        "places29.zb",
        &with_param(&format!("0.{}1", "0".repeat(28))),
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("错误[E0002]"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted_silently() {
    let dir = Dir::new();
    let plain = dir.write("plain.zb", &national());
    let bom = dir.write("bom.zb", &format!("\u{feff}{}", national()));
    let out = zhibiao(&["check", bom.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "1 个文件：0 个错误，0 个警告\n"
    );
    let eval = |p: &Path| {
        zhibiao(&[
            "eval",
            p.to_str().unwrap(),
            "--data",
            EVIDENCE,
            "--format",
            "csv",
        ])
        .stdout
    };
    assert_eq!(eval(&bom), eval(&plain));
    // A test file may start with one too.
    let tests = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national.test.zb"),
    )
    .unwrap();
    dir.write("national.zb", &national());
    let test = dir.write("national.test.zb", &format!("\u{feff}{tests}"));
    let out = zhibiao(&["test", test.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn control_characters_in_rule_text_are_shown_escaped() {
    let dir = Dir::new();
    // An ESC sequence in a name, on a line with an error; a vertical tab
    // between two words.
    let esc = national().replacen(
        "指标 1.1 依法科学民主决策 10 分 {",
        "指标 1.1 \"\u{1b}[31m红\u{1b}[0m\" 11 分 {",
        1,
    );
    let path = dir.write("esc.zb", &esc);
    let out = zhibiao(&["check", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("<U+001B>[31m红<U+001B>[0m"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");

    let vt = national().replacen("标准 \"", "标准\u{b}\"", 1);
    let path = dir.write("vt.zb", &vt);
    let out = zhibiao(&["check", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("错误[E0001]"), "{err}");
    assert!(err.contains("实际为不可见字符 U+000B"), "{err}");
    assert!(err.contains("标准<U+000B>\""), "{err}");
    assert!(!err.contains('\u{b}'), "{err:?}");
    // JSON escapes them in its own way.
    let out = zhibiao(&["check", "--format", "json", path.to_str().unwrap()]);
    assert!(!out.stdout.contains(&0x0b), "raw vertical tab in JSON");
}

/// Many `令` in one indicator, many fields, many parameters each read by
/// an indicator: every name is resolved through an index (these took
/// minutes when each lookup searched the declarations).
#[test]
fn many_lets_fields_and_parameters_are_checked() {
    let n = 50_000;
    let lets: String = (0..n)
        .map(|i| format!("  令 l{i} = 决策数 + {i}\n"))
        .collect();
    let fields: String = (0..n).map(|i| format!("  f{i}: 计数\n")).collect();
    let params: String = (0..n / 2)
        .map(|i| format!("参数 p{i}: 小数 = 1\n"))
        .collect();
    let readers: String = (0..n / 2)
        .map(|i| format!("指标 {} 项 1 分 {{\n  公式 限定(p{i}, 0, 1)\n}}\n", i + 2))
        .collect();
    let text = format!(
        "标准 \"t\"\n计分 分值\n{params}通则 {{\n  满分 {}\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  决策数: 计数, 范围 0..10\n{fields}}}\n\
         指标 1 依法行政 10 分 {{\n{lets}  公式 限定(l{}, 0, 10)\n}}\n{readers}等级 {{\n  否则 为 合格\n}}\n",
        10 + n / 2,
        n - 1
    );
    let dir = Dir::new();
    let path = dir.write("many.zb", &text);
    let out = zhibiao(&["check", "--format", "json", path.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = json.as_array().unwrap();
    // Only the unused fields f0 … f49999 are reported.
    assert_eq!(records.len(), n);
    assert!(records.iter().all(|r| r["code"] == "W0001"));
    assert_eq!(out.status.code(), Some(0));
}

/// Each `令` reads the one before three times: the range analysis works
/// every `令` out once (following them took 3^40 steps).
#[test]
fn lets_that_read_the_previous_several_times() {
    let mut lets = vec!["  令 l1 = 决策数".to_string()];
    lets.extend((2..=40).map(|i| format!("  令 l{i} = l{0} + l{0} - l{0}", i - 1)));
    let text = format!(
        "标准 \"t\"\n计分 分值\n通则 {{\n  满分 10\n}}\n对象表 主体 {{\n  编码: 文本, 主键\n  决策数: 计数, 范围 0..10\n}}\n\
         指标 1 依法行政 10 分 {{\n{}\n  公式 限定(l40, 0, 10)\n}}\n等级 {{\n  否则 为 合格\n}}\n",
        lets.join("\n")
    );
    let dir = Dir::new();
    let path = dir.write("lets.zb", &text);
    let out = zhibiao(&["check", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
