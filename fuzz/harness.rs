//! The bodies of the fuzz targets, shared with `tests/fuzz_regressions.rs`
//! (and the score checks with `tests/properties.rs`), so a saved finding is
//! replayed by `cargo test` through exactly the code the fuzzer ran.
//!
//! Each function panics when a property fails: that is how libFuzzer and
//! the test harness both see a finding. zhibiao itself must never panic,
//! loop or exhaust the stack on any of these inputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unused_imports
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zhibiao::check;
use zhibiao::diagnostic::{render_plain, Diagnostic};
use zhibiao::driver::{self, compile_source};
use zhibiao::eval::{self, Status, SubjectResult};
use zhibiao::evidence::{self, Encoding, ErrorKind, LoadOptions, MemTable, Schema, Source};
use zhibiao::ir::{Mode, Model, Ty};
use zhibiao::number::{self, Num};
use zhibiao::plan::{self, Plan};
use zhibiao::report::{self, Format};

const NATIONAL: &str = include_str!("../rules/national.zb");
const SUBJECTS: &[u8] = include_bytes!("../examples/evidence/主体.csv");
const EVENTS: &[u8] = include_bytes!("../examples/evidence/失信事件.csv");

// ---------------------------------------------------------------- check

/// Target `check`: parse and check arbitrary rule text; a model that
/// checks is planned, documented and evaluated on made-up evidence.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let compiled = compile_source("fuzz.zb", text);
    let shown = render_plain(&compiled.files, &compiled.diagnostics);
    let _ = zhibiao::diagnostic::render_json(&compiled.files, &compiled.diagnostics);
    match &compiled.model {
        Some(_) => assert!(!compiled.has_errors(), "a model despite errors"),
        None => assert!(compiled.has_errors(), "no model and no error"),
    }
    // Past the cap on diagnostics shown, errors come first.
    if let Some(first) = compiled.diagnostics.iter().find(|d| d.is_error()) {
        assert!(
            shown.contains(first.code),
            "error {} not rendered",
            first.code
        );
    }
    if let Some(model) = compiled.model {
        exercise(model);
    }
}

/// Everything the CLI does with a checked model that needs no files.
fn exercise(model: Model) {
    let appendix = report::doc::Appendix {
        model: &model,
        base: None,
        date: String::new(),
    };
    let _ = report::doc::markdown(&appendix);
    let _ = report::doc::html(&appendix);
    let _ = report::doc::docx(&appendix);
    let Ok(plan) = plan::build(model, &[]) else {
        return;
    };
    for tables in made_up_evidence(&plan.model) {
        let schema = Schema::of(&plan.model);
        let Ok(ev) = evidence::from_memory(&schema, &tables, Path::new("made-up")) else {
            continue;
        };
        let plain = eval::run(&plan, &ev);
        let explained = eval::run_explained(&plan, &ev);
        let (Ok(plain), Ok(explained)) = (plain, explained) else {
            continue;
        };
        assert_eq!(
            report::render(Format::Csv, &plan.model, &plain),
            report::render(Format::Csv, &plan.model, &explained),
            "explained scores differ from plain scores"
        );
        assert_scores(&plan.model, &plain);
        for r in &explained {
            let _ = report::explain(&plan.model, r);
        }
        for f in [Format::Table, Format::Json, Format::Markdown] {
            let _ = report::render(f, &plan.model, &plain);
        }
    }
}

/// Subject tables for any schema: one row of empty cells (required ones
/// filled), one of low values, one of high values; then all three with
/// one event per event table. Rows that break a constraint (`不大于`)
/// are simply rejected by validation.
fn made_up_evidence(model: &Model) -> Vec<Vec<MemTable>> {
    let header = |t: &zhibiao::ir::Table| t.fields.iter().map(|f| f.name.clone()).collect();
    let row = |t: &zhibiao::ir::Table, how: Fill, key: &str| -> Vec<String> {
        t.fields
            .iter()
            .map(|f| {
                if f.key || f.refers_to_subject {
                    key.to_string()
                } else if f.unique {
                    format!("E-{key}")
                } else {
                    cell(
                        model,
                        &f.ty,
                        f.range,
                        if f.required { how.or_low() } else { how },
                    )
                }
            })
            .collect()
    };
    let subjects = MemTable {
        header: header(&model.subject),
        rows: vec![
            (2, row(&model.subject, Fill::Empty, "S1")),
            (3, row(&model.subject, Fill::Low, "S2")),
            (4, row(&model.subject, Fill::High, "S3")),
        ],
    };
    let no_events: Vec<MemTable> = model
        .events
        .iter()
        .map(|t| MemTable {
            header: header(t),
            rows: Vec::new(),
        })
        .collect();
    let events: Vec<MemTable> = model
        .events
        .iter()
        .map(|t| MemTable {
            header: header(t),
            rows: vec![(2, row(t, Fill::High, "S3")), (3, row(t, Fill::Low, "S2"))],
        })
        .collect();
    let mut one = vec![MemTable {
        header: subjects.header.clone(),
        rows: subjects.rows.get(1..2).unwrap_or_default().to_vec(),
    }];
    one.extend(no_events.iter().cloned());
    let mut all = vec![subjects.clone()];
    all.extend(no_events);
    let mut with_events = vec![subjects];
    with_events.extend(events);
    vec![one, all, with_events]
}

