//! `zhibiao compare` as text: the comparison laid out once as parts
//! (headings, lists, tables) that the terminal table, Markdown and HTML
//! each render in their own way; CSV and JSON on their own.

mod json;
mod text;

use crate::analysis::compare::{Comparison, Driver, Matrix, Step, Subject, BONUS};
use crate::report::{fixed, Format, Options};
use rust_decimal::Decimal;

pub fn render(format: Format, c: &Comparison, options: Options) -> String {
    match format {
        Format::Table => text::table(&parts(c)),
        Format::Markdown => text::markdown(&parts(c)),
        Format::Html => text::html(&parts(c)),
        Format::Json => json::json(c),
        Format::Csv => csv(c, options),
    }
}

/// One part of the output.
pub(crate) enum Part {
    /// A heading of level 1–3.
    Heading(u8, String),
    /// A list of sentences.
    Items(Vec<String>),
    /// A table; `numeric[c]` right-aligns column `c` where a format can.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// An empty section: “（无）”.
    Nothing,
}

/// A signed number: `+1.25`, `-0.50`, `0.00`.
pub fn signed(d: Decimal, places: u32) -> String {
    let s = fixed(d, places);
    match d.is_sign_positive() && !d.is_zero() {
        true => format!("+{s}"),
        false if d.is_zero() => fixed(Decimal::ZERO, places),
        false => s,
    }
}

