//! Evidence loading and validation against hand-built schemas, with the
//! fixture files in tests/evidence/.

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use zhibiao::evidence::{
    self, DataArg, Encoding, ErrorKind, EvidenceError, LoadOptions, Loaded, Schema, Source,
};
use zhibiao::ir::{Field, Table, Ty, Value};
use zhibiao::number::{self, Num};
use zhibiao::source::{FileId, Span};

const DIR: &str = "tests/evidence";

fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

fn field(name: &str, ty: Ty) -> Field {
    Field {
        name: name.to_owned(),
        ty,
        key: false,
        unique: false,
        required: false,
        refers_to_subject: false,
        group: false,
        at_most: None,
        range: None,
        span: span(),
    }
}

fn subject_table() -> Table {
    let hundred = Some((number::int(0), number::int(100)));
    let fields = vec![
        Field {
            key: true,
            ..field("编码", Ty::Text)
        },
        Field {
            required: true,
            ..field("名称", Ty::Text)
        },
        field("重大决策数", Ty::Count),
        Field {
            at_most: Some(2),
            ..field("重大决策已审查数", Ty::Count)
        },
        Field {
            range: hundred,
            ..field("主动公开达标率", Ty::Percent)
        },
        Field {
            range: hundred,
            ..field("群众满意度", Ty::Score)
        },
        field("信用承诺制", Ty::YesNo),
        field("调整系数", Ty::Decimal),
        field("年度", Ty::Year),
    ];
    Table {
        name: "主体".to_owned(),
        fields,
        span: span(),
    }
}

fn event_table() -> Table {
    let fields = vec![
        Field {
            refers_to_subject: true,
            ..field("编码", Ty::Text)
        },
        Field {
            unique: true,
            required: true,
            ..field("事件编号", Ty::Text)
        },
        field("类型", Ty::Enum(0)),
        field("金额", Ty::Money),
        field("已整改", Ty::YesNo),
        field("日期", Ty::Date),
    ];
    Table {
        name: "失信事件".to_owned(),
        fields,
        span: span(),
    }
}

struct Fixture {
    subject: Table,
    events: Vec<Table>,
    enums: Vec<Vec<String>>,
}

impl Fixture {
    fn new() -> Self {
        let kinds = ["拖欠账款", "失信被执行", "合同违约"];
        Fixture {
            subject: subject_table(),
            events: vec![event_table()],
            enums: vec![kinds.iter().map(|s| s.to_string()).collect()],
        }
    }

    fn schema(&self) -> Schema<'_> {
        Schema {
            subject: &self.subject,
            events: &self.events,
            enums: &self.enums,
        }
    }
}

fn path(rel: &str) -> PathBuf {
    Path::new(DIR).join(rel)
}

fn sources(subject: &str, events: &str) -> Vec<Source> {
    vec![
        Source {
            table: "主体".to_owned(),
            path: path(subject),
        },
        Source {
            table: "失信事件".to_owned(),
            path: path(events),
        },
    ]
}

fn load_with(
    subject: &str,
    events: &str,
    opts: &LoadOptions,
) -> Result<Loaded, Vec<EvidenceError>> {
    let fx = Fixture::new();
    evidence::load(&fx.schema(), &sources(subject, events), opts)
}

fn load(subject: &str, events: &str) -> Result<Loaded, Vec<EvidenceError>> {
    load_with(subject, events, &LoadOptions::default())
}

fn loaded(subject: &str, events: &str) -> Loaded {
    match load(subject, events) {
        Ok(l) => l,
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            unreachable!("unexpected errors:\n{}", text.join("\n"))
        }
    }
}

fn errors(subject: &str, events: &str) -> Vec<EvidenceError> {
    load(subject, events).err().unwrap_or_default()
}

/// The only error of a load, checked for code, file, line and field.
fn only_error(
    subject: &str,
    events: &str,
    code: &str,
    file: &str,
    line: Option<usize>,
    field: Option<&str>,
) -> EvidenceError {
    let errs = errors(subject, events);
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 1, "errors: {shown:#?}");
    let e = errs
        .into_iter()
        .next()
        .unwrap_or_else(|| EvidenceError::new(ErrorKind::Io, ""));
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(e.path.as_deref(), Some(path(file).as_path()), "{e}");
    assert_eq!(e.line, line, "{e}");
    assert_eq!(e.field.as_deref(), field, "{e}");
    e
}

