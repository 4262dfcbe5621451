#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Reading rule inputs safely (issue #15): `继承` confined to the rules
//! root, only `.zb` files inherited and never echoed, the extends chain
//! bounded, rule and test files read within 16 MiB and only if regular,
//! folder walks that do not follow symbolic links, `--param` given once.
//!
//! Every command runs with a deadline: a hang is a failure, not a stuck
//! test run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// `zhibiao ARGS` in `dir`, killed (and the test failed) after 60 s.
fn zhibiao(dir: &Path, args: &[&str]) -> Run {
    let out_file = tempfile::NamedTempFile::new().unwrap();
    let err_file = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out_file.reopen().unwrap())
        .stderr(err_file.reopen().unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("zhibiao {args:?} did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |f: &tempfile::NamedTempFile| {
        String::from_utf8_lossy(&std::fs::read(f.path()).unwrap()).into_owned()
    };
    Run {
        stdout: read(&out_file),
        stderr: read(&err_file),
        code: status.code(),
    }
}

/// A small valid base rule file (the UI tests' base).
fn base_text() -> String {
    std::fs::read_to_string(repo().join("tests/ui/base/small.zb")).unwrap()
}

/// A folder standing for a git work tree: `.git` in it, `rules/base.zb`
/// and `rules/v/variant.zb` extending `../base.zb`; beside it, outside the
/// tree, `secret.zb` whose first line must never be shown.
struct Tree {
    _dir: tempfile::TempDir,
    top: PathBuf,
    repo: PathBuf,
}

const SECRET: &str = "机密第一行 SECRET-LINE-42";

fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    let repo = top.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("rules/v")).unwrap();
    std::fs::write(repo.join("rules/base.zb"), base_text()).unwrap();
    std::fs::write(repo.join("rules/v/variant.zb"), "继承 \"../base.zb\"\n").unwrap();
    std::fs::write(top.join("secret.zb"), format!("{SECRET}\n")).unwrap();
    Tree {
        _dir: dir,
        top,
        repo,
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_repositorys_variants_still_check_from_anywhere() {
    // Root = the repository's work tree, whatever the current directory.
    let elsewhere = tempfile::tempdir().unwrap();
    for f in ["rules/variants/province-a.zb", "rules/variants/city-a1.zb"] {
        let path = repo().join(f);
        let r = zhibiao(elsewhere.path(), &["check", path.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{f}: {}", r.stderr);
    }
}

#[test]
fn a_base_inside_the_work_tree_is_read() {
    let t = tree();
    let r = zhibiao(&t.repo, &["check", "rules/v/variant.zb"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The git work tree is the root even when run from outside it.
    let r = zhibiao(&t.top, &["check", "repo/rules/v/variant.zb"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn a_base_outside_the_work_tree_is_refused_unread() {
    let t = tree();
    write(&t.repo.join("v.zb"), "继承 \"../secret.zb\"\n");
    let r = zhibiao(&t.repo, &["check", "v.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("错误[E0407]: 继承的路径超出规则根目录"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("规则根目录：{}", t.repo.display())),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("SECRET-LINE"), "{}", r.stderr);

    // `--rules-root` above both lets it be read (a syntax error in it is
    // then shown, as for any rule file the user allowed).
    let top = t.top.to_str().unwrap();
    let r = zhibiao(&t.repo, &["check", "v.zb", "--rules-root", top]);
    assert!(!r.stderr.contains("E0407"), "{}", r.stderr);
    assert!(r.stderr.contains("secret.zb"), "{}", r.stderr);
    // So does the explicit flag.
    let r = zhibiao(&t.repo, &["check", "v.zb", "--allow-outside-root"]);
    assert!(!r.stderr.contains("E0407"), "{}", r.stderr);
    assert!(r.stderr.contains("错误[E0001]"), "{}", r.stderr);
}

#[test]
fn a_missing_file_outside_the_root_is_refused_as_outside() {
    let t = tree();
    write(
        &t.repo.join("v.zb"),
        "继承 \"../../../../../../../../../../no/such.zb\"\n",
    );
    let r = zhibiao(&t.repo, &["check", "v.zb"]);
    assert!(r.stderr.contains("错误[E0407]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("此文件在规则根目录之外：/no/such.zb"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_symlink_out_of_the_root_is_refused() {
    let t = tree();
    std::os::unix::fs::symlink(t.top.join("secret.zb"), t.repo.join("link.zb")).unwrap();
    write(&t.repo.join("v.zb"), "继承 \"link.zb\"\n");
    let r = zhibiao(&t.repo, &["check", "v.zb"]);
    assert!(r.stderr.contains("错误[E0407]"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "此文件在规则根目录之外：{}",
            t.top.join("secret.zb").display()
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("SECRET-LINE"), "{}", r.stderr);
}

#[test]
fn without_a_work_tree_the_current_directory_is_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(top.join("a/b")).unwrap();
    write(&top.join("a/base.zb"), &base_text());
    write(&top.join("a/b/v.zb"), "继承 \"../base.zb\"\n");
    // Run in a/: the base is inside.
    let r = zhibiao(&top.join("a"), &["check", "b/v.zb"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // Run in a/b/: the base is above the current directory.
    let r = zhibiao(&top.join("a/b"), &["check", "v.zb"]);
    assert!(r.stderr.contains("错误[E0407]"), "{}", r.stderr);
}

#[test]
fn absolute_and_system_paths_are_refused_without_reading() {
    let t = tree();
    let cases = [
        ("/etc/shadow", "E0408"),
        ("/proc/self/environ", "E0408"),
        ("/etc/zhibiao/national.zb", "E0407"),
    ];
    for (path, code) in cases {
        write(&t.repo.join("v.zb"), &format!("继承 \"{path}\"\n"));
        for extra in [&[][..], &["--allow-outside-root"][..]] {
            let mut args = vec!["check", "v.zb"];
            args.extend(extra);
            let r = zhibiao(&t.repo, &args);
            assert_eq!(r.code, Some(1), "{path}");
            // Not a rule file: refused even with the flag. The absolute
            // .zb path is allowed by the flag and then simply missing.
            let want = if code == "E0407" && !extra.is_empty() {
                "E0405"
            } else {
                code
            };
            assert!(
                r.stderr.contains(&format!("错误[{want}]")),
                "{path} {extra:?}: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("root:"), "{}", r.stderr);
            assert!(!r.stderr.contains("PATH="), "{}", r.stderr);
        }
    }
}

#[test]
fn dev_zero_as_a_base_ends_at_once_even_when_allowed() {
    let t = tree();
    write(&t.repo.join("v.zb"), "继承 \"/dev/zero\"\n");
    let r = zhibiao(&t.repo, &["check", "v.zb", "--allow-outside-root"]);
    assert!(r.stderr.contains("错误[E0408]"), "{}", r.stderr);
    // A `.zb` link to it: the file it resolves to is not a rule file.
    std::os::unix::fs::symlink("/dev/zero", t.repo.join("zero.zb")).unwrap();
    write(&t.repo.join("v.zb"), "继承 \"zero.zb\"\n");
    let r = zhibiao(&t.repo, &["check", "v.zb", "--allow-outside-root"]);
    assert!(
        r.stderr
            .contains("此路径指向的文件不以 .zb 结尾：/dev/zero"),
        "{}",
        r.stderr
    );
}

#[test]
fn bases_that_cannot_be_read_say_why_without_content() {
    let t = tree();
    let dir = &t.repo;
    std::fs::create_dir(dir.join("folder.zb")).unwrap();
    let fifo = dir.join("pipe.zb");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = std::fs::File::create(dir.join("big.zb")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let mut bad = format!("{SECRET}\n").into_bytes();
    bad.extend_from_slice(&[0xff, 0xfe, b'\n']);
    std::fs::write(dir.join("latin.zb"), bad).unwrap();
    let cases = [
        (
            "folder.zb",
            "E0405",
            "规则文件 folder.zb 不是普通文件（是目录）",
        ),
        (
            "pipe.zb",
            "E0405",
            "规则文件 pipe.zb 不是普通文件（是命名管道）",
        ),
        ("big.zb", "E0410", "规则文件 big.zb 超过 16 MiB 的大小上限"),
        (
            "latin.zb",
            "E0405",
            "规则文件 latin.zb 不是 UTF-8 编码：第 2 行第 1 列（第 32 字节）起无法按 UTF-8 读取",
        ),
    ];
    for (file, code, message) in cases {
        write(&dir.join("v.zb"), &format!("继承 \"./{file}\"\n"));
        let r = zhibiao(dir, &["check", "./v.zb"]);
        assert_eq!(r.code, Some(1), "{file}");
        assert!(
            r.stderr.contains(&format!("错误[{code}]")),
            "{file}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(message), "{file}: {}", r.stderr);
        assert!(!r.stderr.contains("SECRET-LINE"), "{}", r.stderr);
    }
}

#[test]
fn the_extends_chain_is_at_most_32_files() {
    let t = tree();
    let dir = t.repo.join("chain");
    std::fs::create_dir(&dir).unwrap();
    write(&dir.join("f33.zb"), &base_text());
    for i in 1..=32 {
        write(
            &dir.join(format!("f{i:02}.zb")),
            &format!("继承 \"f{:02}.zb\"\n", i + 1),
        );
    }
    // f02 … f33: 32 files.
    let r = zhibiao(&dir, &["check", "f02.zb"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // f01 … f33: 33 files.
    let r = zhibiao(&dir, &["check", "f01.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("错误[E0409]: 继承链过长"), "{}", r.stderr);
    assert!(r.stderr.contains("┌─ f32.zb:1:4"), "{}", r.stderr);
}

#[test]
fn a_rule_file_that_is_not_a_regular_file_or_too_large_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("pipe.zb");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::fs::File::create(d.join("big.zb"))
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    let cases = [
        (
            "/dev/zero",
            "错误[E0411]: 规则文件 /dev/zero 不是普通文件（是字符设备）",
        ),
        (
            "pipe.zb",
            "错误[E0411]: 规则文件 pipe.zb 不是普通文件（是命名管道）",
        ),
        (
            "folder",
            "错误[E0411]: 规则文件 folder 不是普通文件（是目录）",
        ),
        (
            "big.zb",
            "错误[E0410]: 规则文件 big.zb 超过 16 MiB 的大小上限",
        ),
        ("missing.zb", "错误[E0411]: 无法读取规则文件 missing.zb："),
    ];
    for (path, message) in cases {
        for cmd in [&["check"][..], &["doc"][..], &["fmt", "--check"][..]] {
            if path == "folder" && cmd[0] != "doc" {
                continue; // check and fmt walk a folder
            }
            let mut args = cmd.to_vec();
            args.push(path);
            let r = zhibiao(d, &args);
            assert_eq!(r.code, Some(1), "{args:?}");
            assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        }
    }
}

#[test]
fn test_files_are_read_within_limits_and_name_only_rule_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = std::fs::File::create(d.join("big.test.zb")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let r = zhibiao(d, &["test", "big.test.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout
            .contains("错误[E0410]: 测试文件 big.test.zb 超过 16 MiB 的大小上限"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("0 passed, 1 failed\n"), "{}", r.stdout);

    write(&d.join("etc.test.zb"), "测试 \"/etc/passwd\"\n");
    let r = zhibiao(d, &["test", "etc.test.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout
            .contains("错误[E0408]: etc.test.zb:1: 测试的对象 /etc/passwd 不是规则文件"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("root:"), "{}", r.stdout);
}

/// A copy of national.zb and its tests in a folder with two links back to
/// the folder and one to itself.
fn looping_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r");
    std::fs::create_dir(&r).unwrap();
    for f in ["national.zb", "national.test.zb"] {
        std::fs::copy(repo().join("rules").join(f), r.join(f)).unwrap();
    }
    std::os::unix::fs::symlink("..", r.join("up1")).unwrap();
    std::os::unix::fs::symlink("..", r.join("up2")).unwrap();
    std::os::unix::fs::symlink(".", r.join("self")).unwrap();
    std::os::unix::fs::symlink("national.test.zb", r.join("again.test.zb")).unwrap();
    (dir, r)
}

#[test]
fn test_on_a_folder_with_symlink_loops_ends_and_runs_each_case_once() {
    let (dir, _) = looping_folder();
    let once = zhibiao(dir.path(), &["test", "r/national.test.zb"]);
    let walked = zhibiao(dir.path(), &["test", "r"]);
    assert_eq!(walked.code, Some(0), "{}", walked.stdout);
    let last = |s: &str| s.lines().last().unwrap_or_default().to_string();
    assert!(
        last(&once.stdout).ends_with(" passed, 0 failed"),
        "{}",
        once.stdout
    );
    assert_eq!(last(&walked.stdout), last(&once.stdout));
    assert_eq!(walked.stdout.matches("测试 r/national.test.zb").count(), 1);
}

#[test]
fn fmt_on_a_folder_with_symlink_loops_ends_and_names_each_file_once() {
    let (dir, r) = looping_folder();
    write(&r.join("messy.zb"), "标准   \"x\"\n");
    let run = zhibiao(dir.path(), &["fmt", "--check", "r"]);
    assert_eq!(run.code, Some(1));
    // Named once, its diff after it.
    assert_eq!(
        run.stdout.matches("需要排版：").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .starts_with("需要排版：r/messy.zb\n--- r/messy.zb\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_command_that_compiles_rules_takes_the_root_options() {
    // A variant outside any work tree, run from its own folder, extending
    // the repository's national.zb by absolute path.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let national = repo().join("rules/national.zb");
    write(
        &d.join("v.zb"),
        &format!("继承 \"{}\"\n", national.display()),
    );
    let evidence = repo().join("examples/evidence");
    let ev = evidence.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", "v.zb"],
        vec!["doc", "v.zb"],
        vec!["eval", "v.zb", "--data", ev, "--format", "csv"],
        vec!["explain", "v.zb", "--data", ev, "--subject", "110101"],
        vec!["diff", "v.zb", "v.zb", "--data", ev],
    ];
    for args in commands {
        let refused = zhibiao(d, &args);
        assert_eq!(refused.code, Some(1), "{args:?}");
        assert!(
            refused.stderr.contains("错误[E0407]"),
            "{args:?}: {}",
            refused.stderr
        );
        let mut allowed = args.clone();
        allowed.push("--allow-outside-root");
        let ok = zhibiao(d, &allowed);
        assert_eq!(ok.code, Some(0), "{allowed:?}: {}", ok.stderr);
        // check writes only diagnostics (none); the others their report.
        assert_eq!(ok.stdout.is_empty(), args[0] == "check", "{allowed:?}");
    }
    // Same scores as the national rules they extend unchanged.
    let direct = zhibiao(
        d,
        &[
            "eval",
            national.to_str().unwrap(),
            "--data",
            ev,
            "--format",
            "csv",
        ],
    );
    let through = zhibiao(
        d,
        &[
            "eval",
            "v.zb",
            "--data",
            ev,
            "--format",
            "csv",
            "--allow-outside-root",
        ],
    );
    assert_eq!(direct.stdout, through.stdout);

    // test: a test file of the variant.
    let tests = std::fs::read_to_string(repo().join("rules/national.test.zb")).unwrap();
    let tests = tests.replacen("测试 \"national.zb\"", "测试 \"v.zb\"", 1);
    assert!(tests.starts_with("测试 \"v.zb\""));
    write(&d.join("v.test.zb"), &tests);
    let refused = zhibiao(d, &["test", "v.test.zb"]);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stdout.contains("错误[E0407]"), "{}", refused.stdout);
    let ok = zhibiao(d, &["test", "v.test.zb", "--allow-outside-root"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);

    // --rules-root that is not a folder.
    let r = zhibiao(d, &["check", "v.zb", "--rules-root", "v.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("错误[E0411]: 规则根目录 v.zb 不是目录"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_parameter_given_twice_is_an_error_naming_it() {
    let ev = repo().join("examples/evidence");
    let ev = ev.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["eval", "rules/national.zb", "--data", ev],
        vec![
            "explain",
            "rules/national.zb",
            "--data",
            ev,
            "--subject",
            "110101",
        ],
        vec![
            "diff",
            "rules/national.zb",
            "rules/national.zb",
            "--data",
            ev,
        ],
    ];
    for mut args in commands {
        args.extend(["--param", "评价年度=2024", "--param", " 评价年度 =2025"]);
        let r = zhibiao(repo(), &args);
        assert_eq!(r.code, Some(2), "{args:?}");
        assert!(
            r.stderr.contains(
                "参数“评价年度”给了不止一次（--param 评价年度=2024，--param 评价年度=2025）"
            ),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    // Once is fine.
    let r = zhibiao(
        repo(),
        &[
            "eval",
            "rules/national.zb",
            "--data",
            ev,
            "--param",
            "评价年度=2024",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A rule file saved as GBK (Chinese Windows' “ANSI”): E0411 with the
/// line and column of the first byte that is not UTF-8, the encoding it
/// looks like and how to re-save it; in `--format json` too.
#[test]
fn a_gbk_rule_file_says_where_what_and_how() {
    let t = tree();
    let dir = t.repo.join("gbk");
    std::fs::create_dir(&dir).unwrap();
    let text = "# 注释\n标准 \"政务诚信\"\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(dir.join("g.zb"), &bytes).unwrap();
    let r = zhibiao(&dir, &["check", "g.zb"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("错误[E0411]"), "{}", r.stderr);
    // “# ” is ASCII; 注 is the first GBK character: line 1, column 3.
    assert!(
        r.stderr.contains("第 1 行第 3 列（第 3 字节）"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("看起来是 GBK 编码"), "{}", r.stderr);
    assert!(r.stderr.contains("另存为 UTF-8"), "{}", r.stderr);
    let r = zhibiao(&dir, &["check", "--format", "json", "g.zb"]);
    assert_eq!(r.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let item = &json[0];
    assert_eq!(item["code"], "E0411");
    assert_eq!(item["severity"], "error");
    assert_eq!(item["line"], 1);
    assert_eq!(item["column"], 3);
    assert!(item["help"].as_str().unwrap().contains("UTF-8"));
    assert!(item["message"].as_str().unwrap().contains("GBK"));
}
