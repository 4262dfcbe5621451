//! Parse tree (pest pairs) → AST. One function per grammar rule; every
//! unexpected shape becomes an internal diagnostic rather than a panic.

use super::ast::*;
use super::internal;
use super::limits::{self, MAX_INDICATOR_DEPTH};
use super::lower_expr::{expr, primary};
use super::parser::Rule as R;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use rust_decimal::Decimal;

pub(super) type Res<T> = Result<T, Diagnostic>;

/// Lowering context: the file being lowered and its text. Token text is
/// taken from the file's own text by span, not from the copy pest read
/// (see `parser::shadow`).
#[derive(Clone, Copy)]
pub(super) struct Cx<'t> {
    file: FileId,
    text: &'t str,
}

impl<'t> Cx<'t> {
    pub(super) fn new(file: FileId, text: &'t str) -> Self {
        Cx { file, text }
    }

    pub(super) fn span(&self, pair: &Pair<R>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    /// The span of a statement without the blank lines and comments that
    /// pest's implicit whitespace lets an optional last part (`weight?`,
    /// `mod_body?`) swallow: a variant's “变体在此改动” label then covers
    /// the statement itself, not the comment and the next statement's line.
    pub(super) fn statement_span(&self, pair: &Pair<R>) -> Span {
        let s = pair.as_span();
        let text = self.text.get(s.start()..s.end()).unwrap_or("");
        Span::new(self.file, s.start(), s.start() + statement_len(text))
    }

    /// The text of a token.
    pub(super) fn text(&self, pair: &Pair<R>) -> &'t str {
        let s = pair.as_span();
        self.text.get(s.start()..s.end()).unwrap_or("")
    }

    pub(super) fn name(&self, pair: &Pair<R>) -> Name {
        Spanned::new(self.text(pair).to_string(), self.span(pair))
    }
}

/// Children of a pair without keyword tokens, with checked access.
pub(super) struct Kids<'a> {
    span: Span,
    pub(super) inner: std::iter::Peekable<std::vec::IntoIter<Pair<'a, R>>>,
}

impl<'a> Kids<'a> {
    pub(super) fn of(cx: Cx, pair: Pair<'a, R>) -> Self {
        let span = cx.span(&pair);
        let kids: Vec<_> = pair
            .into_inner()
            .filter(|p| !is_keyword(p.as_rule()))
            .collect();
        Kids {
            span,
            inner: kids.into_iter().peekable(),
        }
    }

    pub(super) fn next(&mut self, what: &str) -> Res<Pair<'a, R>> {
        self.inner.next().ok_or_else(|| internal(self.span, what))
    }

    fn peek_is(&mut self, rule: R) -> bool {
        self.inner
            .peek()
            .map(|p| p.as_rule() == rule)
            .unwrap_or(false)
    }
}

/// Keyword tokens that carry no information beyond their parent's rule.
/// The ones that do (table kinds, meta keys, outcomes, aggregates) are
/// matched explicitly by their parent's converter.
fn is_keyword(rule: R) -> bool {
    !matches!(
        rule,
        R::kw_standard
            | R::kw_version
            | R::kw_applies
            | R::kw_subject_table
            | R::kw_event_table
            | R::kw_full_points
            | R::kw_zero_points
            | R::kw_count_of
            | R::kw_sum_of
    ) && format!("{rule:?}").starts_with("kw_")
}

