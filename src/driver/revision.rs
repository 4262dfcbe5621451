//! Rule files as they were in a git revision: `git:REV:path` (or `REV:path`
//! when no file of that name exists and REV is a commit), for comparing a
//! rule set with an earlier version of itself.
//!
//! Every `.zb` file of the revision is written into a temporary folder with
//! the repository's layout, so `继承` resolves among the files of that same
//! revision, and that folder is the rules root. Blobs are read with one
//! `git cat-file --batch` process.

use std::io::{BufRead, BufReader, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A rule file taken out of a git revision; the files live as long as this.
#[derive(Debug)]
pub struct Snapshot {
    /// The temporary folder holding the revision's rule files.
    pub root: tempfile::TempDir,
    /// The rule file asked for, inside `root`.
    pub path: PathBuf,
    /// `REV:path`, as the user wrote it, for labels.
    pub label: String,
}

/// The revision and path a spec names: `git:REV:path` always; `REV:path`
/// only when no file `spec` exists (a file name may contain `:`).
fn split(spec: &str) -> Option<(&str, &str, bool)> {
    if let Some(rest) = spec.strip_prefix("git:") {
        let (rev, path) = rest.split_once(':')?;
        return Some((rev, path, true));
    }
    if Path::new(spec).exists() {
        return None;
    }
    let (rev, path) = spec.split_once(':')?;
    (!rev.is_empty() && !path.is_empty()).then_some((rev, path, false))
}

/// `Ok(None)`: `spec` is a plain path. `Err`: a revision spec that cannot
/// be read (Chinese, for the user).
pub fn snapshot(spec: &str) -> Result<Option<Snapshot>, String> {
    let Some((rev, path, explicit)) = split(spec) else {
        return Ok(None);
    };
    if rev.is_empty() || path.is_empty() {
        return Err(format!(
            "“{spec}”应写作 git:版本:路径，如 git:HEAD~1:rules/national.zb"
        ));
    }
    // `REV:path` without the prefix is a revision only if git knows REV.
    let commit = match git(
        None,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    ) {
        Ok(c) => c.trim().to_owned(),
        Err(_) if !explicit => return Ok(None),
        Err(e) => return Err(format!("找不到 git 版本“{rev}”：{e}")),
    };
    let top = git(None, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("当前目录不在 git 仓库中，无法读取“{spec}”：{e}"))?;
    let top = PathBuf::from(top.trim());
    let prefix = git(None, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let wanted = normalize(&Path::new(prefix.trim()).join(path))
        .ok_or_else(|| format!("“{path}”不在 git 仓库“{}”之内", top.display()))?;
    let names = rule_files(&top, &commit)?;
    if !names.iter().any(|n| Path::new(n) == wanted) {
        return Err(format!(
            "git 版本“{rev}”中没有规则文件“{}”",
            wanted.display()
        ));
    }
    let root = tempfile::Builder::new()
        .prefix("zhibiao-rev-")
        .tempdir()
        .map_err(|e| format!("无法创建临时目录：{e}"))?;
    write_blobs(&top, &commit, &names, root.path())?;
    let path = root.path().join(&wanted);
    Ok(Some(Snapshot {
        root,
        path,
        label: format!("{rev}:{}", wanted.display()),
    }))
}

/// Run git in `dir` (the current directory when `None`); its stdout, or
/// its first stderr line as the error.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("-C").arg(dir);
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("无法运行 git：{e}"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(err.lines().next().unwrap_or("git 出错").to_owned())
}

/// `a/./b/../c` → `a/c`; `None` when it leaves the repository.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Every `.zb` file of the commit, as repository paths.
fn rule_files(top: &Path, commit: &str) -> Result<Vec<String>, String> {
    let list = git(Some(top), &["ls-tree", "-r", "-z", "--name-only", commit])?;
    Ok(list
        .split('\0')
        .filter(|n| n.ends_with(".zb"))
        .map(str::to_owned)
        .collect())
}

/// Write each file of the commit under `dir`, read through one
/// `git cat-file --batch`.
fn write_blobs(top: &Path, commit: &str, names: &[String], dir: &Path) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("无法运行 git：{e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("无法读取 git 的输出".to_owned());
    };
    // Names go in on another thread: git answers as it reads, and a full
    // pipe on either side would otherwise stall both.
    let requests: String = names.iter().map(|n| format!("{commit}:{n}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut out = BufReader::new(stdout);
    let mut result = Ok(());
    for name in names {
        if let Err(e) = read_blob(&mut out, name, dir) {
            result = Err(e);
            break;
        }
    }
    drop(out);
    let _ = writer.join();
    let _ = child.wait();
    result
}

/// One `<sha> blob <size>\n<bytes>\n` answer, written to `dir/name`.
fn read_blob(out: &mut impl BufRead, name: &str, dir: &Path) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("无法读取 git 中的“{name}”：{e}");
    let mut head = String::new();
    out.read_line(&mut head).map_err(failed)?;
    let size: usize = match head.split_whitespace().collect::<Vec<_>>().as_slice() {
        [_, "blob", size] => size
            .parse()
            .map_err(|_| format!("git 的回答无法识别：{head}"))?,
        _ => return Err(format!("无法读取 git 中的“{name}”：{}", head.trim())),
    };
    let mut bytes = vec![0; size];
    out.read_exact(&mut bytes).map_err(failed)?;
    let mut newline = [0u8; 1];
    out.read_exact(&mut newline).map_err(failed)?;
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(&path, bytes).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            split("git:HEAD~1:rules/a.zb"),
            Some(("HEAD~1", "rules/a.zb", true))
        );
        assert_eq!(split("git:v1:x:y.zb"), Some(("v1", "x:y.zb", true)));
        assert_eq!(
            split("HEAD:rules/a.zb"),
            Some(("HEAD", "rules/a.zb", false))
        );
        assert_eq!(split("rules/none.zb"), None);
        assert_eq!(split(":a.zb"), None);
    }

    #[test]
    fn paths_stay_in_the_repository() {
        assert_eq!(
            normalize(Path::new("rules/./v/../a.zb")),
            Some(PathBuf::from("rules/a.zb"))
        );
        assert_eq!(normalize(Path::new("../a.zb")), None);
        assert_eq!(normalize(Path::new("/etc/a.zb")), None);
    }
}
