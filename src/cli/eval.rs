//! `zhibiao eval` (and the scoring behind `explain`): rules compiled,
//! evidence loaded and checked, every subject scored.

use super::refuse_inputs;
use crate::{DataOpts, EncodingArg, OutFormat};
use std::io::Write;
use std::path::{Path, PathBuf};
use zhibiao::eval::{Folded, SubjectResult};
use zhibiao::evidence::{
    sources_from_args, DataArg, Encoding, Evidence, EvidenceError, LoadOptions, Loaded, Schema,
    Source,
};
use zhibiao::output::{escape, file::OutputFile};
use zhibiao::plan::Plan;
use zhibiao::progress::Progress;
use zhibiao::report::terminal::{choose, Choice, Layout};
use zhibiao::report::ResultWriter;
use zhibiao::{diagnostic, driver, report};

/// Compile the rules and find the evidence files: the plan, the sources
/// and options to read, and the rule files read (the given file and the
/// files it extends).
pub(super) fn prepare(
    opts: &DataOpts,
) -> Result<(Plan, Vec<Source>, LoadOptions, Vec<PathBuf>), ()> {
    let compiled =
        driver::compile_file_with(&opts.rules, &opts.root.driver()).map_err(|e| say!("{e}"))?;
    let rule_files = super::rule_files(&compiled.files);
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        say!("错误: 规则文件有错误，未评分");
        return Err(());
    };
    let plan = zhibiao::plan::build(model, &opts.params).map_err(|e| say!("错误: {e}"))?;
    let sources = sources_from_args(&opts.data, &Schema::of(&plan.model))
        .map_err(|errs| report_evidence(&errs, opts.errors.as_deref()))?;
    let load_opts = LoadOptions {
        encoding: opts.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk => Encoding::Gbk,
        }),
        ..LoadOptions::default()
    };
    Ok((plan, sources, load_opts, rule_files))
}

/// With `detail`, every score's explanation is recorded (explain).
pub fn run(opts: &DataOpts, detail: bool) -> Result<(Plan, Vec<SubjectResult>), ()> {
    run_reading(opts, detail).map(|(plan, results, _)| (plan, results))
}

/// As [`run`], with every file read: the rule files and the evidence.
pub fn run_reading(
    opts: &DataOpts,
    detail: bool,
) -> Result<(Plan, Vec<SubjectResult>, Vec<PathBuf>), ()> {
    check_errors_path(opts)?;
    let (plan, sources, load_opts, mut read) = prepare(opts)?;
    read.extend(sources.iter().map(|s| s.path.clone()));
    let (plan, results) = score(plan, &sources, &load_opts, detail, opts.errors.as_deref())?;
    Ok((plan, results, read))
}

/// Load the evidence and score every subject with a prepared plan.
fn score(
    plan: Plan,
    sources: &[Source],
    load_opts: &LoadOptions,
    detail: bool,
    errors_to: Option<&Path>,
) -> Result<(Plan, Vec<SubjectResult>), ()> {
    // Plain scoring folds event rows into aggregates as they are read;
    // explanations keep the rows to name the events behind a deduction.
    let folder = if detail {
        None
    } else {
        zhibiao::eval::Folded::new(&plan)
    };
    let results = match folder {
        Some(mut folder) => {
            let loaded = load_folded(&plan, sources, load_opts, &mut folder, errors_to)?;
            zhibiao::eval::run_folded(&plan, &loaded.evidence, folder)
        }
        None => {
            let loaded = zhibiao::evidence::load(&Schema::of(&plan.model), sources, load_opts)
                .map_err(|errs| report_evidence(&errs, errors_to))?;
            write_errors(errors_to, &[])?;
            print_notes(&loaded.notes);
            if detail {
                zhibiao::eval::run_explained(&plan, &loaded.evidence)
            } else {
                zhibiao::eval::run(&plan, &loaded.evidence)
            }
        }
    }
    .map_err(|e| say!("错误: {e}"))?;
    Ok((plan, results))
}

/// Load the evidence, folding event rows into `folder` as they are read,
/// with a progress bar for long loads.
pub(super) fn load_folded(
    plan: &Plan,
    sources: &[Source],
    load_opts: &LoadOptions,
    folder: &mut Folded,
    errors_to: Option<&Path>,
) -> Result<Loaded, ()> {
    let mut progress = Progress::bytes("读取证据", total_bytes(sources));
    let schema = Schema::of(&plan.model);
    let loaded = zhibiao::evidence::load_with(&schema, sources, load_opts, folder, &mut |n| {
        progress.inc(n)
    });
    progress.finish();
    let loaded = loaded.map_err(|errs| report_evidence(&errs, errors_to))?;
    write_errors(errors_to, &[])?;
    print_notes(&loaded.notes);
    Ok(loaded)
}

