//! Declarations: metadata, evidence tables, parameters, periods, policies.

use super::env::{Env, Poisoned};
use super::expr::Typer;
use super::suggest;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, Field, Ty, Value};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{self, Constraint, FieldType, TableKind};
use std::collections::HashMap;

const TYPE_NAMES: [&str; 9] = [
    "文本",
    "计数",
    "小数",
    "百分数",
    "分数",
    "是否",
    "日期",
    "金额",
    "年份",
];

fn named_type(name: &ast::Name, diags: &mut Vec<Diagnostic>) -> Option<Ty> {
    Some(match name.node.as_str() {
        "文本" => Ty::Text,
        "计数" => Ty::Count,
        "小数" => Ty::Decimal,
        "百分数" => Ty::Percent,
        "分数" => Ty::Score,
        "是否" => Ty::YesNo,
        "日期" => Ty::Date,
        "金额" => Ty::Money,
        "年份" => Ty::Year,
        other => {
            let mut d = Diagnostic::error("E0108", format!("未知的类型“{other}”"))
                .primary(name.span, "未知的类型");
            if let Some(only) = suggest::only(other, TYPE_NAMES.iter().copied()) {
                d = d.fix(name.span, only);
            }
            d = match suggest::did_you_mean(other, TYPE_NAMES.iter().copied()) {
                Some(help) => d.help(help),
                None => d.help(format!("可用的类型：{}", TYPE_NAMES.join("、"))),
            };
            diags.push(d);
            return None;
        }
    })
}

/// Tables, with enums collected in declaration order.
pub fn tables(
    file_items: &[&ast::Table],
    diags: &mut Vec<Diagnostic>,
    file_span: Span,
    poisoned: &mut Poisoned,
) -> Option<(ir::Table, Vec<ir::Table>, Vec<Vec<String>>)> {
    let mut enums = Vec::new();
    let mut subject = None;
    let mut events = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for t in file_items {
        if let Some(&prev) = seen.get(t.name.node.as_str()) {
            diags.push(duplicate("表", &t.name, prev));
            continue;
        }
        seen.insert(&t.name.node, t.name.span);
        let mut table = table(t, &mut enums, diags, poisoned);
        groups(t, &mut table, diags);
        match t.kind {
            TableKind::Subject if subject.is_some() => diags.push(
                Diagnostic::error("E0109", "只能有一个对象表")
                    .primary(t.name.span, "第二个对象表")
                    .help("被评价主体放在一个 对象表 中，其余数据用 事件表"),
            ),
            TableKind::Subject => subject = Some(table),
            TableKind::Event => events.push((t, table)),
        }
    }
    let Some(subject) = subject else {
        diags.push(
            Diagnostic::error("E0109", "缺少对象表（被评价主体的数据表）")
                .primary(file_span, "本文件没有 对象表")
                .help("声明 对象表 主体 { 编码: 文本, 主键 … }"),
        );
        return None;
    };
    if subject.fields.iter().all(|f| !f.key) {
        diags.push(
            Diagnostic::error("E0109", format!("对象表“{}”缺少主键字段", subject.name))
                .primary(subject.span, "没有标为 主键 的字段")
                .help("为编码字段加上 主键，例如 编码: 文本, 主键"),
        );
    }
    let mut out_events = Vec::new();
    for (ast_table, mut table) in events {
        resolve_refs(ast_table, &mut table, &subject, diags);
        out_events.push(table);
    }
    Some((subject, out_events, enums))
}

fn duplicate(what: &str, name: &ast::Name, first: Span) -> Diagnostic {
    Diagnostic::error("E0102", format!("{what}“{}”重复声明", name.node))
        .primary(name.span, "重复的声明")
        .secondary(first, "首次声明于此")
        .help("删除其中一个，或改用不同的名称")
}