pub(super) fn file(file: FileId, text: &str, mut pairs: Pairs<R>) -> Result<File, Vec<Diagnostic>> {
    let cx = Cx::new(file, text);
    let Some(top) = pairs.next() else {
        return Ok(File::default());
    };
    let mut out = File::default();
    let mut errors = Vec::new();
    for pair in Kids::of(cx, top).inner {
        match pair.as_rule() {
            R::EOI => {}
            R::extends_decl => match Kids::of(cx, pair)
                .next("被继承的文件")
                .and_then(|p| string(cx, p))
            {
                Ok(s) => out.extends = Some(s),
                Err(e) => errors.push(e),
            },
            _ => match item(cx, pair) {
                Ok(i) => out.items.push(i),
                // One deep chain of added indicators is one mistake.
                Err(e) if e.code == "E0007" && errors.iter().any(|d| d.code == "E0007") => {}
                Err(e) => errors.push(e),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn item(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let span = cx.span(&pair);
    match pair.as_rule() {
        R::meta_decl => meta(cx, pair),
        R::scoring_decl => Ok(Item::Scoring(
            cx.name(&Kids::of(cx, pair).next("计分方式")?),
        )),
        R::param_decl => param(cx, pair),
        R::period_decl => {
            let mut k = Kids::of(cx, pair);
            let name = cx.name(&k.next("期间名称")?);
            let from = expr(cx, k.next("起始日期")?)?;
            let to = expr(cx, k.next("结束日期")?)?;
            Ok(Item::Period(Period { name, from, to }))
        }
        R::table_decl => table(cx, pair),
        R::policy_block => {
            let policies = Kids::of(cx, pair)
                .inner
                .map(|p| policy(cx, p))
                .collect::<Res<Vec<_>>>()?;
            Ok(Item::Policies(policies))
        }
        R::indicator => Ok(Item::Indicator(indicator(cx, pair)?)),
        R::bonus_decl => bonus(cx, pair),
        R::veto_decl => {
            let mut k = Kids::of(cx, pair);
            let code = cx.name(&k.next("否决项编号")?);
            let name = name(cx, k.next("否决项名称")?)?;
            let cond = expr(cx, k.next("否决条件")?)?;
            Ok(Item::Veto(Veto {
                code,
                name,
                cond,
                span,
            }))
        }
        R::grades_decl => {
            let rows = Kids::of(cx, pair)
                .inner
                .map(|p| grade_row(cx, p))
                .collect::<Res<Vec<_>>>()?;
            Ok(Item::Grades(Spanned::new(rows, span)))
        }
        R::remove_decl => remove(cx, pair),
        R::modify_decl => modify(cx, pair),
        R::extend_table => {
            let mut k = Kids::of(cx, pair);
            let table = cx.name(&k.next("表名")?);
            let fields = k.inner.map(|p| field(cx, p)).collect::<Res<Vec<_>>>()?;
            Ok(Item::Extend { table, fields })
        }
        _ => Err(internal(span, "未知的声明")),
    }
}

/// The length of `text` without trailing whitespace and comments.
fn statement_len(text: &str) -> usize {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\u{3000}' | '\n' | '\r');
    let mut end = text.len();
    loop {
        let body = text.get(..end).unwrap_or("").trim_end_matches(is_space);
        end = body.len();
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        match body.get(line_start..).and_then(comment_start) {
            Some(c) => end = line_start + c,
            None => return end,
        }
    }
}

/// Where a `#` or `//` comment starts in one line, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quoted = false;
    let mut prev_slash = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return Some(i),
            '/' if !quoted && prev_slash => return Some(i - 1),
            _ => {}
        }
        prev_slash = c == '/' && !quoted;
    }
    None
}

fn remove(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let span = cx.statement_span(&pair);
    let target = Kids::of(cx, pair).next("删除的对象")?;
    let what = match target.as_rule() {
        R::remove_bonus => Remove::Bonus(cx.name(&Kids::of(cx, target).next("加分项编号")?)),
        R::remove_veto => Remove::Veto(cx.name(&Kids::of(cx, target).next("否决项编号")?)),
        _ => Remove::Indicator(indicator_code(cx, &target)?),
    };
    Ok(Item::Remove(what, span))
}

fn modify(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let span = cx.statement_span(&pair);
    let target = Kids::of(cx, pair).next("修改的对象")?;
    let rule = target.as_rule();
    let mut k = Kids::of(cx, target);
    let what = match rule {
        R::mod_indicator => {
            let code = indicator_code(cx, &k.next("指标编号")?)?;
            let mut m = (None, None, None);
            for p in k.inner {
                match p.as_rule() {
                    R::name => m.0 = Some(name(cx, p)?),
                    R::weight => m.1 = Some(weight(cx, p)?),
                    _ => m.2 = Some(body(cx, p)?),
                }
            }
            Modify::Indicator {
                code,
                name: m.0,
                weight: m.1,
                body: m.2,
            }
        }
        R::mod_bonus => {
            let code = cx.name(&k.next("加分项编号")?);
            let mut name_opt = None;
            let mut rows = Vec::new();
            for p in k.inner {
                match p.as_rule() {
                    R::name => name_opt = Some(name(cx, p)?),
                    _ => rows.push(bonus_row(cx, p)?),
                }
            }
            Modify::Bonus {
                code,
                name: name_opt,
                rows,
            }
        }
        R::mod_veto => {
            let code = cx.name(&k.next("否决项编号")?);
            let mut next = k.next("否决条件")?;
            let mut name_opt = None;
            if next.as_rule() == R::name {
                name_opt = Some(name(cx, next)?);
                next = k.next("否决条件")?;
            }
            Modify::Veto {
                code,
                name: name_opt,
                cond: expr(cx, next)?,
            }
        }
        R::mod_grades => {
            let rows = k.inner.map(|p| grade_row(cx, p)).collect::<Res<Vec<_>>>()?;
            Modify::Grades(Spanned::new(rows, span))
        }
        R::mod_policy => Modify::Policies(k.inner.map(|p| policy(cx, p)).collect::<Res<Vec<_>>>()?),
        _ => {
            let name = cx.name(&k.next("参数名")?);
            let default = primary(cx, k.next("默认值")?)?;
            Modify::Param { name, default }
        }
    };
    Ok(Item::Modify(what, span))
}

fn body(cx: Cx, pair: Pair<R>) -> Res<Body> {
    let mut b = Body::default();
    for item in Kids::of(cx, pair).inner {
        match item.as_rule() {
            R::let_decl => b.lets.push(let_decl(cx, item)?),
            R::guard => b.guards.push(guard(cx, item)?),
            _ => b.rules.push(rule(cx, item)?),
        }
    }
    Ok(b)
}

fn let_decl(cx: Cx, pair: Pair<R>) -> Res<Let> {
    let mut k = Kids::of(cx, pair);
    let name = cx.name(&k.next("名称")?);
    let value = expr(cx, k.next("表达式")?)?;
    Ok(Let { name, value })
}

fn guard(cx: Cx, pair: Pair<R>) -> Res<Guard> {
    let mut k = Kids::of(cx, pair);
    let cond = expr(cx, k.next("条件")?)?;
    let score = score(cx, k.next("得分")?)?;
    Ok(Guard { cond, score })
}

fn meta(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let mut k = Kids::of(cx, pair);
    let key_pair = k.next("元数据键")?;
    let key = match key_pair.clone().into_inner().next().map(|p| p.as_rule()) {
        Some(R::kw_standard) => MetaKey::Standard,
        Some(R::kw_version) => MetaKey::Version,
        Some(R::kw_applies) => MetaKey::Applies,
        _ => return Err(internal(cx.span(&key_pair), "元数据键")),
    };
    let value = string(cx, k.next("元数据值")?)?;
    Ok(Item::Meta(key, value))
}

fn param(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let mut k = Kids::of(cx, pair);
    let name = cx.name(&k.next("参数名")?);
    let ty_pair = k.next("参数类型")?;
    let ty = cx.name(&Kids::of(cx, ty_pair).next("类型名")?);
    let default = primary(cx, k.next("默认值")?)?;
    Ok(Item::Param(Param { name, ty, default }))
}

fn table(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let kind_pair = k.next("表类型")?;
    let kind = match kind_pair.clone().into_inner().next().map(|p| p.as_rule()) {
        Some(R::kw_subject_table) => TableKind::Subject,
        Some(R::kw_event_table) => TableKind::Event,
        _ => return Err(internal(cx.span(&kind_pair), "表类型")),
    };
    let name = cx.name(&k.next("表名")?);
    let fields = k.inner.map(|p| field(cx, p)).collect::<Res<Vec<_>>>()?;
    Ok(Item::Table(Table {
        kind,
        name,
        fields,
        span,
    }))
}

fn field(cx: Cx, pair: Pair<R>) -> Res<Field> {
    let mut k = Kids::of(cx, pair);
    let name = cx.name(&k.next("字段名")?);
    let ty_pair = k.next("字段类型")?;
    let ty_inner = Kids::of(cx, ty_pair).next("字段类型")?;
    let ty = match ty_inner.as_rule() {
        R::enum_type => {
            let span = cx.span(&ty_inner);
            FieldType::Enum(
                Kids::of(cx, ty_inner).inner.map(|p| cx.name(&p)).collect(),
                span,
            )
        }
        _ => FieldType::Named(cx.name(&Kids::of(cx, ty_inner).next("类型名")?)),
    };
    let constraints = k
        .inner
        .map(|p| constraint(cx, p))
        .collect::<Res<Vec<_>>>()?;
    Ok(Field {
        name,
        ty,
        constraints,
    })
}

fn constraint(cx: Cx, pair: Pair<R>) -> Res<Spanned<Constraint>> {
    let span = cx.span(&pair);
    let inner = Kids::of(cx, pair).next("约束")?;
    let node = match inner.as_rule() {
        R::c_key => Constraint::Key,
        R::c_unique => Constraint::Unique,
        R::c_required => Constraint::Required,
        R::c_group => Constraint::Group,
        R::c_ref => Constraint::Ref(cx.name(&Kids::of(cx, inner).next("被引用的表")?)),
        R::c_le => Constraint::AtMost(cx.name(&Kids::of(cx, inner).next("字段名")?)),
        R::c_range => {
            let mut k = Kids::of(cx, inner);
            let lo = decimal(cx, &k.next("下限")?)?;
            let hi = decimal(cx, &k.next("上限")?)?;
            Constraint::Range(lo, hi)
        }
        _ => return Err(internal(span, "约束")),
    };
    Ok(Spanned::new(node, span))
}

fn policy(cx: Cx, pair: Pair<R>) -> Res<Spanned<Policy>> {
    let span = cx.span(&pair);
    let rule = pair.as_rule();
    let mut k = Kids::of(cx, pair);
    let node = match rule {
        R::p_full => Policy::FullMarks(decimal(cx, &k.next("满分")?)?),
        R::p_round => Policy::RoundHalfUp(decimal(cx, &k.next("小数位数")?)?),
        R::p_zero_den => {
            let outcome = Kids::of(cx, k.next("分母为零的处理")?).next("处理")?;
            Policy::ZeroDenominator(match outcome.as_rule() {
                R::kw_full_points => ZeroDenOutcome::FullPoints,
                _ => ZeroDenOutcome::ZeroPoints,
            })
        }
        R::p_missing => Policy::MissingZero,
        R::p_bonus_cap => Policy::BonusCap(decimal(cx, &k.next("加分上限")?)?),
        R::p_total_cap => Policy::TotalCap(decimal(cx, &k.next("总分上限")?)?),
        R::p_veto_grade => Policy::VetoGrade(cx.name(&k.next("否决等级")?)),
        _ => return Err(internal(span, "通则条目")),
    };
    Ok(Spanned::new(node, span))
}

/// An indicator code, at most [`MAX_INDICATOR_DEPTH`] parts long: a
/// variant places an added indicator by its code, so a long code is a deep
/// tree even without nested braces.
fn indicator_code(cx: Cx, pair: &Pair<R>) -> Res<Name> {
    let code = cx.name(pair);
    let level = code.node.split('.').count();
    if level > MAX_INDICATOR_DEPTH {
        return Err(limits::indicator_too_deep(&code.node, code.span, level));
    }
    Ok(code)
}

fn indicator(cx: Cx, pair: Pair<R>) -> Res<Indicator> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let code = indicator_code(cx, &k.next("指标编号")?)?;
    let name = name(cx, k.next("指标名称")?)?;
    let weight = weight(cx, k.next("分值或权重")?)?;
    let mut ind = Indicator {
        code,
        name,
        weight,
        children: Vec::new(),
        lets: Vec::new(),
        guards: Vec::new(),
        rules: Vec::new(),
        span,
        changed_by: Vec::new(),
    };
    for item in k.inner {
        match item.as_rule() {
            R::indicator => ind.children.push(indicator(cx, item)?),
            R::let_decl => ind.lets.push(let_decl(cx, item)?),
            R::guard => ind.guards.push(guard(cx, item)?),
            _ => ind.rules.push(rule(cx, item)?),
        }
    }
    Ok(ind)
}

