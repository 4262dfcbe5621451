//! `zhibiao sensitivity`: every threshold of the rules moved by ±δ and
//! every subject re-scored exactly, and the subjects near a grade
//! boundary (`analysis::sensitivity`), written as md, csv, json or html.

use super::eval::{
    check_errors_path, given_inputs, load_folded, prepare, print_notes, report_evidence,
    write_errors,
};
use super::refuse_inputs;
use crate::{DataOpts, OutFormat};
use std::path::{Path, PathBuf};
use zhibiao::analysis::sensitivity::{self, margins, uncertainty, Deltas};
use zhibiao::eval::{Folded, Scorer};
use zhibiao::evidence::Schema;
use zhibiao::number::Num;
use zhibiao::report::sensitivity::{self as render, Report};

pub struct Args<'a> {
    pub deltas: Deltas,
    /// `--runs`: the uncertainty analysis too.
    pub uncertainty: Option<uncertainty::Options>,
    pub epsilon: Num,
    pub format: Option<OutFormat>,
    pub output: Option<&'a Path>,
}

pub fn sensitivity(opts: &DataOpts, args: Args) -> Result<(), ()> {
    let format =
        super::format::resolve(args.format, args.output, None).map_err(|e| say!("错误: {e}"))?;
    let format = match format {
        OutFormat::Table | OutFormat::Md => OutFormat::Md,
        f => f,
    };
    refuse_inputs(args.output, &given_inputs(opts))?;
    check_errors_path(opts)?;
    let errors_to = opts.errors.as_deref();
    let (plan, sources, load_opts, rule_files) = prepare(opts)?;
    let mut read: Vec<&Path> = sources.iter().map(|s| s.path.as_path()).collect();
    read.extend(rule_files.iter().map(PathBuf::as_path));
    refuse_inputs(args.output, &read)?;
    let mut folder = Folded::new(&plan);
    let loaded = match folder.as_mut() {
        Some(folder) => load_folded(&plan, &sources, &load_opts, folder, errors_to)?,
        None => {
            let loaded = zhibiao::evidence::load(&Schema::of(&plan.model), &sources, &load_opts)
                .map_err(|errs| report_evidence(&errs, errors_to))?;
            write_errors(errors_to, &[])?;
            print_notes(&loaded.notes);
            loaded
        }
    };
    let evidence = &loaded.evidence;
    let scorer = match folder {
        Some(folder) => Scorer::folded(&plan, evidence, folder),
        None => Scorer::new(&plan, evidence),
    }
    .map_err(|e| say!("错误: {e}"))?;
    let base = scorer.run().map_err(|e| say!("错误: {e}"))?;
    let thresholds =
        sensitivity::thresholds(&scorer, &base, &args.deltas).map_err(|e| say!("错误: {e}"))?;
    let margins = margins::margins(&plan.model, &base, &args.epsilon);
    let runs = (args.uncertainty.as_ref()).map(|o| uncertainty::uncertainty(&plan.model, &base, o));
    let report = Report {
        uncertainty: runs.as_ref(),
        subjects: base.len(),
        thresholds: &thresholds,
        margins: &margins,
        epsilon: zhibiao::number::show(&args.epsilon),
    };
    if format == OutFormat::Xlsx {
        let Some(path) = args.output else {
            say!("错误: Excel 工作簿须写入文件：用 -o 敏感性.xlsx");
            return Err(());
        };
        return zhibiao::output::xlsx::sensitivity::save_sensitivity(&report, path)
            .map_err(|e| say!("错误: {e}"));
    }
    let text = match format {
        OutFormat::Csv => render::csv(&report),
        OutFormat::Json => render::json(&report),
        OutFormat::Html => render::html(&report),
        _ => render::markdown(&report),
    };
    super::emit(args.output, &text)
}