fn table(
    t: &ast::Table,
    enums: &mut Vec<Vec<String>>,
    diags: &mut Vec<Diagnostic>,
    poisoned: &mut Poisoned,
) -> ir::Table {
    let mut fields: Vec<Field> = Vec::new();
    // Names seen, so a table of many fields is checked in linear time.
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for f in &t.fields {
        if let Some(&prev) = seen.get(f.name.node.as_str()) {
            diags.push(duplicate("字段", &f.name, prev));
            continue;
        }
        let ty = match &f.ty {
            FieldType::Named(n) => named_type(n, diags),
            FieldType::Enum(variants, _) => {
                enums.push(variants.iter().map(|v| v.node.clone()).collect());
                Some(Ty::Enum(enums.len() - 1))
            }
        };
        if ty.is_none() {
            poisoned
                .fields
                .insert((t.name.node.clone(), f.name.node.clone()));
        }
        let range = match ty {
            Some(Ty::Percent | Ty::Score) => Some((number::zero(), number::int(100))),
            _ => None,
        };
        let mut field = Field {
            name: f.name.node.clone(),
            ty: ty.unwrap_or(Ty::Text),
            key: false,
            unique: false,
            required: false,
            refers_to_subject: false,
            group: false,
            at_most: None,
            range,
            span: f.name.span,
        };
        for c in &f.constraints {
            match &c.node {
                Constraint::Key => {
                    field.key = true;
                    field.required = true;
                    field.unique = true;
                }
                Constraint::Unique => field.unique = true,
                Constraint::Required => field.required = true,
                // Checked against the table's kind and other fields in `groups`.
                Constraint::Group => field.group = true,
                Constraint::Range(lo, hi) => {
                    field.range = Some((number::from_decimal(*lo), number::from_decimal(*hi)))
                }
                // Resolved once all fields of the table are known.
                Constraint::Ref(_) | Constraint::AtMost(_) => {}
            }
        }
        seen.insert(&f.name.node, f.name.span);
        fields.push(field);
    }
    let mut table = ir::Table {
        name: t.name.node.clone(),
        fields,
        span: t.name.span,
    };
    resolve_at_most(t, &mut table, diags);
    table
}

/// `分组` marks at most one text or enum field of the subject table
/// (E0112); a misplaced mark is reported and dropped.
fn groups(t: &ast::Table, table: &mut ir::Table, diags: &mut Vec<Diagnostic>) {
    let mut first: Option<Span> = None;
    for f in &t.fields {
        for c in &f.constraints {
            if !matches!(c.node, Constraint::Group) {
                continue;
            }
            let Some(field) = table
                .field(&f.name.node)
                .and_then(|i| table.fields.get_mut(i))
            else {
                continue;
            };
            let problem = if t.kind == TableKind::Event {
                Some(
                    Diagnostic::error(
                        "E0112",
                        format!("事件表“{}”的字段不能标为 分组", t.name.node),
                    )
                    .primary(c.span, "事件表中的 分组")
                    .help("分组 只用于对象表中主体的字段（如 所属地区），结果按它分组"),
                )
            } else if !matches!(field.ty, Ty::Text | Ty::Enum(_)) {
                Some(
                    Diagnostic::error(
                        "E0112",
                        format!("分组字段“{}”的类型是{}", f.name.node, field.ty.name()),
                    )
                    .primary(c.span, "只有文本或枚举字段能标为 分组")
                    .help("分组字段应为 文本 或 枚举（如 所属地区: 文本, 分组）"),
                )
            } else if let Some(prev) = first {
                Some(
                    Diagnostic::error(
                        "E0112",
                        format!("对象表“{}”有不止一个分组字段", t.name.node),
                    )
                    .primary(c.span, "第二个 分组")
                    .secondary(prev, "已在此处标为 分组")
                    .help("只保留一个字段的 分组"),
                )
            } else {
                first = Some(c.span);
                None
            };
            if let Some(d) = problem {
                diags.push(d);
                field.group = false;
            }
        }
    }
}