fn weight(cx: Cx, pair: Pair<R>) -> Res<Spanned<Weight>> {
    let span = cx.span(&pair);
    let inner = Kids::of(cx, pair).next("分值或权重")?;
    let node = match inner.as_rule() {
        R::points => Weight::Points(decimal(cx, &Kids::of(cx, inner).next("分值")?)?),
        _ => {
            let pct = Kids::of(cx, inner).next("权重")?;
            Weight::Share(percent(cx, pct)?)
        }
    };
    Ok(Spanned::new(node, span))
}

fn rule(cx: Cx, pair: Pair<R>) -> Res<Spanned<Rule>> {
    let span = cx.span(&pair);
    let kind = pair.as_rule();
    let mut k = Kids::of(cx, pair);
    let node = match kind {
        R::bands => {
            let subject = expr(cx, k.next("分档对象")?)?;
            let not_monotone = not_monotone(&mut k)?;
            let rows = k.inner.map(|p| band_row(cx, p)).collect::<Res<_>>()?;
            Rule::Bands {
                subject,
                rows,
                not_monotone,
            }
        }
        R::interp => {
            let subject = expr(cx, k.next("插值对象")?)?;
            let not_monotone = not_monotone(&mut k)?;
            let anchors = k.inner.map(|p| expr_score(cx, p)).collect::<Res<_>>()?;
            Rule::Interp {
                subject,
                anchors,
                not_monotone,
            }
        }
        R::formula => Rule::Formula(expr(cx, k.next("公式")?)?),
        R::deduct => {
            let floor = k.peek_is(R::floor);
            if floor {
                k.next("扣完为止")?;
            }
            let rows = k.inner.map(|p| expr_score(cx, p)).collect::<Res<_>>()?;
            Rule::Deduct { floor, rows }
        }
        R::checklist => Rule::Checklist(k.inner.map(|p| expr_score(cx, p)).collect::<Res<_>>()?),
        R::lookup => {
            let subject = expr(cx, k.next("对照对象")?)?;
            let not_monotone = not_monotone(&mut k)?;
            let rows = k.inner.map(|p| lookup_row(cx, p)).collect::<Res<_>>()?;
            Rule::Lookup {
                subject,
                rows,
                not_monotone,
            }
        }
        _ => return Err(internal(span, "评分规则")),
    };
    Ok(Spanned::new(node, span))
}