fn dec(s: &str) -> Value {
    Value::Num(number::from_decimal(
        Decimal::from_str(s).unwrap_or_default(),
    ))
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

const OK_EVENTS: &str = "ok/失信事件.csv";

// ---- valid input ----

#[test]
fn valid_csv_loads_typed_values() {
    let l = loaded("ok/主体.csv", OK_EVENTS);
    assert!(l.notes.is_empty(), "{:?}", l.notes);
    let s = &l.evidence.subjects;
    assert_eq!(s.rows, 3);
    assert_eq!(s.lines, vec![2, 3, 4]);
    assert_eq!(s.columns[0].get(1), Some(text("110102")));
    assert_eq!(s.columns[2].get(0), Some(dec("20")));
    assert_eq!(s.columns[4].get(1), Some(dec("95")));
    assert_eq!(s.columns[5].get(0), Some(dec("95.5")));
    assert_eq!(s.columns[6].get(1), Some(Value::Bool(false)));
    assert_eq!(s.columns[7].get(0), Some(dec("0.1")));
    assert_eq!(s.columns[8].get(2), Some(dec("2025")));
    assert_eq!(s.columns[2].get(2), None);
    let e = &l.evidence.events[0];
    assert_eq!(e.columns[2].get(1), Some(Value::Enum(2)));
    assert_eq!(e.columns[3].get(1), Some(dec("80000.5")));
    assert_eq!(
        e.columns[5].get(1),
        zhibiao::date::parse("2025-12-31").map(Value::Date)
    );
    assert_eq!(l.evidence.event_subject, vec![vec![0, 1, 0]]);
}

#[test]
fn gbk_and_bom_decode_to_the_same_evidence() {
    let utf8 = loaded("ok/主体.csv", OK_EVENTS).evidence;
    let bom = loaded("bom/主体.csv", OK_EVENTS).evidence;
    let gbk = loaded("gbk/主体.csv", OK_EVENTS).evidence;
    assert_eq!(bom, utf8);
    assert_eq!(gbk, utf8);
    let all_gbk = loaded("gbk/主体.csv", "gbk/失信事件.csv").evidence;
    let all_bom = loaded("bom/主体.csv", "bom/失信事件.csv").evidence;
    assert_eq!(all_gbk, utf8);
    assert_eq!(all_bom, utf8);
    let gbk_opts = LoadOptions {
        encoding: Some(Encoding::Gbk),
        ..LoadOptions::default()
    };
    let forced = load_with("gbk/主体.csv", "gbk/失信事件.csv", &gbk_opts).map(|l| l.evidence);
    assert_eq!(forced.ok(), Some(utf8));
    let utf8_opts = LoadOptions {
        encoding: Some(Encoding::Utf8),
        ..LoadOptions::default()
    };
    let forced_gbk = load_with("gbk/主体.csv", OK_EVENTS, &utf8_opts);
    let errs = forced_gbk.err().unwrap_or_default();
    assert_eq!(errs.first().map(|e| e.code()), Some("E0502"));
    assert_eq!(errs.first().and_then(|e| e.line), Some(1));
}

#[test]
fn json_keeps_exact_decimals_and_lines() {
    let l = loaded("json/主体.json", "json/失信事件.json");
    let csv = loaded("ok/主体.csv", OK_EVENTS).evidence;
    assert_eq!(l.evidence.subjects.columns, csv.subjects.columns);
    assert_eq!(l.evidence.subjects.lines, vec![2, 4, 6]);
    let amounts = &l.evidence.events[0].columns[3];
    assert_eq!(amounts.get(0), Some(dec("12345678901234567.89")));
    assert_eq!(amounts.get(1), Some(dec("0.10")));
    let exact = Num::new(1_234_567_890_123_456_789, 100);
    assert_eq!(amounts.get(0), Some(Value::Num(exact)));
    assert_eq!(
        l.evidence.events[0].columns[4].get(1),
        Some(Value::Bool(true))
    );
    assert_eq!(l.evidence.event_subject, vec![vec![0, 2]]);
}

#[test]
fn empty_json_array_is_a_table_without_rows() {
    let l = loaded("ok/主体.csv", "json/空.json");
    assert_eq!(l.evidence.events[0].rows, 0);
    assert_eq!(l.evidence.events[0].columns.len(), 6);
    assert_eq!(l.evidence.event_subject, vec![Vec::<u32>::new()]);
}

#[test]
fn unknown_columns_are_ignored_with_one_note() {
    let l = loaded("extra/主体.csv", OK_EVENTS);
    assert_eq!(l.notes.len(), 1, "{:?}", l.notes);
    let note = &l.notes[0];
    assert!(
        note.contains("“备注”") && note.contains("“联系人”"),
        "{note}"
    );
    assert!(note.contains("extra/主体.csv"), "{note}");
    assert_eq!(l.evidence.subjects.columns[8].get(0), Some(dec("2025")));
}

// ---- one test per kind of error ----

#[test]
fn e0501_missing_file() {
    let e = only_error("ok/没有.csv", OK_EVENTS, "E0501", "ok/没有.csv", None, None);
    assert!(e.message.contains("不存在"), "{e}");
}

/// The short row is dropped; the event that refers to it is then not
/// reported as an unknown subject (that would only be a consequence).
#[test]
fn e0502_row_width() {
    only_error(
        "bad/width.csv",
        OK_EVENTS,
        "E0502",
        "bad/width.csv",
        Some(3),
        None,
    );
}

#[test]
fn e0503_missing_column() {
    only_error(
        "bad/missing_column.csv",
        OK_EVENTS,
        "E0503",
        "bad/missing_column.csv",
        Some(1),
        Some("群众满意度"),
    );
}

#[test]
fn e0504_empty_required() {
    only_error(
        "bad/empty.csv",
        OK_EVENTS,
        "E0504",
        "bad/empty.csv",
        Some(3),
        Some("名称"),
    );
}

#[test]
fn e0505_not_a_number() {
    let e = only_error(
        "bad/not_number.csv",
        OK_EVENTS,
        "E0505",
        "bad/not_number.csv",
        Some(3),
        Some("主动公开达标率"),
    );
    assert_eq!(e.value.as_deref(), Some("95%"));
    assert!(e.help_text().contains('%'), "{}", e.help_text());
}

#[test]
fn e0506_count_not_an_integer() {
    let e = only_error(
        "bad/not_integer.csv",
        OK_EVENTS,
        "E0506",
        "bad/not_integer.csv",
        Some(3),
        Some("重大决策数"),
    );
    assert_eq!(e.value.as_deref(), Some("3.5"));
}

#[test]
fn e0507_out_of_range_display() {
    let e = only_error(
        "bad/range.csv",
        OK_EVENTS,
        "E0507",
        "bad/range.csv",
        Some(3),
        Some("主动公开达标率"),
    );
    let expected = format!(
        "错误[E0507]: {}:3: 字段“主动公开达标率”的值“101”超出范围：应在 0 到 100 之间（主体 110102 西城区）",
        path("bad/range.csv").display()
    );
    assert_eq!(e.to_string(), expected);
}

#[test]
fn e0508_negative_count() {
    only_error(
        "bad/negative.csv",
        OK_EVENTS,
        "E0508",
        "bad/negative.csv",
        Some(3),
        Some("重大决策数"),
    );
}

#[test]
fn e0509_bad_yes_no() {
    only_error(
        "bad/yes_no.csv",
        OK_EVENTS,
        "E0509",
        "bad/yes_no.csv",
        Some(3),
        Some("信用承诺制"),
    );
}

#[test]
fn e0510_unknown_enum_value() {
    let e = only_error(
        "ok/主体.csv",
        "bad/事件_enum.csv",
        "E0510",
        "bad/事件_enum.csv",
        Some(2),
        Some("类型"),
    );
    assert!(e.message.contains("拖欠账款、失信被执行、合同违约"), "{e}");
}

#[test]
fn e0511_bad_date() {
    only_error(
        "ok/主体.csv",
        "bad/事件_date.csv",
        "E0511",
        "bad/事件_date.csv",
        Some(2),
        Some("日期"),
    );
}

#[test]
fn e0512_duplicate_key_names_both_lines() {
    let e = only_error(
        "bad/duplicate.csv",
        OK_EVENTS,
        "E0512",
        "bad/duplicate.csv",
        Some(4),
        Some("编码"),
    );
    assert!(e.message.contains("第 2 行"), "{e}");
}

#[test]
fn e0513_over_declared_upper_field() {
    let e = only_error(
        "bad/over.csv",
        OK_EVENTS,
        "E0513",
        "bad/over.csv",
        Some(3),
        Some("重大决策已审查数"),
    );
    assert!(
        e.message.contains("“21”") && e.message.contains("“重大决策数”的值“20”"),
        "{e}"
    );
}

#[test]
fn e0514_unknown_subject_reference() {
    let e = only_error(
        "ok/主体.csv",
        "bad/事件_subject.csv",
        "E0514",
        "bad/事件_subject.csv",
        Some(3),
        Some("编码"),
    );
    assert_eq!(e.value.as_deref(), Some("999999"));
}

#[test]
fn e0515_json_not_an_array() {
    only_error(
        "ok/主体.csv",
        "bad/shape_top.json",
        "E0515",
        "bad/shape_top.json",
        Some(1),
        None,
    );
}

#[test]
fn e0515_json_nested_value_and_missing_key() {
    let errs = errors("ok/主体.csv", "bad/shape_nested.json");
    let got: Vec<_> = errs
        .iter()
        .map(|e| (e.code(), e.line, e.field.as_deref()))
        .collect();
    let want = vec![
        ("E0515", Some(3), Some("类型")),
        ("E0503", Some(4), Some("已整改")),
    ];
    assert_eq!(got, want);
}

#[test]
fn e0516_unknown_and_unbound_tables() {
    let fx = Fixture::new();
    let srcs = vec![Source {
        table: "主题".to_owned(),
        path: path("ok/主体.csv"),
    }];
    let errs = evidence::load(&fx.schema(), &srcs, &LoadOptions::default())
        .err()
        .unwrap_or_default();
    let got: Vec<_> = errs.iter().map(|e| e.code()).collect();
    assert_eq!(got, vec!["E0516", "E0516", "E0516"]);
    assert!(errs[0].message.contains("主题"));
    assert!(errs[1].message.contains("“主体”"));
    assert!(errs[2].message.contains("“失信事件”"));
}

#[test]
fn e0599_too_many_errors() {
    let opts = LoadOptions {
        max_errors: 3,
        ..LoadOptions::default()
    };
    let errs = load_with("bad/many.csv", OK_EVENTS, &opts)
        .err()
        .unwrap_or_default();
    let codes: Vec<_> = errs.iter().map(|e| e.code()).collect();
    assert_eq!(codes, vec!["E0505", "E0505", "E0505", "E0599"]);
    assert!(errs[3].message.contains("另有 4 个"), "{}", errs[3]);
}

// ---- other behaviour ----

#[test]
fn errors_in_all_files_are_collected() {
    let errs = errors("bad/range.csv", "bad/事件_date.csv");
    let codes: Vec<_> = errs.iter().map(|e| e.code()).collect();
    assert_eq!(codes, vec!["E0507", "E0511"]);
}

#[test]
fn quoted_multiline_cell_keeps_editor_lines() {
    let e = only_error(
        "bad/multiline.csv",
        OK_EVENTS,
        "E0505",
        "bad/multiline.csv",
        Some(4),
        Some("群众满意度"),
    );
    assert_eq!(e.value.as_deref(), Some("abc"));
}

#[test]
fn sources_from_dir_finds_csv_and_json() {
    let fx = Fixture::new();
    let found = evidence::sources_from_dir(&path("ok"), &fx.schema()).unwrap_or_default();
    assert_eq!(found, sources("ok/主体.csv", OK_EVENTS));
    let found = evidence::sources_from_dir(&path("json"), &fx.schema()).unwrap_or_default();
    assert_eq!(found, sources("json/主体.json", "json/失信事件.json"));
    let missing = evidence::sources_from_dir(&path("extra"), &fx.schema()).err();
    assert_eq!(missing.map(|e| e.kind), Some(ErrorKind::Binding));
}

#[test]
fn data_arguments() {
    let src = DataArg::parse("主体=data/a.csv");
    let want = Source {
        table: "主体".to_owned(),
        path: PathBuf::from("data/a.csv"),
    };
    assert_eq!(src, Ok(DataArg::Table(want)));
    assert_eq!(
        DataArg::parse("data/"),
        Ok(DataArg::Dir(PathBuf::from("data/")))
    );
    assert_eq!(
        DataArg::parse("./a=b/"),
        Ok(DataArg::Dir(PathBuf::from("./a=b/")))
    );
    assert!(evidence::parse_source_arg("=a.csv").is_err());
    assert!(evidence::parse_source_arg("主体").is_err());
    let fx = Fixture::new();
    let args = [
        DataArg::Dir(path("ok")),
        DataArg::Table(Source {
            table: "主体".to_owned(),
            path: path("gbk/主体.csv"),
        }),
    ];
    let found = evidence::sources_from_args(&args, &fx.schema()).unwrap_or_default();
    assert_eq!(found, sources("gbk/主体.csv", OK_EVENTS));
}

#[test]
fn errors_render_as_miette_diagnostics() {
    use miette::Diagnostic;
    let e = only_error(
        "bad/yes_no.csv",
        OK_EVENTS,
        "E0509",
        "bad/yes_no.csv",
        Some(3),
        Some("信用承诺制"),
    );
    assert_eq!(e.code().to_string(), "E0509");
    let code = Diagnostic::code(&e).map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("E0509"));
    assert!(Diagnostic::help(&e).is_some());
}

