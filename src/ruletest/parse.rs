//! Rule test files (`*.test.zb`) → test cases.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Files, Span};
use crate::syntax::internal;
use crate::syntax::parser::{parse_as, Rule as R};
use pest::iterators::Pair;

/// `字段 = 值`; `None` is an empty cell (`空`).
#[derive(Clone, Debug)]
pub struct Assign {
    pub field: String,
    pub value: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub target: String,
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub table: String,
    pub assigns: Vec<Assign>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub span: Span,
    pub assigns: Vec<Assign>,
    pub events: Vec<EventRow>,
    pub others: Vec<Vec<Assign>>,
    pub expects: Vec<Expect>,
}

#[derive(Clone, Debug)]
pub struct TestFile {
    pub target: String,
    pub target_span: Span,
    pub baseline: Vec<Assign>,
    pub cases: Vec<Case>,
}

pub fn parse(files: &Files, file: FileId) -> Result<TestFile, Diagnostic> {
    let text = files.source(file);
    let mut pairs = parse_as(R::test_file, file, text).map_err(|d| *d)?;
    let top = pairs
        .next()
        .ok_or_else(|| internal(Span::new(file, 0, 0), "测试文件"))?;
    let span = |p: &Pair<R>| Span::new(file, p.as_span().start(), p.as_span().end());
    let mut out = TestFile {
        target: String::new(),
        target_span: Span::new(file, 0, 0),
        baseline: Vec::new(),
        cases: Vec::new(),
    };
    for item in kids(top) {
        match item.as_rule() {
            R::test_target => {
                out.target_span = span(&item);
                out.target = string_text(kids(item).next());
            }
            R::baseline => out.baseline = kids(item).map(|a| assign(file, a)).collect(),
            R::test_case => out.cases.push(case(file, item)),
            _ => {}
        }
    }
    Ok(out)
}

/// Children without keyword tokens.
fn kids(p: Pair<R>) -> impl Iterator<Item = Pair<R>> {
    p.into_inner()
        .filter(|c| !format!("{:?}", c.as_rule()).starts_with("kw_"))
}

fn string_text(p: Option<Pair<R>>) -> String {
    p.and_then(|s| s.into_inner().next())
        .map(|i| i.as_str().to_string())
        .unwrap_or_default()
}

fn assign(file: FileId, p: Pair<R>) -> Assign {
    let span = Span::new(file, p.as_span().start(), p.as_span().end());
    let mut k = kids(p);
    let field = k.next().map(|f| f.as_str().to_string()).unwrap_or_default();
    let value = k
        .next()
        .and_then(|v| v.into_inner().next())
        .map(|v| match v.as_rule() {
            R::string => string_text(Some(v)),
            _ => v.as_str().to_string(),
        });
    let value = value.filter(|v| v != "空");
    Assign { field, value, span }
}

fn case(file: FileId, p: Pair<R>) -> Case {
    let span = Span::new(file, p.as_span().start(), p.as_span().end());
    let mut k = kids(p);
    let name = string_text(k.next());
    let mut c = Case {
        name,
        span,
        assigns: Vec::new(),
        events: Vec::new(),
        others: Vec::new(),
        expects: Vec::new(),
    };
    for item in k {
        let item_span = Span::new(file, item.as_span().start(), item.as_span().end());
        match item.as_rule() {
            R::assign => c.assigns.push(assign(file, item)),
            R::event_row => {
                let mut parts = kids(item);
                let table = parts
                    .next()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default();
                let assigns = parts.map(|a| assign(file, a)).collect();
                c.events.push(EventRow {
                    table,
                    assigns,
                    span: item_span,
                });
            }
            R::other_subject => c.others.push(kids(item).map(|a| assign(file, a)).collect()),
            R::expect => {
                let mut parts = kids(item);
                let target = parts
                    .next()
                    .map(|t| t.as_str().trim().to_string())
                    .unwrap_or_default();
                let value = parts
                    .next()
                    .map(|v| v.as_str().trim().to_string())
                    .unwrap_or_default();
                c.expects.push(Expect {
                    target,
                    value,
                    span: item_span,
                });
            }
            _ => {}
        }
    }
    c
}
