//! Scoring rules of one leaf indicator: typing, and the checks on them
//! (band gaps and unreachable rows, score range, unguarded division,
//! deduction floor, interpolation order).

use super::amounts;
use super::bounds::{self, Bounds};
use super::chain;
use super::env::Env;
use super::expr::Typer;
use super::guards;
use super::interval::{Interval, Set};
use super::range;
use super::schema::constant;
use super::shape;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, BandRow, ExprKind as K, ScoredRow, Ty};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, CmpOp};
use crate::syntax::limits::MAX_LET_CHAIN;
use std::collections::HashMap;

pub struct RuleChecker<'a> {
    pub env: &'a Env,
    pub policy: &'a ir::Policy,
    pub diags: &'a mut Vec<Diagnostic>,
    /// Fields touched anywhere (for the unused-field warning).
    pub touched: &'a mut Vec<(Option<usize>, usize)>,
}

/// What a leaf's body lowers to.
pub struct Body {
    pub lets: Vec<ir::Let>,
    pub guards: Vec<ir::Guard>,
    pub rule: Option<ir::Rule>,
    pub used: Vec<usize>,
}

impl RuleChecker<'_> {
    pub fn body(&mut self, ind: &ast::Indicator, full: Num) -> Body {
        let mut lets: Vec<ir::Let> = Vec::new();
        let mut chains: Vec<usize> = Vec::new();
        // Each 令's position by name: lookups stay constant-time however
        // many 令 an indicator has.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut used = Vec::new();
        // 令 whose value failed: their uses are not reported again.
        let mut poisoned: std::collections::HashSet<String> = Default::default();
        for l in &ind.lets {
            if let Some(&prev) = index.get(&l.name.node) {
                let first = ind
                    .lets
                    .get(prev)
                    .map(|p| p.name.span)
                    .unwrap_or(l.name.span);
                self.diags.push(
                    Diagnostic::error("E0102", format!("令“{}”重复声明", l.name.node))
                        .primary(l.name.span, "重复的声明")
                        .secondary(first, "首次声明于此")
                        .help("为第二个值另取一个名称"),
                );
                continue;
            }
            let mut typer = Typer::new(self.env, &lets, self.diags);
            typer.let_index = Some(&index);
            typer.poisoned = Some(&poisoned);
            let value = typer.expr(&l.value);
            let (u, t) = (typer.used, typer.touched);
            self.absorb(&mut used, u, t);
            if value.is_none() {
                poisoned.insert(l.name.node.clone());
            }
            if let Some(value) = value {
                let chain = chain::length(&value, &chains);
                // Reported once, at the first 令 too far down the chain.
                if chain == MAX_LET_CHAIN + 1 {
                    self.diags.push(chain::too_long(l, chain));
                }
                chains.push(chain);
                index.insert(l.name.node.clone(), lets.len());
                lets.push(ir::Let {
                    name: l.name.node.clone(),
                    value,
                });
            }
        }
        let mut guards = Vec::new();
        // A guard that failed is gone from `guards`: what it guarded (a
        // zero denominator, a range) is not reported again.
        let mut guard_failed = false;
        for g in &ind.guards {
            let mut typer = Typer::new(self.env, &lets, self.diags);
            typer.let_index = Some(&index);
            typer.poisoned = Some(&poisoned);
            let cond = typer.condition(&g.cond);
            let (u, t) = (typer.used, typer.touched);
            self.absorb(&mut used, u, t);
            guard_failed |= cond.is_none();
            if let Some(cond) = cond {
                guards.push(ir::Guard {
                    cond,
                    score: number::from_decimal(g.score.node),
                    span: g.score.span,
                });
            }
        }
        let rule = match ind.rules.as_slice() {
            [r] => self.rule(r, &lets, &poisoned, &mut used),
            [] => None,
            [_, second, ..] => {
                self.diags.push(
                    Diagnostic::error("E0304", format!("指标 {} 有多条评分规则", ind.code.node))
                        .primary(second.span, "多余的评分规则")
                        .help("每个末级指标只写一条评分规则；特殊情形用 若 … 得 … 写在规则之前"),
                );
                None
            }
        };
        if let Some(rule) = rule.as_ref().filter(|_| !guard_failed) {
            self.check_rule(ind, rule, &lets, &guards, full);
        }
        Body {
            lets,
            guards,
            rule,
            used,
        }
    }

    fn absorb(
        &mut self,
        used: &mut Vec<usize>,
        new_used: Vec<usize>,
        touched: Vec<(Option<usize>, usize)>,
    ) {
        for f in new_used {
            if !used.contains(&f) {
                used.push(f);
            }
        }
        self.touched.extend(touched);
    }

    fn rule(
        &mut self,
        r: &ast::Spanned<ast::Rule>,
        lets: &[ir::Let],
        poisoned: &std::collections::HashSet<String>,
        used: &mut Vec<usize>,
    ) -> Option<ir::Rule> {
        let mut typer = Typer::new(self.env, lets, self.diags);
        typer.poisoned = Some(poisoned);
        let out = lower_rule(&mut typer, &r.node);
        let (u, t) = (typer.used, typer.touched);
        self.absorb(used, u, t);
        out
    }

    fn check_rule(
        &mut self,
        ind: &ast::Indicator,
        rule: &ir::Rule,
        lets: &[ir::Let],
        guards: &[ir::Guard],
        full: Num,
    ) {
        let bounds = Bounds::new(self.env, lets, self.policy.zero_denominator.is_some());
        let rule_span = ind.rules.first().map(|r| r.span).unwrap_or(ind.span);
        let written = ind.rules.first().map(|r| &r.node);
        // Guards come first, as they do when scoring; a rule they leave
        // nothing to gets no warnings on its own shape besides.
        let before = self.diags.len();
        guards::check(self.diags, guards, &bounds, Some(rule_span));
        // Nor does a table whose rows give more than the points (E0308
        // names those rows).
        let written = written.filter(|_| self.diags.len() == before);
        let written = written.filter(
            |_| !matches!(over_points(ind, rule, guards, full), Over::Rows(r) if !r.is_empty()),
        );
        match rule {
            ir::Rule::Bands { subject, rows } => {
                self.check_bands(subject, rows, &bounds, written, "分档")
            }
            ir::Rule::Lookup { subject, rows } => {
                self.check_bands(subject, rows, &bounds, written, "对照")
            }
            ir::Rule::Interp { subject, anchors } => {
                let domain = bounds.of(subject);
                let shape = written.is_some().then_some(&domain);
                self.check_anchors(ind, anchors, subject.ty == Ty::Ratio, shape)
            }
            ir::Rule::Deduct { floor, rows } => {
                amounts::deductions(rows, full, self.diags);
                if !floor {
                    self.check_floor(rows, &bounds, full, rule_span)
                }
            }
            ir::Rule::Checklist(rows) => amounts::checklist(rows, self.diags),
            ir::Rule::Formula(_) => {}
        }
        let range = range::rule_range(rule, guards, &bounds, full);
        self.check_divisions(rule, lets, guards, &bounds);
        let over = over_points(ind, rule, guards, full);
        self.check_range(ind, &range, full, rule_span, over);
    }

    fn check_range(
        &mut self,
        ind: &ast::Indicator,
        range: &Interval,
        full: Num,
        span: Span,
        over: Over,
    ) {
        let show = |v: Option<Num>| v.map_or("无界".to_string(), |v| number::show(&v));
        if range.lo.is_none_or(|l| l < number::zero()) {
            self.diags.push(
                Diagnostic::error(
                    "E0307",
                    format!(
                        "指标 {} 的得分可能低于 0（最低 {}）",
                        ind.code.node,
                        show(range.lo)
                    ),
                )
                .primary(span, "此规则可能给出负分")
                .help("用 限定(…, 0, 分值) 或 最大(…, 0) 设下限，或检查公式"),
            );
        }
        if range.hi.is_none_or(|h| h > full) {
            let message = format!(
                "指标 {} 的得分可能超过其分值 {}（最高 {}）",
                ind.code.node,
                number::show(&full),
                show(range.hi)
            );
            let d = Diagnostic::error("E0308", message);
            let d = match over {
                // The rows that give more than the points are the slip.
                Over::Rows(rows) if !rows.is_empty() => {
                    let mut d = d;
                    for (row, score) in &rows {
                        d = d.primary(*row, format!("得 {} 分，超过分值", number::show(score)));
                    }
                    d.secondary(ind.weight.span, "分值在此声明").help(format!(
                        "每一行的得分都不能超过分值 {}：改正这{}行的得分，或调整分值",
                        number::show(&full),
                        if rows.len() > 1 { "几" } else { "" }
                    ))
                }
                // A formula a hundred times too large forgot ÷ 100; a
                // clamp would only hide that.
                Over::Formula => {
                    let d = d
                        .primary(span, "此公式可能超出分值")
                        .secondary(ind.weight.span, "分值在此声明");
                    let hundredfold = range.hi.and_then(|h| number::div(&h, &full));
                    match hundredfold {
                        Some(r) if r >= number::int(50) => d.help(format!(
                            "公式的最高值 {} 约为分值的 {} 倍：百分数、分数字段取值 0–100，是否漏写了 ÷ 100？",
                            show(range.hi),
                            number::show(&r.round())
                        )),
                        _ => d.help(
                            "检查公式与所用字段的单位和范围；确实需要封顶时，再用 限定(…, 0, 分值) 或 最小(…, 分值)",
                        ),
                    }
                }
                Over::Rows(_) | Over::Other => d
                    .primary(span, "此规则可能超出分值")
                    .secondary(ind.weight.span, "分值在此声明")
                    .help("检查各项得分之和与分值；确实需要封顶时，再用 限定(…, 0, 分值) 或 最小(…, 分值)"),
            };
            self.diags.push(d);
        } else if range.hi.is_some_and(|h| h < full) {
            self.diags.push(
                Diagnostic::warning(
                    "W0002",
                    format!(
                        "指标 {} 最高只能得 {} 分，达不到分值 {} 分",
                        ind.code.node,
                        show(range.hi),
                        number::show(&full)
                    ),
                )
                .primary(span, "此规则的最高得分低于分值")
                .secondary(ind.weight.span, "分值在此声明")
                .help("检查评分规则的最高档，或调整分值"),
            );
        }
    }

    /// Deductions without 扣完为止 must not be able to go below 0.
    fn check_floor(&mut self, rows: &[ScoredRow], bounds: &Bounds, full: Num, span: Span) {
        let left = range::deducted(rows, bounds, full);
        if left.lo.is_none_or(|l| l < number::zero()) {
            self.diags.push(
                Diagnostic::error("E0310", "扣分没有下限：扣分合计可能超过分值")
                    .primary(span, "缺少 扣完为止")
                    .help("写成 扣分 扣完为止 { … }，扣至 0 分为止"),
            );
        }
    }

    /// `percent`: the points are ratios, shown as the rule writes them (90%).
    /// `shape`: the subject's range, to also warn on the points' shape
    /// (W0005, W0006, W0008).
    fn check_anchors(
        &mut self,
        ind: &ast::Indicator,
        anchors: &[(Num, Num)],
        percent: bool,
        shape: Option<&Interval>,
    ) {
        let show = |n: &Num| match percent {
            true => number::show_percent(n),
            false => number::show(n),
        };
        for (i, pair) in anchors.windows(2).enumerate() {
            if let [a, b] = pair {
                if a.0 >= b.0 {
                    let span = match ind.rules.first().map(|r| &r.node) {
                        Some(ast::Rule::Interp { anchors, .. }) => {
                            anchors.get(i + 1).map(|a| a.0.span)
                        }
                        _ => None,
                    };
                    self.diags.push(
                        Diagnostic::error("E0311", "插值点应按自变量从小到大排列且不重复")
                            .primary(
                                span.unwrap_or(ind.span),
                                format!("{} 不大于前一点 {}", show(&b.0), show(&a.0)),
                            )
                            .help("按从小到大的顺序写插值点"),
                    );
                }
            }
        }
        let written = match ind.rules.first().map(|r| &r.node) {
            Some(ast::Rule::Interp {
                anchors: xs,
                not_monotone,
                ..
            }) => Some((xs, *not_monotone)),
            _ => None,
        };
        let ordered = anchors.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if let (Some(domain), true, Some((xs, not_monotone))) = (shape, ordered, written) {
            let points: Vec<(Num, Num, Span)> = (anchors.iter().zip(xs))
                .map(|((x, y), (e, _))| (*x, *y, e.span))
                .collect();
            let shown = shape::Shown { percent };
            shape::anchors(self.diags, &points, domain, shown, not_monotone);
        }
        if anchors.len() < 2 {
            self.diags.push(
                Diagnostic::error("E0311", "插值至少需要两个点")
                    .primary(
                        ind.rules.first().map(|r| r.span).unwrap_or(ind.span),
                        "只有一个插值点",
                    )
                    .help("例如 5% 得 5 分 与 25% 得 0 分"),
            );
        }
    }

    /// Gaps (values no row matches) and rows no value can reach; then, in
    /// a table without those, its shape (W0004, W0006, W0007).
    fn check_bands(
        &mut self,
        subject: &ir::Expr,
        rows: &[BandRow],
        bounds: &Bounds,
        written: Option<&ast::Rule>,
        what: &str,
    ) {
        let integers = bounds::is_integer_valued(subject);
        let percent = subject.ty == Ty::Ratio;
        let domain = Set::from_interval(&bounds.of(subject), integers);
        let (thresholds, not_monotone): (Vec<Option<Span>>, bool) = match written {
            Some(ast::Rule::Bands {
                rows, not_monotone, ..
            }) => (
                rows.iter()
                    .map(|r| r.test.as_ref().map(|t| t.1.span))
                    .collect(),
                *not_monotone,
            ),
            Some(ast::Rule::Lookup {
                rows, not_monotone, ..
            }) => (
                rows.iter()
                    .map(|r| r.key.as_ref().map(|k| k.span))
                    .collect(),
                *not_monotone,
            ),
            _ => (Vec::new(), false),
        };
        if written.is_none() {
            self.check_coverage(&domain, percent, subject.span, rows, what);
            return;
        }
        let shape_rows: Vec<shape::Row> = (rows.iter().enumerate())
            .map(|(i, r)| shape::Row {
                test: r.test,
                score: r.score,
                span: r.span,
                threshold: thresholds.get(i).copied().flatten(),
            })
            .collect();
        let shown = shape::Shown { percent };
        let outlier = shape::scale(&shape_rows, shown, what);
        let before = self.diags.len();
        let sound = self.check_coverage(&domain, percent, subject.span, rows, what);
        // One slip, one diagnostic: a threshold out of scale explains the
        // rows it made unreachable, or is itself the warning.
        let found = match (sound, outlier) {
            (false, Some(outlier)) => {
                let errors: Vec<_> = self.diags.drain(before..).collect();
                let unreachable = errors.iter().all(|d| d.code == "E0306");
                if unreachable {
                    self.diags.extend(shape::explained(errors, outlier));
                } else {
                    self.diags.extend(errors);
                }
                None
            }
            (false, None) => None,
            (true, Some(outlier)) => Some(outlier),
            (true, None) => shape::table(&shape_rows, &domain, shown, what, not_monotone),
        };
        self.diags.extend(found);
    }

    /// Every value of `domain` is matched by some row, and every row matches
    /// some value not matched by the rows above it. `false` if not.
    pub fn check_coverage(
        &mut self,
        domain: &Set,
        percent: bool,
        subject_span: Span,
        rows: &[BandRow],
        what: &str,
    ) -> bool {
        let before = self.diags.len();
        let integers = domain.integers;
        let mut covered = Set {
            segs: Vec::new(),
            integers,
        };
        // Each earlier row with the values it takes, to name the rows that
        // leave a later one nothing.
        let mut earlier: Vec<(Span, Set)> = Vec::new();
        for row in rows {
            let matches = match row.test {
                Some((op, t)) => Set::half(op, t, integers),
                None => Set::from_interval(&Interval::unbounded(), integers),
            };
            let own = domain.intersect(&matches);
            let reach = own.minus(&covered);
            if reach.is_empty() && own.is_empty() {
                // Not shadowed: the test holds for no value the subject can take.
                self.diags.push(
                    Diagnostic::error("E0306", format!("{what}行永远不会被选中"))
                        .primary(row.span, "此行的条件永远不成立")
                        .secondary(
                            subject_span,
                            format!("取值范围 {}", domain.describe(percent)),
                        )
                        .note(format!(
                            "{what}对象的取值只在 {} 之内，此行的条件在其中没有任何取值满足",
                            domain.describe(percent)
                        ))
                        .help("检查此行的阈值是否多写或少写了一位、单位是否用错（如 95 与 95%）"),
                );
            } else if reach.is_empty() {
                let mut d = Diagnostic::error("E0306", format!("{what}行永远不会被选中"))
                    .primary(row.span, "此行不可达")
                    .note(format!(
                        "此行匹配的取值 {} 均已被前面的行匹配",
                        own.describe(percent)
                    ));
                let takers = earlier
                    .iter()
                    .filter(|(_, set)| !set.intersect(&own).is_empty());
                for (span, _) in takers.take(3) {
                    d = d.secondary(*span, "这些取值已由此行匹配");
                }
                self.diags
                    .push(d.help("自上而下取第一个满足的行：把更严格的条件写在前面，或删除此行"));
            }
            earlier.push((row.span, own));
            covered = covered.union(&matches);
        }
        let gap = domain.minus(&covered);
        if !gap.is_empty() {
            let span = rows.last().map(|r| r.span).unwrap_or(subject_span);
            self.diags.push(
                Diagnostic::error(
                    "E0305",
                    format!(
                        "{what}表有空档：取值在 {} 时没有任何行匹配",
                        gap.describe(percent)
                    ),
                )
                .primary(span, "此后没有覆盖剩余取值的行")
                .secondary(subject_span, subject_label(what))
                .help("补上缺少的档次，或以 否则 得 … 分 结尾"),
            );
        }
        // One table, one slip: a moved threshold can leave a row
        // unreachable and a gap at once; they are told together.
        if self.diags.len() > before + 1 {
            let mut found = self.diags.split_off(before).into_iter();
            if let Some(first) = found.next() {
                let others: Vec<Diagnostic> = found.collect();
                let same = others.iter().all(|d| d.message == first.message);
                let notes: Vec<String> = others.iter().map(|d| d.message.clone()).collect();
                let merged = super::root_cause::fold(first, others, |n| match same {
                    true => format!("同一原因还使其后 {n} 行永远不会被选中"),
                    false => format!("同一处改动还造成：{}", notes.join("；")),
                });
                self.diags.push(merged);
            }
        }
        self.diags.len() == before
    }

    fn check_divisions(
        &mut self,
        rule: &ir::Rule,
        lets: &[ir::Let],
        guards: &[ir::Guard],
        bounds: &Bounds,
    ) {
        let mut exprs: Vec<&ir::Expr> = lets
            .iter()
            .map(|l| &l.value)
            .chain(guards.iter().map(|g| &g.cond))
            .collect();
        match rule {
            ir::Rule::Bands { subject, .. }
            | ir::Rule::Lookup { subject, .. }
            | ir::Rule::Interp { subject, .. } => exprs.push(subject),
            ir::Rule::Formula(e) => exprs.push(e),
            ir::Rule::Deduct { rows, .. } | ir::Rule::Checklist(rows) => {
                exprs.extend(rows.iter().map(|r| &r.expr))
            }
        }
        for e in exprs {
            self.divisions(e, guards, bounds, true);
        }
    }

    fn divisions(&mut self, e: &ir::Expr, guards: &[ir::Guard], bounds: &Bounds, policy: bool) {
        match &e.kind {
            K::Binary(op, a, b) => {
                self.divisions(a, guards, bounds, policy);
                self.divisions(b, guards, bounds, policy);
                if *op == BinOp::Div {
                    self.division(b, guards, bounds, policy);
                }
            }
            K::Unary(_, a) => self.divisions(a, guards, bounds, policy),
            K::Func(_, args) => args
                .iter()
                .for_each(|a| self.divisions(a, guards, bounds, policy)),
            _ => {}
        }
    }

    /// Divisions outside an indicator (bonus rows, veto conditions): no
    /// zero-denominator policy applies there, so a divisor must not be 0.
    pub fn check_plain_divisions(&mut self, e: &ir::Expr) {
        let bounds = Bounds::new(self.env, &[], false);
        self.divisions(e, &[], &bounds, false);
    }

    fn division(&mut self, den: &ir::Expr, guards: &[ir::Guard], bounds: &Bounds, policy: bool) {
        let plain = Bounds::new(bounds.env, bounds.lets, false);
        if !plain.of(den).contains_zero() || guards.iter().any(|g| guards_zero(&g.cond, den)) {
            return;
        }
        let population = bounds::reads_population(den);
        if !population && policy && self.policy.zero_denominator.is_some() {
            return;
        }
        let help = if population {
            "相对评分的除数可能为 0（如全部主体取值相同）：在规则前写 若 除数 = 0 得 … 分"
        } else {
            "在 通则 中声明 分母为零 得满分，或在规则前写 若 除数 = 0 得 … 分"
        };
        self.diags.push(
            Diagnostic::error("E0309", "除数可能为 0，且没有为此设定得分")
                .primary(den.span, "此除数可能为 0")
                .help(help),
        );
    }
}

