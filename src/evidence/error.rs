//! Evidence errors: one stable code per kind of problem (documented in
//! docs/evidence-errors.md), each carrying the file, line, field and value
//! so a user can find the cell to fix without reading the rules.

use std::fmt;
use std::path::{Path, PathBuf};

/// The kind of an evidence problem; each has a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file is missing or unreadable (E0501).
    Io,
    /// The bytes are not valid in the encoding, or the CSV cannot be read (E0502).
    Encoding,
    /// A declared column is missing from the file (E0503).
    MissingColumn,
    /// A required or key field is empty (E0504).
    Empty,
    /// The text is not a number (E0505).
    NotANumber,
    /// A number where an integer is expected (E0506).
    NotAnInteger,
    /// Outside the type's or the declared range (E0507).
    OutOfRange,
    /// A negative count (E0508).
    NegativeCount,
    /// Neither “是” nor “否” (E0509).
    BadYesNo,
    /// Not one of the enum's values (E0510).
    UnknownEnum,
    /// Not a valid date (E0511).
    BadDate,
    /// A key or unique value occurs twice (E0512).
    DuplicateKey,
    /// Greater than the field it is declared not to exceed (不大于) (E0513).
    OverUpperField,
    /// An event names a subject that is not in the subject table (E0514).
    UnknownSubject,
    /// JSON that is not an array of flat objects (E0515).
    JsonShape,
    /// A table bound to no file, to two files, or an unknown table (E0516).
    Binding,
    /// A CSV record longer than the record limit (E0517).
    RecordTooLong,
    /// A JSON file larger than the JSON size limit (E0518).
    FileTooLarge,
    /// A workbook that cannot be read, has no sheet for the table, or
    /// has no header row where one should be (E0519).
    Workbook,
    /// The error limit was reached; the rest are not listed (E0599).
    TooMany,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Io => "E0501",
            ErrorKind::Encoding => "E0502",
            ErrorKind::MissingColumn => "E0503",
            ErrorKind::Empty => "E0504",
            ErrorKind::NotANumber => "E0505",
            ErrorKind::NotAnInteger => "E0506",
            ErrorKind::OutOfRange => "E0507",
            ErrorKind::NegativeCount => "E0508",
            ErrorKind::BadYesNo => "E0509",
            ErrorKind::UnknownEnum => "E0510",
            ErrorKind::BadDate => "E0511",
            ErrorKind::DuplicateKey => "E0512",
            ErrorKind::OverUpperField => "E0513",
            ErrorKind::UnknownSubject => "E0514",
            ErrorKind::JsonShape => "E0515",
            ErrorKind::Binding => "E0516",
            ErrorKind::RecordTooLong => "E0517",
            ErrorKind::FileTooLarge => "E0518",
            ErrorKind::Workbook => "E0519",
            ErrorKind::TooMany => "E0599",
        }
    }

    /// The general advice for this kind, used when no specific help is set.
    pub fn default_help(self) -> &'static str {
        match self {
            ErrorKind::Io => "检查文件路径是否正确、文件是否存在且可读",
            ErrorKind::Encoding => {
                "请另存为 UTF-8（可带 BOM）或 GBK 编码的 CSV，或用 --encoding 指定编码"
            }
            ErrorKind::MissingColumn => "在表头中加上该列（列名须与规则中的字段名完全一致）",
            ErrorKind::Empty => "该字段为必填或主键，请填写取值",
            ErrorKind::NotANumber => "只写数字，如 12 或 95.5；不要带单位、%、千位分隔符",
            ErrorKind::NotAnInteger => "该字段应为整数，只写数字，不带小数点",
            ErrorKind::OutOfRange => "核对取值；百分数、分数应在 0 到 100 之间",
            ErrorKind::NegativeCount => "计数不能为负数",
            ErrorKind::BadYesNo => "只写“是”或“否”（不接受 Y/N、1/0、对/错）",
            ErrorKind::UnknownEnum => "取值须为规则中列出的选项之一，写法须完全一致",
            ErrorKind::BadDate => "日期写作 YYYY-MM-DD，如 2025-03-01",
            ErrorKind::DuplicateKey => "每个取值只能出现一次，请删除或更正重复的行",
            ErrorKind::OverUpperField => "分子不能大于分母，请核对这两列",
            ErrorKind::UnknownSubject => "事件所涉主体的编码须存在于主体表中",
            ErrorKind::JsonShape => {
                "JSON 文件应为对象数组：[{\"字段\": 值, …}, …]，值为字符串、数字、true/false 或 null"
            }
            ErrorKind::Binding => "用 --data 表名=路径 为每个表指定一个文件，或用 --data 目录",
            ErrorKind::RecordTooLong => {
                "检查该行的英文双引号是否成对；确认文件是另存为的 CSV 文本文件"
            }
            ErrorKind::FileTooLarge => "JSON 文件须整体读入：大量数据请改用 CSV（逐行读取，不限大小）",
            ErrorKind::Workbook => {
                "每个表一个工作表（以表名命名），第一个非空行为表头；无法读取时在 Excel 或 WPS 中另存为 .xlsx"
            }
            ErrorKind::TooMany => "先更正以上错误再重新运行",
        }
    }
}