/// The `不单调` mark after a table's subject, if written.
fn not_monotone(k: &mut Kids) -> Res<bool> {
    let marked = k.peek_is(R::not_monotone);
    if marked {
        k.next("不单调")?;
    }
    Ok(marked)
}

fn band_row(cx: Cx, pair: Pair<R>) -> Res<BandRow> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let first = k.next("比较符或否则")?;
    let test = match first.as_rule() {
        R::otherwise => None,
        _ => Some((cmp_op(cx, &first), expr(cx, k.next("阈值")?)?)),
    };
    let score = score(cx, k.next("得分")?)?;
    Ok(BandRow { test, score, span })
}

fn lookup_row(cx: Cx, pair: Pair<R>) -> Res<LookupRow> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let first = k.next("对照值或否则")?;
    let key = match first.as_rule() {
        R::otherwise => None,
        _ => Some(expr(cx, first)?),
    };
    let score = score(cx, k.next("得分")?)?;
    Ok(LookupRow { key, score, span })
}

fn grade_row(cx: Cx, pair: Pair<R>) -> Res<GradeRow> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let first = k.next("比较符或否则")?;
    let test = match first.as_rule() {
        R::otherwise => None,
        _ => Some((cmp_op(cx, &first), expr(cx, k.next("阈值")?)?)),
    };
    let grade = cx.name(&k.next("等级名称")?);
    Ok(GradeRow { test, grade, span })
}

