//! Evidence at the edges of what it may hold, through every reader (one
//! thread, several threads, whole-file CSV, JSON): counts beyond 64 bits
//! kept exactly up to 28 digits and rejected after, only the documented
//! date shapes, records and JSON files beyond their limits rejected with
//! file and line, blank lines that cost nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/gen.rs"]
mod gen;

use std::path::{Path, PathBuf};
use zhibiao::evidence::{self, Encoding, ErrorKind, EvidenceError, LoadOptions, Loaded, Schema};
use zhibiao::evidence::{Source, MAX_JSON, MAX_RECORD};
use zhibiao::ir::Value;

/// 2^63: the first count that did not fit the 64-bit column.
const TWO_63: &str = "9223372036854775808";
const TWO_63_LESS_1: &str = "9223372036854775807";
const TWO_64: &str = "18446744073709551616";
/// The largest count (28 digits) and the first too large.
const MAX_COUNT: &str = "9999999999999999999999999999";
const TOO_BIG: &str = "10000000000000000000000000000";

fn plan() -> zhibiao::plan::Plan {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national.zb");
    let model = zhibiao::driver::compile_file(&rules)
        .unwrap()
        .model
        .unwrap();
    zhibiao::plan::build(model, &[]).unwrap()
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-limits-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn opts(threads: usize) -> LoadOptions {
    LoadOptions {
        threads: Some(threads),
        ..LoadOptions::default()
    }
}

fn load(subjects: &Path, events: &Path, opts: &LoadOptions) -> Result<Loaded, Vec<EvidenceError>> {
    let plan = plan();
    let sources = [("主体", subjects), ("失信事件", events)].map(|(t, p)| Source {
        table: t.to_owned(),
        path: p.to_path_buf(),
    });
    evidence::load(&Schema::of(&plan.model), &sources, opts)
}

/// Set the cells of `column` on the given data lines (2 = first row).
fn set_cells(path: &Path, column: &str, cells: &[(usize, &str)]) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let col = lines[0].split(',').position(|h| h == column).unwrap();
    for (line, value) in cells {
        let mut parts: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
        parts[col] = value.to_string();
        lines[line - 1] = parts.join(",");
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn num(text: &str) -> Option<Value> {
    let d: rust_decimal::Decimal = text.parse().unwrap();
    Some(Value::Num(zhibiao::number::from_decimal(d)))
}

fn column(name: &str) -> usize {
    let plan = plan();
    let fields = &plan.model.subject.fields;
    fields.iter().position(|f| f.name == name).unwrap()
}

fn codes(errs: &[EvidenceError]) -> Vec<(&'static str, Option<usize>, Option<String>)> {
    errs.iter()
        .map(|e| (e.code(), e.line, e.field.clone()))
        .collect()
}

/// Generated national evidence, large enough for several blocks, with big
/// counts on the first rows.
fn big_counts(tag: &str) -> PathBuf {
    let dir = temp(tag);
    gen::write(&dir, 3000, 2, 11).unwrap();
    let subjects = dir.join("主体.csv");
    let rows = [
        (2, TWO_63),
        (3, TWO_63),
        (4, MAX_COUNT),
        (5, TWO_64),
        (1500, TWO_63),
    ];
    set_cells(&subjects, "重大决策数", &rows);
    let reviewed = [
        (2, TWO_63),
        (3, TWO_63_LESS_1),
        (4, MAX_COUNT),
        (5, "0"),
        (1500, TWO_63_LESS_1),
    ];
    set_cells(&subjects, "重大决策已审查数", &reviewed);
    dir
}

#[test]
fn counts_beyond_64_bits_are_kept_exactly_by_every_reader() {
    let dir = big_counts("counts");
    let (subjects, events) = (dir.join("主体.csv"), dir.join("失信事件.csv"));
    assert!(std::fs::metadata(&subjects).unwrap().len() > 4 * 64 * 1024);
    let one = load(&subjects, &events, &opts(1)).unwrap();
    let many = load(&subjects, &events, &opts(3)).unwrap();
    assert_eq!(one.evidence, many.evidence);
    let data = &one.evidence.subjects;
    let (total, reviewed) = (column("重大决策数"), column("重大决策已审查数"));
    let got = |f: usize, row: usize| data.columns[f].get(row);
    assert_eq!(got(total, 0), num(TWO_63));
    assert_eq!(got(reviewed, 1), num(TWO_63_LESS_1));
    assert_eq!(got(total, 2), num(MAX_COUNT));
    assert_eq!(got(reviewed, 2), num(MAX_COUNT));
    assert_eq!(got(total, 3), num(TWO_64));
    assert_eq!(got(total, 1498), num(TWO_63));
    // The other rows keep their values (and their empty cells).
    let text = std::fs::read_to_string(&subjects).unwrap();
    let row_10: Vec<&str> = text.lines().nth(10).unwrap().split(',').collect();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "重大决策数").unwrap();
    let expected = match row_10[at] {
        "" => None,
        n => num(n),
    };
    assert_eq!(got(total, 9), expected);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_count_of_more_than_28_digits_is_an_error_in_csv_and_json() {
    let dir = big_counts("too-big");
    let (subjects, events) = (dir.join("主体.csv"), dir.join("失信事件.csv"));
    set_cells(&subjects, "重大决策数", &[(7, TOO_BIG)]);
    for threads in [1, 3] {
        let errs = load(&subjects, &events, &opts(threads)).unwrap_err();
        assert_eq!(
            codes(&errs),
            vec![("E0507", Some(7), Some("重大决策数".to_owned()))],
            "{threads} threads"
        );
        assert_eq!(errs[0].value.as_deref(), Some(TOO_BIG));
        assert!(errs[0].message.contains(MAX_COUNT), "{}", errs[0].message);
    }
    // JSON numbers and strings go through the same check.
    let json = dir.join("主体.json");
    let row = |code: &str, n: &str| {
        format!(
            "{{\"编码\": \"{code}\", \"名称\": \"甲\", \"重大决策数\": {n}, \"重大决策已审查数\": \"{n}\"}}"
        )
    };
    let text = format!("[\n{},\n{}\n]\n", row("1", MAX_COUNT), row("2", TOO_BIG));
    std::fs::write(&json, text).unwrap();
    let errs = load(&json, &events, &LoadOptions::default()).unwrap_err();
    let big: Vec<_> = codes(&errs)
        .into_iter()
        .filter(|(c, _, _)| *c == "E0507")
        .collect();
    assert_eq!(
        big,
        vec![
            ("E0507", Some(3), Some("重大决策数".to_owned())),
            ("E0507", Some(3), Some("重大决策已审查数".to_owned())),
        ]
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn json_counts_beyond_64_bits_are_exact() {
    let dir = temp("json-counts");
    let json = dir.join("主体.json");
    let text = format!(
        "[{{\"编码\": \"1\", \"名称\": \"甲\", \"重大决策数\": {TWO_63}, \"重大决策已审查数\": \"{MAX_COUNT}\"}}]"
    );
    std::fs::write(&json, text).unwrap();
    let events = dir.join("失信事件.csv");
    std::fs::write(&events, "编码,事件编号,类型,金额,已整改,日期\n").unwrap();
    let plan = plan();
    let sources = [("主体", &json), ("失信事件", &events)].map(|(t, p)| Source {
        table: t.to_owned(),
        path: p.to_path_buf(),
    });
    // Only the declared columns that are present are read: the rest are
    // missing columns (E0503), so check the values on a schema of two.
    let mut subject = plan.model.subject.clone();
    subject
        .fields
        .retain(|f| ["编码", "名称", "重大决策数", "重大决策已审查数"].contains(&f.name.as_str()));
    for f in &mut subject.fields {
        f.at_most = None;
    }
    let schema = Schema {
        subject: &subject,
        events: &plan.model.events,
        enums: &plan.model.enums,
    };
    let loaded = evidence::load(&schema, &sources, &LoadOptions::default()).unwrap();
    let cols = &loaded.evidence.subjects.columns;
    assert_eq!(cols[2].get(0), num(TWO_63));
    assert_eq!(cols[3].get(0), num(MAX_COUNT));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn dates_only_in_the_documented_shapes() {
    let dir = temp("dates");
    let subjects = Path::new("examples/evidence/主体.csv");
    let events = dir.join("失信事件.csv");
    std::fs::copy("examples/evidence/失信事件.csv", &events).unwrap();
    let cells = [
        (2, "+2025-01-01"),
        (3, "2025-001-01"),
        (4, "2025/3/1"),
        (5, "2025-3-1"),
        (6, "02025-01-01"),
        (7, "2025-01/01"),
        (8, "2025-12-31"),
    ];
    set_cells(&events, "日期", &cells);
    let errs = load(subjects, &events, &opts(1)).unwrap_err();
    let got: Vec<_> = codes(&errs).into_iter().map(|(c, l, _)| (c, l)).collect();
    let bad = [2, 3, 6, 7].map(|l| ("E0511", Some(l)));
    assert_eq!(got, bad.to_vec());
    assert_eq!(errs[0].value.as_deref(), Some("+2025-01-01"));
    std::fs::remove_dir_all(dir).ok();
}

/// A header, a row, then a row of `len` bytes (with its line break).
fn with_long_row(dir: &Path, len: usize, closed: bool) -> PathBuf {
    let path = dir.join("主体.csv");
    let header = std::fs::read_to_string("examples/evidence/主体.csv").unwrap();
    let mut lines = header.lines();
    let (head, first) = (lines.next().unwrap(), lines.next().unwrap());
    let second = lines.next().unwrap();
    // The name cell is quoted and padded to make the row `len` bytes long.
    let (key, rest) = second.split_once(',').unwrap();
    let (_, rest) = rest.split_once(',').unwrap();
    let fixed = key.len() + rest.len() + 5; // two commas, two quotes, \n
    let name = "x".repeat(len - fixed);
    let row = if closed {
        format!("{key},\"{name}\",{rest}\n")
    } else {
        format!("{key},\"{name}{rest}\n")
    };
    assert!(!closed || row.len() == len);
    std::fs::write(&path, format!("{head}\n{first}\n{row}")).unwrap();
    path
}

fn with_limit(max_record: usize, threads: usize, encoding: Option<Encoding>) -> LoadOptions {
    LoadOptions {
        max_record,
        threads: Some(threads),
        encoding,
        ..LoadOptions::default()
    }
}

#[test]
fn a_record_longer_than_the_limit_is_an_error_naming_its_line() {
    let dir = temp("record");
    let events = &dir.join("失信事件.csv");
    std::fs::write(events, "编码,事件编号,类型,金额,已整改,日期\n").unwrap();
    let subjects = with_long_row(&dir, 900, true);
    // A record of exactly the limit is read; one byte less and it is not,
    // streamed or read whole (a forced encoding reads the file whole).
    for encoding in [None, Some(Encoding::Utf8)] {
        let fits = load(&subjects, events, &with_limit(900, 1, encoding));
        let names = &fits.unwrap().evidence.subjects.columns[1];
        let name = names.text(1).unwrap();
        assert!(name.len() > 700 && name.bytes().all(|b| b == b'x'));
        let errs = load(&subjects, events, &with_limit(899, 1, encoding)).unwrap_err();
        assert_eq!(errs[0].code(), "E0517", "{encoding:?}");
        assert_eq!(errs[0].line, Some(3));
        assert_eq!(errs[0].path.as_deref(), Some(subjects.as_path()));
        assert!(errs[0].message.contains("899 字节"), "{}", errs[0].message);
    }
    // An unclosed quote runs to the end of the file: one error, then stop.
    let open = with_long_row(&dir, 20_000, false);
    let errs = load(&open, events, &with_limit(1000, 1, None)).unwrap_err();
    assert_eq!(errs[0].code(), "E0517");
    assert_eq!(errs[0].line, Some(3));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_long_record_in_a_large_file_is_reported_on_several_threads_too() {
    let dir = temp("record-threads");
    gen::write(&dir, 3000, 2, 5).unwrap();
    let subjects = dir.join("主体.csv");
    let long = format!("\"{}\"", "y".repeat(5000));
    set_cells(&subjects, "名称", &[(2000, &long)]);
    let events = dir.join("失信事件.csv");
    for threads in [1, 3] {
        let errs = load(&subjects, &events, &with_limit(4096, threads, None)).unwrap_err();
        assert_eq!(errs.len(), 1, "{threads} threads: {errs:?}");
        assert_eq!((errs[0].code(), errs[0].line), ("E0517", Some(2000)));
    }
    assert!(load(&subjects, &events, &with_limit(8192, 3, None)).is_ok());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn blank_lines_are_no_part_of_a_record_and_keep_line_numbers() {
    let dir = temp("blank");
    let text = std::fs::read_to_string("examples/evidence/主体.csv").unwrap();
    let mut lines = text.lines();
    let (head, first) = (lines.next().unwrap(), lines.next().unwrap());
    let rest: Vec<&str> = lines.collect();
    // 30,000 blank lines (LF, then CRLF) between the first two rows: far
    // more than a record may be long.
    let blanks = "\n".repeat(20_000) + &"\r\n".repeat(10_000);
    let body = format!("{head}\n{first}\n{blanks}{}\n", rest.join("\n"));
    let subjects = dir.join("主体.csv");
    std::fs::write(&subjects, &body).unwrap();
    let events = Path::new("examples/evidence/失信事件.csv");
    for encoding in [None, Some(Encoding::Utf8)] {
        let loaded = load(&subjects, events, &with_limit(2000, 1, encoding)).unwrap();
        let lines = &loaded.evidence.subjects.lines;
        assert_eq!(lines[..2], [2, 30_003], "{encoding:?}");
        assert_eq!(lines.len(), rest.len() + 1);
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_json_file_over_the_limit_is_an_error() {
    let dir = temp("json-size");
    let json = dir.join("主体.json");
    std::fs::write(&json, format!("[{}]", " ".repeat(98))).unwrap();
    let events = Path::new("examples/evidence/失信事件.csv");
    let small = |max_json| LoadOptions {
        max_json,
        ..LoadOptions::default()
    };
    let errs = load(&json, events, &small(99)).unwrap_err();
    assert_eq!(errs[0].kind, ErrorKind::FileTooLarge);
    assert_eq!(errs[0].code(), "E0518");
    assert_eq!(errs[0].path.as_deref(), Some(json.as_path()));
    // At the limit it is read (and is an empty table: missing columns).
    let errs = load(&json, events, &small(100)).unwrap_err();
    assert!(errs.iter().all(|e| e.code() != "E0518"), "{errs:?}");
    assert_eq!(MAX_JSON, 128 << 20);
    assert_eq!(MAX_RECORD, 64 << 20);
    std::fs::remove_dir_all(dir).ok();
}