#[derive(Clone, Copy)]
enum Fill {
    Empty,
    Low,
    High,
}

impl Fill {
    fn or_low(self) -> Fill {
        match self {
            Fill::Empty => Fill::Low,
            other => other,
        }
    }
}

fn cell(model: &Model, ty: &Ty, range: Option<(Num, Num)>, how: Fill) -> String {
    let high = match how {
        Fill::Empty => return String::new(),
        Fill::Low => false,
        Fill::High => true,
    };
    if let Some((lo, hi)) = range {
        if ty.is_numeric() {
            return number::show(if high { &hi } else { &lo });
        }
    }
    let pick = |lo: &str, hi: &str| if high { hi } else { lo }.to_string();
    match ty {
        Ty::Text => pick("甲", "乙"),
        Ty::Count => pick("0", "7"),
        Ty::Decimal | Ty::Ratio | Ty::Number => pick("-1.5", "2.25"),
        Ty::Percent | Ty::Score => pick("0", "100"),
        Ty::Money => pick("0", "1000000"),
        Ty::Year => pick("2024", "2025"),
        Ty::YesNo => pick("否", "是"),
        Ty::Date => pick("2024-12-31", "2025-01-01"),
        Ty::Enum(i) => {
            let names = model.enums.get(*i);
            let first = names.and_then(|v| v.first()).cloned().unwrap_or_default();
            let last = names.and_then(|v| v.last()).cloned().unwrap_or_default();
            if high {
                last
            } else {
                first
            }
        }
        Ty::Period => String::new(),
    }
}

// ---------------------------------------------------------------- scores

/// What every result must satisfy, for any rules: each indicator within
/// [0, its points] and, scored by its rule, within the interval the
/// checker computed for it (rounded as the rules round); base within full
/// marks, bonus within its cap, total within its cap; a veto sets the
/// veto grade; 缺失 lists exactly the leaves scored as missing.
pub fn assert_scores(model: &Model, results: &[SubjectResult]) {
    let dec = |n: &Num| number::to_decimal(n);
    let places = model.policy.round_places;
    for r in results {
        let who = &r.code;
        assert_eq!(r.indicators.len(), model.indicators.len(), "{who}");
        for (i, (ind, res)) in model.indicators.iter().zip(&r.indicators).enumerate() {
            let s = res.score;
            let code = &ind.code;
            assert!(s >= rust_decimal::Decimal::ZERO, "{who} {code}: {s} < 0");
            assert!(s <= dec(&ind.full), "{who} {code}: {s} > {}", ind.full);
            if !ind.is_leaf() || res.status != Status::Scored {
                continue;
            }
            let Some(range) = check::score_range(model, i) else {
                continue;
            };
            if let Some(lo) = range.lo.and_then(|l| number::round_half_up(&l, places)) {
                assert!(
                    s >= lo,
                    "{who} {code}: {s} below the checked range {range:?}"
                );
            }
            if let Some(hi) = range.hi.and_then(|h| number::round_half_up(&h, places)) {
                assert!(
                    s <= hi,
                    "{who} {code}: {s} above the checked range {range:?}"
                );
            }
        }
        let p = &model.policy;
        assert!(
            r.base >= rust_decimal::Decimal::ZERO,
            "{who}: base {}",
            r.base
        );
        assert!(r.base <= dec(&p.full_marks), "{who}: base {}", r.base);
        if let Some(cap) = &p.bonus_cap {
            assert!(r.bonus <= dec(cap), "{who}: bonus {} over {cap}", r.bonus);
        }
        if let Some(cap) = &p.total_cap {
            assert!(r.total <= dec(cap), "{who}: total {} over {cap}", r.total);
        }
        if let (false, Some(g)) = (r.vetoes.is_empty(), &p.veto_grade) {
            assert_eq!(&r.grade, g, "{who}: vetoed");
        }
        let missing: Vec<&String> = model
            .indicators
            .iter()
            .zip(&r.indicators)
            .filter(|(i, x)| i.is_leaf() && x.status == Status::Missing)
            .map(|(i, _)| &i.code)
            .collect();
        let listed: Vec<&String> = r.missing.iter().collect();
        assert_eq!(listed, missing, "{who}: 缺失");
        if model.mode == Mode::Points {
            for (ind, res) in model.indicators.iter().zip(&r.indicators) {
                let sum: rust_decimal::Decimal = ind
                    .children
                    .iter()
                    .filter_map(|&c| r.indicators.get(c))
                    .map(|c| c.score)
                    .sum();
                if !ind.is_leaf() {
                    assert_eq!(res.score, sum, "{who} {}: not its children's sum", ind.code);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- fmt

/// Target `fmt`: formatting is idempotent and keeps the meaning — a file
/// that parses keeps its diagnostics (by code) and, when it checks, its
/// model (spans aside). A file with a syntax error may be mended by the
/// layout (a vertical tab the grammar refuses is white space to fmt).
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(once) = zhibiao::fmt::format(text) else {
        return;
    };
    let twice = zhibiao::fmt::format(&once);
    assert_eq!(
        twice.as_deref(),
        Some(once.as_str()),
        "fmt is not idempotent"
    );
    let before = compile_source("fuzz.zb", text);
    let after = compile_source("fuzz.zb", &once);
    if codes(&before.diagnostics).contains(&"E0001") {
        return;
    }
    assert_eq!(
        codes(&before.diagnostics),
        codes(&after.diagnostics),
        "fmt changed the diagnostics:\n{once}"
    );
    match (&before.model, &after.model) {
        (Some(a), Some(b)) => assert_eq!(shape(a), shape(b), "fmt changed the model:\n{once}"),
        (None, None) => {}
        _ => panic!("fmt changed whether the file checks:\n{once}"),
    }
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = diags.iter().map(|d| d.code).collect();
    c.sort_unstable();
    c
}

/// The model's debug text without its spans: what the rules mean, not
/// where they were written.
pub fn shape(model: &Model) -> String {
    let text = format!("{model:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = &rest[at..];
        rest = rest.find('}').map_or("", |end| &rest[end + 1..]);
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------- ruletest

/// Target `ruletest`: a test file (beside a copy of rules/national.zb)
/// run with coverage, as `zhibiao test --coverage` runs it.
pub fn ruletest(data: &[u8]) {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("national.zb"), NATIONAL).unwrap();
        d
    });
    let path = dir.path().join("fuzz.test.zb");
    std::fs::write(&path, data).unwrap();
    let out = zhibiao::ruletest::run(&[path], true, &driver::Options::default());
    let tail = format!("{} passed, {} failed\n", out.passed, out.failed);
    assert!(out.report.ends_with(&tail), "report without its counts");
    assert!(
        out.report.len() > tail.len(),
        "a report with nothing but counts"
    );
}

// ---------------------------------------------------------------- evidence

/// rules/national.zb, planned once.
pub fn national() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let model = compile_source("national.zb", NATIONAL).model.unwrap();
        plan::build(model, &[]).unwrap()
    })
}

