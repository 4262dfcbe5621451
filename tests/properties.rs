//! Property tests: random evidence for the repository's rule files
//! (rules/national.zb and its variants), with values at and next to the
//! rules' own thresholds, empty cells, zero denominators and events on
//! both sides of the evaluation year's boundaries. For every input:
//! - every indicator scores within [0, its points], every scored leaf
//!   within the range the checker computed for it
//!   (`zhibiao::check::score_range`), base within full marks, bonus and
//!   total within their caps, a veto gives the veto grade
//!   (`harness::assert_scores`, shared with the fuzz targets);
//! - the same input gives byte-identical output in every format: twice,
//!   read on one thread or several, scored on one thread or several,
//!   event rows kept or folded while reading, explained or not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../fuzz/harness.rs"]
mod harness;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use zhibiao::eval::{self, SubjectResult};
use zhibiao::evidence::{self, LoadOptions, Schema, Source};
use zhibiao::ir::{ExprKind, Field, Model, Rule, Table, Ty};
use zhibiao::number::{self, Num};
use zhibiao::plan::{self, Plan};
use zhibiao::report::{self, Format};
use zhibiao::syntax::ast::BinOp;

/// One cell's random choices; what they mean depends on the field.
#[derive(Clone, Debug)]
struct Pick {
    empty: bool,
    choice: u16,
    /// −1, 0 or +1 unit from the chosen value (a count, or 0.01).
    nudge: i8,
}

#[derive(Clone, Debug)]
struct Case {
    subjects: Vec<Vec<Pick>>,
    /// (subject, cells) per event table.
    events: Vec<Vec<(u16, Vec<Pick>)>>,
    /// Index into [`YEARS`] for every year parameter.
    year: usize,
}

/// `None`: the parameter's default.
const YEARS: [Option<&str>; 4] = [None, Some("2024"), Some("2025"), Some("2026")];

fn pick() -> impl Strategy<Value = Pick> {
    (prop::bool::weighted(0.08), any::<u16>(), -1i8..=1).prop_map(|(empty, choice, nudge)| Pick {
        empty,
        choice,
        nudge,
    })
}

fn case(model: &Model, subjects: std::ops::Range<usize>) -> impl Strategy<Value = Case> {
    let n = model.subject.fields.len();
    let events_max = 2 + subjects.end * 2;
    let subjects = prop::collection::vec(prop::collection::vec(pick(), n), subjects);
    let events: Vec<_> = model
        .events
        .iter()
        .map(|t| {
            prop::collection::vec(
                (any::<u16>(), prop::collection::vec(pick(), t.fields.len())),
                0..events_max,
            )
        })
        .collect();
    (subjects, events, 0..YEARS.len()).prop_map(|(subjects, events, year)| Case {
        subjects,
        events,
        year,
    })
}

// ---------------------------------------------------------------- values

/// The numbers the rules compare with (band thresholds, lookup values,
/// interpolation anchors): per subject field the rules test directly, and
/// for ratios (a division, directly or through a `令`).
#[derive(Default)]
struct Thresholds {
    fields: std::collections::HashMap<usize, Vec<Num>>,
    ratios: Vec<Num>,
}

fn thresholds(model: &Model) -> Thresholds {
    let mut out = Thresholds {
        ratios: vec![number::zero(), number::int(1)],
        ..Thresholds::default()
    };
    for ind in &model.indicators {
        let (subject, nums): (_, Vec<Num>) = match &ind.rule {
            Some(Rule::Bands { subject, rows } | Rule::Lookup { subject, rows }) => (
                subject,
                rows.iter().filter_map(|r| r.test.map(|t| t.1)).collect(),
            ),
            Some(Rule::Interp { subject, anchors }) => {
                (subject, anchors.iter().map(|a| a.0).collect())
            }
            _ => continue,
        };
        let mut e = subject;
        while let ExprKind::Let(i) = e.kind {
            e = &ind.lets[i].value;
        }
        match &e.kind {
            ExprKind::Field(f) => out.fields.entry(*f).or_default().extend(nums),
            ExprKind::Binary(BinOp::Div, ..) => out.ratios.extend(nums),
            _ => {}
        }
    }
    out
}

