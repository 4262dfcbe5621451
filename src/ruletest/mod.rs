//! `zhibiao test`: rule tests. A test file names the rules it tests, a
//! baseline subject and cases; each case changes some evidence and states
//! the expected scores, grade, vetoes and missing marks. Like `opa test`,
//! every failure shows expected against actual and the subject's explain
//! tree; `--coverage` lists the parts of the rules no case reached.

mod coverage;
mod parse;

use crate::diagnostic::render_plain;
use crate::driver::{self, compile_file_with, InputKind};
use crate::eval::{self, SubjectResult};
use crate::evidence::{from_memory, MemTable, Schema};
use crate::ir::{Model, Table};
use crate::report::{explain, fixed};
use crate::source::{FileId, Files};
use parse::{Assign, Case, TestFile};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The result of a test run: counts and the text to print.
#[derive(Default)]
pub struct Outcome {
    pub passed: usize,
    pub failed: usize,
    pub report: String,
}

/// Run the test files found at `paths`: `*.test.zb` files, rule files
/// (their `X.test.zb` beside them), or directories (searched recursively,
/// symbolic links inside them skipped). The rules are compiled with
/// `继承` confined as `opts` says.
/// The syntax error of a rule-test file, if it has one (`fmt` leaves such
/// a file alone and shows the error).
pub fn syntax_error(files: &Files, file: FileId) -> Option<crate::diagnostic::Diagnostic> {
    parse::parse(files, file).err()
}

pub fn run(paths: &[PathBuf], with_coverage: bool, opts: &driver::Options) -> Outcome {
    let mut out = Outcome::default();
    let mut cov = coverage::Coverage::default();
    let files = test_files(paths, &mut out);
    if files.is_empty() && out.failed == 0 {
        out.report.push_str("没有找到测试文件（*.test.zb）\n");
    }
    for f in files {
        run_file(&f, &mut out, with_coverage.then_some(&mut cov), opts);
    }
    if with_coverage {
        out.report.push_str(&cov.report());
    }
    // The Chinese count, then the required last line that CI and the
    // tests read (`N passed, M failed`, the same counts).
    out.report.push_str(&format!(
        "测试结果：{} 个通过，{} 个失败\n{} passed, {} failed\n",
        out.passed, out.failed, out.passed, out.failed
    ));
    out
}

