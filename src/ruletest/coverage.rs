//! Which parts of the rules the tests reached: every band and lookup row,
//! special case, interpolation segment, deduction, checklist answer, bonus
//! row, veto and grade row.

use crate::driver::Compiled;
use crate::eval::{Hit, SubjectResult};
use crate::ir::{self, Model, Rule};
use crate::number;
use crate::source::Span;
use std::collections::BTreeSet;

/// Reached items per rules file, and every item that exists.
#[derive(Default)]
pub struct Coverage {
    files: Vec<FileCoverage>,
}

struct FileCoverage {
    name: String,
    items: Vec<Item>,
    reached: BTreeSet<usize>,
}

/// One thing a test can reach, with where it is written.
struct Item {
    key: Key,
    place: String,
    what: String,
}

#[derive(PartialEq, Eq)]
enum Key {
    Indicator(usize, Hit),
    Bonus(usize, usize),
    Veto(usize),
    Grade(usize),
}

impl Coverage {
    pub fn add(&mut self, compiled: &Compiled, results: &[SubjectResult]) {
        let Some(model) = &compiled.model else { return };
        let place = |span: Span| {
            let (line, _) = compiled.files.line_col(span.file, span.start);
            format!("{}:{line}", compiled.files.name(span.file))
        };
        let name = compiled
            .root
            .map(|r| compiled.files.name(r).to_string())
            .unwrap_or_default();
        let pos = match self.files.iter().position(|f| f.name == name) {
            Some(p) => p,
            None => {
                self.files.push(FileCoverage {
                    name,
                    items: items(model, &place),
                    reached: BTreeSet::new(),
                });
                self.files.len() - 1
            }
        };
        let Some(fc) = self.files.get_mut(pos) else {
            return;
        };
        for r in results {
            for key in reached(model, r) {
                if let Some(i) = fc.items.iter().position(|it| it.key == key) {
                    fc.reached.insert(i);
                }
            }
        }
    }

    pub fn report(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let total = f.items.len();
            out.push_str(&format!(
                "覆盖率：{} 共 {total} 处，测试到达 {} 处",
                f.name,
                f.reached.len()
            ));
            let missing: Vec<&Item> = f
                .items
                .iter()
                .enumerate()
                .filter(|(i, _)| !f.reached.contains(i))
                .map(|(_, it)| it)
                .collect();
            if missing.is_empty() {
                out.push_str("，全部覆盖\n");
                continue;
            }
            out.push_str("；未到达：\n");
            for it in missing {
                out.push_str(&format!("  {}: {}\n", it.place, it.what));
            }
        }
        out
    }
}

fn items(model: &Model, place: &dyn Fn(Span) -> String) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, ind) in model.indicators.iter().enumerate() {
        let code = &ind.code;
        let mut push = |hit: Hit, span: Span, what: String| {
            out.push(Item {
                key: Key::Indicator(i, hit),
                place: place(span),
                what: format!("{code} {what}"),
            })
        };
        for (g, guard) in ind.guards.iter().enumerate() {
            push(
                Hit::Guard(g),
                guard.span,
                format!("特殊情形（得 {} 分）", number::show(&guard.score)),
            );
        }
        let rule_span = ind.rule_span.unwrap_or(ind.span);
        match &ind.rule {
            Some(Rule::Bands { rows, subject } | Rule::Lookup { rows, subject }) => {
                for (r, row) in rows.iter().enumerate() {
                    let show = |t: &number::Num| crate::eval::show_num(t, &subject.ty);
                    let test = row.test.map_or("否则".to_string(), |(op, t)| {
                        format!("{} {}", op.symbol(), show(&t))
                    });
                    push(
                        Hit::Row(r),
                        row.span,
                        format!(
                            "第 {} 行（{test} 得 {} 分）",
                            r + 1,
                            number::show(&row.score)
                        ),
                    );
                }
            }
            Some(Rule::Interp { anchors, subject }) => {
                let show = |t: &number::Num| crate::eval::show_num(t, &subject.ty);
                for s in 0..=anchors.len() {
                    let what = match (s, anchors.get(s.wrapping_sub(1)), anchors.get(s)) {
                        (0, _, Some(a)) => format!("插值：不高于首点 {}", show(&a.0)),
                        (_, Some(a), Some(b)) => {
                            format!("插值：{} 与 {} 之间", show(&a.0), show(&b.0))
                        }
                        (_, Some(a), None) => format!("插值：不低于末点 {}", show(&a.0)),
                        _ => continue,
                    };
                    push(Hit::Segment(s), rule_span, what);
                }
            }
            Some(Rule::Formula(_)) => push(Hit::Formula, rule_span, "公式".into()),
            Some(Rule::Deduct { floor, rows }) => {
                for (r, row) in rows.iter().enumerate() {
                    push(
                        Hit::Deduct(r),
                        row.span,
                        format!("扣分第 {} 行（扣 {} 分）", r + 1, number::show(&row.score)),
                    );
                }
                if *floor {
                    push(Hit::Floor, rule_span, "扣完为止".into());
                }
            }
            Some(Rule::Checklist(rows)) => {
                for (r, row) in rows.iter().enumerate() {
                    push(Hit::Yes(r), row.span, format!("清单第 {} 项为“是”", r + 1));
                    push(Hit::No(r), row.span, format!("清单第 {} 项为“否”", r + 1));
                }
            }
            None => {}
        }
    }
    for (b, bonus) in model.bonuses.iter().enumerate() {
        for (r, row) in bonus.rows.iter().enumerate() {
            let (ir::BonusRow::Each(sr) | ir::BonusRow::If(sr)) = row;
            out.push(Item {
                key: Key::Bonus(b, r),
                place: place(sr.span),
                what: format!("加分 {} 第 {} 行", bonus.code, r + 1),
            });
        }
    }
    for (v, veto) in model.vetoes.iter().enumerate() {
        out.push(Item {
            key: Key::Veto(v),
            place: place(veto.span),
            what: format!("否决 {}", veto.code),
        });
    }
    for (g, grade) in model.grades.iter().enumerate() {
        out.push(Item {
            key: Key::Grade(g),
            place: place(grade.span),
            what: format!("等级 {}", grade.grade),
        });
    }
    out
}

fn reached(model: &Model, r: &SubjectResult) -> Vec<Key> {
    let mut keys = Vec::new();
    for (i, res) in r.indicators.iter().enumerate() {
        keys.extend(
            res.trace
                .iter()
                .flat_map(|t| t.hits.iter())
                .map(|h| Key::Indicator(i, *h)),
        );
    }
    for (b, res) in r.bonuses.iter().enumerate() {
        keys.extend(
            res.rows
                .iter()
                .enumerate()
                .filter(|(_, hit)| **hit)
                .map(|(row, _)| Key::Bonus(b, row)),
        );
    }
    for (v, veto) in model.vetoes.iter().enumerate() {
        if r.vetoes.iter().any(|(c, _)| c == &veto.code) {
            keys.push(Key::Veto(v));
        }
    }
    let total = number::from_decimal(r.total);
    if let Some(g) = model
        .grades
        .iter()
        .position(|g| crate::eval::grade_matches(g.test, &total))
    {
        keys.push(Key::Grade(g));
    }
    keys
}
