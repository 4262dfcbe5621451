//! Reading every bound file and checking it, collecting all problems.

use super::error::{ErrorKind, EvidenceError, Sink};
use super::raw::RawTable;
use super::sources::table_names;
use super::validate::{self, Checked, Ctx, Receiver, SubjectKeys};
use super::{csv_read, decode, json_read, parallel, stream, workbook};
use super::{EventFold, Evidence, LoadOptions, Loaded, Schema, Source};
use crate::ir::{Table, Value};
use std::path::Path;

/// Read and validate the evidence of every table of `schema`.
///
/// Every problem in every file is reported (up to `opts.max_errors`, then
/// one “more errors omitted” entry); any problem means no evidence, so
/// nothing is ever scored from invalid data.
pub fn load(
    schema: &Schema,
    sources: &[Source],
    opts: &LoadOptions,
) -> Result<Loaded, Vec<EvidenceError>> {
    load_tables::<Keep>(schema, sources, opts, None, &mut |_| {})
}

/// Like [`load`], but every valid event row is handed to `fold` instead of
/// being kept: the evaluator folds the rows into its aggregates, so memory
/// grows with the number of subjects, not events. The result then holds no
/// event rows. `progress` is told how many bytes of the files were read.
pub fn load_with<F: EventFold>(
    schema: &Schema,
    sources: &[Source],
    opts: &LoadOptions,
    fold: &mut F,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, Vec<EvidenceError>> {
    load_tables(schema, sources, opts, Some(fold), progress)
}

/// No fold: event rows are kept.
enum Keep {}

impl EventFold for Keep {
    fn row(&mut self, _: usize, _: u32, _: &[Option<Value>]) {
        match *self {}
    }
    fn fork(&self) -> Self {
        match *self {}
    }
    fn join(&mut self, _: Self) -> bool {
        match *self {}
    }
    fn failed(&self) -> bool {
        match *self {}
    }
}

fn load_tables<F: EventFold>(
    schema: &Schema,
    sources: &[Source],
    opts: &LoadOptions,
    mut fold: Option<&mut F>,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, Vec<EvidenceError>> {
    let mut sink = Sink::new(opts.max_errors);
    let mut notes = Vec::new();
    let bound = bind(schema, sources, &mut sink);
    // A workbook read for several tables holds one sheet per table: no
    // table may then take its only sheet.
    let paths: Vec<&Path> = bound.iter().flatten().map(|s| s.path.as_path()).collect();
    let shared = (paths.iter())
        .filter(|p| paths.iter().filter(|q| q == p).count() > 1)
        .map(|p| p.to_path_buf())
        .collect();
    let mut source_of = bound.into_iter();
    let mut reader = Reader {
        schema,
        opts,
        sink: &mut sink,
        notes: &mut notes,
        progress,
        subject_names: None,
        shared,
    };

    let subject = source_of
        .next()
        .flatten()
        .and_then(|src| reader.read::<F>(src, schema.subject, None, None));
    // With rows of the subject file rejected, an unresolved reference is
    // most likely a consequence, so references are then not checked (the
    // load fails on the subject file's errors anyway).
    let keys = subject
        .as_ref()
        .filter(|c| c.complete_keys)
        .map(|c| subject_keys(schema.subject, &c.data));

    let names = schema.subject.name_field();
    reader.subject_names =
        (subject.as_ref()).and_then(|c| names.and_then(|f| c.data.columns.get(f)));
    let mut evidence = Evidence::default();
    for (t, table) in schema.events.iter().enumerate() {
        let src = source_of.next().flatten();
        let to = fold.as_deref_mut().map(|f| (f, t));
        let checked = src.and_then(|src| reader.read(src, table, keys.as_ref(), to));
        let checked = checked.unwrap_or_else(empty_checked);
        evidence.events.push(checked.data);
        evidence.event_subject.push(checked.event_subject);
    }
    if let Some(subject) = subject {
        evidence.subjects = subject.data;
    }
    if sink.is_empty() {
        Ok(Loaded { evidence, notes })
    } else {
        Err(sink.finish())
    }
}

fn empty_checked() -> Checked {
    Checked {
        data: Default::default(),
        event_subject: Vec::new(),
        complete_keys: false,
    }
}

/// The source of each table (subject first, then events in order).
/// Unknown tables, tables bound twice and tables without a file are errors.
fn bind<'s>(schema: &Schema, sources: &'s [Source], sink: &mut Sink) -> Vec<Option<&'s Source>> {
    let names: Vec<&str> = table_names(schema).collect();
    let mut bound: Vec<Option<&Source>> = vec![None; names.len()];
    for src in sources {
        let Some(i) = names.iter().position(|n| *n == src.table) else {
            let msg = format!(
                "规则中没有名为“{}”的表：已声明的表为 {}",
                src.table,
                names.join("、")
            );
            sink.push(EvidenceError::new(ErrorKind::Binding, msg).in_file(&src.path));
            continue;
        };
        match bound.get_mut(i) {
            Some(Some(first)) => {
                let msg = format!(
                    "表“{}”指定了两个数据文件：{} 和 {}",
                    src.table,
                    first.path.display(),
                    src.path.display()
                );
                sink.push(EvidenceError::new(ErrorKind::Binding, msg).in_file(&src.path));
            }
            Some(slot) => *slot = Some(src),
            None => {}
        }
    }
    for (name, src) in names.iter().zip(&bound) {
        if src.is_none() {
            let msg = format!("表“{name}”没有数据文件");
            let help = format!("用 --data {name}=路径 指定，或把 {name}.csv 放进 --data 目录");
            sink.push(EvidenceError::new(ErrorKind::Binding, msg).with_help(help));
        }
    }
    bound
}

