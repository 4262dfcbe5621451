//! Scoring rules, bonus items and grades in words.

use super::expr::uses_population;
use super::Prose;
use crate::ir::{self, BandRow, Bonus, BonusRow, Indicator, Mode, Model, Rule, ScoredRow, Ty};
use crate::number::{self, Num};
use crate::syntax::ast::CmpOp;

/// A leaf: definitions, special cases, the rule, and where relative
/// scoring takes its maximum and minimum.
pub(super) fn leaf(model: &Model, ind: &Indicator) -> String {
    let p = Prose::new(model, &ind.lets);
    let mut sentences: Vec<String> = (0..ind.lets.len())
        .map(|i| super::definition(model, ind, i))
        .collect();
    let body = ind
        .rule
        .as_ref()
        .map(|r| p.rule(r, &ind.full))
        .unwrap_or_default();
    if ind.guards.is_empty() {
        sentences.push(body);
    } else {
        let guards: Vec<String> = ind.guards.iter().map(|g| guard(model, ind, g)).collect();
        sentences.push(format!("{}；否则，{body}", guards.join("；")));
    }
    let (max, min) = reads_population(ind);
    let source = match (max, min) {
        (true, true) => "最高值、最低值",
        (true, false) => "最高值",
        (false, true) => "最低值",
        (false, false) => "",
    };
    if !source.is_empty() {
        sentences.push(format!("{source}取自全部参评主体（数据缺失的主体不计）"));
    }
    finish(&sentences)
}

/// Whether an indicator reads a population maximum, minimum.
pub(super) fn reads_population(ind: &Indicator) -> (bool, bool) {
    let (mut max, mut min) = (false, false);
    for e in ind
        .lets
        .iter()
        .map(|l| &l.value)
        .chain(ind.guards.iter().map(|g| &g.cond))
    {
        uses_population(e, &mut max, &mut min);
    }
    if let Some(r) = &ind.rule {
        for e in rule_exprs(r) {
            uses_population(e, &mut max, &mut min);
        }
    }
    (max, min)
}

/// Sentences joined and closed with “。”.
fn finish(sentences: &[String]) -> String {
    let parts: Vec<&str> = sentences
        .iter()
        .map(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}。", parts.join("。"))
    }
}

fn rule_exprs(rule: &Rule) -> Vec<&ir::Expr> {
    match rule {
        Rule::Bands { subject, .. }
        | Rule::Lookup { subject, .. }
        | Rule::Interp { subject, .. } => {
            vec![subject]
        }
        Rule::Formula(e) => vec![e],
        Rule::Deduct { rows, .. } | Rule::Checklist(rows) => rows.iter().map(|r| &r.expr).collect(),
    }
}

/// A parent: the sum of its children (分值), or their weighted sum (权重).
pub fn parent(model: &Model, ind: &Indicator) -> String {
    let kids: Vec<&Indicator> = ind
        .children
        .iter()
        .filter_map(|c| model.indicators.get(*c))
        .collect();
    match model.mode {
        Mode::Points => {
            let codes: Vec<&str> = kids.iter().map(|k| k.code.as_str()).collect();
            format!("为 {} 得分之和。", codes.join("、"))
        }
        Mode::Weights => {
            let terms: Vec<String> = kids
                .iter()
                .map(|k| {
                    format!(
                        "{} × {} {}得分",
                        number::show_percent(&k.weight),
                        k.code,
                        k.name
                    )
                })
                .collect();
            format!(
                "为下级指标得分按权重的加权和：{}，四舍五入保留 {} 位小数。",
                terms.join(" + "),
                model.policy.round_places
            )
        }
    }
}

/// A special case: “开放数据集数最高值为 0 时得 0 分”.
pub fn guard(model: &Model, ind: &Indicator, g: &ir::Guard) -> String {
    let p = Prose::new(model, &ind.lets);
    super::then(
        &p.cond(&g.cond),
        &format!("时得 {} 分", number::show(&g.score)),
    )
}

/// The rule alone (no definitions or special cases), for an indicator.
pub fn scoring(model: &Model, ind: &Indicator) -> String {
    let p = Prose::new(model, &ind.lets);
    ind.rule
        .as_ref()
        .map(|r| p.rule(r, &ind.full))
        .unwrap_or_default()
}

/// A band or lookup row's test in the subject's unit: “≥ 95%”, “= 0”; an
/// `否则` row is “其他情况”.
pub fn band_test(test: Option<(CmpOp, Num)>, ty: &Ty) -> String {
    match test {
        Some((op, t)) => format!("{} {}", op.symbol(), super::quantity(&t, ty)),
        None => "其他情况".to_string(),
    }
}

