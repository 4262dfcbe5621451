//! Reading rule files and rule-test files from disk within limits, and
//! walking folders for them.
//!
//! A file is read only if it is a regular file (a FIFO would block, a
//! device such as `/dev/zero` never ends) and through `Read::take`, so a
//! file that grows while it is read, or a `/proc` file that reports size 0,
//! still stops at the limit. No error message ever quotes the file's
//! content: a path that names something that is not a rule file must not
//! leak it.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest rule file or rule-test file read, in bytes (16 MiB). The
/// national standard is about 30 KB; a file this large is a mistake.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// What is being read, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Rules,
    Test,
}

impl InputKind {
    fn noun(self) -> &'static str {
        match self {
            InputKind::Rules => "规则文件",
            InputKind::Test => "测试文件",
        }
    }
}

/// A rule or test file that could not be read: its code (E0410 too large,
/// E0411 otherwise), the path as the user gave it, and a message naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub code: &'static str,
    pub path: PathBuf,
    pub message: String,
    /// Where in the file, when one place is to blame (a byte that is not
    /// UTF-8).
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<String>,
}

impl FileError {
    /// The error as one item of `check --format json`'s array, shaped like
    /// the rule diagnostics.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "severity": "error",
            "message": self.message,
            "file": self.path.display().to_string(),
            "line": self.line,
            "column": self.column,
            "help": self.help,
            "labels": [],
            "notes": [],
        })
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "错误[{}]: {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = 帮助: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Failure {
    Io(std::io::Error),
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    TooLarge,
    /// The first byte that is not UTF-8, and whether the whole file
    /// reads as GBK (what Chinese Windows editors save by default).
    NotUtf8 {
        at: Position,
        gbk: bool,
    },
}