/// What every file is read with.
struct Reader<'a> {
    schema: &'a Schema<'a>,
    opts: &'a LoadOptions,
    sink: &'a mut Sink,
    notes: &'a mut Vec<String>,
    progress: &'a mut dyn FnMut(u64),
    /// The subject table's name column, once it is read.
    subject_names: Option<&'a super::Column>,
    /// Files bound to more than one table.
    shared: Vec<std::path::PathBuf>,
}

impl Reader<'_> {
    /// Read one file and check it against `table`. `subjects` is `None`
    /// for the subject table, and for event tables when the subject table
    /// could not be read completely (its errors are in the sink, so the
    /// load fails). UTF-8 CSV files are read in blocks on every core, or
    /// streamed row by row on one thread when a block has a problem (so
    /// messages come in file order); JSON and GBK files are read whole.
    fn read<F: EventFold>(
        &mut self,
        src: &Source,
        table: &Table,
        subjects: Option<&SubjectKeys>,
        mut fold: Option<(&mut F, usize)>,
    ) -> Option<Checked> {
        if let Some(e) = not_a_file(&src.path) {
            self.sink.push(e);
            return None;
        }
        let ctx = Ctx {
            table,
            enums: self.schema.enums,
            path: &src.path,
            subject_names: subjects.and(self.subject_names),
        };
        if workbook::is_workbook(&src.path) {
            return self.read_workbook(&ctx, subjects, fold);
        }
        let streamable = streamable(&src.path, self.opts);
        let threads = self.opts.threads.unwrap_or_else(parallel::threads);
        // Bytes of this file the progress bar was told of.
        let mut told = 0;
        if streamable && threads > 1 {
            let progress = &mut *self.progress;
            let target = parallel::Target {
                ctx: &ctx,
                subjects,
                fold: fold.as_mut().map(|(f, t)| (&mut **f, *t)),
                max_record: self.opts.max_record,
                progress: &mut |n| {
                    told += n;
                    progress(n);
                },
            };
            if let Some(checked) = parallel::read(target, threads, self.notes) {
                return Some(checked);
            }
        }
        let mut forward = fold
            .as_mut()
            .map(|(f, t)| |s: u32, v: &[Option<Value>]| f.row(*t, s, v));
        let receiver = forward.as_mut().map(|f| f as &mut Receiver);
        if !streamable {
            let raw = read_raw(&src.path, self.opts, self.sink)?;
            let notes = &mut *self.notes;
            return Some(validate::check(
                &raw, &ctx, subjects, self.sink, notes, receiver,
            ));
        }
        let mut to = Streamed {
            ctx: &ctx,
            subjects,
            notes: self.notes,
            receiver,
            validator: None,
        };
        // Read again after a parallel attempt: the bar moves on once the
        // one thread is past where the attempt got to.
        let (progress, mut read) = (&mut *self.progress, 0);
        let mut past_told = |n| {
            read += n;
            if read > told {
                progress(read - told);
                told = read;
            }
        };
        let max = self.opts.max_record;
        let dropped = stream::read(&src.path, max, self.sink, &mut to, &mut past_told)?;
        to.validator.map(|v| v.finish(dropped))
    }
}