/// `expr 得 N 分` / `每 expr 扣 N 分` rows: an expression and a score.
fn expr_score(cx: Cx, pair: Pair<R>) -> Res<(Expr, Spanned<Decimal>)> {
    let mut k = Kids::of(cx, pair);
    let e = expr(cx, k.next("表达式")?)?;
    let s = score(cx, k.next("分数")?)?;
    Ok((e, s))
}

fn bonus(cx: Cx, pair: Pair<R>) -> Res<Item> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let code = cx.name(&k.next("加分项编号")?);
    let name = name(cx, k.next("加分项名称")?)?;
    let rows = k.inner.map(|r| bonus_row(cx, r)).collect::<Res<Vec<_>>>()?;
    Ok(Item::Bonus(Bonus {
        code,
        name,
        rows,
        span,
    }))
}

fn bonus_row(cx: Cx, row: Pair<R>) -> Res<BonusRow> {
    let inner = Kids::of(cx, row).next("加分行")?;
    let is_each = inner.as_rule() == R::bonus_each;
    let (e, s) = expr_score(cx, inner)?;
    Ok(if is_each {
        BonusRow::Each(e, s)
    } else {
        BonusRow::If(e, s)
    })
}

fn score(cx: Cx, pair: Pair<R>) -> Res<Spanned<Decimal>> {
    let span = cx.span(&pair);
    let n = Kids::of(cx, pair).next("分数")?;
    Ok(Spanned::new(decimal(cx, &n)?, span))
}

