//! The comparison as JSON, keys in Chinese; scores as fixed-point
//! strings (exact, never floats).

use super::{half_up, signed};
use crate::analysis::compare::{Comparison, Step, Subject};
use crate::report::fixed;
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "年度")]
    years: Vec<Year<'a>>,
    #[serde(rename = "各年度规则相同")]
    same_rules: bool,
    #[serde(rename = "主体")]
    subjects: Vec<SubjectJ<'a>>,
    #[serde(rename = "未在每个年度参评的主体")]
    partial: Vec<&'a str>,
    #[serde(rename = "比较")]
    steps: Vec<StepJ<'a>>,
}

#[derive(Serialize)]
struct Year<'a> {
    #[serde(rename = "标签")]
    label: &'a str,
    #[serde(rename = "规则")]
    rules: &'a str,
    #[serde(rename = "标准")]
    title: &'a str,
    #[serde(rename = "证据")]
    evidence: &'a str,
    #[serde(rename = "评价年度")]
    year_param: Option<&'a str>,
}

#[derive(Serialize)]
struct SubjectJ<'a> {
    #[serde(rename = "编码")]
    code: &'a str,
    #[serde(rename = "名称")]
    name: &'a str,
    /// One per year; `null` where not evaluated.
    #[serde(rename = "各年度")]
    years: Vec<Option<StandingJ<'a>>>,
    /// One per step; `null` unless evaluated in both years.
    #[serde(rename = "变化")]
    moves: Vec<Option<MoveJ<'a>>>,
}

#[derive(Serialize)]
struct StandingJ<'a> {
    #[serde(rename = "总分")]
    total: String,
    #[serde(rename = "等级")]
    grade: &'a str,
    #[serde(rename = "排名")]
    rank: usize,
    #[serde(rename = "否决")]
    vetoed: bool,
}

#[derive(Serialize)]
struct MoveJ<'a> {
    #[serde(rename = "总分变化")]
    change: String,
    #[serde(rename = "名次变化")]
    rank_change: i64,
    #[serde(rename = "主要原因")]
    drivers: Vec<DriverJ<'a>>,
}

#[derive(Serialize)]
struct DriverJ<'a> {
    #[serde(rename = "编码")]
    code: &'a str,
    #[serde(rename = "名称")]
    name: &'a str,
    #[serde(rename = "变化")]
    delta: String,
    #[serde(rename = "仅见于")]
    only_in: Option<&'a str>,
}

#[derive(Serialize)]
struct StepJ<'a> {
    #[serde(rename = "从")]
    from: &'a str,
    #[serde(rename = "到")]
    to: &'a str,
    #[serde(rename = "主体数")]
    subjects: usize,
    #[serde(rename = "升高")]
    up: usize,
    #[serde(rename = "降低")]
    down: usize,
    #[serde(rename = "不变")]
    unchanged: usize,
    #[serde(rename = "等级变化主体数")]
    grade_changed: usize,
    #[serde(rename = "总分变化平均")]
    mean: Option<String>,
    #[serde(rename = "总分变化中位数")]
    median: Option<String>,
    #[serde(rename = "等级转移矩阵")]
    matrix: Matrix<'a>,
    #[serde(rename = "进步最大")]
    improved: Vec<&'a str>,
    #[serde(rename = "退步最大")]
    declined: Vec<&'a str>,
    #[serde(rename = "仅前一年参评")]
    only_from: Vec<&'a str>,
    #[serde(rename = "仅后一年参评")]
    only_to: Vec<&'a str>,
    #[serde(rename = "规则不同")]
    rules_differ: bool,
    #[serde(rename = "仅一方规则有的指标")]
    notes: Vec<Note<'a>>,
}

#[derive(Serialize)]
struct Matrix<'a> {
    #[serde(rename = "旧等级")]
    old_grades: &'a [String],
    #[serde(rename = "新等级")]
    new_grades: &'a [String],
    /// `计数[旧等级][新等级]`.
    #[serde(rename = "计数")]
    counts: &'a [Vec<usize>],
}

#[derive(Serialize)]
struct Note<'a> {
    #[serde(rename = "编码")]
    code: &'a str,
    #[serde(rename = "名称")]
    name: &'a str,
    #[serde(rename = "年度")]
    year: &'a str,
}

fn label(c: &Comparison, i: usize) -> &str {
    c.years.get(i).map_or("", |y| y.label.as_str())
}

fn subject<'a>(c: &'a Comparison, s: &'a Subject) -> SubjectJ<'a> {
    let p = c.places;
    SubjectJ {
        code: &s.code,
        name: &s.name,
        years: (s.years.iter())
            .map(|y| {
                y.as_ref().map(|y| StandingJ {
                    total: fixed(y.total, p),
                    grade: &y.grade,
                    rank: y.rank,
                    vetoed: y.vetoed,
                })
            })
            .collect(),
        moves: (s.moves.iter())
            .map(|m| {
                m.as_ref().map(|m| MoveJ {
                    change: signed(m.change, p),
                    rank_change: m.rank_change,
                    drivers: (m.drivers.iter())
                        .map(|d| DriverJ {
                            code: &d.code,
                            name: &d.name,
                            delta: signed(d.delta, p),
                            only_in: d.only_in.map(|y| label(c, y)),
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

fn step<'a>(c: &'a Comparison, st: &'a Step) -> StepJ<'a> {
    let p = c.places;
    let codes = |list: &[usize]| -> Vec<&'a str> {
        (list.iter().filter_map(|&i| c.subjects.get(i)))
            .map(|s| s.code.as_str())
            .collect()
    };
    StepJ {
        from: label(c, st.from),
        to: label(c, st.to),
        subjects: st.subjects,
        up: st.up,
        down: st.down,
        unchanged: st.unchanged,
        grade_changed: st.grade_changed,
        mean: st.mean.map(|m| signed(half_up(m, p), p)),
        median: st.median.map(|m| signed(half_up(m, p), p)),
        matrix: Matrix {
            old_grades: &st.matrix.old_grades,
            new_grades: &st.matrix.new_grades,
            counts: &st.matrix.counts,
        },
        improved: codes(&st.improved),
        declined: codes(&st.declined),
        only_from: codes(&st.only_from),
        only_to: codes(&st.only_to),
        rules_differ: st.rules_differ,
        notes: (st.indicator_notes.iter())
            .map(|n| Note {
                code: &n.code,
                name: &n.name,
                year: label(c, n.year),
            })
            .collect(),
    }
}

pub(super) fn json(c: &Comparison) -> String {
    let doc = Doc {
        years: (c.years.iter())
            .map(|y| Year {
                label: &y.label,
                rules: &y.rules,
                title: &y.title,
                evidence: &y.evidence,
                year_param: y.year_param.as_deref(),
            })
            .collect(),
        same_rules: c.same_rules,
        subjects: c.subjects.iter().map(|s| subject(c, s)).collect(),
        partial: c.partial().iter().map(|s| s.code.as_str()).collect(),
        steps: c.steps.iter().map(|st| step(c, st)).collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
