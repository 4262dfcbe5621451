//! `zhibiao diff git:REV:path new`: the old side is the rule file as it was
//! in a git revision, its `继承` resolved among that revision's files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn zhibiao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// A repository with the national rules and province A's variant in two
/// commits: the second changes a band of the national rules only.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root.join("rules/variants")).unwrap();
    std::fs::copy(
        here.join("rules/national.zb"),
        root.join("rules/national.zb"),
    )
    .unwrap();
    std::fs::copy(
        here.join("rules/variants/province-a.zb"),
        root.join("rules/variants/province-a.zb"),
    )
    .unwrap();
    for (from, to) in [
        ("examples/evidence", "evidence"),
        ("examples/evidence-a", "evidence-a"),
    ] {
        std::fs::create_dir_all(root.join(to)).unwrap();
        for f in ["主体.csv", "失信事件.csv"] {
            std::fs::copy(here.join(from).join(f), root.join(to).join(f)).unwrap();
        }
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "one"]);
    let national = root.join("rules/national.zb");
    let text = std::fs::read_to_string(&national).unwrap();
    let changed = text.replacen("加分上限 5", "加分上限 3", 1);
    assert_ne!(text, changed);
    std::fs::write(&national, changed).unwrap();
    git(root, &["commit", "-qam", "two"]);
    dir
}

fn csv(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_old_side_is_read_from_a_revision() {
    let dir = repo();
    let root = dir.path();
    let args = |old: &str, new: &str| {
        zhibiao(
            root,
            &["diff", old, new, "--data", "evidence", "--format", "csv"],
        )
    };
    // The file at HEAD~1 against the work tree: the change of commit two.
    let from_git = csv(&args("git:HEAD~1:rules/national.zb", "rules/national.zb"));
    // The same without git: commit one's text written out by hand.
    let old = root.join("old.zb");
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", "HEAD~1:rules/national.zb"])
        .output()
        .unwrap();
    std::fs::write(&old, out.stdout).unwrap();
    let by_hand = csv(&args("old.zb", "rules/national.zb"));
    assert_eq!(from_git, by_hand);
    assert!(from_git.lines().any(|l| l.contains(",-")), "{from_git}");
    // `REV:path` without the prefix works too.
    assert_eq!(
        csv(&args("HEAD~1:rules/national.zb", "rules/national.zb")),
        from_git
    );
}

#[test]
fn a_variant_at_a_revision_inherits_its_base_at_that_revision() {
    let dir = repo();
    let root = dir.path();
    // province-a.zb did not change, but its base did: the diff shows the
    // base's change, because the old side inherits the old base.
    let out = csv(&zhibiao(
        root,
        &[
            "diff",
            "git:HEAD~1:rules/variants/province-a.zb",
            "rules/variants/province-a.zb",
            "--data",
            "evidence-a",
            "--format",
            "json",
        ],
    ));
    assert!(out.contains("加分上限"), "{out}");
    assert!(
        out.contains("HEAD~1:rules/variants/province-a.zb"),
        "label: {out}"
    );
    // Against itself at HEAD: no rule changes.
    let same = csv(&zhibiao(
        root,
        &[
            "diff",
            "git:HEAD:rules/variants/province-a.zb",
            "rules/variants/province-a.zb",
            "--data",
            "evidence-a",
            "--format",
            "csv",
        ],
    ));
    assert!(
        same.lines()
            .skip(1)
            .all(|l| l.split(',').nth(4) == Some("0.00")),
        "{same}"
    );
}

#[test]
fn unknown_revisions_and_files_are_clear_errors() {
    let dir = repo();
    let root = dir.path();
    let run = |old: &str| {
        let out = zhibiao(
            root,
            &["diff", old, "rules/national.zb", "--data", "evidence"],
        );
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };
    let err = run("git:nosuch:rules/national.zb");
    assert!(err.contains("找不到 git 版本“nosuch”"), "{err}");
    let err = run("git:HEAD~1:rules/missing.zb");
    assert!(
        err.contains("git 版本“HEAD~1”中没有规则文件“rules/missing.zb”"),
        "{err}"
    );
    let err = run("git:HEAD~1:../outside.zb");
    assert!(err.contains("不在 git 仓库"), "{err}");
}