fn name(cx: Cx, pair: Pair<R>) -> Res<Name> {
    let inner = Kids::of(cx, pair).next("名称")?;
    match inner.as_rule() {
        R::string => string(cx, inner),
        _ => Ok(cx.name(&inner)),
    }
}

pub(super) fn string(cx: Cx, pair: Pair<R>) -> Res<Spanned<String>> {
    let span = cx.span(&pair);
    let text = cx.text(&Kids::of(cx, pair).next("文本内容")?).to_string();
    Ok(Spanned::new(text, span))
}

/// Most significant digits, and most decimal places, of a number in rule
/// text: what rust_decimal (and so the checker) holds exactly (E0002).
pub const MAX_DIGITS: usize = 28;

pub(super) fn decimal(cx: Cx, pair: &Pair<R>) -> Res<Decimal> {
    exact(cx, pair, 0)
}

/// `95%`: the number divided by 100, so it may have two places fewer.
pub(super) fn percent(cx: Cx, pair: Pair<R>) -> Res<Decimal> {
    let n = Kids::of(cx, pair).next("百分数")?;
    exact(cx, &n, 2)
}

fn exact(cx: Cx, pair: &Pair<R>, shift: usize) -> Res<Decimal> {
    let text = cx.text(pair);
    parse_exact(text, shift).ok_or_else(|| {
        Diagnostic::error("E0002", format!("数值“{text}”超出可表示的范围"))
            .primary(cx.span(pair), "无法精确表示的数值")
            .help(format!(
                "数值最多 {MAX_DIGITS} 位有效数字、{MAX_DIGITS} 位小数（百分数最多 {} 位小数）",
                MAX_DIGITS - 2
            ))
    })
}