/// Target `evidence`: the first byte chooses the table (bit 0: 主体 or
/// 失信事件), the format (bit 1: CSV or JSON) and the encoding (bit 2:
/// detected or GBK); the rest is that table's file, the other table is
/// the example evidence. Loaded against rules/national.zb: either errors,
/// each naming its file, or evidence whose scores are sane and the same
/// whether event rows are kept or folded while reading.
pub fn evidence(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("主体.csv"), SUBJECTS).unwrap();
        std::fs::write(d.path().join("失信事件.csv"), EVENTS).unwrap();
        std::fs::create_dir(d.path().join("fuzz")).unwrap();
        d
    });
    let fuzzed = if mode & 1 == 0 {
        "主体"
    } else {
        "失信事件"
    };
    let ext = if mode & 2 == 0 { "csv" } else { "json" };
    let path = dir.path().join("fuzz").join(format!("{fuzzed}.{ext}"));
    std::fs::write(&path, body).unwrap();
    let sources: Vec<Source> = ["主体", "失信事件"]
        .iter()
        .map(|t| Source {
            table: t.to_string(),
            path: if *t == fuzzed {
                path.clone()
            } else {
                dir.path().join(format!("{t}.csv"))
            },
        })
        .collect();
    let opts = LoadOptions {
        encoding: (mode & 4 != 0).then_some(Encoding::Gbk),
        threads: Some(1),
        ..LoadOptions::default()
    };
    load_and_score(&sources, &opts);
}

/// Load `sources` against rules/national.zb and check what comes out.
pub fn load_and_score(sources: &[Source], opts: &LoadOptions) {
    let plan = national();
    let schema = Schema::of(&plan.model);
    let loaded = match evidence::load(&schema, sources, opts) {
        Ok(l) => l,
        Err(errors) => {
            assert!(!errors.is_empty(), "failed without an error");
            for e in &errors {
                assert!(
                    e.path.is_some() || e.kind == ErrorKind::TooMany,
                    "an error that names no file: {e}"
                );
            }
            return;
        }
    };
    let kept = eval::run(plan, &loaded.evidence);
    let mut folder = eval::Folded::new(plan).unwrap();
    let folded = evidence::load_with(&schema, sources, opts, &mut folder, &mut |_| {})
        .map_err(|e| format!("{e:?}"))
        .and_then(|l| eval::run_folded(plan, &l.evidence, folder).map_err(|e| e.to_string()));
    match (kept, folded) {
        (Ok(kept), Ok(folded)) => {
            assert_scores(&plan.model, &kept);
            let csv = report::render(Format::Csv, &plan.model, &kept);
            assert_eq!(
                csv,
                report::render(Format::Csv, &plan.model, &folded),
                "folded scores differ"
            );
            for f in [Format::Table, Format::Json, Format::Markdown] {
                let _ = report::render(f, &plan.model, &kept);
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b, "kept and folded fail differently"),
        (a, b) => panic!(
            "kept: {:?}; folded: {:?}",
            a.map(|r| r.len()),
            b.map(|r| r.len())
        ),
    }
}