/// Whether a guard condition catches a zero denominator: `D = 0`, or
/// `A = B` for `D = A − B` (or `B − A`).
fn guards_zero(cond: &ir::Expr, den: &ir::Expr) -> bool {
    let K::Binary(BinOp::Cmp(CmpOp::Eq), l, r) = &cond.kind else {
        return false;
    };
    let is_zero = |e: &ir::Expr| constant(e).is_some_and(|n| n == number::zero());
    if (is_zero(r) && l.same_as(den)) || (is_zero(l) && r.same_as(den)) {
        return true;
    }
    if let K::Binary(BinOp::Sub, a, b) = &den.kind {
        return (a.same_as(l) && b.same_as(r)) || (a.same_as(r) && b.same_as(l));
    }
    false
}

fn lower_rule(t: &mut Typer, r: &ast::Rule) -> Option<ir::Rule> {
    Some(match r {
        ast::Rule::Bands { subject, rows, .. } => {
            let subject = t.numeric(subject)?;
            let rows = band_rows(
                t,
                &subject,
                rows.iter().map(|r| {
                    (
                        r.test.as_ref().map(|(op, e)| (*op, e)),
                        r.score.node,
                        r.span,
                    )
                }),
            )?;
            ir::Rule::Bands { subject, rows }
        }
        ast::Rule::Lookup { subject, rows, .. } => {
            let subject = t.numeric(subject)?;
            let rows = band_rows(
                t,
                &subject,
                rows.iter()
                    .map(|r| (r.key.as_ref().map(|k| (CmpOp::Eq, k)), r.score.node, r.span)),
            )?;
            ir::Rule::Lookup { subject, rows }
        }
        ast::Rule::Interp {
            subject, anchors, ..
        } => {
            let subject = t.numeric(subject)?;
            let mut out = Vec::new();
            for (x, y) in anchors {
                let x = threshold(t, &subject, x)?;
                out.push((x, number::from_decimal(y.node)));
            }
            ir::Rule::Interp {
                subject,
                anchors: out,
            }
        }
        ast::Rule::Formula(e) => ir::Rule::Formula(t.numeric(e)?),
        ast::Rule::Deduct { floor, rows } => ir::Rule::Deduct {
            floor: *floor,
            rows: scored_rows(t, rows, false)?,
        },
        ast::Rule::Checklist(rows) => ir::Rule::Checklist(scored_rows(t, rows, true)?),
    })
}

