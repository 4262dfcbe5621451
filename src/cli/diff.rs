//! `zhibiao diff`: the impact of a rule change on every subject.

use super::eval::run;
use crate::{DataOpts, EncodingArg, OutFormat, RootOpts};
use std::path::Path;
use zhibiao::driver;
use zhibiao::evidence::DataArg;

/// `zhibiao diff`: each rule set is compiled, planned and evaluated on its
/// own, exactly as `eval` does (each side reads only the evidence columns
/// it declares), then the two are compared.
// The command's options, passed through one by one as `main` parsed them.
#[allow(clippy::too_many_arguments)]
pub fn diff(
    old: &Path,
    new: &Path,
    data: &[DataArg],
    params: &[(String, String)],
    encoding: Option<EncodingArg>,
    format: OutFormat,
    output: Option<&Path>,
    top: usize,
    by: Option<&str>,
    options: zhibiao::report::Options,
    root: &RootOpts,
) -> Result<(), ()> {
    // `git:REV:path`: the rules as they were in a git revision, their
    // `继承` resolved among the files of that revision.
    let revision = |rules: &Path| {
        let spec = rules.to_string_lossy();
        zhibiao::driver::revision::snapshot(&spec).map_err(|e| say!("错误: {e}"))
    };
    let (old_rev, new_rev) = (revision(old)?, revision(new)?);
    let old = old_rev.as_ref().map_or(old, |s| s.path.as_path());
    let new = new_rev.as_ref().map_or(new, |s| s.path.as_path());
    let mut given = vec![old, new];
    given.extend(super::eval::data_files(data));
    super::refuse_inputs(output, &given)?;
    let snapshot_of = |rules: &Path| {
        [&old_rev, &new_rev]
            .into_iter()
            .flatten()
            .find(|s| s.path == rules)
    };
    let side = |rules: &Path| -> Result<zhibiao::diff::Side, ()> {
        let snapshot = snapshot_of(rules);
        let root = match snapshot {
            Some(s) => RootOpts {
                rules_root: Some(s.root.path().to_path_buf()),
                allow_outside_root: false,
            },
            None => root.clone(),
        };
        let root = &root;
        let opts = DataOpts {
            rules: rules.to_path_buf(),
            data: data.to_vec(),
            params: params.to_vec(),
            encoding,
            errors: None,
            root: root.clone(),
        };
        let (plan, results) = run(&opts, false)?;
        // The rule texts shown for changed rules: `run` keeps only the
        // model, so the files are read once more.
        let files = driver::compile_file_with(rules, &root.driver())
            .map_err(|e| say!("{e}"))?
            .files;
        let read = super::rule_files(&files);
        super::refuse_inputs(output, &read)?;
        let label = snapshot.map_or_else(|| rules.display().to_string(), |s| s.label.clone());
        Ok(zhibiao::diff::Side::new(label, &files, plan, results))
    };
    let (old, new) = (side(old)?, side(new)?);
    let mut diff = zhibiao::diff::compare_top(&old, &new, top);
    if let Some(field) = by {
        let group_of = groups(&new.plan, data, encoding, field)?;
        diff.group_by(field, &group_of);
    }
    match (format.text(), output) {
        (Some(text_format), _) => {
            let text = zhibiao::diff::render(text_format, &diff, options);
            if text_format == zhibiao::report::Format::Csv {
                super::emit_csv(output, &text, options.csv_encoding)
            } else {
                super::emit(output, &text)
            }
        }
        (None, Some(path)) => {
            zhibiao::output::xlsx::diff::save_diff(&diff, path).map_err(|e| say!("错误: {e}"))
        }
        (None, None) => {
            say!("错误: Excel 工作簿须写入文件：用 -o 影响.xlsx 指定文件名");
            Err(())
        }
    }
}

/// `--by 字段`: each subject's group (编码 → the field's value), read from
/// the evidence as the new rules declare it. The field must be a text or
/// enum field of the subject table.
fn groups(
    plan: &zhibiao::plan::Plan,
    data: &[DataArg],
    encoding: Option<EncodingArg>,
    field: &str,
) -> Result<std::collections::HashMap<String, String>, ()> {
    use zhibiao::evidence::{Encoding, LoadOptions, Schema};
    use zhibiao::ir::Ty;
    let model = &plan.model;
    let table = &model.subject;
    let f = table.field(field).filter(|&f| {
        table
            .fields
            .get(f)
            .is_some_and(|d| matches!(d.ty, Ty::Text | Ty::Enum(_)) && !d.key)
    });
    let (Some(f), Some(key)) = (f, table.key_field()) else {
        let names: Vec<&str> = (table.fields.iter())
            .filter(|d| matches!(d.ty, Ty::Text | Ty::Enum(_)) && !d.key)
            .map(|d| d.name.as_str())
            .collect();
        say!(
            "错误: --by {field}：主体表“{}”中没有可用来分组的文本或枚举字段“{field}”；可用的有 {}",
            table.name,
            names.join("、")
        );
        return Err(());
    };
    let schema = Schema::of(model);
    let sources = zhibiao::evidence::sources_from_args(data, &schema).map_err(|errs| {
        super::show_evidence_errors(&errs);
    })?;
    let opts = LoadOptions {
        encoding: encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk => Encoding::Gbk,
        }),
        ..LoadOptions::default()
    };
    let loaded = zhibiao::evidence::load(&schema, &sources, &opts).map_err(|errs| {
        super::show_evidence_errors(&errs);
    })?;
    let subjects = &loaded.evidence.subjects;
    let text = |column: usize, row: usize| {
        let fty = table.fields.get(column).map(|d| &d.ty);
        subjects
            .columns
            .get(column)
            .and_then(|c| c.get(row))
            .map(|v| zhibiao::eval::show_value(model, &v, fty))
    };
    Ok((0..subjects.rows)
        .filter_map(|row| Some((text(key, row)?, text(f, row).unwrap_or_default())))
        .map(|(code, group)| match group.is_empty() {
            true => (code, "（空）".to_owned()),
            false => (code, group),
        })
        .collect())
}
