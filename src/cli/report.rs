//! `zhibiao report`: every subject scored and counted into the annual
//! report's summary (`analysis::summary`), then written as one
//! self-contained HTML page (`output::html::report`).

use super::eval::{
    check_errors_path, given_inputs, load_folded, prepare, print_notes, report_evidence,
    write_errors,
};
use super::refuse_inputs;
use crate::DataOpts;
use std::io::Write;
use std::path::{Path, PathBuf};
use zhibiao::analysis::provenance::Provenance;
use zhibiao::analysis::summary::Builder;
use zhibiao::eval::{Folded, SubjectResult};
use zhibiao::evidence::{Evidence, Schema};
use zhibiao::ir::{FieldId, Model};
use zhibiao::output::escape;
use zhibiao::output::file::OutputFile;
use zhibiao::progress::Progress;

/// `zhibiao report RULES --data … [--by 字段] [--letters DIR] -o 报告.html`.
/// `letters`: the folder (relative to the report) where `explain --all`
/// wrote one letter per subject; each subject's section links to its own.
pub fn report(
    opts: &DataOpts,
    by: Option<&str>,
    letters: Option<&Path>,
    output: &Path,
) -> Result<(), ()> {
    let html = output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if !html {
        say!(
            "错误: 报告是一个网页：-o 的文件名应以 .html 结尾（“{}”）",
            escape::terminal_text(&output.display().to_string())
        );
        return Err(());
    }
    refuse_inputs(Some(output), &given_inputs(opts))?;
    check_errors_path(opts)?;
    let errors_to = opts.errors.as_deref();
    if let Some(e) = errors_to {
        if e == output {
            say!("错误: --errors 与 -o 是同一个文件：报告和错误清单须分别写入两个文件");
            return Err(());
        }
    }
    let (plan, sources, load_opts, rule_files) = prepare(opts)?;
    let mut read: Vec<&Path> = sources.iter().map(|s| s.path.as_path()).collect();
    read.extend(rule_files.iter().map(PathBuf::as_path));
    refuse_inputs(Some(output), &read)?;
    let model = &plan.model;
    let group = group_field(model, by)?;
    let mut folder = Folded::new(&plan);
    let loaded = match folder.as_mut() {
        Some(folder) => load_folded(&plan, &sources, &load_opts, folder, errors_to)?,
        None => {
            let loaded = zhibiao::evidence::load(&Schema::of(model), &sources, &load_opts)
                .map_err(|errs| report_evidence(&errs, errors_to))?;
            write_errors(errors_to, &[])?;
            print_notes(&loaded.notes);
            loaded
        }
    };
    let evidence = &loaded.evidence;
    let mut builder = Builder::new(model, group.map(|g| field_name(model, g)));
    let mut row = 0usize;
    let mut take = |r: &SubjectResult| {
        builder.add(
            model,
            r,
            group.map(|g| group_value(model, evidence, g, row)),
        );
        row += 1;
    };
    let mut progress = Progress::new("评分", evidence.subjects.rows as u64, "个主体");
    let scored = match folder {
        Some(folder) => zhibiao::eval::run_folded_chunked(
            &plan,
            evidence,
            folder,
            1 << 13,
            &|r| r,
            &mut |chunk: Vec<SubjectResult>| -> Result<(), ()> {
                progress.inc(chunk.len() as u64);
                chunk.iter().for_each(&mut take);
                Ok(())
            },
        )
        .map(|_| ()),
        None => zhibiao::eval::run(&plan, evidence).map(|all| all.iter().for_each(&mut take)),
    };
    progress.finish();
    scored.map_err(|e| say!("错误: {e}"))?;
    let summary = builder.finish();
    let files: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    let info = Provenance::of(&opts.rules, &plan, &files)
        .map_err(|e| say!("错误: 无法读取证据文件以计算 SHA-256：{e}"))?;
    let links: Option<Vec<String>> = letters.map(|dir| {
        let dir = dir.to_string_lossy().replace('\\', "/");
        let dir = dir.trim_end_matches('/');
        summary
            .subjects
            .iter()
            .map(|s| format!("{dir}/{}.html", super::explain::file_stem(&s.code, &s.name)))
            .collect()
    });
    let mut file = OutputFile::create(output).map_err(|e| say!("错误: {e}"))?;
    let written = {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        zhibiao::output::html::report::write(model, &summary, &info, links.as_deref(), &mut out)
            .and_then(|_| out.flush())
    };
    // On an error the temporary file is dropped, and removed.
    written
        .map_err(|e| file.error(&e))
        .and_then(|_| file.commit())
        .map_err(|e| say!("错误: {e}"))
}

/// The field results are grouped by: `--by`, else the field the rules
/// mark `分组`, else none.
fn group_field(model: &Model, by: Option<&str>) -> Result<Option<FieldId>, ()> {
    let Some(name) = by else {
        return Ok(model.subject.group_field());
    };
    match model.subject.field(name) {
        Some(f) => Ok(Some(f)),
        None => {
            let fields: Vec<&str> = model
                .subject
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            say!(
                "错误: 表“{}”没有字段“{}”，--by 可用的字段：{}",
                escape::terminal(&model.subject.name),
                escape::terminal(name),
                escape::terminal(&fields.join("、"))
            );
            Err(())
        }
    }
}

fn field_name(model: &Model, field: FieldId) -> String {
    model
        .subject
        .fields
        .get(field)
        .map(|f| f.name.clone())
        .unwrap_or_default()
}

/// A subject's value of the grouping field as shown ("" when empty).
fn group_value(model: &Model, evidence: &Evidence, field: FieldId, row: usize) -> String {
    let ty = model.subject.fields.get(field).map(|f| &f.ty);
    evidence
        .subjects
        .columns
        .get(field)
        .and_then(|c| c.get(row))
        .map(|v| zhibiao::eval::show_value(model, &v, ty))
        .unwrap_or_default()
}