struct Gen<'m> {
    model: &'m Model,
    thresholds: Thresholds,
}

impl Gen<'_> {
    fn new(model: &Model) -> Gen<'_> {
        Gen {
            model,
            thresholds: thresholds(model),
        }
    }

    /// A row of `table`: key fields get `key`, the subject reference
    /// `subject`; a field bounded by another (`不大于`) is filled after it.
    fn row(&self, table: &Table, picks: &[Pick], key: &str, subject: &str) -> Vec<String> {
        let mut row = vec![String::new(); table.fields.len()];
        for bounded in [false, true] {
            for (i, (f, p)) in table.fields.iter().zip(picks).enumerate() {
                if f.at_most.is_some() != bounded {
                    continue;
                }
                let limit = f.at_most.and_then(|j| row.get(j)).cloned();
                row[i] = self.cell(f, p, key, subject, limit.as_deref());
            }
        }
        row
    }

    fn cell(&self, f: &Field, p: &Pick, key: &str, subject: &str, limit: Option<&str>) -> String {
        if f.key {
            return key.to_string();
        }
        if f.refers_to_subject {
            return subject.to_string();
        }
        if f.unique {
            return format!("{key}-{}", p.choice);
        }
        if p.empty && !f.required {
            return String::new();
        }
        let c = usize::from(p.choice);
        match &f.ty {
            Ty::Text => ["甲", "乙", "丙"][c % 3].to_string(),
            Ty::YesNo => ["是", "否"][c % 2].to_string(),
            Ty::Year => (2023 + c % 5).to_string(),
            Ty::Enum(e) => {
                let names = &self.model.enums[*e];
                names[c % names.len()].clone()
            }
            Ty::Date => self.date(p),
            Ty::Count => self.count(f, p, limit),
            Ty::Money => {
                let cents = [
                    0,
                    99_999_999,
                    100_000_000,
                    100_000_001,
                    150_000,
                    c as i128 * 1350,
                ];
                hundredths(cents[c % cents.len()])
            }
            _ => self.decimal(f, p),
        }
    }

    /// Next to a threshold, or anywhere in the range.
    fn decimal(&self, f: &Field, p: &Pick) -> String {
        let (lo, hi) = f.range.unwrap_or_else(|| match f.ty {
            Ty::Percent | Ty::Score => (number::zero(), number::int(100)),
            _ => (number::int(-1000), number::int(1000)),
        });
        let near: Vec<&Num> = self
            .own(f)
            .iter()
            .filter(|t| **t >= lo && **t <= hi)
            .collect();
        let c = usize::from(p.choice);
        let base = match near.get(c % (near.len() + 2)) {
            Some(t) => to_hundredths(t),
            None if c % 2 == 0 => to_hundredths(&lo) + (c as i128 * 7919) % 10_001,
            None => to_hundredths(&hi),
        };
        let v = (base + i128::from(p.nudge)).clamp(to_hundredths(&lo), to_hundredths(&hi));
        hundredths(v)
    }

    /// Small counts and thresholds; bounded by another count, its value
    /// times a ratio threshold, ±1 (so 0 over 0, and 94.9% against 95%).
    fn count(&self, f: &Field, p: &Pick, limit: Option<&str>) -> String {
        let c = usize::from(p.choice);
        if let Some(d) = limit.and_then(|l| l.parse::<i128>().ok()) {
            let ratios = &self.thresholds.ratios;
            let r = ratios.get(c % ratios.len().max(1));
            let base = r.map_or(d, |r| (d * r.numer()).div_euclid(*r.denom()));
            return (base + i128::from(p.nudge)).clamp(0, d).to_string();
        }
        let mut small = vec![0, 1, 2, 3, 10, 20, 40, 100, 199, 200, 1000];
        small.extend(self.own(f).iter().map(|t| t.to_integer()));
        let base = if c % 5 == 4 {
            (c % 200) as i128
        } else {
            small[c % small.len()]
        };
        (base + i128::from(p.nudge)).max(0).to_string()
    }

    /// The thresholds the rules test field `f` against.
    fn own(&self, f: &Field) -> &[Num] {
        let id = self
            .model
            .subject
            .fields
            .iter()
            .position(|g| g.name == f.name);
        id.and_then(|i| self.thresholds.fields.get(&i))
            .map_or(&[], Vec::as_slice)
    }

    /// Days around the years' boundaries, or any day of 2024–2026.
    fn date(&self, p: &Pick) -> String {
        let c = usize::from(p.choice);
        let edges = [
            "2024-12-31",
            "2025-01-01",
            "2025-12-31",
            "2026-01-01",
            "2024-01-01",
            "2026-12-31",
            "2024-02-29",
        ];
        match edges.get(c % 12) {
            Some(d) => d.to_string(),
            None => format!("{}-{:02}-{:02}", 2024 + c % 3, 1 + c % 12, 1 + c % 28),
        }
    }
}

