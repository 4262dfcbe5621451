//! “Did you mean” for a `继承` path that names no file: the rule files of
//! the same name within the rules root, written relative to the variant
//! (`继承 "national.zb"` in rules/variants/ → `"../national.zb"`).

use crate::check::did_you_mean;
use std::path::{Component, Path, PathBuf};

/// At most this many directory entries are looked at, so a huge root
/// (a home directory) costs a bounded time.
const MAX_ENTRIES: usize = 20_000;
const MAX_DEPTH: usize = 8;

/// The help for a missing base `written` from directory `dir`, searching
/// `root` (or `dir`'s parent when `继承` is not confined), and the single
/// path to offer as a fix when there is exactly one.
pub fn suggest(written: &str, dir: &Path, root: Option<&Path>) -> Option<(String, Option<String>)> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => dir.parent().unwrap_or(&dir).to_path_buf(),
    };
    let mut files = Vec::new();
    let mut budget = MAX_ENTRIES;
    collect(&root, 0, &mut budget, &mut files);
    let name = Path::new(written).file_name()?;
    let same: Vec<String> = files
        .iter()
        .filter_map(|f| Some((f.file_name()? == name, shown(&relative(&dir, f)))))
        .filter(|(same, _)| *same)
        .map(|(_, rel)| rel)
        .collect();
    if same.is_empty() {
        let all: Vec<String> = files.iter().map(|f| shown(&relative(&dir, f))).collect();
        let help = did_you_mean(written, all.iter().map(String::as_str))?;
        return Some((help, None));
    }
    let quoted: Vec<String> = same.iter().take(5).map(|r| format!("“{r}”")).collect();
    let help = match quoted.as_slice() {
        [one] => format!("是否想写{one}？路径相对于本文件所在的目录"),
        [init @ .., last] => format!(
            "是否想写{}或{last}？路径相对于本文件所在的目录",
            init.join("、")
        ),
        [] => return None,
    };
    let fix = match same.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    Some((help, fix))
}

/// Rule files (`*.zb`) under `dir`, skipping hidden folders and `target`.
fn collect(dir: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = e.file_type() else { continue };
        let path = e.path();
        if kind.is_dir() && depth < MAX_DEPTH && !name.starts_with('.') && name != "target" {
            collect(&path, depth + 1, budget, out);
        } else if kind.is_file() && name.ends_with(".zb") && !name.ends_with(".test.zb") {
            out.push(path);
        }
    }
}

/// `to` relative to directory `from` (both absolute): `../national.zb`.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in to_parts.iter().skip(common) {
        out.push(c.as_os_str());
    }
    out
}

/// A relative path as written in a `继承`: forward slashes.
fn shown(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_path_is_written_relative_to_the_variant() {
        let rel = super::relative(
            Path::new("/r/rules/variants"),
            Path::new("/r/rules/national.zb"),
        );
        assert_eq!(super::shown(&rel), "../national.zb");
        let rel = super::relative(Path::new("/r/rules"), Path::new("/r/rules/base/a.zb"));
        assert_eq!(super::shown(&rel), "base/a.zb");
    }

    #[test]
    fn the_file_of_the_same_name_is_suggested() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let variants = dir.path().join("variants");
        std::fs::create_dir(&variants).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("national.zb"), "").unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let (help, fix) = super::suggest("national.zb", &variants, Some(&root))
            .unwrap_or_else(|| panic!("no suggestion"));
        assert_eq!(help, "是否想写“../national.zb”？路径相对于本文件所在的目录");
        assert_eq!(fix.as_deref(), Some("../national.zb"));
    }
}