impl Reader<'_> {
    /// A workbook's sheet, streamed into the validator like a CSV file;
    /// then every problem found in it gets the sheet and the cell.
    fn read_workbook<F: EventFold>(
        &mut self,
        ctx: &Ctx,
        subjects: Option<&SubjectKeys>,
        mut fold: Option<(&mut F, usize)>,
    ) -> Option<Checked> {
        let mut forward = fold
            .as_mut()
            .map(|(f, t)| |s: u32, v: &[Option<Value>]| f.row(*t, s, v));
        let receiver = forward.as_mut().map(|f| f as &mut Receiver);
        let start = self.sink.errors.len();
        let mut to = Streamed {
            ctx,
            subjects,
            notes: self.notes,
            receiver,
            validator: None,
        };
        let by_name = self.shared.iter().any(|p| p == ctx.path);
        let read = workbook::read(ctx.path, ctx.table, by_name, self.sink, &mut to);
        let checked = read.as_ref().and_then(|r| {
            let v = to.validator.take()?;
            Some(v.finish(r.dropped))
        });
        if let Some(r) = &read {
            for e in self.sink.errors.get_mut(start..).unwrap_or_default() {
                e.sheet = Some(r.sheet.clone());
                if let (Some(col), Some(line)) = (e.column, e.line) {
                    e.cell = Some(workbook::cell_ref(col, line));
                }
            }
            let percent = workbook::needs_formats(ctx.table);
            if !r.formats_known && !percent.is_empty() {
                self.notes.push(format!(
                    "{}: 此格式（.xls/.xlsb/.ods）读不到单元格的数字格式：百分数字段 {} 按单元格存储的数值读取；\
                     若单元格设为百分比格式（显示 98%，存储 0.98），读到的是 0.98，请改为数字格式填写 0–100，或另存为 .xlsx",
                    ctx.path.display(),
                    percent.join("、")
                ));
            }
        }
        if let Ok(meta) = std::fs::metadata(ctx.path) {
            (self.progress)(meta.len());
        }
        checked
    }
}

fn streamable(path: &Path, opts: &LoadOptions) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    ext != "json"
        && !workbook::is_workbook(path)
        && opts.encoding != Some(super::Encoding::Gbk)
        && path.is_file()
        && stream::is_utf8(path)
}

/// A streamed file's rows into its validator, made when the header arrives.
struct Streamed<'c, 'r, 'n> {
    ctx: &'c Ctx<'c>,
    subjects: Option<&'c SubjectKeys>,
    notes: &'n mut Vec<String>,
    receiver: Option<&'r mut Receiver<'r>>,
    validator: Option<validate::Validator<'c, 'r>>,
}

