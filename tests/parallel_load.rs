//! A large CSV file read on several threads gives exactly what one thread
//! gives: the same evidence, the same folded aggregates and scores, and for
//! an invalid file the same messages in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/gen.rs"]
mod gen;

use std::path::{Path, PathBuf};
use zhibiao::evidence::{self, EvidenceError, LoadOptions, Loaded, Schema, Source};

fn plan() -> zhibiao::plan::Plan {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national.zb");
    let model = zhibiao::driver::compile_file(&rules)
        .unwrap()
        .model
        .unwrap();
    zhibiao::plan::build(model, &[]).unwrap()
}

fn sources(dir: &Path) -> Vec<Source> {
    ["主体", "失信事件"]
        .iter()
        .map(|t| Source {
            table: t.to_string(),
            path: dir.join(format!("{t}.csv")),
        })
        .collect()
}

fn opts(threads: usize) -> LoadOptions {
    LoadOptions {
        threads: Some(threads),
        ..LoadOptions::default()
    }
}

fn load(dir: &Path, threads: usize) -> Result<Loaded, Vec<EvidenceError>> {
    let plan = plan();
    evidence::load(&Schema::of(&plan.model), &sources(dir), &opts(threads))
}

/// Scores as CSV, with event rows folded while the files are read.
fn scores(dir: &Path, threads: usize) -> String {
    let plan = plan();
    let mut folder = zhibiao::eval::Folded::new(&plan).unwrap();
    let schema = Schema::of(&plan.model);
    let mut read = 0;
    let loaded = evidence::load_with(
        &schema,
        &sources(dir),
        &opts(threads),
        &mut folder,
        &mut |n| read += n,
    )
    .unwrap();
    let size: u64 = sources(dir)
        .iter()
        .map(|s| std::fs::metadata(&s.path).unwrap().len())
        .sum();
    // Every byte but the BOM is counted once, on one thread or several.
    assert!(read + 3 >= size && read <= size, "{read} of {size}");
    let results = zhibiao::eval::run_folded(&plan, &loaded.evidence, folder).unwrap();
    zhibiao::report::render(zhibiao::report::Format::Csv, &plan.model, &results)
}