fn resolve_at_most(t: &ast::Table, table: &mut ir::Table, diags: &mut Vec<Diagnostic>) {
    // The first field of each name (a duplicate is not in the table).
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, f) in table.fields.iter().enumerate() {
        index.entry(f.name.clone()).or_insert(i);
    }
    for f in &t.fields {
        for c in &f.constraints {
            let Constraint::AtMost(other) = &c.node else {
                continue;
            };
            let Some(&target) = index.get(&other.node) else {
                let mut d = Diagnostic::error("E0101", format!("未知的字段“{}”", other.node))
                    .primary(other.span, "本表中没有此字段");
                if let Some(help) =
                    suggest::did_you_mean(&other.node, table.fields.iter().map(|f| f.name.as_str()))
                {
                    d = d.help(help);
                }
                diags.push(d);
                continue;
            };
            if let Some(field) = index
                .get(&f.name.node)
                .and_then(|&i| table.fields.get_mut(i))
            {
                field.at_most = Some(target);
            }
        }
    }
}

fn resolve_refs(
    t: &ast::Table,
    table: &mut ir::Table,
    subject: &ir::Table,
    diags: &mut Vec<Diagnostic>,
) {
    let mut found = false;
    for f in &t.fields {
        for c in &f.constraints {
            let Constraint::Ref(target) = &c.node else {
                continue;
            };
            if target.node != subject.name {
                diags.push(
                    Diagnostic::error("E0105", format!("引用的表“{}”不是对象表", target.node))
                        .primary(target.span, "此处应为对象表的名称")
                        .help(format!("事件表的主体编码字段应写 引用 {}", subject.name)),
                );
                continue;
            }
            if let Some(field) = table
                .field(&f.name.node)
                .and_then(|i| table.fields.get_mut(i))
            {
                field.refers_to_subject = true;
                field.required = true;
                found = true;
            }
        }
    }
    if !found {
        diags.push(
            Diagnostic::error(
                "E0109",
                format!("事件表“{}”没有引用对象表的字段", table.name),
            )
            .primary(table.span, "缺少 引用 约束")
            .help(format!(
                "为主体编码字段加上 引用 {}，例如 编码: 文本, 引用 {}",
                subject.name, subject.name
            )),
        );
    }
}

/// Parameters: name, type and a literal default.
///
/// A parameter whose type or default is wrong is reported once and
/// recorded in `poisoned`, so its uses are not reported again.
pub fn params(
    items: &[&ast::Param],
    diags: &mut Vec<Diagnostic>,
    poisoned: &mut Poisoned,
) -> Vec<ir::Param> {
    let mut out: Vec<ir::Param> = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for p in items {
        if let Some(&prev) = seen.get(p.name.node.as_str()) {
            diags.push(duplicate("参数", &p.name, prev));
            continue;
        }
        let Some(ty) = named_type(&p.ty, diags) else {
            poisoned.name(&p.name.node, p.name.span);
            continue;
        };
        let default = match (&p.default.node, &ty) {
            (ast::ExprKind::Number(d), t) if t.is_numeric() => Value::Num(number::from_decimal(*d)),
            (ast::ExprKind::Bool(b), Ty::YesNo) => Value::Bool(*b),
            (ast::ExprKind::Str(s), Ty::Text) => Value::Text(s.clone()),
            (ast::ExprKind::Date(s), Ty::Date) => match crate::date::parse(s) {
                Some(d) => Value::Date(d),
                None => {
                    diags.push(
                        Diagnostic::error("E0110", format!("日期“{s}”无效"))
                            .primary(p.default.span, "不存在的日期")
                            .help("日期写作 YYYY-MM-DD，例如 2025-12-31"),
                    );
                    poisoned.name(&p.name.node, p.name.span);
                    continue;
                }
            },
            _ => {
                diags.push(bad_default(p, &ty));
                poisoned.name(&p.name.node, p.name.span);
                continue;
            }
        };
        seen.insert(&p.name.node, p.name.span);
        out.push(ir::Param {
            name: p.name.node.clone(),
            ty,
            default,
            span: p.name.span,
        });
    }
    out
}

