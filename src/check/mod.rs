//! Stage 2: syntax tree → checked, typed model ([`ir::Model`]).
//!
//! Every problem in the file is collected; the model is returned only when
//! there are no errors (warnings do not stop it).

mod amounts;
mod bounds;
mod chain;
mod conditions;
pub mod dates;
mod env;
mod expr;
mod guards;
mod interval;
mod range;
mod root_cause;
mod rules;
mod schema;
mod shape;
mod suggest;

pub use interval::Interval;
pub use range::score_range;
pub use suggest::{closest, did_you_mean};
mod tree;
mod units;

use crate::diagnostic::Diagnostic;
use crate::ir::{self, Mode, Ty};
use crate::number;
use crate::source::Span;
use crate::syntax::ast::{self, Item};
use env::Env;
use expr::Typer;
use rules::RuleChecker;
use std::collections::HashMap;

/// The result of checking: the model (if error-free) and all diagnostics.
pub struct Checked {
    pub model: Option<ir::Model>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn check(file: &ast::File, file_span: Span) -> Checked {
    let mut diags = Vec::new();
    let model = build(file, file_span, &mut diags);
    missing_together(&file.items, file_span, &mut diags);
    root_cause::merge(&mut diags);
    crate::diagnostic::sort(&mut diags);
    let has_errors = diags.iter().any(Diagnostic::is_error);
    Checked {
        model: if has_errors { None } else { model },
        diagnostics: diags,
    }
}

fn build(file: &ast::File, file_span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::Model> {
    let items = &file.items;
    let tables: Vec<&ast::Table> = items
        .iter()
        .filter_map(|i| {
            if let Item::Table(t) = i {
                Some(t)
            } else {
                None
            }
        })
        .collect();
    let params: Vec<&ast::Param> = items
        .iter()
        .filter_map(|i| {
            if let Item::Param(p) = i {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    let periods: Vec<&ast::Period> = items
        .iter()
        .filter_map(|i| {
            if let Item::Period(p) = i {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    let policies: Vec<&ast::Spanned<ast::Policy>> = items
        .iter()
        .filter_map(|i| {
            if let Item::Policies(p) = i {
                Some(p)
            } else {
                None
            }
        })
        .flatten()
        .collect();
    let meta = meta(items);
    let mode = mode(items);
    let policy = schema::policy(&policies, file_span, diags);
    let mut poisoned = env::Poisoned::default();
    let (subject, events, enums) = schema::tables(&tables, diags, file_span, &mut poisoned)?;
    let params = schema::params(&params, diags, &mut poisoned);
    let mut field_by_name: HashMap<&str, &ir::Field> = HashMap::new();
    for f in &subject.fields {
        field_by_name.entry(f.name.as_str()).or_insert(f);
    }
    for p in &params {
        if let Some(f) = field_by_name.get(p.name.as_str()) {
            diags.push(
                Diagnostic::error("E0102", format!("参数“{}”与对象表的字段同名", p.name))
                    .primary(p.span, "与字段同名的参数")
                    .secondary(f.span, "字段在此声明")
                    .help("为参数另取一个名称"),
            );
        }
    }
    let mut env = Env::new(subject, events, enums, params, Vec::new());
    env.poisoned = poisoned;
    let mut failed = env::Poisoned::default();
    let periods = schema::periods(&periods, &env, diags, &mut failed);
    env.set_periods(periods);
    env.poisoned.names.extend(failed.names);

    let mut touched = Vec::new();
    let (indicators, roots) =
        indicators(items, &env, &policy, mode, diags, &mut touched, file_span);
    let bonuses = bonuses(items, &env, diags, &mut touched);
    let vetoes = vetoes(items, &env, diags, &mut touched);
    {
        let mut scratch = Vec::new();
        let mut checker = RuleChecker {
            env: &env,
            policy: &policy,
            diags,
            touched: &mut scratch,
        };
        for b in &bonuses {
            for row in &b.rows {
                let (ir::BonusRow::Each(r) | ir::BonusRow::If(r)) = row;
                checker.check_plain_divisions(&r.expr);
            }
        }
        for v in &vetoes {
            checker.check_plain_divisions(&v.cond);
        }
    }
    let grades = grades(items, &env, &policy, mode, diags, file_span);
    unused_fields(&env, &touched, file_span.file, diags);
    uncapped_bonus(&bonuses, &policy, &policies, file_span, diags);
    amounts::bonuses(&bonuses, &policy, diags);

    let model = ir::Model {
        root: file_span.file,
        variant: is_variant(items, file_span.file),
        meta,
        mode,
        params: env.params,
        periods: env.periods,
        subject: env.subject,
        events: env.events,
        enums: env.enums,
        policy,
        indicators,
        roots,
        bonuses,
        vetoes,
        grades,
    };
    dates::check(&model, diags);
    conditions::check(&model, diags);
    Some(model)
}

/// The required declarations (E0109) an item list lacks, each with the
/// smallest text that declares it.
fn missing(items: &[Item]) -> Vec<(&'static str, &'static str)> {
    let has = |f: &dyn Fn(&Item) -> bool| items.iter().any(f);
    let mut out = Vec::new();
    if !has(
        &|i| matches!(i, Item::Policies(p) if p.iter().any(|p| matches!(p.node, ast::Policy::FullMarks(_)))),
    ) {
        out.push(("通则中的 满分", "通则 { 满分 100 }"));
    }
    if !has(&|i| matches!(i, Item::Table(t) if t.kind == ast::TableKind::Subject)) {
        out.push(("对象表", "对象表 主体 { 编码: 文本, 主键 }"));
    }
    if !has(&|i| matches!(i, Item::Indicator(_))) {
        out.push(("指标", "指标 1 名称 100 分 { … }"));
    }
    if !has(&|i| matches!(i, Item::Grades(_))) {
        out.push(("等级", "等级 { ≥ 60 为 合格  否则 为 不合格 }"));
    }
    out
}

/// Two or more missing declarations (an empty or truncated file) are one
/// E0109 that names them all, instead of one error each — or only the
/// first two, since checking stops without a subject table.
fn missing_together(items: &[Item], file_span: Span, diags: &mut Vec<Diagnostic>) {
    let missing = missing(items);
    if missing.len() < 2 {
        return;
    }
    diags.retain(|d| !(d.code == "E0109" && d.primary_span() == Some(file_span)));
    let names: Vec<&str> = missing.iter().map(|m| m.0).collect();
    let texts: Vec<&str> = missing.iter().map(|m| m.1).collect();
    diags.push(
        Diagnostic::error("E0109", format!("缺少必需的声明：{}", names.join("、")))
            .primary(
                file_span,
                format!("本文件缺少 {} 项必需的声明", names.len()),
            )
            .help(format!("补上这些声明，例如：{}", texts.join("；"))),
    );
}

/// A merged tree holds declarations from files other than the checked one.
fn is_variant(items: &[Item], root: crate::source::FileId) -> bool {
    items.iter().any(|i| match i {
        Item::Indicator(x) => x.span.file != root,
        Item::Table(t) => t.span.file != root,
        _ => false,
    })
}

fn meta(items: &[Item]) -> ir::Meta {
    let mut m = ir::Meta::default();
    for i in items {
        if let Item::Meta(key, value) = i {
            let slot = match key {
                ast::MetaKey::Standard => &mut m.standard,
                ast::MetaKey::Version => &mut m.version,
                ast::MetaKey::Applies => &mut m.applies,
            };
            *slot = value.node.clone();
        }
    }
    m
}

/// 计分 分值 (the default) or 计分 权重; the grammar admits only these two.
fn mode(items: &[Item]) -> Mode {
    let weights = items
        .iter()
        .any(|i| matches!(i, Item::Scoring(n) if n.node == "权重"));
    if weights {
        Mode::Weights
    } else {
        Mode::Points
    }
}

fn indicators(
    items: &[Item],
    env: &Env,
    policy: &ir::Policy,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
    touched: &mut Vec<(Option<usize>, usize)>,
    file_span: Span,
) -> (Vec<ir::Indicator>, Vec<ir::IndId>) {
    let roots_ast: Vec<&ast::Indicator> = items
        .iter()
        .filter_map(|i| {
            if let Item::Indicator(x) = i {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    // The tree is walked recursively below; a merged tree can be deeper
    // than any one file's braces allow, so its depth is measured first.
    if let Some(d) = tree::too_deep(&roots_ast) {
        diags.push(d);
        return (Vec::new(), Vec::new());
    }
    let checker = RuleChecker {
        env,
        policy,
        diags,
        touched,
    };
    let variant = is_variant(items, file_span.file);
    let mut tree = tree::TreeBuilder::new(mode, checker, file_span.file, variant);
    let roots: Vec<ir::IndId> = roots_ast.iter().map(|r| tree.add(r, None, 1)).collect();
    let owned: Vec<ast::Indicator> = roots_ast.iter().map(|r| (*r).clone()).collect();
    if roots.is_empty() {
        tree.rules.diags.push(
            Diagnostic::error("E0109", "没有任何指标")
                .primary(file_span, "本文件没有 指标")
                .help("声明 指标 1 名称 25 分 { … }"),
        );
    } else {
        tree.check_sum(&roots, &owned, None);
    }
    (tree.out, roots)
}

fn bonuses(
    items: &[Item],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    touched: &mut Vec<(Option<usize>, usize)>,
) -> Vec<ir::Bonus> {
    let mut out: Vec<ir::Bonus> = Vec::new();
    let mut seen = HashMap::new();
    for item in items {
        let Item::Bonus(b) = item else { continue };
        if let Some(&first) = seen.get(&b.code.node) {
            diags.push(dup_code(&b.code, first));
            continue;
        }
        seen.insert(&b.code.node, b.code.span);
        let mut typer = Typer::new(env, &[], diags);
        let mut rows = Vec::new();
        for row in &b.rows {
            let (e, s, each) = match row {
                ast::BonusRow::Each(e, s) => (e, s, true),
                ast::BonusRow::If(e, s) => (e, s, false),
            };
            let typed = if each {
                typer.numeric(e)
            } else {
                typer.condition(e)
            };
            if let Some(expr) = typed {
                let r = ir::ScoredRow {
                    expr,
                    score: number::from_decimal(s.node),
                    span: s.span,
                };
                rows.push(if each {
                    ir::BonusRow::Each(r)
                } else {
                    ir::BonusRow::If(r)
                });
            }
        }
        touched.extend(typer.touched);
        out.push(ir::Bonus {
            code: b.code.node.clone(),
            name: b.name.node.clone(),
            rows,
            span: b.code.span,
        });
    }
    out
}

fn dup_code(code: &ast::Spanned<String>, first: Span) -> Diagnostic {
    Diagnostic::error("E0103", format!("编号 {} 重复", code.node))
        .primary(code.span, "重复的编号")
        .secondary(first, "首次使用于此")
        .help("加分项、否决项的编号须唯一")
}

fn vetoes(
    items: &[Item],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    touched: &mut Vec<(Option<usize>, usize)>,
) -> Vec<ir::Veto> {
    let mut out: Vec<ir::Veto> = Vec::new();
    let mut seen = HashMap::new();
    for item in items {
        let Item::Veto(v) = item else { continue };
        if let Some(&first) = seen.get(&v.code.node) {
            diags.push(dup_code(&v.code, first));
            continue;
        }
        seen.insert(&v.code.node, v.code.span);
        let mut typer = Typer::new(env, &[], diags);
        let cond = typer.condition(&v.cond);
        touched.extend(typer.touched);
        if let Some(cond) = cond {
            out.push(ir::Veto {
                code: v.code.node.clone(),
                name: v.name.node.clone(),
                cond,
                span: v.code.span,
            });
        }
    }
    out
}

fn grades(
    items: &[Item],
    env: &Env,
    policy: &ir::Policy,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
    file_span: Span,
) -> Vec<ir::GradeRow> {
    let Some(rows) = items.iter().find_map(|i| {
        if let Item::Grades(g) = i {
            Some(g)
        } else {
            None
        }
    }) else {
        diags.push(
            Diagnostic::error("E0109", "缺少 等级 声明")
                .primary(file_span, "本文件没有等级表")
                .help("声明 等级 { ≥ 90 为 优秀 … 否则 为 不合格 }"),
        );
        return Vec::new();
    };
    let total = ir::Expr {
        kind: ir::ExprKind::Const(ir::Value::Num(number::zero())),
        ty: Ty::Number,
        span: rows.span,
    };
    let mut out = Vec::new();
    let mut typer = Typer::new(env, &[], diags);
    let typed = rules::band_rows(
        &mut typer,
        &total,
        rows.node.iter().map(|r| {
            (
                r.test.as_ref().map(|(op, e)| (*op, e)),
                rust_decimal::Decimal::ZERO,
                r.span,
            )
        }),
    );
    for (row, typed) in rows.node.iter().zip(typed.unwrap_or_default()) {
        out.push(ir::GradeRow {
            test: typed.test,
            grade: row.grade.node.clone(),
            span: row.span,
        });
    }
    // Coverage over the possible totals: 0 … total cap (or full marks + bonus cap).
    // Under 权重 the base score reaches 100 whatever 满分 says (a 满分
    // other than 100 is E0302 already, not also every grade row E0306).
    let full = match mode {
        Mode::Weights => number::int(100),
        Mode::Points => policy.full_marks,
    };
    let top = policy.total_cap.unwrap_or_else(|| {
        number::add(&full, &policy.bonus_cap.unwrap_or_default()).unwrap_or(full)
    });
    let band_rows: Vec<ir::BandRow> = out
        .iter()
        .map(|g| ir::BandRow {
            test: g.test,
            score: number::zero(),
            span: g.span,
        })
        .collect();
    let domain = interval::Set::from_interval(&Interval::new(number::zero(), top), false);
    let mut dummy = Vec::new();
    let mut checker = RuleChecker {
        env,
        policy,
        diags,
        touched: &mut dummy,
    };
    if checker.check_coverage(&domain, false, rows.span, &band_rows, "等级") {
        let shape_rows: Vec<shape::Row> = (out.iter().zip(&rows.node))
            .map(|(g, r)| shape::Row {
                test: g.test,
                score: number::zero(),
                span: g.span,
                threshold: r.test.as_ref().map(|(_, e)| e.span),
            })
            .collect();
        let names: Vec<String> = out.iter().map(|g| g.grade.clone()).collect();
        checker
            .diags
            .extend(shape::grades(&shape_rows, &names, &domain));
    }
    if let Some(veto) = &policy.veto_grade {
        if !out.iter().any(|g| &g.grade == veto) {
            checker
                .diags
                .push(unknown_veto_grade(veto, policy, &out, rows.span));
        }
    }
    out
}

/// E0101 for a 否决等级 not in the grade table, with the grades it may mean.
fn unknown_veto_grade(
    veto: &str,
    policy: &ir::Policy,
    grades: &[ir::GradeRow],
    table: Span,
) -> Diagnostic {
    let at = policy.veto_grade_span.unwrap_or(table);
    let names = || grades.iter().map(|g| g.grade.as_str());
    let mut d = Diagnostic::error("E0101", format!("否决等级“{veto}”不在等级表中"))
        .primary(at, "未知的等级")
        .secondary(table, "等级表");
    if let (Some(only), Some(span)) = (suggest::only(veto, names()), policy.veto_grade_span) {
        d = d.fix(span, only);
    }
    match suggest::did_you_mean(veto, names()) {
        Some(help) => d.help(help),
        None => {
            let all: Vec<&str> = names().collect();
            d.help(format!(
                "否决等级须是等级表中的一个等级：{}",
                all.join("、")
            ))
        }
    }
}

/// Warn about evidence fields no rule reads (text fields are descriptive).
/// Only fields declared in the checked file itself: a variant that drops an
/// indicator is not told about the base's fields it no longer reads.
/// W0003: bonus items without 加分上限 — deleting the cap silently grants
/// every bonus in full (6 or 7 points where the standard allows 5).
fn uncapped_bonus(
    bonuses: &[ir::Bonus],
    policy: &ir::Policy,
    policies: &[&ast::Spanned<ast::Policy>],
    file_span: Span,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(first) = bonuses.first() else {
        return;
    };
    if policy.bonus_cap.is_some() {
        return;
    }
    let codes: Vec<&str> = bonuses.iter().map(|b| b.code.as_str()).collect();
    let mut d = Diagnostic::warning(
        "W0003",
        format!(
            "有加分项（{}），但通则中没有加分上限：加分将全部计入",
            codes.join("、")
        ),
    )
    .primary(first.span, "加分项在此");
    d = match policies.first() {
        Some(p) => d.secondary(p.span, "通则中没有 加分上限"),
        None => d.secondary(Span::new(file_span.file, 0, 0), "本文件没有 通则"),
    };
    diags.push(d.help("在 通则 中写 加分上限（如 加分上限 5）；确实不设上限时，写一个不小于各加分项之和的上限，以示有意为之"));
}

fn unused_fields(
    env: &Env,
    touched: &[(Option<usize>, usize)],
    root: crate::source::FileId,
    diags: &mut Vec<Diagnostic>,
) {
    // Sets, so a table of many fields is checked in linear time.
    let touched: std::collections::HashSet<&(Option<usize>, usize)> = touched.iter().collect();
    let tables = std::iter::once((None, &env.subject))
        .chain(env.events.iter().enumerate().map(|(i, t)| (Some(i), t)));
    for (tid, table) in tables {
        let at_most_targets: std::collections::HashSet<usize> =
            table.fields.iter().filter_map(|g| g.at_most).collect();
        for (fid, f) in table.fields.iter().enumerate() {
            if f.span.file != root
                || f.ty == Ty::Text
                || f.group
                || f.key
                || f.refers_to_subject
                || at_most_targets.contains(&fid)
                || touched.contains(&(tid, fid))
            {
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    "W0001",
                    format!("表“{}”的字段“{}”没有被任何规则使用", table.name, f.name),
                )
                .primary(f.span, "未使用的字段")
                .help("删除该字段，或在指标、加分项、否决项中使用它"),
            );
        }
    }
}

#[cfg(test)]
mod missing_tests {
    use crate::driver::compile_source;

    fn errors(text: &str) -> Vec<String> {
        let c = compile_source("t.zb", text);
        c.diagnostics.iter().map(|d| d.message.clone()).collect()
    }

    #[test]
    fn several_missing_declarations_are_one_error_naming_all() {
        assert_eq!(
            errors(""),
            vec!["缺少必需的声明：通则中的 满分、对象表、指标、等级"]
        );
        assert_eq!(
            errors("通则 {\n  满分 10\n}\n对象表 主体 {\n  编码: 文本, 主键\n}\n"),
            vec!["缺少必需的声明：指标、等级"]
        );
    }
}

#[cfg(test)]
mod bonus_cap_tests {
    use crate::driver::compile_source;

    const RULES: &str = "标准 \"x\"\n计分 分值\n通则 {\n  满分 10\nCAP}\n\
对象表 主体 {\n  编码: 文本, 主键\n  制度: 是否\n  案例数: 计数\n}\n\
指标 1 制度 10 分 {\n  清单 {\n    制度 得 10 分\n  }\n}\n\
加分 B1 创新 {\n  每 案例数 加 1 分\n}\n\
等级 {\n  ≥ 6 为 合格\n  否则 为 不合格\n}\n";

    fn codes(cap: &str) -> Vec<&'static str> {
        let c = compile_source("t.zb", &RULES.replace("CAP", cap));
        c.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_bonus_without_a_cap_warns_and_with_one_does_not() {
        assert_eq!(codes(""), vec!["W0003"]);
        assert!(codes("  加分上限 2\n").is_empty());
    }
}
