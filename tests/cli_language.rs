#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One language: every command's `--help` and every usage error that
//! clap can raise here are in Chinese. English words left in the output
//! fail the test, except names that are not English prose: option and
//! command names, placeholders (`<RULES>`, `OLD NEW`), file extensions and
//! format names, and the paths in the examples.

use std::process::{Command, Output};

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

const COMMANDS: &[&str] = &[
    "check",
    "eval",
    "explain",
    "report",
    "sensitivity",
    "diff",
    "compare",
    "test",
    "fmt",
    "template",
    "doc",
    "completions",
    "lsp",
    "help",
];

/// Words that may stay: command names, format and encoding names, file
/// extensions, tool names, example paths.
const ALLOWED: &[&str] = &[
    "zhibiao",
    "lsp",
    "check",
    "eval",
    "explain",
    "report",
    "sensitivity",
    "diff",
    "compare",
    "test",
    "fmt",
    "template",
    "doc",
    "completions",
    "help",
    "human",
    "json",
    "csv",
    "md",
    "html",
    "htm",
    "xlsx",
    "docx",
    "txt",
    "table",
    "utf",
    "gbk",
    "zb",
    "bash",
    "zsh",
    "fish",
    "powershell",
    "git",
    "rules",
    "national",
    "examples",
    "evidence",
    "old",
    "new",
    "all",
    "local",
    "share",
    "completion",
    "completions",
    "zfunc",
    "config",
    "a",
    "Excel",
    "Word",
    "Windows",
    "PROFILE",
    "HEAD",
    "markdown",
    "e",
    "g",
    "A4",
    "old",
    "zhibiao_commit",
    "unknown",
    // The last line of `zhibiao test` is `N passed, M failed` for CI.
    "passed",
    "failed",
    // A kind of program and a key, as Chinese manuals write them.
    "shell",
    "Tab",
];

/// The English words of `out` that are not allowed: runs of ASCII
/// letters outside options (`--data`, `-o`), placeholders (`<RULES>`,
/// all capitals), paths and `表名=值` forms.
fn english_words(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in out.split(|c: char| c.is_whitespace() || !c.is_ascii() && !c.is_alphanumeric()) {
        let token = token.trim_matches(|c: char| "[](),.;:'\"“”…|".contains(c));
        if token.starts_with('-') || token.starts_with('<') {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.is_empty() || word.len() == 1 {
                continue;
            }
            if word.chars().all(|c| c.is_ascii_uppercase()) {
                continue;
            }
            if ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(word)) {
                continue;
            }
            found.push(word.to_string());
        }
    }
    found
}

fn assert_chinese(what: &str, out: &str) {
    assert_chinese_but(what, out, &[]);
}

/// As [`assert_chinese`], the user's own input quoted in `out` aside.
fn assert_chinese_but(what: &str, out: &str, input: &[&str]) {
    let mut out = out.to_string();
    for i in input {
        out = out.replace(&format!("“{i}”"), "");
    }
    let words = english_words(&out);
    assert!(
        words.is_empty(),
        "{what}: English words {words:?} in:\n{out}"
    );
}