/// Generated national evidence (several blocks per file), made awkward:
/// a BOM, CRLF line ends, quoted names with commas and line breaks, and
/// rows Excel leaves as bare commas.
fn awkward(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-par-{tag}-{}", std::process::id()));
    gen::write(&dir, 3000, 10, 7).unwrap();
    let path = dir.join("主体.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::from("\u{feff}");
    for (i, line) in text.lines().enumerate() {
        let line = match (i % 7, line.split_once(',')) {
            (3, Some((key, rest))) => {
                let (name, rest) = rest.split_once(',').unwrap();
                format!("{key},\"{name}，第一行\r\n第二行, 含逗号\",{rest}")
            }
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push_str("\r\n");
        if i % 500 == 250 {
            out.push_str(&",".repeat(39));
            out.push_str("\r\n");
        }
    }
    std::fs::write(&path, out).unwrap();
    dir
}

#[test]
fn threads_read_exactly_what_one_thread_reads() {
    let dir = awkward("same");
    assert!(std::fs::metadata(dir.join("主体.csv")).unwrap().len() > 4 * 64 * 1024);
    let one = load(&dir, 1).unwrap();
    for threads in [2, 3, 8] {
        let many = load(&dir, threads).unwrap();
        assert_eq!(many.evidence, one.evidence, "{threads} threads");
        assert_eq!(many.notes, one.notes);
    }
    let lines = &one.evidence.subjects.lines;
    assert_eq!(one.evidence.subjects.rows, 3000);
    // Every 7th row spans two lines; blank rows take a line each.
    assert_eq!(lines.first(), Some(&2));
    assert_eq!(lines.get(2), Some(&4));
    assert_eq!(lines.get(3), Some(&6));
    let name = one.evidence.subjects.columns[1].text(2).unwrap();
    assert!(name.ends_with("第一行\r\n第二行, 含逗号"), "{name}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn folded_scores_do_not_depend_on_threads() {
    let dir = awkward("scores");
    let one = scores(&dir, 1);
    let rows = csv::Reader::from_reader(one.as_bytes()).records().count();
    assert_eq!(rows, 3000);
    for threads in [2, 3] {
        assert_eq!(scores(&dir, threads), one, "{threads} threads");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Problems late in a file, and a repeat whose first occurrence is in
/// another block: the threads give up and one thread reports, in order.
#[test]
fn problems_are_reported_as_one_thread_reports_them() {
    let dir = awkward("bad");
    let path = dir.join("失信事件.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let first_id = lines[1].split(',').nth(1).unwrap().to_string();
    let mut cells: Vec<String> = lines[n - 2].split(',').map(str::to_string).collect();
    cells[1] = first_id;
    lines[n - 2] = cells.join(",");
    let mut cells: Vec<String> = lines[n - 5].split(',').map(str::to_string).collect();
    cells[4] = "也许".into();
    lines[n - 5] = cells.join(",");
    lines[n / 2] = lines[n / 2].replacen(",", ",,", 1);
    std::fs::write(&path, lines.join("\n")).unwrap();

    let one = load(&dir, 1).unwrap_err();
    let many = load(&dir, 2).unwrap_err();
    // The progress bar counts each byte once, though the events file is
    // read twice (by the threads, then again by one).
    let plan = plan();
    let mut folder = zhibiao::eval::Folded::new(&plan).unwrap();
    let mut read = 0;
    let schema = Schema::of(&plan.model);
    let failed = evidence::load_with(&schema, &sources(&dir), &opts(2), &mut folder, &mut |n| {
        read += n
    });
    assert!(failed.is_err());
    let size: u64 = sources(&dir)
        .iter()
        .map(|s| std::fs::metadata(&s.path).unwrap().len())
        .sum();
    assert!(read + 3 >= size && read <= size, "{read} of {size}");
    let show = |errs: &[EvidenceError]| errs.iter().map(|e| e.to_string()).collect::<Vec<_>>();
    assert_eq!(show(&many), show(&one));
    assert_eq!(one.len(), 3, "{:#?}", show(&one));
    assert!(
        show(&one)[2].contains("第 2 行已有相同的值"),
        "{:?}",
        show(&one)
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Damage of every kind at random places (a stray quote, a byte that is
/// not UTF-8, a lost line break, a repeated line, a letter in a number):
/// whatever the threads make of it, the result is the one-thread result.
#[test]
fn damaged_files_give_what_one_thread_gives() {
    let dir = awkward("damaged");
    let pristine: Vec<(PathBuf, Vec<u8>)> = sources(&dir)
        .into_iter()
        .map(|s| {
            let bytes = std::fs::read(&s.path).unwrap();
            (s.path, bytes)
        })
        .collect();
    let mut rng = gen::Rng::new(11);
    for round in 0..12 {
        let (path, bytes) = &pristine[round % 2];
        let mut damaged = bytes.clone();
        let at = rng.below(damaged.len() as u64) as usize;
        let what = match round % 6 {
            0 => {
                damaged.insert(at, b'"');
                "a stray quote"
            }
            1 => {
                damaged[at] = 0xFF;
                "a byte that is not UTF-8"
            }
            2 => {
                let nl = at + damaged[at..].iter().position(|&b| b == b'\n').unwrap_or(0);
                damaged.remove(nl);
                "a lost line break"
            }
            3 => {
                let start = damaged[..at].iter().rposition(|&b| b == b'\n').unwrap_or(0);
                let end = at + damaged[at..].iter().position(|&b| b == b'\n').unwrap_or(0);
                let line = damaged[start..end].to_vec();
                damaged.splice(end..end, line);
                "a repeated line"
            }
            4 => {
                let digit = at
                    + damaged[at..]
                        .iter()
                        .position(u8::is_ascii_digit)
                        .unwrap_or(0);
                damaged[digit] = b'x';
                "a letter in a number"
            }
            _ => {
                damaged.splice(at..at, b"\n".iter().copied());
                "a line break inside a row"
            }
        };
        std::fs::write(path, &damaged).unwrap();
        let shown = |r: Result<Loaded, Vec<EvidenceError>>| match r {
            Ok(l) => Ok(l.evidence),
            Err(errs) => Err(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>()),
        };
        let one = shown(load(&dir, 1));
        assert_eq!(
            shown(load(&dir, 2)),
            one,
            "round {round}: {what} at byte {at}"
        );
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A byte order mark at the start of rows mid-file (files pasted
/// together): csv drops one at the start of what it reads, so a block
/// starting with one must not be read by a thread of its own.
#[test]
fn byte_order_marks_mid_file_are_kept_as_one_thread_keeps_them() {
    let dir = std::env::temp_dir().join(format!("zhibiao-par-bom-{}", std::process::id()));
    gen::write(&dir, 3000, 10, 7).unwrap();
    let path = dir.join("主体.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked: Vec<String> = (text.trim_start_matches('\u{feff}').lines())
        .enumerate()
        .map(|(i, l)| match i {
            0 => l.to_string(),
            _ => format!("\u{feff}{l}"),
        })
        .collect();
    std::fs::write(&path, marked.join("\n")).unwrap();
    let show = |r: Result<Loaded, Vec<EvidenceError>>| match r {
        Ok(l) => Ok(l.evidence),
        Err(errs) => Err(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>()),
    };
    let one = show(load(&dir, 1));
    assert!(one.is_err(), "the mark is part of each subject's code");
    assert_eq!(show(load(&dir, 2)), one);
    std::fs::remove_dir_all(dir).ok();
}