/// One problem in the evidence, with where it is and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("错误[{}]: {}", self.kind.code(), self.located_message())]
pub struct EvidenceError {
    pub kind: ErrorKind,
    /// The file the problem is in; `None` for problems not tied to one file.
    pub path: Option<PathBuf>,
    /// Line in the file (header = line 1); in a workbook, the sheet's row.
    pub line: Option<usize>,
    /// The workbook sheet the problem is in (`None` for CSV and JSON).
    pub sheet: Option<String>,
    /// The cell in that sheet, `F17`.
    pub cell: Option<String>,
    /// The file's column the value is in (0-based), where one is to blame.
    pub column: Option<usize>,
    pub field: Option<String>,
    /// The 编码 and 名称 of the subject the row is about, where the row
    /// (or the subject table) has them: what a clerk searches for.
    pub subject: Option<String>,
    pub subject_name: Option<String>,
    /// The offending value, as written in the file.
    pub value: Option<String>,
    /// Chinese message saying what is wrong and what was expected.
    pub message: String,
    /// Specific advice; `None` uses [`ErrorKind::default_help`].
    pub help: Option<String>,
}

impl EvidenceError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EvidenceError {
            kind,
            path: None,
            line: None,
            sheet: None,
            cell: None,
            column: None,
            field: None,
            subject: None,
            subject_name: None,
            value: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `主体.csv:12: message` (a workbook: `证据.xlsx:主体!F17: message`),
    /// then the row's subject — the display without the `错误[code]`
    /// prefix, for renderers (miette) that show the code separately.
    pub fn located_message(&self) -> String {
        let mut out = match (&self.path, self.line) {
            (Some(p), _) if self.sheet.is_some() => format!("{}:{}: ", p.display(), self.place()),
            (Some(p), Some(l)) => format!("{}:{}: ", p.display(), l),
            (Some(p), None) => format!("{}: ", p.display()),
            (None, _) => String::new(),
        };
        out.push_str(&self.message);
        if let Some(who) = self.who() {
            out.push_str(&format!("（{who}）"));
        }
        out
    }

    /// `主体!F17` (`主体!第17行` when no one cell is to blame, `主体`
    /// without a row); the row alone for CSV and JSON.
    pub fn place(&self) -> String {
        match (&self.sheet, &self.cell, self.line) {
            (Some(s), Some(c), _) => format!("{s}!{c}"),
            (Some(s), None, Some(l)) => format!("{s}!第{l}行"),
            (Some(s), None, None) => s.clone(),
            (None, _, Some(l)) => l.to_string(),
            (None, _, None) => String::new(),
        }
    }

    /// `主体 110101 东城区`: the subject of the row, when known.
    pub fn who(&self) -> Option<String> {
        match (&self.subject, &self.subject_name) {
            (Some(c), Some(n)) => Some(format!("主体 {c} {n}")),
            (Some(c), None) => Some(format!("主体 {c}")),
            (None, Some(n)) => Some(format!("主体 {n}")),
            (None, None) => None,
        }
    }

    /// The specific help if any, otherwise the kind's general help.
    pub fn help_text(&self) -> &str {
        self.help
            .as_deref()
            .unwrap_or_else(|| self.kind.default_help())
    }
}

impl miette::Diagnostic for EvidenceError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.help_text()))
    }
}

/// Collects problems up to a limit and counts the rest, so one run shows
/// every problem (or the first `max` of them) instead of stopping at one.
pub(crate) struct Sink {
    pub errors: Vec<EvidenceError>,
    max: usize,
    omitted: usize,
}

impl Sink {
    pub fn new(max: usize) -> Self {
        Sink {
            errors: Vec::new(),
            max,
            omitted: 0,
        }
    }

    pub fn push(&mut self, e: EvidenceError) {
        if self.errors.len() < self.max {
            self.errors.push(e);
        } else {
            self.omitted += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.omitted == 0
    }

    /// All errors, with a final “more omitted” entry if the limit was hit.
    pub fn finish(mut self) -> Vec<EvidenceError> {
        if self.omitted > 0 {
            let msg = format!(
                "错误过多：已列出前 {} 个，另有 {} 个未列出",
                self.errors.len(),
                self.omitted
            );
            self.errors
                .push(EvidenceError::new(ErrorKind::TooMany, msg));
        }
        self.errors
    }
}