fn got(score: &Num) -> String {
    format!("得 {} 分", number::show(score))
}

impl Prose<'_> {
    pub fn rule(&self, rule: &Rule, full: &Num) -> String {
        match rule {
            Rule::Bands { subject, rows } => self.bands(subject, rows),
            Rule::Lookup { subject, rows } => self.lookup(subject, rows),
            Rule::Interp { subject, anchors } => self.interp(subject, anchors),
            Rule::Formula(e) => format!("得分 = {}", self.expr(e)),
            Rule::Deduct { floor, rows } => format!(
                "{} 分起扣：{}{}",
                number::show(full),
                self.deductions(rows),
                if *floor { "，扣完为止" } else { "" }
            ),
            Rule::Checklist(rows) => self.checklist(rows),
        }
    }

    fn bands(&self, subject: &ir::Expr, rows: &[BandRow]) -> String {
        let s = self.expr(subject);
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let test = match r.test {
                Some(t) => band_test(Some(t), &subject.ty),
                None => otherwise(rows.get(..i).unwrap_or_default(), &subject.ty),
            };
            let text = format!("{test} {}", got(&r.score));
            out.push(if i == 0 && r.test.is_some() {
                format!("{s} {text}")
            } else if i == 0 {
                format!("{s}{text}")
            } else {
                text
            });
        }
        out.join("；")
    }

    fn lookup(&self, subject: &ir::Expr, rows: &[BandRow]) -> String {
        let s = self.expr(subject);
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let test = match r.test {
                Some((_, t)) => super::quantity(&t, &subject.ty),
                None => lookup_otherwise(rows.get(..i).unwrap_or_default(), &subject.ty),
            };
            let text = format!("{test} {}", got(&r.score));
            out.push(if i == 0 {
                format!("{s}为 {text}")
            } else {
                text
            });
        }
        out.join("；")
    }

    fn interp(&self, subject: &ir::Expr, anchors: &[(Num, Num)]) -> String {
        let s = self.expr(subject);
        let ty = &subject.ty;
        let q = |n: &Num| super::quantity(n, ty);
        let (Some(first), Some(last)) = (anchors.first(), anchors.last()) else {
            return String::new();
        };
        // The lower end of what the quantity can be needs no row of its own.
        let floor_at_zero = self.lowest(subject) == Some(first.0);
        let mut rows = Vec::new();
        if !floor_at_zero {
            rows.push(format!("{s} ≤ {} {}", q(&first.0), got(&first.1)));
        } else if anchors.len() > 2 {
            rows.push(format!("{s} = {} {}", q(&first.0), got(&first.1)));
        }
        for (x, y) in anchors.iter().skip(1).take(anchors.len().saturating_sub(2)) {
            rows.push(format!("{s} = {} {}", q(x), got(y)));
        }
        rows.push(format!("{s} ≥ {} {}", q(&last.0), got(&last.1)));
        let between = if anchors.len() == 2 {
            let (x0, y0) = first;
            let (x1, y1) = last;
            if floor_at_zero {
                format!(
                    "低于 {} 的得 {} 分",
                    q(x1),
                    two_point(&s, ty, (x0, y0), (x1, y1))
                )
            } else {
                format!(
                    "其间按线性插值，得 {} 分",
                    two_point(&s, ty, (x0, y0), (x1, y1))
                )
            }
        } else {
            "相邻两点之间按线性插值".to_string()
        };
        rows.push(between);
        rows.join("；")
    }

    /// The least value a quantity can take, when its type or range says.
    fn lowest(&self, e: &ir::Expr) -> Option<Num> {
        if let ir::ExprKind::Field(f) = e.kind {
            if let Some((lo, _)) = self.model.subject.fields.get(f).and_then(|f| f.range) {
                return Some(lo);
            }
        }
        matches!(
            e.ty,
            Ty::Ratio | Ty::Percent | Ty::Count | Ty::Score | Ty::Money
        )
        .then(number::zero)
    }

    /// A deduction's rows. Counts of one event table that share
    /// conditions say them once: “评价期间（…）内类型为拖欠账款的失信事件，
    /// 未整改的每件扣 2 分，已整改的每件扣 0.5 分”; a row that counts every
    /// such event makes the others “其中…的每件另扣”.
    fn deductions(&self, rows: &[ScoredRow]) -> String {
        let exprs: Vec<&ir::Expr> = rows.iter().map(|r| &r.expr).collect();
        let Some((phrase, own)) = self.shared_events(&exprs) else {
            let rows: Vec<String> = rows.iter().map(|r| self.deduct_row(r)).collect();
            return rows.join("；");
        };
        let all = own.iter().any(String::is_empty);
        let parts: Vec<String> = rows
            .iter()
            .zip(&own)
            .map(|(r, o)| {
                let pts = number::show(&r.score);
                match (o.is_empty(), all) {
                    (true, _) => format!("每件扣 {pts} 分"),
                    (false, true) => {
                        super::then(&format!("其中{o}"), &format!("的每件另扣 {pts} 分"))
                    }
                    (false, false) => super::then(o, &format!("的每件扣 {pts} 分")),
                }
            })
            .collect();
        format!("{phrase}，{}", parts.join("，"))
    }

    fn deduct_row(&self, r: &ScoredRow) -> String {
        let unit = if r.expr.ty == Ty::Count {
            "每件"
        } else {
            "每 1"
        };
        format!(
            "{}，{unit}扣 {} 分",
            self.quantity_of(&r.expr),
            number::show(&r.score)
        )
    }

    /// What a deduction or bonus row counts: events as a noun phrase
    /// (“…的失信事件”), anything else as its words.
    fn quantity_of(&self, e: &ir::Expr) -> String {
        match &e.kind {
            ir::ExprKind::Aggregate {
                func: crate::syntax::ast::AggFn::Count,
                table,
                filter,
                ..
            } => self.events(*table, filter.as_deref()),
            _ => self.expr(e),
        }
    }

    fn checklist(&self, rows: &[ScoredRow]) -> String {
        let plain = rows.iter().all(|r| {
            r.expr.ty == Ty::YesNo
                && matches!(r.expr.kind, ir::ExprKind::Field(_) | ir::ExprKind::Let(_))
        });
        let same = rows.windows(2).all(|w| match w {
            [a, b] => a.score == b.score,
            _ => true,
        });
        match (rows, plain && same) {
            ([one], true) => format!(
                "{}为“是”得 {} 分，否则得 0 分",
                self.expr(&one.expr),
                number::show(&one.score)
            ),
            ([first, ..], true) => {
                let names: Vec<String> = rows.iter().map(|r| self.expr(&r.expr)).collect();
                format!(
                    "{}，每项为“是”得 {} 分",
                    names.join("、"),
                    number::show(&first.score)
                )
            }
            _ => {
                let items: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        super::then(
                            &self.cond(&r.expr),
                            &format!("的，得 {} 分", number::show(&r.score)),
                        )
                    })
                    .collect();
                format!("逐项计分：{}；各项得分相加", items.join("；"))
            }
        }
    }

    fn bonus_row(&self, row: &BonusRow) -> String {
        match row {
            BonusRow::Each(r) => {
                let unit = if r.expr.ty == Ty::Count {
                    "每个"
                } else {
                    "每 1"
                };
                format!(
                    "{}，{unit}加 {} 分",
                    self.quantity_of(&r.expr),
                    number::show(&r.score)
                )
            }
            BonusRow::If(r) => super::then(
                &self.cond(&r.expr),
                &format!("的，加 {} 分", number::show(&r.score)),
            ),
        }
    }
}