fn test_files(paths: &[PathBuf], out: &mut Outcome) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for p in paths {
        if p.is_dir() {
            // An unreadable folder holds no tests to run.
            driver::files_under(p, &is_test_file, &mut found, &mut Vec::new());
        } else if is_test_file(p) {
            found.push(p.clone());
        } else {
            let beside = p.with_extension("test.zb");
            if beside.is_file() {
                found.push(beside);
            } else {
                out.failed += 1;
                out.report.push_str(&format!(
                    "错误：{} 不是测试文件，旁边也没有 {}\n",
                    p.display(),
                    beside.display()
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.zb"))
}

fn run_file(
    path: &Path,
    out: &mut Outcome,
    cov: Option<&mut coverage::Coverage>,
    opts: &driver::Options,
) {
    let mut files = Files::new();
    let text = match driver::read_input(path, InputKind::Test) {
        Ok(t) => t,
        Err(e) => {
            out.failed += 1;
            out.report.push_str(&format!("{e}\n"));
            return;
        }
    };
    let id = files.add(path.display().to_string(), text);
    let tests = match parse::parse(&files, id) {
        Ok(t) => t,
        Err(d) => {
            out.failed += 1;
            out.report.push_str(&render_plain(&files, &[d]));
            return;
        }
    };
    let rules_path = path.parent().unwrap_or(Path::new(".")).join(&tests.target);
    // Only a rule file is compiled: another file's first line would be
    // shown in a syntax error.
    if !driver::names_rule_file(&rules_path) {
        let (line, _) = files.line_col(id, tests.target_span.start);
        out.failed += tests.cases.len().max(1);
        out.report.push_str(&format!(
            "错误[E0408]: {}:{line}: 测试的对象 {} 不是规则文件（应以 .zb 结尾）\n",
            path.display(),
            rules_path.display()
        ));
        return;
    }
    let compiled = match compile_file_with(&rules_path, opts) {
        Ok(c) => c,
        Err(e) => {
            out.failed += tests.cases.len().max(1);
            out.report.push_str(&format!("{e}\n"));
            return;
        }
    };
    let Some(model) = compiled.model.as_ref() else {
        out.failed += tests.cases.len().max(1);
        out.report.push_str(&format!(
            "错误：{} 有错误，测试未运行\n",
            rules_path.display()
        ));
        out.report
            .push_str(&render_plain(&compiled.files, &compiled.diagnostics));
        return;
    };
    out.report.push_str(&format!(
        "测试 {}（规则 {}）\n",
        path.display(),
        rules_path.display()
    ));
    let runner = Runner {
        model,
        files: &files,
        file: id,
        tests: &tests,
    };
    let mut results = Vec::new();
    for case in &tests.cases {
        let (ok, text, result) = runner.case(case);
        if ok {
            out.passed += 1;
        } else {
            out.failed += 1;
        }
        out.report.push_str(&text);
        if let Some(r) = result {
            results.push(r);
        }
    }
    if let Some(cov) = cov {
        cov.add(&compiled, &results);
    }
}

struct Runner<'a> {
    model: &'a Model,
    files: &'a Files,
    file: FileId,
    tests: &'a TestFile,
}

impl Runner<'_> {
    fn place(&self, span: crate::source::Span) -> String {
        let (line, _) = self.files.line_col(span.file, span.start);
        format!("{}:{line}", self.files.name(self.file))
    }

    /// Run one case: whether it passed, what to print, and its result.
    fn case(&self, case: &Case) -> (bool, String, Option<SubjectResult>) {
        let fail = |lines: Vec<String>| {
            let mut t = format!("  ✗ {}（{}）\n", case.name, self.place(case.span));
            for l in lines {
                t.push_str(&format!("      {l}\n"));
            }
            (false, t, None)
        };
        let evidence = match self.evidence(case) {
            Ok(e) => e,
            Err(problems) => return fail(problems),
        };
        let plan = match crate::plan::build(self.model.clone(), &[]) {
            Ok(p) => p,
            Err(e) => return fail(vec![e.to_string()]),
        };
        let results = match eval::run_explained(&plan, &evidence) {
            Ok(r) => r,
            Err(e) => return fail(vec![e.to_string()]),
        };
        let Some(result) = results.into_iter().next() else {
            return fail(vec!["没有评分结果".into()]);
        };
        let mismatches: Vec<String> = case
            .expects
            .iter()
            .filter_map(|e| self.check(e, &result))
            .collect();
        if mismatches.is_empty() {
            return (true, format!("  ✓ {}\n", case.name), Some(result));
        }
        let (_, mut text, _) = fail(mismatches);
        for line in explain(self.model, &result).lines() {
            text.push_str(&format!("      │ {line}\n"));
        }
        (false, text, Some(result))
    }

    /// A mismatch message, or `None` when the expectation holds.
    fn check(&self, e: &parse::Expect, r: &SubjectResult) -> Option<String> {
        let places = self.model.policy.round_places;
        let where_ = self.place(e.span);
        let score = |actual: Decimal| -> Option<String> {
            match Decimal::from_str(&e.value) {
                Ok(want) if want == actual => None,
                Ok(want) => Some(format!(
                    "{}：期望 {}，实际 {}（{where_}）",
                    e.target,
                    want,
                    fixed(actual, places)
                )),
                Err(_) => Some(format!(
                    "{}：期望值“{}”不是数（{where_}）",
                    e.target, e.value
                )),
            }
        };
        let list = |actual: Vec<String>| -> Option<String> {
            let mut want: Vec<String> = e
                .value
                .split([',', '，', ' ', ';', '；'])
                .filter(|s| !s.is_empty() && *s != "无")
                .map(str::to_string)
                .collect();
            let mut got = actual.clone();
            want.sort();
            got.sort();
            (want != got).then(|| {
                let show = |v: &[String]| {
                    if v.is_empty() {
                        "无".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                format!(
                    "{}：期望 {}，实际 {}（{where_}）",
                    e.target,
                    show(&want),
                    show(&actual)
                )
            })
        };
        match e.target.as_str() {
            "总分" => score(r.total),
            "基础分" => score(r.base),
            "加分" => score(r.bonus),
            "等级" => (e.value != r.grade)
                .then(|| format!("等级：期望 {}，实际 {}（{where_}）", e.value, r.grade)),
            "否决" => list(r.vetoes.iter().map(|v| v.0.clone()).collect()),
            "缺失" => list(r.missing.clone()),
            code => match self.model.indicators.iter().position(|i| i.code == code) {
                Some(i) => r.indicators.get(i).and_then(|x| score(x.score)),
                None => Some(format!("没有编号为 {code} 的指标（{where_}）")),
            },
        }
    }

    /// The case's evidence: the baseline subject changed by the case, the
    /// other subjects, and the events, validated like files are.
    fn evidence(&self, case: &Case) -> Result<crate::evidence::Evidence, Vec<String>> {
        let m = self.model;
        let line = |span: crate::source::Span| self.files.line_col(span.file, span.start).0;
        let mut problems = Vec::new();
        let main_code = self
            .value_of(&case.assigns, m.subject.key_field())
            .or_else(|| self.value_of(&self.tests.baseline, m.subject.key_field()))
            .unwrap_or_else(|| "测试主体".to_string());
        let mut subject = MemTable {
            header: header(&m.subject),
            rows: Vec::new(),
        };
        let mut main = self.row(&m.subject, &self.tests.baseline, &mut problems);
        self.apply(&m.subject, &mut main, &case.assigns, &mut problems);
        set_key(&m.subject, &mut main, &main_code);
        subject.rows.push((line(case.span), main));
        for (i, other) in case.others.iter().enumerate() {
            let mut row = self.row(&m.subject, &self.tests.baseline, &mut problems);
            set_key(&m.subject, &mut row, &format!("其他主体{}", i + 1));
            self.apply(&m.subject, &mut row, other, &mut problems);
            subject.rows.push((line(case.span), row));
        }
        let mut tables = vec![subject];
        for t in &m.events {
            let mut mem = MemTable {
                header: header(t),
                rows: Vec::new(),
            };
            for (n, ev) in case.events.iter().filter(|e| e.table == t.name).enumerate() {
                let mut row = vec![String::new(); t.fields.len()];
                for (f, field) in t.fields.iter().enumerate() {
                    if let Some(cell) = row.get_mut(f) {
                        if field.refers_to_subject {
                            *cell = main_code.clone();
                        } else if field.unique {
                            *cell = format!("事件{}", n + 1);
                        }
                    }
                }
                self.apply(t, &mut row, &ev.assigns, &mut problems);
                mem.rows.push((line(ev.span), row));
            }
            tables.push(mem);
        }
        for ev in &case.events {
            if !m.events.iter().any(|t| t.name == ev.table) {
                problems.push(format!(
                    "规则中没有事件表“{}”（{}）",
                    ev.table,
                    self.place(ev.span)
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let schema = Schema::of(m);
        from_memory(&schema, &tables, Path::new(self.files.name(self.file)))
            .map_err(|errs| errs.iter().map(|e| e.to_string()).collect())
    }

    fn value_of(&self, assigns: &[Assign], field: Option<usize>) -> Option<String> {
        let name = &self.model.subject.fields.get(field?)?.name;
        assigns
            .iter()
            .rev()
            .find(|a| &a.field == name)
            .and_then(|a| a.value.clone())
    }

    fn row(&self, t: &Table, assigns: &[Assign], problems: &mut Vec<String>) -> Vec<String> {
        let mut row = vec![String::new(); t.fields.len()];
        self.apply(t, &mut row, assigns, problems);
        row
    }

    fn apply(&self, t: &Table, row: &mut [String], assigns: &[Assign], problems: &mut Vec<String>) {
        for a in assigns {
            match t.field(&a.field).and_then(|f| row.get_mut(f)) {
                Some(cell) => *cell = a.value.clone().unwrap_or_default(),
                None => {
                    let hint =
                        crate::check::closest(&a.field, t.fields.iter().map(|f| f.name.as_str()))
                            .map(|c| format!("，是否想写“{c}”？"))
                            .unwrap_or_default();
                    problems.push(format!(
                        "表“{}”中没有字段“{}”（{}）{hint}",
                        t.name,
                        a.field,
                        self.place(a.span)
                    ));
                }
            }
        }
    }
}

fn header(t: &Table) -> Vec<String> {
    t.fields.iter().map(|f| f.name.clone()).collect()
}

fn set_key(t: &Table, row: &mut [String], code: &str) {
    if let Some(cell) = t.key_field().and_then(|k| row.get_mut(k)) {
        *cell = code.to_string();
    }
}
