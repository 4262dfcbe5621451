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
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "错误[{}]: {}", self.code, self.message)
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
    /// 1-based position of the first byte that is not UTF-8.
    NotUtf8(usize),
}

impl Failure {
    /// The message, naming the path; never any of the file's content.
    pub(crate) fn message(&self, kind: InputKind, path: &Path) -> String {
        let (noun, p) = (kind.noun(), path.display());
        match self {
            Failure::Io(e) => format!("无法读取{noun} {p}：{e}"),
            Failure::NotRegular(what) => format!("{noun} {p} 不是普通文件（是{what}）"),
            Failure::TooLarge => format!(
                "{noun} {p} 超过 {} MiB 的大小上限",
                MAX_INPUT_BYTES / 1024 / 1024
            ),
            Failure::NotUtf8(at) => format!("{noun} {p} 不是 UTF-8 编码（第 {at} 字节）"),
        }
    }

    pub(crate) fn too_large(&self) -> bool {
        matches!(self, Failure::TooLarge)
    }

    fn into_error(self, kind: InputKind, path: &Path) -> FileError {
        FileError {
            code: if self.too_large() { "E0410" } else { "E0411" },
            path: path.to_path_buf(),
            message: self.message(kind, path),
        }
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
    String::from_utf8(bytes).map_err(|e| Failure::NotUtf8(e.utf8_error().valid_up_to() + 1))
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
