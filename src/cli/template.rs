//! `zhibiao template`: the evidence workbook to fill in, from the tables
//! the rules declare; with `--data`, filled with that evidence (checked
//! first, as eval checks it).

use crate::{EncodingArg, RootOpts};
use std::path::{Path, PathBuf};
use zhibiao::evidence::{sources_from_args, DataArg, Encoding, LoadOptions, Schema};
use zhibiao::output::escape;
use zhibiao::output::xlsx::{self, template};
use zhibiao::{diagnostic, driver};

pub fn template(
    rules: &Path,
    data: &[DataArg],
    encoding: Option<EncodingArg>,
    output: Option<&Path>,
    root: &RootOpts,
) -> Result<(), ()> {
    let Some(output) = output else {
        say!("错误: 请用 -o 指定要生成的工作簿，例如 -o 证据模板.xlsx（工作簿不能输出到终端）");
        return Err(());
    };
    let is_xlsx = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        say!(
            "错误: 输出文件“{}”的扩展名应为 .xlsx（模板是 Excel 工作簿），例如 -o 证据模板.xlsx",
            escape::terminal(&output.display().to_string())
        );
        return Err(());
    }
    let mut given: Vec<&Path> = vec![rules];
    given.extend(super::eval::data_files(data));
    super::refuse_inputs(Some(output), &given)?;
    let compiled = driver::compile_file_with(rules, &root.driver()).map_err(|e| say!("{e}"))?;
    super::refuse_inputs(Some(output), &super::rule_files(&compiled.files))?;
    diagnostic::render_stderr(&compiled.files, &compiled.diagnostics);
    let Some(model) = compiled.model else {
        say!("错误: 规则文件有错误，未生成模板");
        return Err(());
    };
    let schema = Schema::of(&model);
    let loaded = if data.is_empty() {
        None
    } else {
        let sources = sources_from_args(data, &schema).map_err(|errs| report_evidence(&errs))?;
        let read: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
        super::refuse_inputs(Some(output), &read)?;
        let opts = LoadOptions {
            encoding: encoding.map(|e| match e {
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Gbk => Encoding::Gbk,
            }),
            ..LoadOptions::default()
        };
        let loaded = zhibiao::evidence::load(&schema, &sources, &opts)
            .map_err(|errs| report_evidence(&errs))?;
        for note in &loaded.notes {
            say!("注意: {}", escape::terminal_text(note));
        }
        Some(loaded)
    };
    let info = template::Info {
        rules: rules.display().to_string(),
        workbook: output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        standard: model.meta.standard.clone(),
        version: model.meta.version.clone(),
    };
    let evidence = loaded.as_ref().map(|l| &l.evidence);
    let mut workbook =
        template::template(&schema, &info, evidence).map_err(|e| say!("错误: {e}"))?;
    xlsx::save(&mut workbook, output).map_err(|e| say!("错误: {e}"))?;
    let mut sheets = vec![format!(
        "{}（{} 个字段",
        schema.subject.name,
        schema.subject.fields.len()
    )];
    sheets.extend(
        schema
            .events
            .iter()
            .map(|t| format!("{}（{} 个字段", t.name, t.fields.len())),
    );
    if let Some(l) = &loaded {
        let rows = std::iter::once(l.evidence.subjects.rows)
            .chain(l.evidence.events.iter().map(|t| t.rows));
        for (s, n) in sheets.iter_mut().zip(rows) {
            s.push_str(&format!("，{n} 行"));
        }
    }
    let sheets: Vec<String> = sheets.into_iter().map(|s| s + "）").collect();
    say!(
        "已生成 {}：{}，另有填写说明",
        escape::terminal(&output.display().to_string()),
        escape::terminal_text(&sheets.join("、"))
    );
    Ok(())
}

/// Evidence errors as eval shows them (cells from the data are escaped
/// for the terminal); nothing is written.
fn report_evidence(errs: &[zhibiao::evidence::EvidenceError]) {
    let counted = super::show_evidence_errors(errs);
    say!("证据数据有错误（以上列出 {counted} 处），未生成模板");
}