/// The line through two points as the appendix writes it:
/// “5 × (25% − 纠错率) ÷ 20%”, “3 × 出庭率 ÷ 90%”.
fn two_point(s: &str, ty: &Ty, (x0, y0): (&Num, &Num), (x1, y1): (&Num, &Num)) -> String {
    let q = |n: &Num| super::quantity(n, ty);
    let width = number::sub(x1, x0).unwrap_or_default();
    let zero = number::zero();
    let over = |num: String| format!("{num} ÷ {}", q(&width));
    let from_x0 = if *x0 == zero {
        s.to_string()
    } else {
        format!("({s} − {})", q(x0))
    };
    if *y0 == zero {
        over(format!("{} × {from_x0}", number::show(y1)))
    } else if *y1 == zero {
        over(format!("{} × ({} − {s})", number::show(y0), q(x1)))
    } else if number::lt(y1, y0) {
        let fall = number::sub(y0, y1).unwrap_or_default();
        over(format!(
            "{} − {} × {from_x0}",
            number::show(y0),
            number::show(&fall)
        ))
    } else {
        let rise = number::sub(y1, y0).unwrap_or_default();
        over(format!(
            "{} + {} × {from_x0}",
            number::show(y0),
            number::show(&rise)
        ))
    }
}

/// The words of an `否则` band row: the complement of the rows above when
/// they all point one way (“< 80%”), else “其他情况”.
fn otherwise(above: &[BandRow], ty: &Ty) -> String {
    let tests: Vec<(CmpOp, Num)> = above.iter().filter_map(|r| r.test).collect();
    let Some(&(op, last)) = tests.last() else {
        return "其他情况".to_string();
    };
    if tests.len() != above.len() {
        return "其他情况".to_string();
    }
    let up = tests
        .iter()
        .all(|(o, t)| matches!(o, CmpOp::Ge | CmpOp::Gt | CmpOp::Eq) && !number::lt(t, &last));
    let down = tests
        .iter()
        .all(|(o, t)| matches!(o, CmpOp::Le | CmpOp::Lt | CmpOp::Eq) && !number::gt(t, &last));
    let complement = match op {
        CmpOp::Ge if up => Some(CmpOp::Lt),
        CmpOp::Gt if up => Some(CmpOp::Le),
        CmpOp::Le if down => Some(CmpOp::Gt),
        CmpOp::Lt if down => Some(CmpOp::Ge),
        _ => None,
    };
    match complement {
        Some(c) => band_test(Some((c, last)), ty),
        None => "其他情况".to_string(),
    }
}