/// `[-]digits[.digits]` divided by 10^`shift`, if the result has at most
/// [`MAX_DIGITS`] significant digits and decimal places. Leading zeros and
/// zeros at the end of the fraction do not count: they change no value.
/// (rust_decimal's own parser takes up to 29 digits and rounds places
/// beyond 28, so it is not asked to judge.)
pub(super) fn parse_exact(text: &str, shift: usize) -> Option<Decimal> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let significant = if int.is_empty() {
        frac.trim_start_matches('0').len()
    } else {
        int.len() + frac.len()
    };
    let places = frac.len() + shift;
    if significant > MAX_DIGITS || places > MAX_DIGITS {
        return None;
    }
    // At most 28 digits once the zeros in front are dropped: an exact i128.
    let mantissa: i128 = format!("{int}{frac}")
        .trim_start_matches('0')
        .parse()
        .unwrap_or(0);
    let mantissa = if negative { -mantissa } else { mantissa };
    let value = Decimal::try_from_i128_with_scale(mantissa, u32::try_from(places).ok()?).ok()?;
    Some(value.normalize())
}

pub(super) fn cmp_op(cx: Cx, pair: &Pair<R>) -> CmpOp {
    match cx.text(pair) {
        "=" | "==" => CmpOp::Eq,
        "≠" | "!=" => CmpOp::Ne,
        ">=" | "≥" => CmpOp::Ge,
        "<=" | "≤" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Lt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_ends_before_trailing_comments_and_blank_lines() {
        let len = |t: &str| t.get(..statement_len(t)).unwrap_or("").to_string();
        assert_eq!(len("修改 指标 2 15 分\n\n# 第 2 条\n"), "修改 指标 2 15 分");
        assert_eq!(len("删除 2.3  # 注释\n  // 又一行\n"), "删除 2.3");
        assert_eq!(
            len("修改 指标 1 \"12#3\" 5 分\n"),
            "修改 指标 1 \"12#3\" 5 分"
        );
        assert_eq!(len("# 只有注释\n"), "");
    }

    #[test]
    fn numbers_take_at_most_28_significant_digits() {
        let nines = |n: usize| "9".repeat(n);
        assert_eq!(
            parse_exact(&nines(28), 0).map(|d| d.to_string()),
            Some(nines(28))
        );
        assert_eq!(parse_exact(&nines(29), 0), None);
        // rust_decimal itself would take this one (its largest value).
        assert_eq!(parse_exact("79228162514264337593543950335", 0), None);
        assert_eq!(parse_exact(&format!("1{}", "0".repeat(28)), 0), None);
        assert!(parse_exact(&format!("-{}", nines(28)), 0).is_some());
        assert_eq!(parse_exact(&format!("-{}", nines(29)), 0), None);
        // Zeros in front, and at the end of a fraction, are not digits of the value.
        let padded = format!("{}1.5{}", "0".repeat(40), "0".repeat(40));
        assert_eq!(
            parse_exact(&padded, 0).map(|d| d.to_string()),
            Some("1.5".into())
        );
        let mixed = format!("{}.{}", nines(14), nines(14));
        assert!(parse_exact(&mixed, 0).is_some());
        assert_eq!(
            parse_exact(&format!("{}.{}", nines(14), nines(15)), 0),
            None
        );
    }

    #[test]
    fn numbers_take_at_most_28_places_and_percentages_26() {
        let places = |n: usize| format!("0.{}1", "0".repeat(n - 1));
        let smallest = parse_exact(&places(28), 0);
        assert_eq!(smallest.map(|d| d.scale()), Some(28));
        assert_eq!(parse_exact(&places(29), 0), None);
        assert_eq!(parse_exact(&places(26), 2).map(|d| d.scale()), Some(28));
        assert_eq!(
            parse_exact("100", 2).map(|d| d.to_string()),
            Some("1".into())
        );
        assert_eq!(parse_exact(&places(27), 2), None);
        assert_eq!(
            parse_exact("95", 2).map(|d| d.to_string()),
            Some("0.95".into())
        );
        assert_eq!(
            parse_exact("-0.5", 0).map(|d| d.to_string()),
            Some("-0.5".into())
        );
    }
}