impl stream::Rows for Streamed<'_, '_, '_> {
    fn header(&mut self, names: Vec<String>, line: usize, sink: &mut Sink) {
        let mut v = validate::Validator::new(
            self.ctx,
            &names,
            line,
            true,
            self.subjects,
            sink,
            self.notes,
        );
        if let Some(r) = self.receiver.take() {
            v.send_rows_to(r);
        }
        self.validator = Some(v);
    }

    fn row(&mut self, row: super::raw::RawRow<'_>, sink: &mut Sink) {
        if let Some(v) = self.validator.as_mut() {
            v.row(&row, sink);
        }
    }
}

/// A file's raw cells, by its extension: `.json` is JSON, anything else
/// is read as CSV (`.txt` exports are common). Workbooks are read
/// elsewhere ([`workbook`]).
fn read_raw(path: &Path, opts: &LoadOptions, sink: &mut Sink) -> Option<RawTable> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "json" {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size > opts.max_json {
            let msg = format!(
                "JSON 文件为 {size} 字节（{:.1} MiB），超过上限 {} MiB：JSON 文件须整体读入",
                size as f64 / f64::from(1 << 20),
                opts.max_json >> 20
            );
            sink.push(EvidenceError::new(ErrorKind::FileTooLarge, msg).in_file(path));
            return None;
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            sink.push(io_error(path, &e));
            return None;
        }
    };
    let text = match decode::decode(&bytes, opts.encoding) {
        Ok(text) => text,
        Err(e) => {
            sink.push(e.in_file(path));
            return None;
        }
    };
    if ext == "json" {
        json_read::read(&text, path, sink)
    } else {
        csv_read::read(&text, path, opts.max_record, sink)
    }
}

/// E0501 for a path that exists but is not a regular file or a folder: a
/// device (`/dev/zero`) or a pipe never ends or can be read only once,
/// while evidence is sniffed for its encoding, and may be read twice (on
/// several threads, then on one). Such input is refused rather than
/// streamed: save it to a file first.
fn not_a_file(path: &Path) -> Option<EvidenceError> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() || meta.is_dir() {
        return None;
    }
    let kind = file_kind(&meta.file_type());
    let msg = format!("不是普通文件（是{kind}）：数据须为保存在磁盘上的 CSV 或 JSON 文件");
    let help = "先把数据保存为文件，再用 --data 表名=文件路径 指定";
    Some(
        EvidenceError::new(ErrorKind::Io, msg)
            .in_file(path)
            .with_help(help),
    )
}

#[cfg(unix)]
fn file_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "管道"
    } else if t.is_char_device() {
        "字符设备"
    } else if t.is_block_device() {
        "块设备"
    } else if t.is_socket() {
        "套接字"
    } else {
        "特殊文件"
    }
}

#[cfg(not(unix))]
fn file_kind(_: &std::fs::FileType) -> &'static str {
    "特殊文件"
}

fn io_error(path: &Path, e: &std::io::Error) -> EvidenceError {
    let msg = match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取该文件的权限".to_owned(),
        _ if path.is_dir() => "这是一个目录，不是数据文件".to_owned(),
        _ => format!("无法读取文件：{e}"),
    };
    EvidenceError::new(ErrorKind::Io, msg).in_file(path)
}

/// Subject key text → row; the first of duplicated keys wins (the
/// duplicate itself is already reported).
fn subject_keys(table: &Table, data: &super::TableData) -> SubjectKeys {
    let mut keys = SubjectKeys::default();
    let Some(f) = table.fields.iter().position(|f| f.key) else {
        return keys;
    };
    let Some(column) = data.columns.get(f) else {
        return keys;
    };
    keys.reserve(column.len());
    for row in 0..column.len() {
        let text = match column.text(row) {
            Some(t) => Some(t.to_owned()),
            None => column.get(row).map(|v| validate::key_text(&v)),
        };
        if let (Some(text), Ok(row32)) = (text, u32::try_from(row)) {
            keys.entry(text).or_insert(row32);
        }
    }
    keys
}
