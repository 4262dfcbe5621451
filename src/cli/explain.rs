//! `zhibiao explain`: the feedback letter of one subject (named by code
//! or name), or with `--all -o DIR` one letter per subject.

use super::refuse_inputs;
use crate::DataOpts;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use zhibiao::analysis::letter::{self, Letter, Named};
use zhibiao::eval::SubjectResult;
use zhibiao::ir::Model;
use zhibiao::output::escape;
use zhibiao::report;

/// The format of a letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

pub fn explain(
    opts: &DataOpts,
    subject: Option<&str>,
    all: bool,
    format: Option<Format>,
    output: Option<&Path>,
) -> Result<(), ()> {
    if !all {
        refuse_inputs(output, &super::eval::given_inputs(opts))?;
    }
    let (plan, results, inputs) = super::eval::run_reading(opts, true)?;
    let model = &plan.model;
    let letters = letter::letters(model, &results);
    match (all, output, subject) {
        (true, Some(dir), _) => write_all(model, &results, &letters, format, dir, &inputs),
        (_, _, Some(query)) => {
            let i = named(&results, query)?;
            let (Some(r), Some(l)) = (results.get(i), letters.get(i)) else {
                return Err(());
            };
            refuse_inputs(output, &inputs)?;
            let text = render(model, r, l, format.unwrap_or(Format::Md));
            super::emit(output, &text)
        }
        _ => {
            say!("错误: 请用 --subject 指定主体（编码或名称），或用 --all -o 目录 为每个主体各写一封");
            Err(())
        }
    }
}

fn render(model: &Model, r: &SubjectResult, l: &Letter, format: Format) -> String {
    match format {
        Format::Md => report::letter(model, r, l).markdown(),
        Format::Html => report::letter(model, r, l).html(),
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&report::letter_json(model, r, l)).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

/// The subject `--subject` names; an unknown or ambiguous one is
/// reported (with candidates) and fails.
fn named(results: &[SubjectResult], query: &str) -> Result<usize, ()> {
    let shown = |i: &usize| {
        results
            .get(*i)
            .map(|r| {
                format!(
                    "{}（编码 {}）",
                    escape::terminal(&r.name),
                    escape::terminal(&r.code)
                )
            })
            .unwrap_or_default()
    };
    match letter::find_subject(results, query) {
        Named::One(i) => Ok(i),
        Named::Several(all) => {
            say!(
                "错误: 有 {} 个主体名为“{}”，请用编码指定其中一个：",
                all.len(),
                escape::terminal(query)
            );
            for i in &all {
                say!("  {}", shown(i));
            }
            Err(())
        }
        Named::Unknown(near) => {
            say!(
                "错误: 证据中没有编码或名称为“{}”的主体",
                escape::terminal(query)
            );
            if !near.is_empty() {
                let near: Vec<String> = near.iter().map(shown).collect();
                say!("帮助: 是否要找：{}", near.join("、"));
            }
            Err(())
        }
    }
}

/// `--all -o DIR`: one letter per subject, `DIR/编码-名称.md` and `.html`
/// (or the one `--format`), none of them an input file.
fn write_all(
    model: &Model,
    results: &[SubjectResult],
    letters: &[Letter],
    format: Option<Format>,
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<(), ()> {
    let shown_dir = escape::terminal_text(&dir.display().to_string()).into_owned();
    if dir.exists() && !dir.is_dir() {
        say!("错误: --all 的 -o 须为目录，“{shown_dir}”是一个文件");
        return Err(());
    }
    std::fs::create_dir_all(dir).map_err(|e| say!("错误: 无法创建目录“{shown_dir}”：{e}"))?;
    let formats = match format {
        Some(f) => vec![f],
        None => vec![Format::Md, Format::Html],
    };
    let mut planned = Vec::new();
    let mut used = HashSet::new();
    for (r, l) in results.iter().zip(letters) {
        let stem = unique(file_stem(&r.code, &r.name), &mut used);
        for f in &formats {
            let path = dir.join(format!("{stem}.{}", f.extension()));
            refuse_inputs(Some(&path), inputs)?;
            planned.push((path, r, l, *f));
        }
    }
    for (path, r, l, f) in &planned {
        super::write_atomically(path, &render(model, r, l, *f))?;
    }
    say!(
        "已为 {} 个主体写入 {} 个文件到“{shown_dir}”",
        results.len(),
        planned.len()
    );
    Ok(())
}

/// `编码-名称` made safe as a file name on any system: no path
/// separators, reserved or control characters, no leading dot or dash, at most
/// 100 characters.
pub fn file_stem(code: &str, name: &str) -> String {
    let raw = format!("{code}-{name}");
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || zhibiao::diagnostic::shown::is_invisible(c) => '_',
            c => c,
        })
        .take(100)
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    // Nor a name that starts like a command-line option.
    if trimmed.is_empty() || trimmed.starts_with('-') {
        return format!("主体{trimmed}");
    }
    trimmed.to_string()
}

/// The stem, or with `-2`, `-3`… when an earlier subject took it (names
/// compared ignoring case, as some file systems do).
fn unique(stem: String, used: &mut HashSet<String>) -> String {
    let mut candidate = stem.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("110101", "东城区"), "110101-东城区");
        assert_eq!(file_stem("1/2", "a\\b:c*?"), "1_2-a_b_c__");
        assert_eq!(file_stem("..", "\u{1b}[31m"), "主体-_[31m");
        assert_eq!(file_stem("x", "名\n称"), "x-名_称");
        assert_eq!(file_stem("", ""), "主体-");
        assert!(file_stem("1", &"长".repeat(300)).chars().count() <= 100);
        let mut used = HashSet::new();
        assert_eq!(unique("a".into(), &mut used), "a");
        assert_eq!(unique("A".into(), &mut used), "A-2");
    }
}
