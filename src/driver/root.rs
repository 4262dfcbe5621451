//! Where `继承` may point: the rules root.
//!
//! A rule file is often written by someone other than the person checking
//! it (a province's variant sent to the national committee). Without a
//! bound, `继承 "/etc/shadow"` would read any file the checker can read and
//! show its first line in a syntax error. So by default the file a `继承`
//! names must resolve (after `..` and symbolic links) to a place inside the
//! rules root, and must be a `.zb` file.

use super::input::FileError;
use std::path::{Component, Path, PathBuf};

/// How `继承` paths are confined. The default confines them to the git
/// work tree holding the file being checked, else the current directory.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--rules-root`: the folder `继承` may not leave.
    pub rules_root: Option<PathBuf>,
    /// `--allow-outside-root`: absolute paths and paths out of the root
    /// are accepted (still only `.zb` files).
    pub allow_outside_root: bool,
}

/// The canonical root to confine to, or `None` when confinement is off.
pub(crate) fn rules_root(opts: &Options, file: &Path) -> Result<Option<PathBuf>, FileError> {
    if opts.allow_outside_root {
        return Ok(None);
    }
    if let Some(root) = &opts.rules_root {
        let bad = |why: String| FileError {
            code: "E0411",
            path: root.clone(),
            message: format!("规则根目录 {} {why}", root.display()),
            line: None,
            column: None,
            help: None,
        };
        let canonical = std::fs::canonicalize(root).map_err(|e| bad(format!("无法访问：{e}")))?;
        if !canonical.is_dir() {
            return Err(bad("不是目录".into()));
        }
        return Ok(Some(canonical));
    }
    // The work tree that really holds the file, links followed.
    let work_tree = std::fs::canonicalize(file).ok().and_then(|f| {
        f.ancestors()
            .skip(1)
            .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
            .map(Path::to_path_buf)
    });
    Ok(Some(work_tree.unwrap_or_else(current_dir)))
}

/// The canonical current directory. If it cannot be found (deleted under
/// us), `.`: nothing canonical starts with it, so every `继承` is refused.
pub(crate) fn current_dir() -> PathBuf {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// Why a `继承` path is refused before anything is read.
pub(crate) enum Refusal {
    /// E0407: absolute, or resolves outside the root (shown).
    Absolute,
    Outside {
        resolved: PathBuf,
        root: PathBuf,
    },
    /// E0408: not a `.zb` file; or a `.zb` link to a file that is not
    /// (shown), which must not be echoed either.
    NotRules(Option<PathBuf>),
}

/// Checks on the path as written, before it is joined or looked up.
pub(crate) fn check_written(written: &Path, confined: bool) -> Result<(), Refusal> {
    if !is_rule_file(written) {
        return Err(Refusal::NotRules(None));
    }
    let absolute = written.has_root()
        || written
            .components()
            .any(|c| matches!(c, Component::Prefix(_)));
    if confined && absolute {
        return Err(Refusal::Absolute);
    }
    Ok(())
}

/// Whether a path names a rule file by its extension.
pub fn is_rule_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "zb")
}

/// Whether `path` is named as a rule file and, followed through any
/// symbolic links, still is one.
pub fn names_rule_file(path: &Path) -> bool {
    is_rule_file(path) && is_rule_file(&resolve(path))
}

/// Checks where `path` (relative to the current directory, `..` already
/// folded) leads: a `.zb` file, inside `root` if confined.
pub(crate) fn check_resolved(path: &Path, root: Option<&Path>) -> Result<(), Refusal> {
    let resolved = resolve(path);
    if !is_rule_file(&resolved) {
        return Err(Refusal::NotRules(Some(resolved)));
    }
    match root {
        Some(root) if !resolved.starts_with(root) => Err(Refusal::Outside {
            resolved,
            root: root.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// The canonical form of `path`; for a path that does not exist, the
/// canonical form of its nearest existing ancestor with the rest appended,
/// so a missing file outside the root is refused as outside, not reported
/// as missing.
fn resolve(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut cur = path;
    loop {
        let probe = if cur.as_os_str().is_empty() {
            Path::new(".")
        } else {
            cur
        };
        if let Ok(mut found) = std::fs::canonicalize(probe) {
            found.extend(rest.iter().rev());
            return found;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            // A tail with `..` in it: left as is, which no canonical root
            // is a prefix of, so it is refused.
            _ => return path.to_path_buf(),
        }
    }
}