/// E0201 for a default of the wrong kind, with the default rewritten for
/// the declared type when the user's value says what was meant
/// (`"2025"` for a 年份 → `2025`, `95%` for a 百分数 → `95`).
fn bad_default(p: &ast::Param, ty: &Ty) -> Diagnostic {
    let d = Diagnostic::error(
        "E0201",
        format!("参数“{}”的默认值与类型{}不符", p.name.node, ty.name()),
    )
    .primary(p.default.span, "默认值类型不符")
    .secondary(p.ty.span, format!("声明的类型为{}", ty.name()));
    match default_rewrite(&p.default.node, ty) {
        Some(text) => d
            .help(format!("写作 参数 {}: {} = {text}", p.name.node, p.ty.node))
            .fix(p.default.span, text),
        None => d.help(format!(
            "{}类型的默认值写作 {}",
            ty.name(),
            example_default(ty)
        )),
    }
}

/// The user's default written as a literal of type `ty`, when it is clear.
fn default_rewrite(value: &ast::ExprKind, ty: &Ty) -> Option<String> {
    use ast::ExprKind as E;
    match (value, ty) {
        (E::Str(s), t) if t.is_numeric() => {
            let d: rust_decimal::Decimal = s.trim().parse().ok()?;
            Some(d.to_string())
        }
        (E::Str(s), Ty::Date) => crate::date::parse(s.trim()).map(|_| s.trim().to_string()),
        (E::Str(s), Ty::YesNo) if matches!(s.trim(), "是" | "否") => Some(s.trim().to_string()),
        (E::Percent(d), Ty::Percent | Ty::Score) => Some(number::show(&number::mul(
            &number::from_decimal(*d),
            &number::int(100),
        )?)),
        (E::Percent(d), Ty::Decimal) => Some(number::show(&number::from_decimal(*d))),
        (E::Number(d), Ty::Text) => Some(format!("\"{d}\"")),
        (E::Percent(d), Ty::Text) => Some(format!(
            "\"{}\"",
            number::show_percent(&number::from_decimal(*d))
        )),
        (E::Date(s), Ty::Text) => Some(format!("\"{s}\"")),
        _ => None,
    }
}

fn example_default(ty: &Ty) -> &'static str {
    match ty {
        Ty::Text => "\"文字\"（加引号）",
        Ty::YesNo => "是 或 否",
        Ty::Date => "2025-12-31",
        Ty::Year => "2025",
        Ty::Percent | Ty::Score => "95（不带 %）",
        _ => "一个数，例如 10",
    }
}

/// Periods `期间 名 = 日期 至 日期`, typed in the environment of parameters.
///
/// A period that fails (or reads a failed parameter) is recorded in
/// `poisoned`, so its uses are not reported again.
pub fn periods(
    items: &[&ast::Period],
    env: &Env,
    diags: &mut Vec<Diagnostic>,
    poisoned: &mut Poisoned,
) -> Vec<ir::Period> {
    let mut out: Vec<ir::Period> = Vec::new();
    for p in items {
        if let Some(prev) = out.iter().find(|q| q.name == p.name.node) {
            diags.push(duplicate("期间", &p.name, prev.span));
            continue;
        }
        let mut typer = Typer::new(env, &[], diags);
        let (from, to) = (typer.expr(&p.from), typer.expr(&p.to));
        let (Some(from), Some(to)) = (from, to) else {
            poisoned.name(&p.name.node, p.name.span);
            continue;
        };
        let mut ok = true;
        for e in [&from, &to] {
            if e.ty != Ty::Date {
                diags.push(
                    Diagnostic::error(
                        "E0201",
                        format!("期间的起止应为日期，实际为{}", e.ty.name()),
                    )
                    .primary(e.span, "此处应为日期")
                    .help("例如 日期(评价年度, 1, 1) 至 日期(评价年度, 12, 31)"),
                );
                ok = false;
            }
        }
        if !ok {
            poisoned.name(&p.name.node, p.name.span);
        } else {
            out.push(ir::Period {
                name: p.name.node.clone(),
                from,
                to,
                span: p.name.span,
            });
        }
    }
    out
}

