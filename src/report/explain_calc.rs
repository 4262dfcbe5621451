//! The worked calculation of one indicator in words and numbers, as a
//! reader redoes it by hand: “办结率 = 按时办结数 ÷ 热线工单数 = 958 ÷ 1000 =
//! 95.8%；≥ 95% 一档，得 3 分”. Rules are named through [`crate::prose`];
//! the numbers come from the evaluator's record ([`Work`], [`Values`]).

use super::explain_subst::Subst;
use crate::analysis::letter::ParentSum;
use crate::eval::{IndicatorResult, Segment, Work};
use crate::ir::{self, ExprKind as K, Indicator, Model, Rule, Ty};
use crate::number::{self, Num};
use crate::prose;

/// Renders numbers to the rule's rounding places.
pub(super) struct Calc<'a> {
    pub model: &'a Model,
    pub places: u32,
    /// Thresholds of the rule being explained: an approximate value is
    /// never rounded onto one (“≈ 95%” beside “< 95% 一档”), more
    /// decimals are shown instead.
    pub avoid: Vec<Num>,
}

impl Calc<'_> {
    /// The worked calculation of a leaf: one sentence per step.
    pub fn leaf(&self, ind: &Indicator, res: &IndicatorResult) -> Vec<String> {
        let avoid = thresholds(ind);
        if self.avoid != avoid {
            let own = Calc {
                model: self.model,
                places: self.places,
                avoid,
            };
            return own.leaf(ind, res);
        }
        let Some(trace) = &res.trace else {
            return Vec::new();
        };
        let Some(work) = &trace.work else {
            return Vec::new();
        };
        let values = &trace.values;
        let subst = Subst {
            calc: self,
            ind,
            values,
        };
        let mut lines = Vec::new();
        if let Work::Missing = work {
            let fields = if trace.missing.is_empty() {
                "所需数据".to_string()
            } else {
                trace.missing.join("、")
            };
            lines.push(format!("{fields}为空（缺失），按通则得 0 分。"));
            return lines;
        }
        let table_subject = match &ind.rule {
            Some(Rule::Bands { subject, .. } | Rule::Lookup { subject, .. })
            | Some(Rule::Interp { subject, .. }) => Some(subject),
            _ => None,
        };
        let mut defs: Vec<String> = ind
            .lets
            .iter()
            .enumerate()
            .map(|(i, l)| subst.definition(i, l))
            .collect();
        for p in &values.population {
            lines.extend(self.population(p));
        }
        let rule_text = self.rule_step(ind, work, &subst, table_subject);
        // The definition the rule looks up joins the rule's sentence:
        // “办结率 = … = 95.8%；≥ 95% 一档，得 3 分”.
        let joined = match table_subject.map(|s| &s.kind) {
            Some(K::Let(i)) if *i + 1 == defs.len() => defs.pop(),
            _ => None,
        };
        lines.extend(defs.into_iter().map(|d| format!("{d}。")));
        let rule_text = match joined {
            Some(def) => format!("{def}；{rule_text}"),
            None => rule_text,
        };
        lines.push(format!("{rule_text}{}", self.rounding(work, res)));
        lines
    }

    /// The final rounding, when the rule's step has not said it.
    fn rounding(&self, work: &Work, res: &IndicatorResult) -> String {
        match work {
            Work::Interp {
                segment: Segment::Between(_),
                score,
                ..
            }
            | Work::Formula { score } => format!(" {}。", self.scored(score, res.score)),
            _ => "。".to_string(),
        }
    }

    fn population(&self, p: &crate::eval::Population) -> Option<String> {
        let (f, which) = match p.stat {
            crate::plan::Stat::Max(f) => (f, "最高值"),
            crate::plan::Stat::Min(f) => (f, "最低值"),
        };
        let field = self.model.subject.fields.get(f)?;
        let Some(v) = p.value else {
            return Some(format!("全部参评主体的{}均为空，无{which}。", field.name));
        };
        let names: Vec<String> = p
            .holders
            .iter()
            .map(|(code, name)| format!("{name}（{code}）"))
            .collect();
        let more = if p.held_by > p.holders.len() {
            format!("等 {} 个主体", p.held_by)
        } else {
            String::new()
        };
        Some(format!(
            "全部参评主体中{}{which}为 {}，由{}{more}取得。",
            field.name,
            self.quantity(&v, &field.ty).0,
            names.join("、")
        ))
    }

    fn rule_step(
        &self,
        ind: &Indicator,
        work: &Work,
        subst: &Subst,
        subject: Option<&ir::Expr>,
    ) -> String {
        let lookup = matches!(ind.rule, Some(Rule::Lookup { .. }));
        match (work, &ind.rule) {
            (Work::Missing, _) => String::new(),
            (Work::NoRule, _) => "无评分规则，得 0 分".to_string(),
            (Work::ZeroDenominator { score }, _) => format!(
                "分母为 0，视为无此类事项，按通则得{} {} 分",
                if *score == ind.full { "满分" } else { "" },
                self.pts(score)
            ),
            (Work::Guard { index, score }, _) => {
                let cond = ind
                    .guards
                    .get(*index)
                    .map(|g| prose::condition(self.model, &ind.lets, &g.cond))
                    .unwrap_or_default();
                format!("属于“{cond}”的情形，按规定得 {} 分", self.pts(score))
            }
            (Work::Table { value, row, score }, Some(Rule::Bands { rows, .. }))
            | (Work::Table { value, row, score }, Some(Rule::Lookup { rows, .. })) => {
                let ty = subject.map_or(Ty::Number, |s| s.ty.clone());
                let lead = self.subject_value(subject, value, &ty);
                let chosen = row.and_then(|r| rows.get(r));
                match (chosen.and_then(|r| r.test), lookup) {
                    (Some((_, t)), true) => format!(
                        "{lead}对照表中 {} 对应 {} 分，得 {} 分",
                        self.quantity(&t, &ty).0,
                        self.pts(score),
                        self.pts(score)
                    ),
                    (Some((op, t)), false) => format!(
                        "{lead}{} {} 一档，得 {} 分",
                        op.symbol(),
                        self.quantity(&t, &ty).0,
                        self.pts(score)
                    ),
                    (None, true) if chosen.is_some() => format!(
                        "{lead}不是对照表所列的取值（其他），得 {} 分",
                        self.pts(score)
                    ),
                    (None, _) if chosen.is_some() => {
                        format!("{lead}不在以上各档（其他），得 {} 分", self.pts(score))
                    }
                    (None, _) => format!("{lead}不满足任何一档，得 0 分"),
                }
            }
            (Work::Interp { value, segment, .. }, Some(Rule::Interp { anchors, .. })) => {
                let ty = subject.map_or(Ty::Number, |s| s.ty.clone());
                let lead = self.subject_value(subject, value, &ty);
                self.interp(&lead, value, *segment, anchors, &ty)
            }
            (Work::Formula { .. }, Some(Rule::Formula(e))) => {
                let words = prose::expr(self.model, &ind.lets, e);
                let numbers = subst.expr(e, 0);
                let simple = !matches!(e.kind, K::Binary(..) | K::Unary(..) | K::Func(..));
                if simple || words == numbers {
                    format!("得分 = {words}")
                } else {
                    format!("得分 = {words} = {numbers}")
                }
            }
            (
                Work::Deduct {
                    rows: done,
                    taken,
                    floored,
                    score,
                },
                Some(Rule::Deduct { rows, .. }),
            ) => {
                let items: Vec<String> = rows
                    .iter()
                    .zip(done)
                    .map(|(r, d)| {
                        let what = prose::expr(self.model, &ind.lets, &r.expr);
                        let events = if d.events.is_empty() {
                            String::new()
                        } else {
                            format!("（{}）", d.events.join("、"))
                        };
                        format!(
                            "{what} {}{events} × {} 分 = {} 分",
                            number::show(&d.count),
                            self.pts(&r.score),
                            self.pts(&d.taken)
                        )
                    })
                    .collect();
                let end = if *floored {
                    format!(
                        "共扣 {} 分，超过 {} 分，扣完为止，得 0 分",
                        self.pts(taken),
                        self.pts(&ind.full)
                    )
                } else {
                    format!(
                        "共扣 {} 分，{} − {} = {}，得 {} 分",
                        self.pts(taken),
                        self.pts(&ind.full),
                        self.pts(taken),
                        self.pts(score),
                        self.pts(score)
                    )
                };
                format!(
                    "{} 分起扣：{}；{end}",
                    self.pts(&ind.full),
                    items.join("；")
                )
            }
            (Work::Checklist { yes, score }, Some(Rule::Checklist(rows))) => {
                let items: Vec<String> = rows
                    .iter()
                    .zip(yes)
                    .map(|(r, y)| {
                        // A yes/no field reads “执法公示制度：是”; any other
                        // condition “…：满足”.
                        let (what, yes, no) = match r.expr.kind {
                            K::Field(f) => (subst.field_name(f), "是", "否"),
                            _ => (
                                prose::condition(self.model, &ind.lets, &r.expr),
                                "满足",
                                "不满足",
                            ),
                        };
                        if *y {
                            format!("{what}：{yes}，得 {} 分", self.pts(&r.score))
                        } else {
                            format!("{what}：{no}，不得分（该项 {} 分）", self.pts(&r.score))
                        }
                    })
                    .collect();
                format!("逐项：{}；合计得 {} 分", items.join("；"), self.pts(score))
            }
            (other, _) => format!("得 {} 分", self.pts(&other.score())),
        }
    }

    /// “企业满意度 = 75.5，” for a field; nothing for a `令` (its definition
    /// already gave the value).
    fn subject_value(&self, subject: Option<&ir::Expr>, value: &Num, ty: &Ty) -> String {
        match subject.map(|s| &s.kind) {
            Some(K::Let(_)) | None => String::new(),
            Some(_) => {
                let name = subject
                    .map(|s| prose::expr(self.model, &[], s))
                    .unwrap_or_default();
                format!("{name} {}，", self.equals(value, ty))
            }
        }
    }

    fn interp(
        &self,
        lead: &str,
        x: &Num,
        segment: Segment,
        anchors: &[(Num, Num)],
        ty: &Ty,
    ) -> String {
        let q = |n: &Num| self.quantity(n, ty).0;
        match segment {
            Segment::Below => match anchors.first() {
                Some((x0, y0)) => format!("{lead}不高于 {}，得 {} 分", q(x0), self.pts(y0)),
                None => String::new(),
            },
            Segment::Above => match anchors.last() {
                Some((x1, y1)) => format!("{lead}不低于 {}，得 {} 分", q(x1), self.pts(y1)),
                None => String::new(),
            },
            Segment::Between(i) => {
                let (Some((x0, y0)), Some((x1, y1))) =
                    (anchors.get(i.wrapping_sub(1)), anchors.get(i))
                else {
                    return String::new();
                };
                let (xs, x0s, x1s) = (q(x), q(x0), q(x1));
                let (y0s, y1s) = (self.pts(y0), self.pts(y1));
                let zero = number::zero();
                let formula = if *y0 == zero {
                    format!("{y1s} × ({xs} − {x0s}) ÷ ({x1s} − {x0s})")
                } else if *y1 == zero {
                    format!("{y0s} × ({x1s} − {xs}) ÷ ({x1s} − {x0s})")
                } else {
                    format!("{y0s} + ({y1s} − {y0s}) × ({xs} − {x0s}) ÷ ({x1s} − {x0s})")
                };
                format!(
                    "{lead}介于 {x0s}（{y0s} 分）与 {x1s}（{y1s} 分）之间，按线性插值：{formula}"
                )
            }
        }
    }

    /// A parent's sum: “= 5.00 + 4.98 = 9.98”, or under 权重
    /// “= 60% × 100.00 + 40% × 50.00 = 80.00”.
    pub fn parent(&self, sum: &ParentSum) -> String {
        let terms: Vec<String> = sum
            .terms
            .iter()
            .map(|(_, w, s)| {
                let s = super::fixed(*s, self.places);
                match w {
                    Some(w) => format!("{} × {s}", self.quantity(w, &Ty::Ratio).0),
                    None => s,
                }
            })
            .collect();
        let score = super::fixed(sum.score, self.places);
        if let ([_], None) = (sum.terms.as_slice(), sum.terms.first().and_then(|t| t.1)) {
            return format!("即 {score}");
        }
        if number::from_decimal(sum.score) == sum.exact {
            format!("{} = {score}", terms.join(" + "))
        } else {
            format!(
                "{} {}，四舍五入得 {score}",
                terms.join(" + "),
                self.equals(&sum.exact, &Ty::Number)
            )
        }
    }
}

/// The values a rule compares against: band and lookup thresholds,
/// interpolation anchors.
fn thresholds(ind: &Indicator) -> Vec<Num> {
    match &ind.rule {
        Some(Rule::Bands { rows, .. } | Rule::Lookup { rows, .. }) => {
            rows.iter().filter_map(|r| r.test.map(|(_, t)| t)).collect()
        }
        Some(Rule::Interp { anchors, .. }) => anchors.iter().map(|(x, _)| *x).collect(),
        _ => Vec::new(),
    }
}
