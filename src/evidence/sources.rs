//! Which file holds which table: `--data 表名=path` (repeatable),
//! `--data 证据.xlsx` (a workbook with a sheet per table) or `--data DIR`
//! holding `表名.csv`, `表名.json` or `表名.xlsx`.

use super::error::{ErrorKind, EvidenceError};
use super::{Schema, Source};
use std::path::{Path, PathBuf};

/// One `--data` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataArg {
    /// `表名=path`
    Table(Source),
    /// A workbook holding a sheet named like each table.
    Workbook(PathBuf),
    /// A directory holding `表名.csv`, `表名.json` or `表名.xlsx` (…) for
    /// each table.
    Dir(PathBuf),
}

impl DataArg {
    /// Parse a `--data` value: `表名=path` binds one table; anything else
    /// is a directory. A `=` after a path separator belongs to the path
    /// (`./a=b/`), not to a binding.
    pub fn parse(arg: &str) -> Result<DataArg, String> {
        match arg.split_once('=') {
            Some((table, _)) if !table.contains(['/', '\\']) => {
                parse_source_arg(arg).map(DataArg::Table)
            }
            _ if arg.trim().is_empty() => Err("--data 的值为空：应为 表名=路径 或 目录".to_owned()),
            _ if super::workbook::is_workbook(Path::new(arg)) => {
                Ok(DataArg::Workbook(PathBuf::from(arg)))
            }
            _ => Ok(DataArg::Dir(PathBuf::from(arg))),
        }
    }
}

/// Parse `表名=path` (for clap's `value_parser`).
pub fn parse_source_arg(arg: &str) -> Result<Source, String> {
    let Some((table, path)) = arg.split_once('=') else {
        return Err(format!("“{arg}”不是 表名=路径 的形式"));
    };
    let (table, path) = (table.trim(), path.trim());
    if table.is_empty() || path.is_empty() {
        return Err(format!("“{arg}”缺少表名或路径：应为 表名=路径"));
    }
    Ok(Source {
        table: table.to_owned(),
        path: PathBuf::from(path),
    })
}

/// Names of all tables of the schema: the subject table first.
pub(crate) fn table_names<'a>(schema: &'a Schema) -> impl Iterator<Item = &'a str> + 'a {
    std::iter::once(schema.subject.name.as_str())
        .chain(schema.events.iter().map(|t| t.name.as_str()))
}

/// The file of every table of the schema in `dir`.
pub fn sources_from_dir(dir: &Path, schema: &Schema) -> Result<Vec<Source>, EvidenceError> {
    if !dir.is_dir() {
        let msg = format!("找不到数据目录“{}”", dir.display());
        return Err(EvidenceError::new(ErrorKind::Io, msg).in_file(dir));
    }
    let mut sources = Vec::new();
    for table in table_names(schema) {
        match find_in_dir(dir, table)? {
            Some(path) => sources.push(Source {
                table: table.to_owned(),
                path,
            }),
            None => {
                let msg = format!(
                    "目录中没有表“{table}”的数据文件：应为 {}",
                    file_names(table).join("、")
                );
                return Err(EvidenceError::new(ErrorKind::Binding, msg).in_file(dir));
            }
        }
    }
    Ok(sources)
}

/// The file names a table's data may have in a data folder.
const EXTENSIONS: [&str; 7] = ["csv", "json", "xlsx", "xlsm", "xls", "xlsb", "ods"];

fn file_names(table: &str) -> Vec<String> {
    EXTENSIONS.iter().map(|e| format!("{table}.{e}")).collect()
}

/// The file of `table` in `dir`, `None` if there is none; two files (say
/// 主体.csv and 主体.xlsx) is an error, since either could be the one meant.
pub fn find_in_dir(dir: &Path, table: &str) -> Result<Option<PathBuf>, EvidenceError> {
    // Anything but a folder counts as the table's file: a device or a pipe
    // named 主体.csv is then refused by name (E0501) rather than missed.
    let there = |p: &PathBuf| std::fs::metadata(p).is_ok_and(|m| !m.is_dir());
    let found: Vec<PathBuf> = file_names(table)
        .into_iter()
        .map(|n| dir.join(n))
        .filter(there)
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        several => {
            let names: Vec<String> = several
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect();
            let msg = format!("表“{table}”同时有 {}：不知道该用哪一个", names.join(" 和 "));
            let help = format!("删除其中多余的文件，或用 --data {table}=路径 指定");
            Err(EvidenceError::new(ErrorKind::Binding, msg)
                .in_file(dir)
                .with_help(help))
        }
    }
}

/// Resolve `--data` arguments: explicit bindings win; directories supply
/// the remaining tables, the first directory holding a table's file wins.
/// A table left without a file is reported by [`super::load`].
pub fn sources_from_args(
    args: &[DataArg],
    schema: &Schema,
) -> Result<Vec<Source>, Vec<EvidenceError>> {
    let mut sources: Vec<Source> = args
        .iter()
        .filter_map(|a| match a {
            DataArg::Table(s) => Some(s.clone()),
            DataArg::Dir(_) | DataArg::Workbook(_) => None,
        })
        .collect();
    // A workbook supplies every table not bound by name; which sheet holds
    // which table is settled when it is read.
    for arg in args {
        if let DataArg::Workbook(path) = arg {
            for table in table_names(schema) {
                if !sources.iter().any(|s| s.table == table) {
                    sources.push(Source {
                        table: table.to_owned(),
                        path: path.clone(),
                    });
                }
            }
        }
    }
    let dirs: Vec<&PathBuf> = args
        .iter()
        .filter_map(|a| match a {
            DataArg::Dir(d) => Some(d),
            DataArg::Table(_) | DataArg::Workbook(_) => None,
        })
        .collect();
    let mut errors = Vec::new();
    for dir in &dirs {
        if !dir.is_dir() {
            let msg = format!("找不到数据目录“{}”", dir.display());
            errors.push(EvidenceError::new(ErrorKind::Io, msg).in_file(dir));
        }
    }
    for table in table_names(schema) {
        if sources.iter().any(|s| s.table == table) {
            continue;
        }
        for dir in &dirs {
            match find_in_dir(dir, table) {
                Ok(Some(path)) => {
                    sources.push(Source {
                        table: table.to_owned(),
                        path,
                    });
                    break;
                }
                Ok(None) => {}
                Err(e) => {
                    errors.push(e);
                    break;
                }
            }
        }
    }
    match errors.is_empty() {
        true => Ok(sources),
        false => Err(errors),
    }
}