/// The 通则 block.
pub fn policy(
    items: &[&ast::Spanned<ast::Policy>],
    file_span: Span,
    diags: &mut Vec<Diagnostic>,
) -> ir::Policy {
    let mut p = ir::Policy {
        full_marks: number::int(100),
        round_places: 2,
        zero_denominator: None,
        missing_zero: false,
        bonus_cap: None,
        total_cap: None,
        veto_grade: None,
        veto_grade_span: None,
        full_marks_span: None,
    };
    let mut has_full = false;
    let mut seen: Vec<(std::mem::Discriminant<ast::Policy>, Span)> = Vec::new();
    for item in items {
        let kind = std::mem::discriminant(&item.node);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
            diags.push(
                Diagnostic::error("E0102", "通则中同一项重复声明")
                    .primary(item.span, "重复的通则条目")
                    .secondary(*first, "首次声明于此")
                    .help("每项通则只写一次"),
            );
            continue;
        }
        seen.push((kind, item.span));
        match &item.node {
            ast::Policy::FullMarks(d) => {
                p.full_marks = number::from_decimal(*d);
                p.full_marks_span = Some(item.span);
                has_full = true;
            }
            ast::Policy::RoundHalfUp(d) => match u32::try_from(d.trunc().mantissa()) {
                Ok(places) if places <= 6 && d.fract().is_zero() => p.round_places = places,
                _ => diags.push(
                    Diagnostic::error("E0201", "舍入位数应为 0 到 6 之间的整数")
                        .primary(item.span, "无效的舍入位数")
                        .help("例如 舍入 四舍五入 2 位"),
                ),
            },
            ast::Policy::ZeroDenominator(o) => {
                p.zero_denominator = Some(match o {
                    ast::ZeroDenOutcome::FullPoints => ir::ZeroDen::FullPoints,
                    ast::ZeroDenOutcome::ZeroPoints => ir::ZeroDen::ZeroPoints,
                })
            }
            ast::Policy::MissingZero => p.missing_zero = true,
            ast::Policy::BonusCap(d) => p.bonus_cap = Some(number::from_decimal(*d)),
            ast::Policy::TotalCap(d) => p.total_cap = Some(number::from_decimal(*d)),
            ast::Policy::VetoGrade(n) => {
                p.veto_grade = Some(n.node.clone());
                p.veto_grade_span = Some(n.span);
            }
        }
    }
    if !has_full {
        diags.push(
            Diagnostic::error("E0109", "通则中缺少 满分")
                .primary(file_span, "未声明满分")
                .help("在 通则 中写 满分 100"),
        );
    }
    p
}