/// Random token soup (and raw bytes) as CSV and JSON: loading must report
/// problems, never panic.
#[test]
fn garbage_never_panics() {
    let pieces: [&[u8]; 22] = [
        b"[",
        b"]",
        b"{",
        b"}",
        "\"编码\"".as_bytes(),
        b":",
        b",",
        b"\"110101\"",
        b"1.5",
        b"-",
        b"e",
        b"true",
        b"null",
        b"\"\\u12",
        b"\"\\ud800\\u",
        b"\n",
        b"\r\n",
        b"\"",
        "是".as_bytes(),
        b"\xff",
        b"\xca",
        b"\xef\xbb\xbf",
    ];
    let dir = std::env::temp_dir().join(format!("zhibiao-evidence-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let fx = Fixture::new();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..400 {
        let mut bytes = Vec::new();
        for _ in 0..(round % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
        }
        for ext in ["csv", "json"] {
            let file = dir.join(format!("主体.{ext}"));
            if std::fs::write(&file, &bytes).is_err() {
                continue;
            }
            let srcs = vec![
                Source {
                    table: "主体".to_owned(),
                    path: file,
                },
                Source {
                    table: "失信事件".to_owned(),
                    path: path(OK_EVENTS),
                },
            ];
            let opts = LoadOptions {
                max_errors: 5,
                ..LoadOptions::default()
            };
            let result = evidence::load(&fx.schema(), &srcs, &opts);
            if let Err(errs) = result {
                assert!(!errs.is_empty() && errs.len() <= 6);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// JSON rows name their subject like CSV rows: a subject row its own
/// 编码 and 名称, an event row the subject it refers to (name looked up).
#[test]
fn json_errors_name_the_rows_subject() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("失信事件.json");
    let text = std::fs::read_to_string(path("json/失信事件.json"))
        .unwrap()
        .replace("\"合同违约\"", "\"其他\"");
    std::fs::write(&events, text).unwrap();
    let fx = Fixture::new();
    let sources = vec![
        Source {
            table: "主体".into(),
            path: path("json/主体.json"),
        },
        Source {
            table: "失信事件".into(),
            path: events.clone(),
        },
    ];
    let errs = evidence::load(&fx.schema(), &sources, &LoadOptions::default()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(e.code(), "E0510");
    assert_eq!(e.subject.as_deref(), Some("110105"));
    assert_eq!(e.subject_name.as_deref(), Some("朝阳区"));
    assert_eq!(e.field.as_deref(), Some("类型"));
    assert!(e.to_string().ends_with("（主体 110105 朝阳区）"), "{e}");
}
