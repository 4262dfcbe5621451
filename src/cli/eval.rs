//! `zhibiao eval` and `zhibiao explain`: rules compiled, evidence loaded
//! and checked, every subject scored.

use super::emit;
use crate::{DataOpts, EncodingArg, OutFormat};
use std::io::Write;
use std::path::Path;
use zhibiao::eval::{Folded, SubjectResult};
use zhibiao::evidence::{
    sources_from_args, Encoding, Evidence, LoadOptions, Loaded, Schema, Source,
};
use zhibiao::plan::Plan;
use zhibiao::progress::Progress;
use zhibiao::{diagnostic, driver, report};

/// Compile the rules, load and validate the evidence, and score everyone.
/// The plan of the rules and the evidence files and options to read.
fn prepare(opts: &DataOpts) -> Result<(Plan, Vec<Source>, LoadOptions), ()> {
    let compiled = driver::compile_file_with(&opts.rules, &opts.root.driver())
        .map_err(|e| eprintln!("{e}"))?;
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        eprintln!("错误: 规则文件有错误，未评分");
        return Err(());
    };
    let plan = zhibiao::plan::build(model, &opts.params).map_err(|e| eprintln!("错误: {e}"))?;
    let sources = sources_from_args(&opts.data, &Schema::of(&plan.model))
        .map_err(|errs| report_evidence(&errs))?;
    let load_opts = LoadOptions {
        encoding: opts.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk => Encoding::Gbk,
        }),
        ..LoadOptions::default()
    };
    Ok((plan, sources, load_opts))
}

/// With `detail`, every score's explanation is recorded (explain).
pub fn run(opts: &DataOpts, detail: bool) -> Result<(Plan, Vec<SubjectResult>), ()> {
    let (plan, sources, load_opts) = prepare(opts)?;
    score(plan, &sources, &load_opts, detail)
}

/// Load the evidence and score every subject with a prepared plan.
fn score(
    plan: Plan,
    sources: &[Source],
    load_opts: &LoadOptions,
    detail: bool,
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
            let loaded = load_folded(&plan, sources, load_opts, &mut folder)?;
            zhibiao::eval::run_folded(&plan, &loaded.evidence, folder)
        }
        None => {
            let loaded = zhibiao::evidence::load(&Schema::of(&plan.model), sources, load_opts)
                .map_err(|errs| report_evidence(&errs))?;
            print_notes(&loaded.notes);
            if detail {
                zhibiao::eval::run_explained(&plan, &loaded.evidence)
            } else {
                zhibiao::eval::run(&plan, &loaded.evidence)
            }
        }
    }
    .map_err(|e| eprintln!("错误: {e}"))?;
    Ok((plan, results))
}

/// Load the evidence, folding event rows into `folder` as they are read,
/// with a progress bar for long loads.
fn load_folded(
    plan: &Plan,
    sources: &[Source],
    load_opts: &LoadOptions,
    folder: &mut Folded,
) -> Result<Loaded, ()> {
    let mut progress = Progress::bytes("读取证据", total_bytes(sources));
    let schema = Schema::of(&plan.model);
    let loaded = zhibiao::evidence::load_with(&schema, sources, load_opts, folder, &mut |n| {
        progress.inc(n)
    });
    progress.finish();
    let loaded = loaded.map_err(|errs| report_evidence(&errs))?;
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

fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("注意: {note}");
    }
}

fn report_evidence(errs: &[zhibiao::evidence::EvidenceError]) {
    for e in errs {
        eprintln!("{e}");
    }
    let counted = errs
        .iter()
        .filter(|e| e.kind != zhibiao::evidence::ErrorKind::TooMany)
        .count();
    eprintln!("证据数据有错误（以上列出 {counted} 处），未评分");
}

pub fn eval(opts: &DataOpts, format: OutFormat, output: Option<&Path>) -> Result<(), ()> {
    if let OutFormat::Csv = format {
        return eval_csv(opts, output);
    }
    let (plan, results) = run(opts, false)?;
    let text = report::render(format.into(), &plan.model, &results);
    emit(output, &text)
}

/// `eval --format csv`: rows are written a chunk of subjects at a time, so
/// national-scale runs never hold every result in memory.
fn eval_csv(opts: &DataOpts, output: Option<&Path>) -> Result<(), ()> {
    let (plan, sources, load_opts) = prepare(opts)?;
    let Some(mut folder) = Folded::new(&plan) else {
        let (plan, results) = score(plan, &sources, &load_opts, false)?;
        return emit(
            output,
            &report::render(report::Format::Csv, &plan.model, &results),
        );
    };
    let loaded = load_folded(&plan, &sources, &load_opts, &mut folder)?;
    let tmp = output.map(|p| p.with_extension("zhibiao-tmp"));
    let sink: Box<dyn Write + Send> = match &tmp {
        Some(t) => Box::new(
            std::fs::File::create(t)
                .map_err(|e| eprintln!("错误: 无法写入 {}：{e}", t.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let written = write_scored(&plan, &loaded.evidence, folder, sink);
    match (written, &tmp, output) {
        (Ok(()), Some(t), Some(path)) => std::fs::rename(t, path)
            .map_err(|e| eprintln!("错误: 无法写入 {}：{e}", path.display())),
        (Ok(()), _, _) => Ok(()),
        // A reader of stdout that stopped early (`| head`).
        (Err(e), None, _) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        (Err(e), t, _) => {
            if let Some(t) = t {
                let _ = std::fs::remove_file(t);
            }
            eprintln!("错误: {e}");
            Err(())
        }
    }
}

/// Score every subject and write the CSV report to `sink`. Lines are made
/// on the scoring threads; a writer thread puts one chunk on disk while
/// the next is scored.
fn write_scored(
    plan: &Plan,
    evidence: &Evidence,
    folder: Folded,
    sink: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    let model = &plan.model;
    let line = |r: SubjectResult| {
        let mut text = String::with_capacity(64 + 8 * model.indicators.len());
        report::csv_row(model, &r, &mut text);
        text
    };
    let mut progress = Progress::new("评分", evidence.subjects.rows as u64, "个主体");
    let written = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
        let writer = scope.spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
            out.write_all(report::csv_header(model).as_bytes())?;
            for chunk in rx {
                for text in chunk {
                    out.write_all(text.as_bytes())?;
                }
            }
            out.flush()
        });
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
        let written = writer
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

pub fn explain(opts: &DataOpts, subject: &str) -> Result<(), ()> {
    let (plan, results) = run(opts, true)?;
    match results.iter().find(|r| r.code == subject) {
        Some(r) => super::stdout(&report::explain(&plan.model, r)),
        None => {
            eprintln!("错误: 证据中没有编码为“{subject}”的主体");
            Err(())
        }
    }
}