/// A constant number from a literal (band thresholds, anchors, keys).
pub fn constant(e: &ir::Expr) -> Option<Num> {
    match &e.kind {
        ir::ExprKind::Const(Value::Num(n)) => Some(*n),
        ir::ExprKind::Unary(ast::UnOp::Neg, inner) => constant(inner).map(|n| -n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{FileId, Span};

    /// The checked subject table's `分组` field and the E0112 messages of
    /// a file with these subject and event fields.
    fn groups(subject: &str, events: &str) -> (Option<String>, Vec<String>) {
        let text = format!(
            "对象表 主体 {{\n 编码: 文本, 主键\n 制度: 是否\n{subject}}}\n\
             事件表 事件 {{\n 主体编码: 文本, 引用 主体\n{events}}}\n\
             通则 {{\n 满分 1\n}}\n\
             指标 1 项 1 分 {{\n 清单 {{\n 制度 得 1 分\n }}\n}}\n\
             等级 {{\n 否则 为 合格\n}}\n"
        );
        let file = crate::syntax::parse(FileId(0), &text).expect("parses");
        let checked = super::super::check(&file, Span::new(FileId(0), 0, 0));
        let errors = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == "E0112")
            .map(|d| d.message.clone())
            .collect();
        let group = checked.model.and_then(|m| {
            m.subject
                .group_field()
                .and_then(|i| m.subject.fields.get(i))
                .map(|f| f.name.clone())
        });
        (group, errors)
    }

    #[test]
    fn one_text_or_enum_subject_field_groups() {
        assert_eq!(
            groups(" 地区: 文本, 分组\n", ""),
            (Some("地区".into()), vec![])
        );
        assert_eq!(
            groups(" 类别: 枚举 { 县, 区 }, 必填, 分组\n", ""),
            (Some("类别".into()), vec![])
        );
        assert_eq!(groups(" 地区: 文本\n", ""), (None, vec![]));
    }

    #[test]
    fn a_wrong_default_is_rewritten_for_its_type_when_clear() {
        use crate::ir::Ty;
        use crate::syntax::ast::ExprKind as E;
        use rust_decimal::Decimal;
        let rw = super::default_rewrite;
        assert_eq!(rw(&E::Str("2025".into()), &Ty::Year), Some("2025".into()));
        assert_eq!(
            rw(&E::Percent(Decimal::new(95, 2)), &Ty::Percent),
            Some("95".into())
        );
        assert_eq!(
            rw(&E::Percent(Decimal::new(95, 2)), &Ty::Text),
            Some("\"95%\"".into())
        );
        assert_eq!(
            rw(&E::Number(Decimal::new(3, 0)), &Ty::Text),
            Some("\"3\"".into())
        );
        assert_eq!(rw(&E::Bool(true), &Ty::Year), None);
        assert_eq!(rw(&E::Str("明年".into()), &Ty::Year), None);
    }

    /// Codes of checking a small file whose parameter, period or field
    /// declaration is broken as given.
    fn codes_with(param: &str, field_ty: &str) -> Vec<&'static str> {
        let text = format!(
            "参数 年度: {param}\n期间 期 = 日期(年度, 1, 1) 至 日期(年度, 12, 31)\n\
             对象表 主体 {{\n 编码: 文本, 主键\n 数: {field_ty}\n}}\n\
             事件表 事件 {{\n 主体编码: 文本, 引用 主体\n 日期: 日期\n}}\n\
             通则 {{\n 满分 1\n}}\n\
             指标 1 项 1 分 {{\n 公式 限定(数 - 条数(事件 满足 日期 在 期), 0, 1)\n}}\n\
             等级 {{\n 否则 为 合格\n}}\n"
        );
        let file = crate::syntax::parse(FileId(0), &text).expect("parses");
        let checked = super::super::check(&file, Span::new(FileId(0), 0, 0));
        checked.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_failed_declaration_still_defines_its_name() {
        assert_eq!(codes_with("年份 = 2025", "计数"), Vec::<&str>::new());
        assert_eq!(codes_with("年份 = \"2025\"", "计数"), vec!["E0201"]);
        assert_eq!(codes_with("年分 = 2025", "计数"), vec!["E0108"]);
        assert_eq!(codes_with("年份 = 2025", "计术"), vec!["E0108"]);
    }

    #[test]
    fn misplaced_groups_are_e0112() {
        let (_, errors) = groups(" 地区: 文本, 分组\n 省份: 文本, 分组\n", "");
        assert_eq!(errors, vec!["对象表“主体”有不止一个分组字段"]);
        let (_, errors) = groups(" 人口: 计数, 分组\n", "");
        assert_eq!(errors, vec!["分组字段“人口”的类型是计数"]);
        let (_, errors) = groups("", " 部门: 文本, 分组\n");
        assert_eq!(errors, vec!["事件表“事件”的字段不能标为 分组"]);
    }
}
