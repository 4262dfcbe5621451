//! Reading rule files from disk and running the front end: parse each file
//! of a variant chain, merge the chain, check the merged tree.

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::ir::Model;
use crate::merge;
use crate::source::{FileId, Files, Span};
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

/// The front end's result for one rule file (and the files it extends).
pub struct Compiled {
    pub files: Files,
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file named on the command line.
    pub root: Option<FileId>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parse and check rule text already in memory (tests, tools). A `继承`
/// in it is resolved relative to the current directory.
pub fn compile_source(name: &str, text: &str) -> Compiled {
    let mut loader = Loader::default();
    let id = loader.files.add(name, text);
    let tree = loader.tree(id, text, Path::new("."));
    loader.finish(tree, id)
}

/// Read, parse and check a rule file and the chain of files it extends.
/// An unreadable top-level file is an `Err` with a message naming it.
pub fn compile_file(path: &Path) -> Result<Compiled, String> {
    let text = read(path)?;
    let mut loader = Loader::default();
    loader
        .stack
        .push((canonical(path), path.display().to_string()));
    let id = loader.files.add(path.display().to_string(), text.clone());
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let tree = loader.tree(id, &text, &dir);
    Ok(loader.finish(tree, id))
}

fn read(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("无法读取规则文件 {}：{e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "规则文件 {} 不是 UTF-8 编码（第 {} 字节）",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// `a/b/../c` → `a/c`, without touching the file system (for messages).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[derive(Default)]
struct Loader {
    files: Files,
    diags: Vec<Diagnostic>,
    /// Files being loaded, outermost first, to detect extends cycles:
    /// canonical path (for comparison) and the path as written (for messages).
    stack: Vec<(PathBuf, String)>,
}

impl Loader {
    /// The merged tree of one file: its base's tree with its differences applied.
    fn tree(&mut self, id: FileId, text: &str, dir: &Path) -> Option<ast::File> {
        let file = match syntax::parse(id, text) {
            Ok(f) => f,
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        let Some(extends) = file.extends.clone() else {
            merge::reject_variant_items(&file, &mut self.diags);
            return Some(file);
        };
        let base = self.base(&extends, dir)?;
        Some(merge::merge(base, file, &mut self.diags))
    }

    fn base(&mut self, extends: &ast::Spanned<String>, dir: &Path) -> Option<ast::File> {
        let path = normalize(&dir.join(&extends.node));
        let key = canonical(&path);
        if let Some(pos) = self.stack.iter().position(|(p, _)| *p == key) {
            let chain: Vec<&str> = self
                .stack
                .iter()
                .skip(pos)
                .map(|(_, shown)| shown.as_str())
                .collect();
            self.diags.push(
                Diagnostic::error("E0404", "继承形成循环")
                    .primary(extends.span, "此处继承的文件又（间接）继承了本文件")
                    .note(format!(
                        "继承链：{} → {}",
                        chain.join(" → "),
                        path.display()
                    ))
                    .help("变体只能继承基础规则，不能互相继承"),
            );
            return None;
        }
        let text = match read(&path) {
            Ok(t) => t,
            Err(msg) => {
                self.diags.push(
                    Diagnostic::error("E0405", "无法读取被继承的规则文件")
                        .primary(extends.span, msg)
                        .help("路径相对于本文件所在的目录"),
                );
                return None;
            }
        };
        self.stack.push((key, path.display().to_string()));
        let id = self.files.add(path.display().to_string(), text.clone());
        let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let tree = self.tree(id, &text, &base_dir);
        self.stack.pop();
        tree
    }

    fn finish(mut self, tree: Option<ast::File>, root: FileId) -> Compiled {
        let parse_failed = self
            .diags
            .iter()
            .any(|d| d.code == "E0001" || d.code == "E0003");
        let mut model = None;
        if let (Some(tree), false) = (tree, parse_failed) {
            let checked = check::check(&tree, Span::new(root, 0, 0));
            self.diags.extend(checked.diagnostics);
            model = checked.model;
        }
        crate::diagnostic::sort(&mut self.diags);
        if self.diags.iter().any(Diagnostic::is_error) {
            model = None;
        }
        Compiled {
            files: self.files,
            model,
            diagnostics: self.diags,
            root: Some(root),
        }
    }
}

/// The files under `dir` that `keep` accepts, in name order, subfolders
/// included. Folders that cannot be read are added to `unreadable`.
pub fn files_under(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    found: &mut Vec<PathBuf>,
    unreadable: &mut Vec<PathBuf>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        unreadable.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, keep, found, unreadable);
        } else if keep(&p) {
            found.push(p);
        }
    }
}
