//! Reading rule files from disk and running the front end: parse each file
//! of a variant chain, merge the chain, check the merged tree.
//!
//! Files are read within limits (`input`), and the files a `继承` names
//! are confined to the rules root (`root`), so checking a rule file from
//! elsewhere cannot read, or show, anything outside it.

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::ir::Model;
use crate::merge;
use crate::source::{FileId, Files, Span};
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

mod input;
mod nearby;
pub mod revision;
mod root;

pub use input::{files_under, read_input, FileError, InputKind, MAX_INPUT_BYTES};
pub use root::{is_rule_file, names_rule_file, Options};

/// The most files in one `继承` chain, the checked file included. Real
/// chains are national → province → city (3); a longer one is a mistake.
pub const MAX_EXTENDS_DEPTH: usize = 32;

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
/// in it is resolved relative to the current directory, which is also its
/// rules root.
pub fn compile_source(name: &str, text: &str) -> Compiled {
    let mut loader = Loader {
        root: Some(root::current_dir()),
        ..Loader::default()
    };
    let id = loader.files.add(name, text);
    let tree = loader.tree(id, Path::new("."), 1);
    loader.finish(tree, id)
}

/// [`compile_file_with`] with the default rules root.
pub fn compile_file(path: &Path) -> Result<Compiled, FileError> {
    compile_file_with(path, &Options::default())
}

/// Read, parse and check a rule file and the chain of files it extends,
/// `继承` confined as `opts` says. An unreadable top-level file (or rules
/// root) is an `Err` naming it.
pub fn compile_file_with(path: &Path, opts: &Options) -> Result<Compiled, FileError> {
    let text = read_input(path, InputKind::Rules)?;
    compile_text_with(path, text, opts)
}

/// [`compile_file_with`] for text that is not (yet) on disk, as an editor
/// holds it: `path` names the file, so `继承` resolves from its folder and
/// is confined to its rules root; the files it extends are read from disk.
pub fn compile_text_with(path: &Path, text: String, opts: &Options) -> Result<Compiled, FileError> {
    let mut loader = Loader {
        root: root::rules_root(opts, path)?,
        ..Loader::default()
    };
    loader
        .stack
        .push((canonical(path), path.display().to_string()));
    let id = loader.files.add(path.display().to_string(), text);
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let tree = loader.tree(id, &dir, 1);
    Ok(loader.finish(tree, id))
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
    /// The canonical rules root `继承` may not leave; `None`: not confined.
    root: Option<PathBuf>,
}

impl Loader {
    /// The merged tree of one file: its base's tree with its differences
    /// applied. `depth` counts the files of the chain down to this one.
    /// The file's text is read from the store: each file is held once.
    fn tree(&mut self, id: FileId, dir: &Path, depth: usize) -> Option<ast::File> {
        let file = match syntax::parse(id, self.files.source(id)) {
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
        let base = self.base(&extends, dir, depth)?;
        Some(merge::merge(base, file, &mut self.diags))
    }

    fn base(
        &mut self,
        extends: &ast::Spanned<String>,
        dir: &Path,
        depth: usize,
    ) -> Option<ast::File> {
        let written = Path::new(&extends.node);
        if let Err(refusal) = root::check_written(written, self.root.is_some()) {
            self.refuse(extends, refusal);
            return None;
        }
        let path = normalize(&dir.join(written));
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
        if depth >= MAX_EXTENDS_DEPTH {
            self.diags.push(
                Diagnostic::error("E0409", "继承链过长")
                    .primary(
                        extends.span,
                        format!("继承链已有 {depth} 个文件，此处再继承就超过上限"),
                    )
                    .note(format!(
                        "一条继承链最多 {MAX_EXTENDS_DEPTH} 个文件（含被检查的文件）"
                    ))
                    .help("把中间的变体合并，缩短继承链"),
            );
            return None;
        }
        if let Err(refusal) = root::check_resolved(&path, self.root.as_deref()) {
            self.refuse(extends, refusal);
            return None;
        }
        let text = match input::read_limited(&path) {
            Ok(t) => t,
            Err(failure) => {
                let message = failure.message(InputKind::Rules, &path);
                let d = if failure.too_large() {
                    Diagnostic::error("E0410", "被继承的规则文件过大")
                        .primary(extends.span, message)
                        .help(format!(
                            "规则文件不能超过 {} MiB；检查路径是否指向了规则文件",
                            MAX_INPUT_BYTES / 1024 / 1024
                        ))
                } else {
                    let d = Diagnostic::error("E0405", "无法读取被继承的规则文件")
                        .primary(extends.span, message);
                    let near = if path.exists() {
                        None
                    } else {
                        nearby::suggest(&extends.node, dir, self.root.as_deref())
                    };
                    match near {
                        Some((help, fix)) => {
                            let d = d.help(help);
                            match fix {
                                Some(p) => d.fix(extends.span, format!("\"{p}\"")),
                                None => d,
                            }
                        }
                        None => d.help("路径相对于本文件所在的目录"),
                    }
                };
                self.diags.push(d);
                return None;
            }
        };
        self.stack.push((key, path.display().to_string()));
        let id = self.files.add(path.display().to_string(), text);
        let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let tree = self.tree(id, &base_dir, depth + 1);
        self.stack.pop();
        tree
    }

    /// A `继承` path refused before reading: E0407 or E0408.
    fn refuse(&mut self, extends: &ast::Spanned<String>, refusal: root::Refusal) {
        let outside_help = "把基础规则放在规则根目录内，或用 --rules-root 指定根目录；\
                            确需引用根目录外的文件时加 --allow-outside-root";
        let d = match refusal {
            root::Refusal::Absolute => Diagnostic::error("E0407", "继承的路径超出规则根目录")
                .primary(extends.span, "继承不能使用绝对路径")
                .note("继承的路径相对于本文件所在的目录，且不能离开规则根目录")
                .help(outside_help),
            root::Refusal::Outside { resolved, root } => {
                Diagnostic::error("E0407", "继承的路径超出规则根目录")
                    .primary(
                        extends.span,
                        format!("此文件在规则根目录之外：{}", resolved.display()),
                    )
                    .note(format!("规则根目录：{}", root.display()))
                    .help(outside_help)
            }
            root::Refusal::NotRules(resolved) => {
                let label = match resolved {
                    None => "继承的文件名应以 .zb 结尾".to_string(),
                    Some(r) => format!("此路径指向的文件不以 .zb 结尾：{}", r.display()),
                };
                Diagnostic::error("E0408", "被继承的文件不是规则文件")
                    .primary(extends.span, label)
                    .help("继承只能指向规则文件（*.zb）")
            }
        };
        self.diags.push(d);
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
