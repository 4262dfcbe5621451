//! Output files that never lose data.
//!
//! A report is written to a unique temporary file in the target's folder,
//! synced, then renamed over the target, so a failure at any point leaves
//! the old file as it was (and the temporary file is removed: `tempfile`
//! deletes it when it is dropped unpersisted). Three cases are not
//! replaced by a rename:
//! - a symlink: the file it points to is replaced, the link stays;
//! - an existing device, FIFO or socket (`/dev/null`, `/dev/stdout`): it
//!   is written in place, never swapped for a regular file;
//! - an input of the same run: refused before anything is read
//!   ([`refuse_inputs`]).
//!
//! Every error names the path the user gave.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an output could not be written, with the path as the user gave it.
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "无法写入 {}：{}", self.path.display(), self.reason)
    }
}

impl OutputError {
    pub(crate) fn new(path: &Path, reason: impl Into<String>) -> Self {
        OutputError {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    fn io(path: &Path, e: &io::Error) -> Self {
        let reason = match e.kind() {
            io::ErrorKind::StorageFull => "磁盘空间不足".to_string(),
            io::ErrorKind::PermissionDenied => "没有写入权限".to_string(),
            io::ErrorKind::ReadOnlyFilesystem => "文件系统只读".to_string(),
            io::ErrorKind::NotFound => "路径不存在".to_string(),
            io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
            io::ErrorKind::NotADirectory => "路径中有一段不是目录".to_string(),
            io::ErrorKind::FileTooLarge => "文件超出文件系统允许的大小".to_string(),
            io::ErrorKind::QuotaExceeded => "超出磁盘配额".to_string(),
            // Rarer failures in the system's own words, marked as such.
            _ => format!("系统错误：{e}"),
        };
        OutputError::new(path, reason)
    }
}

/// An output file being written; nothing is visible at the target until
/// [`OutputFile::commit`].
pub struct OutputFile {
    shown: PathBuf,
    target: PathBuf,
    sink: Sink,
}

enum Sink {
    Replace(tempfile::NamedTempFile),
    InPlace(File),
}

/// How many symlinks are followed before the path is given up on (as the
/// kernel's own limit).
const MAX_LINKS: usize = 40;

impl OutputFile {
    /// Open `path` for writing (see the module comment for what happens
    /// to symlinks and devices).
    pub fn create(path: &Path) -> Result<OutputFile, OutputError> {
        let target = follow_links(path)?;
        let sink = match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => return Err(OutputError::new(path, "这是一个目录")),
            Ok(m) if !m.is_file() => Sink::InPlace(
                OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&target)
                    .map_err(|e| OutputError::io(path, &e))?,
            ),
            Ok(m) => Sink::Replace(temp_beside(path, &target, Some(m.permissions()))?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Sink::Replace(temp_beside(path, &target, None)?)
            }
            Err(e) => return Err(OutputError::io(path, &e)),
        };
        Ok(OutputFile {
            shown: path.to_path_buf(),
            target,
            sink,
        })
    }

    /// Make the written bytes the target's content: flushed, synced to
    /// disk, then renamed over the target.
    pub fn commit(self) -> Result<(), OutputError> {
        let shown = self.shown;
        match self.sink {
            Sink::Replace(mut tmp) => {
                tmp.flush()
                    .and_then(|_| tmp.as_file().sync_all())
                    .map_err(|e| OutputError::io(&shown, &e))?;
                tmp.persist(&self.target)
                    .map_err(|e| OutputError::io(&shown, &e.error))?;
                Ok(())
            }
            Sink::InPlace(mut f) => f.flush().map_err(|e| OutputError::io(&shown, &e)),
        }
    }

    /// The path as the user gave it, for messages.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// A write error turned into a message naming the file.
    pub fn error(&self, e: &io::Error) -> OutputError {
        OutputError::io(&self.shown, e)
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Replace(t) => t.write(buf),
            Sink::InPlace(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Replace(t) => t.flush(),
            Sink::InPlace(f) => f.flush(),
        }
    }
}

/// Write `text` to `path` as one output file.
pub fn write_file(path: &Path, text: &str) -> Result<(), OutputError> {
    write_bytes(path, text.as_bytes())
}

/// Write `bytes` to `path` as one output file.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut out = OutputFile::create(path)?;
    out.write_all(bytes).map_err(|e| out.error(&e))?;
    out.commit()
}

/// The file a path names once every symlink on it is followed (the last
/// component included; the file need not exist).
fn follow_links(path: &Path) -> Result<PathBuf, OutputError> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p).map_err(|e| OutputError::io(path, &e))?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(OutputError::new(path, "符号链接层数过多（可能形成循环）"))
}

/// A temporary file in the target's folder (a rename across file systems
/// would not be atomic), with the permissions the old file had, or the
/// usual ones for a new file.
fn temp_beside(
    shown: &Path,
    target: &Path,
    permissions: Option<std::fs::Permissions>,
) -> Result<tempfile::NamedTempFile, OutputError> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(OutputError::new(
            shown,
            format!("文件夹 {} 不存在", dir.display()),
        ));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".zhibiao-tmp");
    if let Some(p) = permissions.or_else(new_file_permissions) {
        builder.permissions(p);
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| OutputError::io(shown, &e))
}

/// A new report is readable by others, as files made by a shell are
/// (`tempfile` alone would make it 0600).
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None // tempfile's own default on this platform
}

/// Refuse an output that is one of the run's inputs (the same file, by
/// any path: symlinks and hard links included), before anything is read.
pub fn refuse_inputs(output: &Path, inputs: &[impl AsRef<Path>]) -> Result<(), OutputError> {
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(()); // A file that does not exist yet is no input.
    };
    if !out.is_file() {
        return Ok(()); // Devices and FIFOs are written in place, never read back.
    }
    for input in inputs {
        let input = input.as_ref();
        if let Ok(m) = std::fs::metadata(input) {
            if same_file((output, &out), (input, &m)) {
                return Err(OutputError::new(
                    output,
                    format!(
                        "这是本次读取的输入文件 {}，写入会覆盖它；请换一个输出路径",
                        input.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Same device and inode: the same file whatever the paths.
#[cfg(unix)]
fn same_file(a: (&Path, &std::fs::Metadata), b: (&Path, &std::fs::Metadata)) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.1.dev() == b.1.dev() && a.1.ino() == b.1.ino()
}

#[cfg(not(unix))]
fn same_file(a: (&Path, &std::fs::Metadata), b: (&Path, &std::fs::Metadata)) -> bool {
    match (std::fs::canonicalize(a.0), std::fs::canonicalize(b.0)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