pub fn scored_rows(
    t: &mut Typer,
    rows: &[(ast::Expr, ast::Spanned<rust_decimal::Decimal>)],
    conditions: bool,
) -> Option<Vec<ScoredRow>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (e, s) in rows {
        let typed = if conditions {
            t.condition(e)
        } else {
            t.numeric(e)
        };
        match typed {
            Some(expr) => out.push(ScoredRow {
                expr,
                score: number::from_decimal(s.node),
                span: s.span,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

pub fn band_rows<'e>(
    t: &mut Typer,
    subject: &ir::Expr,
    rows: impl Iterator<Item = (Option<(CmpOp, &'e ast::Expr)>, rust_decimal::Decimal, Span)>,
) -> Option<Vec<BandRow>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (test, score, span) in rows {
        let test = match test {
            Some((op, e)) => match threshold(t, subject, e) {
                Some(v) => Some((op, v)),
                None => {
                    ok = false;
                    continue;
                }
            },
            None => None,
        };
        out.push(BandRow {
            test,
            score: number::from_decimal(score),
            span,
        });
    }
    ok.then_some(out)
}

/// A band threshold or anchor: a constant of a unit compatible with the subject.
fn threshold(t: &mut Typer, subject: &ir::Expr, e: &ast::Expr) -> Option<Num> {
    let typed = t.numeric(e)?;
    t.unify(&subject.ty, &typed, subject.span)?;
    match constant(&typed) {
        Some(v) => Some(v),
        None => {
            t.diags.push(
                Diagnostic::error("E0204", "分档阈值与插值点应为常数")
                    .primary(e.span, "此处应为常数")
                    .help("把计算放进 令，再对其分档；阈值写成 95% 或 80 这样的数"),
            );
            None
        }
    }
}

/// What the table's subject is called in labels: the value a 分档 or 对照
/// table reads, the total a grade table reads.
fn subject_label(what: &str) -> String {
    match what {
        "等级" => "按总分定等级".to_owned(),
        other => format!("{other}对象"),
    }
}

/// What makes a rule give more than its points, for E0308's labels.
enum Over {
    /// Rows, anchors and guards that give more than the points.
    Rows(Vec<(Span, Num)>),
    /// A formula: its value, not a row.
    Formula,
    /// A checklist or deductions: their sum.
    Other,
}

fn over_points(ind: &ast::Indicator, rule: &ir::Rule, guards: &[ir::Guard], full: Num) -> Over {
    let mut rows: Vec<(Span, Num)> = (guards.iter())
        .filter(|g| g.score > full)
        .map(|g| (g.cond.span.to(g.span), g.score))
        .collect();
    match rule {
        ir::Rule::Bands { rows: r, .. } | ir::Rule::Lookup { rows: r, .. } => {
            rows.extend(
                r.iter()
                    .filter(|r| r.score > full)
                    .map(|r| (r.span, r.score)),
            );
        }
        ir::Rule::Interp { anchors, .. } => {
            if let Some(ast::Rule::Interp { anchors: xs, .. }) = ind.rules.first().map(|r| &r.node)
            {
                let spans = xs.iter().map(|(e, y)| e.span.to(y.span));
                rows.extend(
                    (anchors.iter().zip(spans))
                        .filter(|((_, y), _)| *y > full)
                        .map(|((_, y), span)| (span, *y)),
                );
            }
        }
        ir::Rule::Formula(_) if rows.is_empty() => return Over::Formula,
        ir::Rule::Formula(_) => {}
        ir::Rule::Checklist(_) | ir::Rule::Deduct { .. } if rows.is_empty() => return Over::Other,
        ir::Rule::Checklist(_) | ir::Rule::Deduct { .. } => {}
    }
    Over::Rows(rows)
}