#[test]
fn every_help_is_chinese_with_examples_and_exit_codes() {
    for flag in ["--help", "-h"] {
        let out = zhibiao(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        assert!(help.contains("用法: zhibiao <命令>"), "{help}");
        assert!(help.contains("\n命令:\n"), "{help}");
        assert!(help.contains("显示帮助"), "{help}");
        assert_chinese(flag, &help);
        for c in COMMANDS {
            assert!(help.contains(&format!("  {c} ")), "{c} missing:\n{help}");
        }
    }
    // Every command the help lists (so a new one is walked too), and at
    // least the known ones.
    let listed = listed_commands();
    for c in COMMANDS {
        assert!(listed.iter().any(|l| l == c), "{c} not listed: {listed:?}");
    }
    for c in listed.iter().map(String::as_str) {
        for args in [vec![c, "--help"], vec![c, "-h"], vec!["help", c]] {
            let out = zhibiao(&args);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let help = text(&out.stdout);
            assert!(help.contains("用法: zhibiao"), "{args:?}:\n{help}");
            assert_chinese(&format!("{args:?}"), &help);
            if c != "help" {
                assert!(help.contains("用法示例:"), "{args:?}:\n{help}");
                assert!(help.contains("退出码:"), "{args:?}:\n{help}");
                assert!(help.contains("  2  命令行用法错误"), "{args:?}:\n{help}");
            }
        }
    }
}

/// The command names under `命令:` in `zhibiao --help`.
fn listed_commands() -> Vec<String> {
    let help = text(&zhibiao(&["--help"]).stdout);
    help.split("\n命令:\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn defaults_and_possible_values_are_chinese() {
    let help = text(&zhibiao(&["check", "--help"]).stdout);
    assert!(help.contains("[可选值: human, json]"), "{help}");
    assert!(help.contains("[默认: human]"), "{help}");
    let help = text(&zhibiao(&["doc", "--help"]).stdout);
    assert!(help.contains("docx（Word 文档）"), "{help}");
}

#[test]
fn version_names_the_commit() {
    let out = zhibiao(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let v = text(&out.stdout);
    assert!(
        v.starts_with(&format!("zhibiao {}（提交 ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    let commit = v.trim().trim_end_matches('）').rsplit(' ').next().unwrap();
    assert!(
        commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{v}"
    );
    assert_eq!(text(&zhibiao(&["-V"]).stdout), v);
}

/// A usage error: exit 2, `错误: ` first, Chinese throughout.
fn usage_error(args: &[&str]) -> String {
    let out = zhibiao(args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(text(&out.stdout), "", "{args:?}");
    assert!(err.starts_with("错误: "), "{args:?}:\n{err}");
    assert_chinese_but(&format!("{args:?}"), &err, args);
    err
}

const DATA: [&str; 3] = ["rules/national.zb", "--data", "examples/evidence"];

fn with_data<'a>(command: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command];
    args.extend(DATA);
    args.extend(more);
    args
}

#[test]
fn unknown_argument_with_and_without_suggestion() {
    let err = usage_error(&with_data("eval", &["--outptu", "x.csv"]));
    assert!(err.contains("无法识别的参数“--outptu”"), "{err}");
    assert!(err.contains("提示: 是否想写“--output”？"), "{err}");
    assert!(err.contains("用法: zhibiao eval [选项]"), "{err}");
    assert!(err.contains("详细说明请运行 zhibiao eval --help"), "{err}");
    let err = usage_error(&["check", "--zzz", "rules/national.zb"]);
    assert!(err.contains("请写在 -- 之后"), "{err}");
    let err = usage_error(&["doc", "rules/national.zb", "extra.zb"]);
    assert!(err.contains("无法识别的参数“extra.zb”"), "{err}");
}

#[test]
fn unknown_command_suggests() {
    let err = usage_error(&["evl"]);
    assert!(err.contains("没有命令“evl”"), "{err}");
    assert!(err.contains("是否想写“eval”？"), "{err}");
    assert!(!err.contains("“help”"), "{err}");
    let err = usage_error(&["hlep"]);
    assert!(err.contains("是否想写“help”？"), "{err}");
    usage_error(&["help", "nosuch"]);
}

#[test]
fn invalid_and_missing_values() {
    let err = usage_error(&["check", "rules/national.zb", "--format", "xml"]);
    assert!(
        err.contains("“xml”不是“--format <FORMAT>”可取的值"),
        "{err}"
    );
    assert!(err.contains("可选值: human, json"), "{err}");
    assert!(err.contains("详细说明请运行 zhibiao check --help"), "{err}");
    let err = usage_error(&["check", "rules/national.zb", "--format"]);
    assert!(err.contains("需要一个值，但没有给出"), "{err}");
    let err = usage_error(&with_data("eval", &["--format", "jsn"]));
    assert!(err.contains("是否想写“json”？"), "{err}");
}

#[test]
fn value_validation_in_chinese() {
    let err = usage_error(&with_data("sensitivity", &["--runs", "0"]));
    assert!(err.contains("0 不在 1..=1000000 之内"), "{err}");
    let err = usage_error(&with_data("sensitivity", &["--seed", "abc"]));
    assert!(err.contains("应为整数"), "{err}");
    let err = usage_error(&with_data("eval", &["--param", "年度"]));
    assert!(err.contains("不是 名称=值 的形式"), "{err}");
}

#[test]
fn missing_arguments_and_commands() {
    let err = usage_error(&["eval", "rules/national.zb"]);
    assert!(err.contains("缺少必须给出的参数："), "{err}");
    assert!(err.contains("--data <DATA>"), "{err}");
    let err = usage_error(&["check"]);
    assert!(err.contains("<RULES>"), "{err}");
    // No command at all: the help, on stderr, exit 2.
    let out = zhibiao(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert_chinese("zhibiao", &text(&out.stderr));
}

#[test]
fn conflicts_and_repeats() {
    let err = usage_error(&with_data(
        "explain",
        &["--subject", "110101", "--all", "-o", "x"],
    ));
    assert!(err.contains("不能与"), "{err}");
    let err = usage_error(&[
        "check",
        "rules/national.zb",
        "--format",
        "json",
        "--format",
        "json",
    ]);
    assert!(err.contains("只能给出一次"), "{err}");
    let err = usage_error(&[
        "diff",
        "a.zb",
        "b.zb",
        "c.zb",
        "--data",
        "examples/evidence",
    ]);
    assert!(!err.is_empty());
}

#[test]
fn our_own_usage_errors_look_like_clap_ones() {
    let err = usage_error(&with_data("eval", &["--format", "csv", "-o", "x.json"]));
    assert!(err.contains("用法: zhibiao eval"), "{err}");
    let err = usage_error(&with_data(
        "eval",
        &["--param", "评价年度=2024", "--param", "评价年度=2025"],
    ));
    assert!(err.contains("参数“评价年度”给了不止一次"), "{err}");
    let err = usage_error(&["diff", "--old", "a.zb", "b.zb", "c.zb", "--data", "x"]);
    assert!(err.contains("应给出旧规则与新规则"), "{err}");
}

#[test]
fn diagnostics_and_cli_errors_share_one_prefix() {
    let out = zhibiao(&["check", "tests/ui/E0301_points_do_not_add_up.zb"]);
    let err = text(&out.stderr);
    assert!(err.starts_with("错误[E0301]: "), "{err}");
    let out = zhibiao(&["check", "tests/ui/W0001_unused_field.zb"]);
    let err = text(&out.stderr);
    assert!(err.starts_with("警告[W0001]: "), "{err}");
    let out = zhibiao(&["check", "no/such/file.zb"]);
    let err = text(&out.stderr);
    assert!(err.starts_with("错误"), "{err}");
    assert_chinese("check missing file", &err.replace("no/such/file.zb", ""));
}

#[test]
fn rule_test_summary_has_a_chinese_line_then_the_required_one() {
    let out = zhibiao(&["test", "rules/national.test.zb"]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let n = lines.len();
    assert!(n >= 2, "{stdout}");
    let last = lines[n - 1];
    assert!(last.ends_with(" passed, 0 failed"), "{stdout}");
    let passed = last.split(' ').next().unwrap();
    assert_eq!(lines[n - 2], format!("测试结果：{passed} 个通过，0 个失败"));
}