/// The size of every evidence file, for the progress bar.
fn total_bytes(sources: &[Source]) -> u64 {
    sources
        .iter()
        .filter_map(|s| std::fs::metadata(&s.path).ok())
        .map(|m| m.len())
        .sum()
}

pub(super) fn print_notes(notes: &[String]) {
    for note in notes {
        say!("注意: {}", escape::terminal_text(note));
    }
}

/// Evidence errors quote cells from the data: controls in them are shown,
/// not sent to the terminal.
pub(super) fn report_evidence(errs: &[EvidenceError], errors_to: Option<&Path>) {
    let counted = super::show_evidence_errors(errs);
    say!("证据数据有错误（以上列出 {counted} 处），未评分");
    if write_errors(errors_to, errs).is_ok() {
        if let Some(path) = errors_to {
            say!(
                "错误清单已写入 {}",
                escape::terminal_text(&path.display().to_string())
            );
        }
    }
}

/// `--errors FILE`: the evidence errors as a table (none when the
/// evidence is valid, so an old list is never taken for a new one).
pub(super) fn write_errors(errors_to: Option<&Path>, errs: &[EvidenceError]) -> Result<(), ()> {
    let Some(path) = errors_to else {
        return Ok(());
    };
    let written = match errors_format(path) {
        Some(ErrorsFormat::Xlsx) => zhibiao::output::xlsx::errors::write(errs, path),
        _ => zhibiao::output::evidence_errors::write_csv(errs, path),
    };
    written.map_err(|e| say!("错误: {e}"))
}

enum ErrorsFormat {
    Csv,
    Xlsx,
}

fn errors_format(path: &Path) -> Option<ErrorsFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(ErrorsFormat::Csv),
        "xlsx" => Some(ErrorsFormat::Xlsx),
        _ => None,
    }
}

/// `--errors` must name a .xlsx or .csv file that is none of the inputs,
/// checked before anything is read.
pub(super) fn check_errors_path(opts: &DataOpts) -> Result<(), ()> {
    let Some(path) = opts.errors.as_deref() else {
        return Ok(());
    };
    if errors_format(path).is_none() {
        say!(
            "错误: --errors 的文件“{}”应以 .xlsx 或 .csv 结尾",
            escape::terminal_text(&path.display().to_string())
        );
        return Err(());
    }
    refuse_inputs(Some(path), &given_inputs(opts))
}

/// `zhibiao eval`: every format is written a chunk of subjects at a
/// time, so national-scale runs never hold every result in memory.
pub fn eval(
    opts: &DataOpts,
    format: OutFormat,
    output: Option<&Path>,
    options: report::Options,
    choice: Option<Choice>,
) -> Result<(), ()> {
    refuse_inputs(output, &given_inputs(opts))?;
    check_errors_path(opts)?;
    if let (Some(o), Some(e)) = (output, opts.errors.as_deref()) {
        if o == e {
            say!("错误: --errors 与 -o 是同一个文件：结果和错误清单须分别写入两个文件");
            return Err(());
        }
        refuse_inputs(Some(e), &[o])?;
    }
    let errors_to = opts.errors.as_deref();
    let (plan, sources, load_opts, rule_files) = prepare(opts)?;
    let mut read: Vec<&Path> = sources.iter().map(|s| s.path.as_path()).collect();
    read.extend(rule_files.iter().map(PathBuf::as_path));
    refuse_inputs(output, &read)?;
    refuse_inputs(errors_to, &read)?;
    let Some(text_format) = format.text() else {
        return eval_workbook(opts, &plan, &sources, &load_opts, output, errors_to);
    };
    let layout = Layout {
        indicators: choose(&plan.model, &choice.unwrap_or(Choice::Level(1)))
            .map_err(|e| say!("错误: {e}"))?,
        width: table_width(),
    };
    let Some(mut folder) = Folded::new(&plan) else {
        let (plan, results) = score(plan, &sources, &load_opts, false, errors_to)?;
        let writer = ResultWriter::new(text_format, &plan.model, options).with_layout(layout);
        let rows = results.iter().map(|r| writer.row(r));
        return write_out(output, |sink| writer.write(rows, sink));
    };
    let loaded = load_folded(&plan, &sources, &load_opts, &mut folder, errors_to)?;
    let writer = ResultWriter::new(text_format, &plan.model, options).with_layout(layout);
    write_out(output, |sink| {
        write_scored(&plan, &loaded.evidence, folder, &writer, sink)
    })
}