/// `d` rounded half up (四舍五入) to `places`.
fn half_up(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A rank movement: `+3` (up three places), `-2`, `0`.
fn rank_move(n: i64) -> String {
    match n {
        n if n > 0 => format!("+{n}"),
        n => n.to_string(),
    }
}

fn grade_shown(s: &crate::analysis::compare::Standing) -> String {
    match s.vetoed {
        true => format!("{}（否决）", s.grade),
        false => s.grade.clone(),
    }
}

/// `1.2.2 -5.00；加分 +3.00`; an indicator of one year's rules only is
/// marked with that year.
pub(crate) fn drivers_text(c: &Comparison, drivers: &[Driver]) -> String {
    drivers
        .iter()
        .map(|d| {
            let only = d
                .only_in
                .and_then(|y| c.years.get(y))
                .map(|y| format!("（仅{}规则）", y.label))
                .unwrap_or_default();
            let delta = signed(d.delta, c.places);
            match d.code == BONUS {
                // “加分 +3.00”: the code says it all.
                true => format!("{} {delta}", d.code),
                false => format!("{} {}{only} {delta}", d.code, d.name),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn step_name(c: &Comparison, s: &Step) -> String {
    let label = |i: usize| c.years.get(i).map_or("", |y| y.label.as_str());
    format!("{}→{}", label(s.from), label(s.to))
}

/// Header lines: each year's rules and evidence.
fn header_lines(c: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    if c.same_rules {
        if let Some(y) = c.years.first() {
            out.push(format!("规则：{}（{}），各年度相同", y.rules, y.title));
        }
    } else {
        out.push("各年度使用不同的规则（指标按编码对应）：".to_owned());
        for y in &c.years {
            out.push(format!("{} 年度规则：{}（{}）", y.label, y.rules, y.title));
        }
    }
    for y in &c.years {
        let param = y
            .year_param
            .as_ref()
            .map(|p| format!("，评价年度 {p}"))
            .unwrap_or_default();
        out.push(format!("{} 年度证据：{}{param}", y.label, y.evidence));
    }
    out
}

/// The per-subject table of the subjects in every year: totals per
/// year, then per step the change, rank, grade and drivers.
fn subject_table(c: &Comparison, subjects: &[Subject]) -> Part {
    let p = c.places;
    let mut head = vec!["编码".to_owned(), "名称".to_owned()];
    let mut numeric = vec![false, false];
    for y in &c.years {
        head.push(format!("{}总分", y.label));
        numeric.push(true);
    }
    for s in &c.steps {
        let n = step_name(c, s);
        head.extend([
            format!("{n}变化"),
            format!("{n}排名"),
            format!("{n}等级"),
            format!("{n}主要原因"),
        ]);
        numeric.extend([true, false, false, false]);
    }
    let rows = subjects
        .iter()
        .map(|s| {
            let mut row = vec![s.code.clone(), s.name.clone()];
            for y in &s.years {
                row.push(y.as_ref().map(|y| fixed(y.total, p)).unwrap_or_default());
            }
            for (k, st) in c.steps.iter().enumerate() {
                let at = |i: usize| s.years.get(i).cloned().flatten();
                let (a, b) = (at(st.from), at(st.to));
                let m = s.moves.get(k).cloned().flatten();
                row.push(m.as_ref().map(|m| signed(m.change, p)).unwrap_or_default());
                row.push(match (&a, &b) {
                    (Some(a), Some(b)) => format!("{}→{}", a.rank, b.rank),
                    _ => String::new(),
                });
                row.push(match (&a, &b) {
                    (Some(a), Some(b)) if a.grade == b.grade && a.vetoed == b.vetoed => {
                        grade_shown(b)
                    }
                    (Some(a), Some(b)) => format!("{}→{}", grade_shown(a), grade_shown(b)),
                    _ => String::new(),
                });
                row.push(m.map(|m| drivers_text(c, &m.drivers)).unwrap_or_default());
            }
            row
        })
        .collect();
    table(head, rows, numeric)
}

/// Subjects missing from a year: their totals where evaluated.
fn partial_table(c: &Comparison) -> Part {
    let p = c.places;
    let mut head = vec!["编码".to_owned(), "名称".to_owned()];
    head.extend(c.years.iter().map(|y| format!("{}总分", y.label)));
    head.push("参评年度".to_owned());
    let mut numeric = vec![false, false];
    numeric.extend(c.years.iter().map(|_| true));
    numeric.push(false);
    let rows = c
        .partial()
        .iter()
        .map(|s| {
            let mut row = vec![s.code.clone(), s.name.clone()];
            row.extend(s.years.iter().map(|y| match y {
                Some(y) => format!("{}（{}）", fixed(y.total, p), grade_shown(y)),
                None => "未参评".to_owned(),
            }));
            let years: Vec<&str> = (c.years.iter().zip(&s.years))
                .filter(|(_, y)| y.is_some())
                .map(|(y, _)| y.label.as_str())
                .collect();
            row.push(format!("仅 {}", years.join("、")));
            row
        })
        .collect();
    table(head, rows, numeric)
}

fn table(head: Vec<String>, rows: Vec<Vec<String>>, numeric: Vec<bool>) -> Part {
    match rows.is_empty() {
        true => Part::Nothing,
        false => Part::Table {
            head,
            rows,
            numeric,
        },
    }
}

fn matrix_table(m: &Matrix, from: &str, to: &str) -> Part {
    let mut head = vec![format!("{from}＼{to}")];
    head.extend(m.new_grades.iter().cloned());
    head.push("合计".to_owned());
    let mut totals = vec![0usize; m.new_grades.len()];
    let mut rows = Vec::new();
    for (g, counts) in m.old_grades.iter().zip(&m.counts) {
        let mut row = vec![g.clone()];
        row.extend(counts.iter().map(usize::to_string));
        row.push(counts.iter().sum::<usize>().to_string());
        totals.iter_mut().zip(counts).for_each(|(t, n)| *t += n);
        rows.push(row);
    }
    let mut last = vec!["合计".to_owned()];
    last.extend(totals.iter().map(usize::to_string));
    last.push(totals.iter().sum::<usize>().to_string());
    rows.push(last);
    let numeric = (0..head.len()).map(|i| i > 0).collect();
    table(head, rows, numeric)
}

fn movers_table(c: &Comparison, st: &Step, k: usize, list: &[usize]) -> Part {
    let label = |i: usize| c.years.get(i).map_or("", |y| y.label.as_str());
    let head = vec![
        "编码".to_owned(),
        "名称".to_owned(),
        format!("{}总分", label(st.from)),
        format!("{}总分", label(st.to)),
        "变化".to_owned(),
        "主要原因".to_owned(),
    ];
    let p = c.places;
    let rows = (list.iter().filter_map(|&i| c.subjects.get(i)))
        .filter_map(|s| {
            let total = |y: usize| s.years.get(y).cloned().flatten().map(|y| fixed(y.total, p));
            let m = s.moves.get(k)?.as_ref()?;
            Some(vec![
                s.code.clone(),
                s.name.clone(),
                total(st.from)?,
                total(st.to)?,
                signed(m.change, p),
                drivers_text(c, &m.drivers),
            ])
        })
        .collect();
    table(head, rows, vec![false, false, true, true, true, false])
}

fn step_lines(c: &Comparison, st: &Step) -> Vec<String> {
    let p = c.places;
    let label = |i: usize| c.years.get(i).map_or("", |y| y.label.as_str());
    let codes = |list: &[usize]| {
        (list.iter().filter_map(|&i| c.subjects.get(i)))
            .map(|s| format!("{} {}", s.code, s.name))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut out = vec![
        format!(
            "两年都参评的主体 {} 个：总分升高 {} 个，降低 {} 个，不变 {} 个；等级变化 {} 个",
            st.subjects, st.up, st.down, st.unchanged, st.grade_changed
        ),
        match (st.mean, st.median) {
            (Some(mean), Some(median)) => format!(
                "总分变化：平均 {}，中位数 {}（四舍五入到 {p} 位小数）",
                signed(half_up(mean, p), p),
                signed(half_up(median, p), p)
            ),
            _ => "总分变化：无（没有两年都参评的主体）".to_owned(),
        },
    ];
    if !st.only_from.is_empty() {
        out.push(format!(
            "仅 {} 参评：{}",
            label(st.from),
            codes(&st.only_from)
        ));
    }
    if !st.only_to.is_empty() {
        out.push(format!("仅 {} 参评：{}", label(st.to), codes(&st.only_to)));
    }
    if st.rules_differ {
        out.push(format!(
            "两年的规则不同：指标按编码比较，一方没有的指标在该方计 0 分（{} 处）",
            st.indicator_notes.len()
        ));
        for n in &st.indicator_notes {
            out.push(format!(
                "指标 {} {} 仅见于 {} 年度规则",
                n.code,
                n.name,
                label(n.year)
            ));
        }
    }
    out
}

/// Every part, in order.
pub(crate) fn parts(c: &Comparison) -> Vec<Part> {
    let labels: Vec<&str> = c.years.iter().map(|y| y.label.as_str()).collect();
    let mut out = vec![
        Part::Heading(1, format!("年度比较：{}", labels.join("、"))),
        Part::Items(header_lines(c)),
        Part::Heading(
            2,
            format!(
                "一、各主体（{} 个，每个年度都参评；按 {} 排名）",
                c.complete,
                labels.last().copied().unwrap_or_default()
            ),
        ),
        subject_table(c, c.complete()),
        Part::Items(vec![
            "变化 = 后一年总分 − 前一年总分；排名中被否决的主体排在最后；\
             主要原因为该主体变化最大的（至多 3 项）末级指标与加分，带正负号的分数"
                .to_owned(),
        ]),
        Part::Heading(
            2,
            format!("二、未在每个年度参评的主体（{} 个）", c.partial().len()),
        ),
        partial_table(c),
    ];
    let chinese = ["三", "四", "五", "六", "七", "八", "九", "十"];
    for (k, st) in c.steps.iter().enumerate() {
        let n = chinese.get(k).copied().unwrap_or("又");
        let label = |i: usize| c.years.get(i).map_or("", |y| y.label.as_str());
        out.push(Part::Heading(2, format!("{n}、汇总：{}", step_name(c, st))));
        out.push(Part::Items(step_lines(c, st)));
        out.push(Part::Heading(
            3,
            format!(
                "等级转移矩阵（行：{} 等级，列：{} 等级）",
                label(st.from),
                label(st.to)
            ),
        ));
        out.push(matrix_table(&st.matrix, label(st.from), label(st.to)));
        out.push(Part::Heading(3, format!("进步最大（前 {} 名）", c.top)));
        out.push(movers_table(c, st, k, &st.improved));
        out.push(Part::Heading(3, format!("退步最大（前 {} 名）", c.top)));
        out.push(movers_table(c, st, k, &st.declined));
    }
    out
}

/// One cell of the full subject table (CSV and workbook).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A total, printed to the rule's places.
    Score(Decimal),
    /// A signed change of a total.
    Change(Decimal),
    Rank(usize),
    /// A rank movement: + = up.
    Move(i64),
    Empty,
}

/// Every subject, one row each: per year 总分, 等级, 排名, 否决; per step
/// 变化, 名次变化 (+ = up), 主要原因. Empty where not evaluated.
pub fn subject_rows(c: &Comparison) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut head = vec!["编码".to_owned(), "名称".to_owned()];
    for y in &c.years {
        let l = &y.label;
        head.extend([
            format!("{l}总分"),
            format!("{l}等级"),
            format!("{l}排名"),
            format!("{l}否决"),
        ]);
    }
    for st in &c.steps {
        let n = step_name(c, st);
        head.extend([
            format!("{n}变化"),
            format!("{n}名次变化"),
            format!("{n}主要原因"),
        ]);
    }
    let rows = (c.subjects.iter())
        .map(|s| {
            let mut row = vec![Cell::Text(s.code.clone()), Cell::Text(s.name.clone())];
            for y in &s.years {
                row.extend(match y {
                    Some(y) => [
                        Cell::Score(y.total),
                        Cell::Text(y.grade.clone()),
                        Cell::Rank(y.rank),
                        match y.vetoed {
                            true => Cell::Text("是".to_owned()),
                            false => Cell::Empty,
                        },
                    ],
                    None => [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
                });
            }
            for m in &s.moves {
                row.extend(match m {
                    Some(m) => [
                        Cell::Change(m.change),
                        Cell::Move(m.rank_change),
                        Cell::Text(drivers_text(c, &m.drivers)),
                    ],
                    None => [Cell::Empty, Cell::Empty, Cell::Empty],
                });
            }
            row
        })
        .collect();
    (head, rows)
}

fn csv(c: &Comparison, options: Options) -> String {
    let p = c.places;
    let (head, rows) = subject_rows(c);
    let cell = |cell: &Cell| match cell {
        Cell::Text(t) if options.csv_formula_guard => {
            crate::output::escape::csv_formula_guard(t).into_owned()
        }
        Cell::Text(t) => t.clone(),
        Cell::Score(d) => fixed(*d, p),
        Cell::Change(d) => signed(*d, p),
        Cell::Rank(n) => n.to_string(),
        Cell::Move(n) => rank_move(*n),
        Cell::Empty => String::new(),
    };
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut ok = w.write_record(&head).is_ok();
    for row in &rows {
        ok &= w.write_record(row.iter().map(cell)).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    match ok {
        true => String::from_utf8(bytes).unwrap_or_default(),
        false => String::new(),
    }
}
