//! Which format `eval` and `diff` write: `--format`, else the extension
//! of the `-o` file, never a file whose name says another format.

use crate::OutFormat;
use std::path::Path;

/// The extensions we write, for messages.
const WRITABLE: &str = ".csv .json .md .html .xlsx（.txt 或无扩展名为终端表格）";

/// The format an extension names; `Some(None)` for one that names no
/// format (none, .txt); `None` for one we cannot write.
fn by_extension(path: &Path) -> Option<Option<OutFormat>> {
    let Some(ext) = path.extension() else {
        return Some(None);
    };
    let ext = ext.to_string_lossy().to_lowercase();
    Some(Some(match ext.as_str() {
        "csv" => OutFormat::Csv,
        "json" => OutFormat::Json,
        "md" | "markdown" => OutFormat::Md,
        "html" | "htm" => OutFormat::Html,
        "xlsx" => OutFormat::Xlsx,
        "txt" => return Some(None),
        _ => return None,
    }))
}

fn name(f: OutFormat) -> &'static str {
    match f {
        OutFormat::Table => "table",
        OutFormat::Csv => "csv",
        OutFormat::Json => "json",
        OutFormat::Md => "md",
        OutFormat::Html => "html",
        OutFormat::Xlsx => "xlsx",
    }
}

/// The format to write, or why the options do not fit together.
/// `encoding` names an output-encoding option given (`--bom`,
/// `--output-encoding`), which only CSV takes.
pub fn resolve(
    format: Option<OutFormat>,
    output: Option<&Path>,
    encoding: Option<&str>,
) -> Result<OutFormat, String> {
    let shown = |p: &Path| zhibiao::output::escape::terminal(&p.display().to_string()).into_owned();
    let from_ext = match output {
        Some(path) => by_extension(path).ok_or_else(|| {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!(
                "无法写出 .{} 文件（{}）；可写的格式：{WRITABLE}。Excel 请用 .xlsx",
                zhibiao::output::escape::terminal(&ext),
                shown(path)
            )
        })?,
        None => None,
    };
    let chosen = match (format, from_ext, output) {
        (Some(f), Some(e), Some(path)) if f != e => {
            return Err(format!(
                "--format {} 与输出文件 {} 的扩展名不符（按扩展名应为 {}）；\
                 去掉 --format 即按扩展名输出，或改用相应扩展名的文件名",
                name(f),
                shown(path),
                name(e)
            ))
        }
        (Some(OutFormat::Xlsx), None, Some(path))
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("txt")) =>
        {
            return Err(format!(
                "--format xlsx 不能写入 {}：Excel 工作簿请用 .xlsx 文件名",
                shown(path)
            ))
        }
        (Some(f), _, _) => f,
        (None, Some(e), _) => e,
        (None, None, _) => OutFormat::Table,
    };
    if chosen == OutFormat::Xlsx && output.is_none() {
        return Err("Excel 工作簿须写入文件：用 -o 结果.xlsx 指定文件名".to_string());
    }
    if let Some(option) = encoding.filter(|_| chosen != OutFormat::Csv) {
        return Err(format!(
            "{option} 只用于 CSV 输出（本次为 {}）；Excel 请直接用 -o 结果.xlsx",
            name(chosen)
        ));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(format: Option<OutFormat>, out: Option<&str>) -> Result<OutFormat, String> {
        resolve(format, out.map(Path::new), None)
    }

    #[test]
    fn the_extension_decides_unless_format_is_given() {
        assert_eq!(fmt(None, Some("结果.XLSX")), Ok(OutFormat::Xlsx));
        assert_eq!(fmt(None, Some("a/结果.csv")), Ok(OutFormat::Csv));
        assert_eq!(fmt(None, Some("结果.htm")), Ok(OutFormat::Html));
        assert_eq!(fmt(None, Some("结果.txt")), Ok(OutFormat::Table));
        assert_eq!(fmt(None, Some("结果")), Ok(OutFormat::Table));
        assert_eq!(fmt(None, None), Ok(OutFormat::Table));
        assert_eq!(fmt(Some(OutFormat::Csv), Some("结果")), Ok(OutFormat::Csv));
        assert_eq!(
            fmt(Some(OutFormat::Json), Some("结果.txt")),
            Ok(OutFormat::Json)
        );
        assert_eq!(
            fmt(Some(OutFormat::Csv), Some("结果.csv")),
            Ok(OutFormat::Csv)
        );
    }

    #[test]
    fn conflicts_and_unwritable_extensions() {
        assert!(fmt(Some(OutFormat::Csv), Some("结果.xlsx"))
            .is_err_and(|e| e.contains("--format csv") && e.contains("xlsx")));
        assert!(fmt(None, Some("结果.xls")).is_err_and(|e| e.contains(".xls 文件")));
        assert!(fmt(None, Some("结果.docx")).is_err_and(|e| e.contains(".xlsx")));
        assert!(fmt(Some(OutFormat::Xlsx), None).is_err());
        assert!(fmt(Some(OutFormat::Xlsx), Some("a.txt")).is_err());
        assert!(resolve(None, Some(Path::new("a.xlsx")), Some("--bom")).is_err());
        assert_eq!(
            resolve(None, Some(Path::new("a.csv")), Some("--bom")),
            Ok(OutFormat::Csv)
        );
    }
}