fn to_hundredths(n: &Num) -> i128 {
    (n.numer() * 100).div_euclid(*n.denom())
}

fn hundredths(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", v.abs() / 100, v.abs() % 100)
}

// ---------------------------------------------------------------- files

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

/// The case as CSV files in `dir`, one per table.
fn write(model: &Model, case: &Case, dir: &Path) -> Vec<Source> {
    let gen = Gen::new(model);
    let header = |t: &Table| csv_line(&t.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>());
    let codes: Vec<String> = (0..case.subjects.len())
        .map(|i| format!("S{i:02}"))
        .collect();
    let mut files = vec![(model.subject.name.clone(), header(&model.subject))];
    for (i, picks) in case.subjects.iter().enumerate() {
        files[0].1 += &csv_line(&gen.row(&model.subject, picks, &codes[i], ""));
    }
    for (t, rows) in model.events.iter().zip(&case.events) {
        let mut text = header(t);
        for (n, (s, picks)) in rows.iter().enumerate() {
            let subject = &codes[usize::from(*s) % codes.len()];
            text += &csv_line(&gen.row(t, picks, &format!("E{n}"), subject));
        }
        files.push((t.name.clone(), text));
    }
    files
        .into_iter()
        .map(|(table, text)| {
            let path = dir.join(format!("{table}.csv"));
            std::fs::write(&path, text).unwrap();
            Source { table, path }
        })
        .collect()
}

// ---------------------------------------------------------------- runs

