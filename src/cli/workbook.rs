//! `zhibiao eval -o 结果.xlsx`: every subject scored, counted into the
//! statistics and spooled into the result workbook, which is written once
//! the ranks are known.

use std::path::{Path, PathBuf};
use zhibiao::analysis::provenance::Provenance;
use zhibiao::analysis::stats::{ranks, Stats};
use zhibiao::eval::{Folded, SubjectResult};
use zhibiao::evidence::{Evidence, Source};
use zhibiao::output::xlsx::results::{check_fits, ResultBook};
use zhibiao::plan::Plan;
use zhibiao::progress::Progress;

/// Score the loaded evidence and write the workbook to `path`. `folder`
/// holds the event rows folded while loading (`None`: the events were
/// kept in `evidence`).
pub fn write(
    rules: &Path,
    plan: &Plan,
    evidence: &Evidence,
    folder: Option<Folded>,
    sources: &[Source],
    path: &Path,
) -> Result<(), ()> {
    let model = &plan.model;
    let subjects = evidence.subjects.rows;
    check_fits(subjects).map_err(|e| say!("错误: {e}"))?;
    let files: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    let info = Provenance::of(rules, plan, &files)
        .map_err(|e| say!("错误: 无法读取证据文件以计算 SHA-256：{e}"))?;
    let mut book = ResultBook::new(model);
    let mut stats = Stats::new(model);
    let mut totals = Vec::with_capacity(subjects);
    let group = model.subject.group_field();
    let group_ty = group
        .and_then(|g| model.subject.fields.get(g))
        .map(|f| &f.ty);
    let mut progress = Progress::new("评分", subjects as u64, "个主体");
    let mut take = |r: &SubjectResult| -> std::io::Result<()> {
        let row = totals.len();
        let value = group
            .and_then(|g| evidence.subjects.columns.get(g))
            .and_then(|c| c.get(row))
            .map(|v| zhibiao::eval::show_value(model, &v, group_ty));
        stats.add(model, r);
        totals.push(zhibiao::analysis::stats::standing(r));
        book.add(r, value.as_deref())
    };
    let scored = match folder {
        Some(folder) => zhibiao::eval::run_folded_chunked(
            plan,
            evidence,
            folder,
            1 << 13,
            &|r| r,
            &mut |chunk: Vec<SubjectResult>| {
                progress.inc(chunk.len() as u64);
                chunk.iter().try_for_each(&mut take)
            },
        ),
        None => zhibiao::eval::run(plan, evidence).map(|all| all.iter().try_for_each(&mut take)),
    };
    progress.finish();
    match scored {
        Err(e) => {
            say!("错误: {e}");
            return Err(());
        }
        Ok(Err(e)) => {
            say!("错误: 无法写入 {}：{e}", path.display());
            return Err(());
        }
        Ok(Ok(())) => {}
    }
    let ranks = ranks(&totals);
    book.save(&ranks, &stats, &info, path)
        .map_err(|e| say!("错误: {e}"))
}