/// A lookup's `否则` row: “≥ 3” when the rows above are the counts 0, 1, 2.
fn lookup_otherwise(above: &[BandRow], ty: &Ty) -> String {
    let values: Vec<Num> = above.iter().filter_map(|r| r.test.map(|t| t.1)).collect();
    let consecutive = *ty == Ty::Count
        && values.len() == above.len()
        && values
            .iter()
            .enumerate()
            .all(|(i, v)| *v == number::int(i as i64));
    if consecutive && !values.is_empty() {
        format!("≥ {}", values.len())
    } else {
        "其他情况".to_string()
    }
}

/// A bonus item's rows: “省级创新案例数，每个加 1 分；国家级创新案例数，每个加 2 分”.
pub fn bonus(model: &Model, b: &Bonus) -> String {
    let rows: Vec<String> = b.rows.iter().map(|r| bonus_row(model, r)).collect();
    rows.join("；")
}

/// One bonus row in words.
pub fn bonus_row(model: &Model, row: &BonusRow) -> String {
    Prose::new(model, &[]).bonus_row(row)
}

/// The condition of grade row `index` on the total: “总分 ≥ 90”,
/// “80 ≤ 总分 < 90”, the last “总分 < 60”.
pub fn grade(model: &Model, index: usize) -> String {
    let rows = &model.grades;
    let Some(row) = rows.get(index) else {
        return String::new();
    };
    let above = rows.get(..index).unwrap_or_default();
    let previous = above.last().and_then(|r| r.test);
    let descending = above.iter().all(|r| matches!(r.test, Some((CmpOp::Ge, _))));
    match (row.test, previous) {
        (Some((CmpOp::Ge, t)), Some((CmpOp::Ge, u))) if descending => {
            format!("{} ≤ 总分 < {}", number::show(&t), number::show(&u))
        }
        (Some((op, t)), _) => format!("总分 {} {}", op.symbol(), number::show(&t)),
        (None, Some((CmpOp::Ge, u))) if descending => format!("总分 < {}", number::show(&u)),
        (None, _) => "其他情况".to_string(),
    }
}

/// Every grade with its condition, in order.
pub fn grades(model: &Model) -> Vec<(String, String)> {
    (0..model.grades.len())
        .filter_map(|i| {
            model
                .grades
                .get(i)
                .map(|g| (g.grade.clone(), grade(model, i)))
        })
        .collect()
}

/// How scores are rounded at each level, one sentence each: leaf,
/// parents and base score, bonus and total.
pub fn rounding(model: &Model) -> Vec<String> {
    let places = model.policy.round_places;
    let (half, unit) = half_and_unit(places);
    let mut out = vec![format!(
        "末级指标得分四舍五入保留 {places} 位小数（{half} 进位为 {unit}）"
    )];
    out.push(match model.mode {
        Mode::Points => "上级指标得分与基础分为舍入后的下级得分之和，不再另行舍入".to_string(),
        Mode::Weights => format!(
            "上级指标得分与基础分为舍入后的下级得分按权重的加权和，再四舍五入保留 {places} 位小数"
        ),
    });
    let bonus = if model.bonuses.is_empty() {
        String::new()
    } else {
        format!("加分合计（计入上限后）四舍五入保留 {places} 位小数；")
    };
    out.push(format!(
        "{bonus}总分（计入上限后）四舍五入保留 {places} 位小数"
    ));
    out
}

/// “0.005” and “0.01” for two places.
fn half_and_unit(places: u32) -> (String, String) {
    let unit = rust_decimal::Decimal::new(1, places.min(27));
    let half = rust_decimal::Decimal::new(5, (places + 1).min(28));
    (half.to_string(), unit.to_string())
}
