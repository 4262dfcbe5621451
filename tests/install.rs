#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Installation: shell completions, the licence, the README's install
//! steps, and a version that names its commit.

use std::process::Command;

fn zhibiao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn completions_for_every_shell() {
    for (shell, mark) in [
        ("bash", "complete -F _zhibiao"),
        ("zsh", "#compdef zhibiao"),
        ("fish", "complete -c zhibiao"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = zhibiao(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(mark), "{shell}: {script}");
        for command in ["check", "eval", "fmt", "completions"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
        // The options, with their Chinese help.
        assert!(script.contains("level"), "{shell}");
        if shell != "bash" {
            assert!(script.contains("对全部主体评分"), "{shell}");
        }
    }
    let out = zhibiao(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_licence_as_cargo_toml_says() {
    let root = env!("CARGO_MANIFEST_DIR");
    let licence = std::fs::read_to_string(format!("{root}/LICENSE")).unwrap();
    assert!(licence.starts_with("MIT License"));
    assert!(licence.contains("zhibiao contributors"));
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT\""));
}

#[test]
fn the_readme_installs_the_binary() {
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(readme.contains("cargo install --path ."));
    assert!(readme.contains("x86_64-pc-windows-gnu"));
    assert!(readme.contains("zhibiao completions bash"));
}

/// `zhibiao 0.1.0（提交 abc1234）`: the commit of this checkout when built
/// from git, `unknown` when not.
#[test]
fn the_version_names_the_commit_built_from() {
    let out = zhibiao(&["--version"]);
    let v = String::from_utf8(out.stdout).unwrap();
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    let commit = v
        .trim()
        .strip_prefix(concat!("zhibiao ", env!("CARGO_PKG_VERSION"), "（提交 "))
        .and_then(|r| r.strip_suffix('）'))
        .unwrap_or_else(|| panic!("{v}"));
    match head {
        // Built from this checkout (a later commit may have moved HEAD
        // since the build, so only the form is certain).
        Some(_) => assert!(commit.chars().all(|c| c.is_ascii_hexdigit()), "{v}"),
        None => assert_eq!(commit, "unknown"),
    }
}