fn plan_for(model: &Model, year: usize) -> Plan {
    let overrides: Vec<(String, String)> = YEARS[year]
        .map(|y| {
            model
                .params
                .iter()
                .filter(|p| p.ty == Ty::Year)
                .map(|p| (p.name.clone(), y.to_string()))
                .collect()
        })
        .unwrap_or_default();
    plan::build(model.clone(), &overrides).unwrap()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn all_formats(model: &Model, results: &[SubjectResult]) -> Vec<String> {
    [Format::Csv, Format::Json, Format::Markdown, Format::Table]
        .into_iter()
        .map(|f| report::render(f, model, results))
        .collect()
}

fn run_case(model: &Model, case: &Case) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let sources = write(model, case, dir.path());
    let plan = plan_for(model, case.year);
    let schema = Schema::of(&plan.model);
    let opts = |threads| LoadOptions {
        threads: Some(threads),
        ..LoadOptions::default()
    };
    let loaded = evidence::load(&schema, &sources, &opts(1));
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            let shown: Vec<String> = e.iter().map(|e| e.to_string()).collect();
            return Err(TestCaseError::fail(format!("{shown:#?}")));
        }
    };
    let many = evidence::load(&schema, &sources, &opts(3)).unwrap();
    prop_assert_eq!(&many.evidence, &loaded.evidence, "read on three threads");

    let results = in_pool(1, || eval::run(&plan, &loaded.evidence)).unwrap();
    harness::assert_scores(&plan.model, &results);
    let out = all_formats(&plan.model, &results);

    let again = in_pool(3, || eval::run(&plan, &loaded.evidence)).unwrap();
    prop_assert_eq!(
        &all_formats(&plan.model, &again),
        &out,
        "scored on three threads"
    );
    let explained = eval::run_explained(&plan, &loaded.evidence).unwrap();
    prop_assert_eq!(&all_formats(&plan.model, &explained), &out, "explained");
    let mut folder = eval::Folded::new(&plan).unwrap();
    let streamed =
        evidence::load_with(&schema, &sources, &opts(2), &mut folder, &mut |_| {}).unwrap();
    let folded = eval::run_folded(&plan, &streamed.evidence, folder).unwrap();
    prop_assert_eq!(&all_formats(&plan.model, &folded), &out, "events folded");
    Ok(())
}

fn model(path: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    zhibiao::driver::compile_file(&path).unwrap().model.unwrap()
}

fn check_rules(path: &str, cases: u32) {
    check_with(path, cases, 1..6);
}

fn check_with(path: &str, cases: u32, subjects: std::ops::Range<usize>) {
    let model = model(path);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(&model, subjects), |c| run_case(&model, &c));
    if let Err(e) = result {
        panic!("{path}: {e}");
    }
}

#[test]
fn national_scores_stay_within_bounds_and_are_reproducible() {
    check_rules("rules/national.zb", 128);
}

#[test]
fn province_variant_scores_stay_within_bounds_and_are_reproducible() {
    check_rules("rules/variants/province-a.zb", 32);
}

#[test]
fn city_variant_scores_stay_within_bounds_and_are_reproducible() {
    check_rules("rules/variants/city-a1.zb", 32);
}

/// Files of several 64 KiB blocks, so three threads really share the
/// reading (smaller files are one block).
#[test]
fn many_subjects_read_and_scored_on_threads_as_on_one() {
    check_with("rules/national.zb", 2, 450..480);
}

/// The generator reaches what the properties are about: zero
/// denominators, empty cells, values exactly at a threshold, events just
/// inside and just outside the year, and vetoes.
#[test]
fn generated_evidence_reaches_the_edges() {
    let model = model("rules/national.zb");
    let mut runner = TestRunner::deterministic();
    let (mut zero_den, mut missing, mut vetoed, mut at_95) = (false, false, false, false);
    let (mut inside, mut outside) = (false, false);
    for _ in 0..64 {
        let c = case(&model, 1..6).new_tree(&mut runner).unwrap().current();
        let dir = tempfile::tempdir().unwrap();
        let sources = write(&model, &c, dir.path());
        let events = std::fs::read_to_string(&sources[1].path).unwrap();
        inside |= events.contains("2025-01-01") || events.contains("2025-12-31");
        outside |= events.contains("2024-12-31") || events.contains("2026-01-01");
        let subjects = std::fs::read_to_string(&sources[0].path).unwrap();
        at_95 |= subjects.lines().any(|l| l.contains(",95.00,"));
        let plan = plan_for(&model, 0);
        let loaded = evidence::load(&Schema::of(&plan.model), &sources, &Default::default());
        let results = eval::run(&plan, &loaded.unwrap().evidence).unwrap();
        for r in &results {
            zero_den |= r
                .indicators
                .iter()
                .any(|i| i.status == eval::Status::ZeroDenominator);
            missing |= !r.missing.is_empty();
            vetoed |= !r.vetoes.is_empty();
        }
    }
    assert!(zero_den && missing && vetoed && at_95 && inside && outside);
}