/// The width the terminal table fits: `COLUMNS` when it is set to a
/// number, else the width of the terminal that stdout is, else 80.
fn table_width() -> usize {
    use std::io::IsTerminal;
    let columns = std::env::var("COLUMNS").ok();
    if let Some(n) = columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        if n > 0 {
            return n;
        }
    }
    if std::io::stdout().is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return usize::from(w);
        }
    }
    report::terminal::DEFAULT_WIDTH
}

/// `eval -o 结果.xlsx`: the evidence loaded (events folded where the
/// rules allow), then scored into the result workbook.
fn eval_workbook(
    opts: &DataOpts,
    plan: &Plan,
    sources: &[Source],
    load_opts: &LoadOptions,
    output: Option<&Path>,
    errors_to: Option<&Path>,
) -> Result<(), ()> {
    let Some(path) = output else {
        say!("错误: Excel 工作簿须写入文件：用 -o 结果.xlsx 指定文件名");
        return Err(());
    };
    let mut folder = Folded::new(plan);
    let loaded = match folder.as_mut() {
        Some(folder) => load_folded(plan, sources, load_opts, folder, errors_to)?,
        None => {
            let loaded = zhibiao::evidence::load(&Schema::of(&plan.model), sources, load_opts)
                .map_err(|errs| report_evidence(&errs, errors_to))?;
            write_errors(errors_to, &[])?;
            print_notes(&loaded.notes);
            loaded
        }
    };
    super::workbook::write(&opts.rules, plan, &loaded.evidence, folder, sources, path)
}

/// The input paths the command line names (rule file, `表名=path` files),
/// known before anything is read.
pub(super) fn given_inputs(opts: &DataOpts) -> Vec<&Path> {
    let mut inputs = vec![opts.rules.as_path()];
    inputs.extend(data_files(&opts.data));
    inputs
}

/// The files that `--data 表名=path` names (folders are listed later).
pub(super) fn data_files(data: &[DataArg]) -> impl Iterator<Item = &Path> {
    data.iter().filter_map(|d| match d {
        DataArg::Table(s) => Some(s.path.as_path()),
        DataArg::Workbook(p) => Some(p.as_path()),
        DataArg::Dir(_) => None,
    })
}

/// Run `write` into the output file (committed only if it succeeds) or
/// into stdout (escaped when stdout is a terminal).
fn write_out(
    output: Option<&Path>,
    write: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
) -> Result<(), ()> {
    match output {
        Some(path) => {
            let mut file = OutputFile::create(path).map_err(|e| say!("错误: {e}"))?;
            let written = {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut file);
                write(&mut out).and_then(|_| out.flush())
            };
            // On an error the temporary file is dropped, and removed.
            written
                .map_err(|e| file.error(&e))
                .and_then(|_| file.commit())
                .map_err(|e| say!("错误: {e}"))
        }
        None => {
            let mut out = super::TerminalSafe::new(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            ));
            match write(&mut out).and_then(|_| out.flush()) {
                // A reader of stdout that stopped early (`| head`).
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => {
                    say!("错误: 无法写入标准输出：{e}");
                    Err(())
                }
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Score every subject and write the report to `sink`. Each subject's
/// text is made on the scoring threads; a writer thread writes one chunk
/// while the next is scored.
fn write_scored(
    plan: &Plan,
    evidence: &Evidence,
    folder: Folded,
    writer: &ResultWriter,
    sink: &mut (dyn Write + Send),
) -> std::io::Result<()> {
    let line = |r: SubjectResult| writer.row(&r);
    let mut progress = Progress::new("评分", evidence.subjects.rows as u64, "个主体");
    let written = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
        let thread = scope.spawn(move || writer.write(rx.into_iter().flatten(), sink));
        let scored = zhibiao::eval::run_folded_chunked(
            plan,
            evidence,
            folder,
            1 << 13,
            &line,
            &mut |chunk| {
                progress.inc(chunk.len() as u64);
                // A closed channel means the writer failed: its error is
                // the one reported.
                tx.send(chunk).map_err(|_| ())
            },
        );
        drop(tx);
        let written = thread
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("写入线程异常退出")));
        match scored {
            Ok(_) => written,
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    });
    progress.finish();
    written
}