/// Where in a file: 1-based byte offset, line and column (characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub byte: usize,
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` (0-based) of `bytes`, all of which
    /// before it are valid UTF-8.
    fn of(bytes: &[u8], offset: usize) -> Position {
        let before = bytes.get(..offset).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line_text =
            std::str::from_utf8(before.get(line_start..).unwrap_or_default()).unwrap_or("");
        Position {
            byte: offset + 1,
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            column: line_text.chars().count() + 1,
        }
    }
}

impl Failure {
    /// The message, naming the path; never any of the file's content.
    pub(crate) fn message(&self, kind: InputKind, path: &Path) -> String {
        let (noun, p) = (kind.noun(), path.display());
        match self {
            Failure::Io(e) => format!("无法读取{noun} {p}：{}", io_reason(e)),
            Failure::NotRegular(what) => format!("{noun} {p} 不是普通文件（是{what}）"),
            Failure::TooLarge => format!(
                "{noun} {p} 超过 {} MiB 的大小上限",
                MAX_INPUT_BYTES / 1024 / 1024
            ),
            Failure::NotUtf8 { at, gbk } => {
                let looks = if *gbk {
                    "，看起来是 GBK 编码（Windows 中文版的记事本、WPS 常用的“ANSI”编码）"
                } else {
                    ""
                };
                format!(
                    "{noun} {p} 不是 UTF-8 编码：第 {} 行第 {} 列（第 {} 字节）起无法按 UTF-8 读取{looks}",
                    at.line, at.column, at.byte
                )
            }
        }
    }

    pub(crate) fn too_large(&self) -> bool {
        matches!(self, Failure::TooLarge)
    }

    fn into_error(self, kind: InputKind, path: &Path) -> FileError {
        let (line, column, help) = match &self {
            Failure::NotUtf8 { at, .. } => (
                Some(at.line),
                Some(at.column),
                Some("用编辑器把文件另存为 UTF-8 编码（记事本：另存为 → 编码选“UTF-8”；VS Code：右下角编码 → 通过编码保存 → UTF-8），规则文件须为 UTF-8".to_owned()),
            ),
            _ => (None, None, None),
        };
        FileError {
            code: if self.too_large() { "E0410" } else { "E0411" },
            path: path.to_path_buf(),
            message: self.message(kind, path),
            line,
            column,
            help,
        }
    }
}

/// Why the system could not read a file, in Chinese (the system's own
/// text is English); an unusual error keeps the system's text.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在".to_owned(),
        K::PermissionDenied => "没有读取权限".to_owned(),
        K::IsADirectory => "这是一个目录".to_owned(),
        K::InvalidFilename => "文件名无效（过长或含不允许的字符）".to_owned(),
        K::NotADirectory => "路径中的某一级不是目录".to_owned(),
        K::Interrupted | K::TimedOut => "读取被中断，请重试".to_owned(),
        _ => format!("系统错误：{e}"),
    }
}

/// The text of a rule or test file, read within [`MAX_INPUT_BYTES`].
pub fn read_input(path: &Path, kind: InputKind) -> Result<String, FileError> {
    read_limited(path).map_err(|f| f.into_error(kind, path))
}

pub(crate) fn read_limited(path: &Path) -> Result<String, Failure> {
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(Failure::Io)?;
    regular(&meta)?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Failure::TooLarge);
    }
    let file = std::fs::File::open(path).map_err(Failure::Io)?;
    // The path may have been replaced between the two looks.
    regular(&file.metadata().map_err(Failure::Io)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Failure::Io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::TooLarge);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.into_bytes();
        let (_, _, had_errors) = encoding_rs::GBK.decode(&bytes);
        // In a GBK file the text goes wrong at its first Chinese character,
        // even where a pair of GBK bytes happens to be valid UTF-8 too.
        let offset = match had_errors {
            false => bytes.iter().position(|&b| b >= 0x80),
            true => None,
        };
        let offset = offset.unwrap_or_else(|| match std::str::from_utf8(&bytes) {
            Err(e) => e.valid_up_to(),
            Ok(_) => 0,
        });
        Failure::NotUtf8 {
            at: Position::of(&bytes, offset),
            gbk: !had_errors,
        }
    })
}

fn regular(meta: &std::fs::Metadata) -> Result<(), Failure> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    if t.is_dir() {
        return Err(Failure::NotRegular("目录"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Err(Failure::NotRegular("命名管道"));
        }
        if t.is_char_device() {
            return Err(Failure::NotRegular("字符设备"));
        }
        if t.is_block_device() {
            return Err(Failure::NotRegular("块设备"));
        }
        if t.is_socket() {
            return Err(Failure::NotRegular("套接字"));
        }
    }
    Err(Failure::NotRegular("特殊文件"))
}

/// The files under `dir` that `keep` accepts, in name order, subfolders
/// included. Symbolic links below `dir` are skipped, to folders and to
/// files alike: a link back to a parent would otherwise loop (or, with
/// loop detection, still count the files it reaches twice), and a link
/// out of the folder would walk wherever it points. `dir` itself may be a
/// link. Folders that cannot be read are added to `unreadable`.
pub fn files_under(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    found: &mut Vec<PathBuf>,
    unreadable: &mut Vec<PathBuf>,
) {
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_file() && keep(e.path()) => found.push(e.into_path()),
            Ok(_) => {}
            Err(e) => unreadable.push(e.path().unwrap_or(dir).to_path_buf()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_not_read() {
        let dir = std::env::temp_dir();
        let err = read_input(&dir, InputKind::Rules).unwrap_err();
        assert_eq!(err.code, "E0411");
        assert!(err.message.contains("不是普通文件（是目录）"), "{err}");
    }

    #[test]
    fn a_device_is_not_read() {
        let err = read_input(Path::new("/dev/zero"), InputKind::Test).unwrap_err();
        assert_eq!(err.code, "E0411");
        assert_eq!(
            err.to_string(),
            "错误[E0411]: 测试文件 /dev/zero 不是普通文件（是字符设备）"
        );
    }
}
