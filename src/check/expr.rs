//! Name resolution and type checking of expressions: AST → typed IR.

use super::env::Env;
use super::suggest;
use super::units::{self, Rewrite};
use crate::diagnostic::Diagnostic;
use crate::ir::{self, ExprKind as K, FieldId, Func, Ty, Value};
use crate::number;
use crate::source::Span;
use crate::syntax::ast::{self, AggFn, BinOp, ExprKind as A, UnOp};
use std::collections::HashMap;

/// Types one expression at a time within a scope; records which subject
/// fields are read and every problem found.
pub struct Typer<'a> {
    pub env: &'a Env,
    /// `令` bindings visible here (earlier ones of the same indicator).
    pub lets: &'a [ir::Let],
    /// Their positions by name, when the caller keeps such an index (an
    /// indicator with many `令` would otherwise search them for every name).
    pub let_index: Option<&'a HashMap<String, usize>>,
    /// `令` whose value failed to type (already reported): a use of one is
    /// not reported again as an unknown name.
    pub poisoned: Option<&'a std::collections::HashSet<String>>,
    pub diags: &'a mut Vec<Diagnostic>,
    /// Subject fields read directly (not inside 最高/最低).
    pub used: Vec<FieldId>,
    /// Every field referenced anywhere: (table: None = subject, field).
    pub touched: Vec<(Option<usize>, FieldId)>,
    /// Inside an aggregate's filter: the event table.
    event: Option<usize>,
    in_population: bool,
}

impl<'a> Typer<'a> {
    pub fn new(env: &'a Env, lets: &'a [ir::Let], diags: &'a mut Vec<Diagnostic>) -> Self {
        Typer {
            env,
            lets,
            let_index: None,
            poisoned: None,
            diags,
            used: Vec::new(),
            touched: Vec::new(),
            event: None,
            in_population: false,
        }
    }

    fn err(&mut self, d: Diagnostic) -> Option<ir::Expr> {
        self.diags.push(d);
        None
    }

    pub fn expr(&mut self, e: &ast::Expr) -> Option<ir::Expr> {
        let span = e.span;
        let mk = |kind, ty| Some(ir::Expr { kind, ty, span });
        match &e.node {
            A::Number(d) => mk(K::Const(Value::Num(number::from_decimal(*d))), Ty::Number),
            A::Percent(d) => mk(K::Const(Value::Num(number::from_decimal(*d))), Ty::Ratio),
            A::Bool(b) => mk(K::Const(Value::Bool(*b)), Ty::YesNo),
            A::Str(s) => mk(K::Const(Value::Text(s.clone())), Ty::Text),
            A::Date(text) => match crate::date::parse(text) {
                Some(d) => mk(K::Const(Value::Date(d)), Ty::Date),
                None => self.err(
                    Diagnostic::error("E0110", format!("日期“{text}”无效"))
                        .primary(span, "不存在的日期")
                        .help("日期写作 YYYY-MM-DD，例如 2025-12-31"),
                ),
            },
            A::Name(name) => self.name(name, span),
            A::Path(table, field) => {
                let typed = self.path(table, field, span)?;
                self.err(
                    Diagnostic::error("E0201", "事件表的字段只能在 条数(…) 或 合计(…) 中使用")
                        .primary(typed.span, "此处不在汇总之内")
                        .help(format!("例如 合计({}.{} 满足 …)", table.node, field.node)),
                )
            }
            A::Call(func, args) => self.call(func, args, span),
            A::Aggregate {
                func,
                target,
                filter,
            } => self.aggregate(*func, target, filter.as_deref(), span),
            A::Unary(op, inner) => self.unary(*op, inner, span),
            A::Binary(op, l, r) => self.binary(*op, l, r, span),
        }
    }

    /// An expression that must be yes/no (a condition).
    pub fn condition(&mut self, e: &ast::Expr) -> Option<ir::Expr> {
        let t = self.expr(e)?;
        if t.ty != Ty::YesNo {
            return self.err(
                Diagnostic::error(
                    "E0201",
                    format!("此处应为条件（是否），实际为{}", t.ty.name()),
                )
                .primary(t.span, format!("类型为{}", t.ty.name()))
                .help("写出比较，例如 某字段 = 是 或 某数 > 0"),
            );
        }
        Some(t)
    }

    /// An expression that must be a number.
    pub fn numeric(&mut self, e: &ast::Expr) -> Option<ir::Expr> {
        let t = self.expr(e)?;
        self.require_numeric(&t)?;
        Some(t)
    }

    fn require_numeric(&mut self, t: &ir::Expr) -> Option<()> {
        if t.ty.is_numeric() {
            return Some(());
        }
        let d = if t.ty == Ty::YesNo {
            Diagnostic::error("E0202", "是否型的值不能当作数值使用")
                .primary(t.span, "此值为“是”或“否”")
                .help("用 清单 为“是”计分，或写成比较：若 某制度 = 是 得 1 分")
        } else {
            Diagnostic::error("E0201", format!("此处应为数值，实际为{}", t.ty.name()))
                .primary(t.span, format!("类型为{}", t.ty.name()))
                .help("计算与分档只能用数值字段（计数、小数、百分数、分数、金额）")
        };
        self.diags.push(d);
        None
    }

    fn name(&mut self, name: &str, span: Span) -> Option<ir::Expr> {
        let mk = |kind, ty| Some(ir::Expr { kind, ty, span });
        let found = match self.let_index {
            Some(index) => index.get(name).copied().filter(|&i| i < self.lets.len()),
            None => self.lets.iter().position(|l| l.name == name),
        };
        if let Some(i) = found {
            let ty = self.lets.get(i).map(|l| l.value.ty.clone())?;
            return mk(K::Let(i), ty);
        }
        if let Some(t) = self.event {
            if let Some(f) = self.env.events.get(t).and_then(|tb| tb.field(name)) {
                self.touched.push((Some(t), f));
                if self.env.poisoned_field(Some(t), f) {
                    return None;
                }
                let ty = self.env.events.get(t)?.fields.get(f)?.ty.clone();
                return mk(K::EventField(t, f), ty);
            }
        }
        if let Some(f) = self.env.subject_field(name) {
            self.touched.push((None, f));
            if !self.in_population && !self.used.contains(&f) {
                self.used.push(f);
            }
            if self.env.poisoned_field(None, f) {
                return None;
            }
            let ty = self.env.subject.fields.get(f)?.ty.clone();
            return mk(K::Field(f), ty);
        }
        if let Some(i) = self.env.param(name) {
            let ty = self.env.params.get(i)?.ty.clone();
            return mk(K::Param(i), ty);
        }
        if let Some(i) = self.env.period(name) {
            return mk(K::Period(i), Ty::Period);
        }
        self.unknown_name(name, span)
    }

    fn unknown_name(&mut self, name: &str, span: Span) -> Option<ir::Expr> {
        if self.poisoned.is_some_and(|p| p.contains(name)) || self.env.poisoned_name(name).is_some()
        {
            return None;
        }
        let mut candidates: Vec<&str> = self.lets.iter().map(|l| l.name.as_str()).collect();
        candidates.extend(self.env.subject.fields.iter().map(|f| f.name.as_str()));
        if let Some(t) = self.event.and_then(|t| self.env.events.get(t)) {
            candidates.extend(t.fields.iter().map(|f| f.name.as_str()));
        }
        candidates.extend(self.env.params.iter().map(|p| p.name.as_str()));
        candidates.extend(self.env.periods.iter().map(|p| p.name.as_str()));
        let mut d = Diagnostic::error("E0101", format!("未知的名称“{name}”"))
            .primary(span, "未声明的字段、参数或令");
        let closest = suggest::closest(name, candidates.iter().copied()).map(str::to_owned);
        if let Some(only) = suggest::only(name, candidates.iter().copied()) {
            d = d.fix(span, only);
        }
        d = match suggest::did_you_mean(name, candidates) {
            Some(help) => d.help(help),
            None => d.help("先在表中声明该字段，或用 令 定义它"),
        };
        // The field it suggests counts as used: one diagnostic for the typo,
        // not a second W0001 saying that field is unused.
        if let Some(c) = &closest {
            if let Some(f) = self.env.subject_field(c) {
                self.touched.push((None, f));
                if let Some(decl) = self.env.subject.fields.get(f) {
                    d = d.secondary(decl.span, "字段在此声明");
                }
            } else if let Some(t) = self.event {
                if let Some(f) = self.env.events.get(t).and_then(|tb| tb.field(c)) {
                    self.touched.push((Some(t), f));
                }
            }
        }
        self.err(d)
    }

    fn path(&mut self, table: &ast::Name, field: &ast::Name, span: Span) -> Option<ir::Expr> {
        let Some(t) = self.env.event_table(&table.node) else {
            return self.unknown_table(table);
        };
        let tb = self.env.events.get(t)?;
        let Some(f) = tb.field(&field.node) else {
            let hint =
                suggest::did_you_mean(&field.node, tb.fields.iter().map(|f| f.name.as_str()));
            let mut d = Diagnostic::error(
                "E0101",
                format!("表“{}”中没有字段“{}”", table.node, field.node),
            )
            .primary(field.span, "未声明的字段");
            if let Some(help) = hint {
                d = d.help(help);
            }
            return self.err(d);
        };
        self.touched.push((Some(t), f));
        if self.env.poisoned_field(Some(t), f) {
            return None;
        }
        let ty = tb.fields.get(f)?.ty.clone();
        Some(ir::Expr {
            kind: K::EventField(t, f),
            ty,
            span,
        })
    }

    fn unknown_table(&mut self, table: &ast::Name) -> Option<ir::Expr> {
        let names = self.env.events.iter().map(|t| t.name.as_str());
        let mut d = Diagnostic::error("E0105", format!("未知的事件表“{}”", table.node))
            .primary(table.span, "未声明的事件表");
        if let Some(help) = suggest::did_you_mean(&table.node, names) {
            d = d.help(help);
        } else {
            d = d.help("条数/合计 只能用于用 事件表 声明的表");
        }
        self.err(d)
    }

    fn aggregate(
        &mut self,
        func: AggFn,
        target: &ast::Expr,
        filter: Option<&ast::Expr>,
        span: Span,
    ) -> Option<ir::Expr> {
        let (table, field, ty) = match (&target.node, func) {
            (A::Name(name), AggFn::Count) => {
                let name_node = ast::Spanned::new(name.clone(), target.span);
                let Some(t) = self.env.event_table(name) else {
                    return self.unknown_table(&name_node);
                };
                (t, None, Ty::Count)
            }
            (A::Path(table, field), AggFn::Sum) => {
                let typed = self.path(table, field, target.span)?;
                self.require_numeric(&typed)?;
                let K::EventField(t, f) = typed.kind else {
                    return None;
                };
                (t, Some(f), typed.ty)
            }
            (_, AggFn::Count) => {
                return self.err(
                    Diagnostic::error("E0201", "条数(…) 的对象应为事件表名")
                        .primary(target.span, "此处应为事件表名")
                        .help("例如 条数(失信事件 满足 类型 = 拖欠账款)"),
                )
            }
            (_, AggFn::Sum) => {
                return self.err(
                    Diagnostic::error("E0201", "合计(…) 的对象应为“事件表.字段”")
                        .primary(target.span, "此处应为 事件表.字段")
                        .help("例如 合计(失信事件.金额 满足 类型 = 合同违约)"),
                )
            }
        };
        let outer = self.event.replace(table);
        let filter = match filter {
            Some(f) => Some(Box::new(self.condition(f)?)),
            None => None,
        };
        self.event = outer;
        Some(ir::Expr {
            kind: K::Aggregate {
                func,
                table,
                field,
                filter,
                slot: ir::NO_SLOT,
            },
            ty,
            span,
        })
    }

    fn call(&mut self, func: &ast::Name, args: &[ast::Expr], span: Span) -> Option<ir::Expr> {
        match func.node.as_str() {
            "最高" | "最低" => self.population(func, args, span),
            "最小" | "最大" | "限定" => {
                let (f, arity) = match func.node.as_str() {
                    "最小" => (Func::Min, None),
                    "最大" => (Func::Max, None),
                    _ => (Func::Clamp, Some(3)),
                };
                self.arity(func, args, arity.unwrap_or(2), arity.is_none())?;
                let typed = args
                    .iter()
                    .map(|a| self.numeric(a))
                    .collect::<Option<Vec<_>>>()?;
                let mut ty = typed.first()?.ty.clone();
                for t in typed.iter().skip(1) {
                    ty = self.unify(&ty, t, span)?;
                }
                Some(ir::Expr {
                    kind: K::Func(f, typed),
                    ty,
                    span,
                })
            }
            "日期" => {
                self.arity(func, args, 3, false)?;
                let typed = args
                    .iter()
                    .map(|a| self.numeric(a))
                    .collect::<Option<Vec<_>>>()?;
                Some(ir::Expr {
                    kind: K::Func(Func::MakeDate, typed),
                    ty: Ty::Date,
                    span,
                })
            }
            other => {
                self.silently(args);
                let known = ["最高", "最低", "最小", "最大", "限定", "日期"];
                let mut d = Diagnostic::error("E0107", format!("未知的函数“{other}”"))
                    .primary(func.span, "未知的函数");
                d = match suggest::did_you_mean(other, known.iter().copied()) {
                    Some(help) => d.help(help),
                    None => d.help(format!("可用的函数：{}", known.join("、"))),
                };
                self.err(d)
            }
        }
    }

    /// Type expressions only to record the fields they read; their own
    /// problems are not reported (the caller reports a bigger one).
    fn silently(&mut self, args: &[ast::Expr]) {
        let mut sink = Vec::new();
        let mut inner = Typer::new(self.env, self.lets, &mut sink);
        inner.let_index = self.let_index;
        inner.poisoned = self.poisoned;
        inner.event = self.event;
        for a in args {
            let _ = inner.expr(a);
        }
        let (used, touched) = (inner.used, inner.touched);
        self.used.extend(used);
        self.touched.extend(touched);
    }

    fn arity(
        &mut self,
        func: &ast::Name,
        args: &[ast::Expr],
        n: usize,
        at_least: bool,
    ) -> Option<()> {
        let ok = if at_least {
            args.len() >= n
        } else {
            args.len() == n
        };
        if ok {
            return Some(());
        }
        self.silently(args);
        let want = if at_least {
            format!("至少 {n} 个")
        } else {
            format!("{n} 个")
        };
        let d = Diagnostic::error(
            "E0107",
            format!(
                "函数“{}”需要{want}参数，实际给了 {} 个",
                func.node,
                args.len()
            ),
        )
        .primary(func.span, "参数个数不对");
        // 最大(x) / 最小(x) with one argument: the population's highest /
        // lowest value (最高 / 最低) is what one argument can mean.
        let population = match (func.node.as_str(), args.len()) {
            ("最大", 1) => Some("最高"),
            ("最小", 1) => Some("最低"),
            _ => None,
        };
        let d = match population {
            Some(meant) => d
                .fix(func.span, meant)
                .note(format!(
                    "{} 取两个值中较{}者；全体参评主体中某字段的{}值写作 {meant}(字段)",
                    func.node,
                    if meant == "最高" { "大" } else { "小" },
                    if meant == "最高" {
                        "最高"
                    } else {
                        "最低"
                    }
                ))
                .help(format!("是否想写“{meant}”？写作 {meant}(字段)")),
            None => d.help(match func.node.as_str() {
                "最高" | "最低" => "写作 最高(字段)",
                "限定" => "写作 限定(值, 下限, 上限)",
                "日期" => "写作 日期(年, 月, 日)",
                _ => "写作 最小(甲, 乙) 或 最大(甲, 乙)",
            }),
        };
        self.diags.push(d);
        None
    }

    /// `最高(字段)` / `最低(字段)`: over all evaluated subjects.
    fn population(&mut self, func: &ast::Name, args: &[ast::Expr], span: Span) -> Option<ir::Expr> {
        self.arity(func, args, 1, false)?;
        let arg = args.first()?;
        let was = std::mem::replace(&mut self.in_population, true);
        let typed = self.numeric(arg);
        self.in_population = was;
        let typed = typed?;
        let K::Field(f) = typed.kind else {
            return self.err(
                Diagnostic::error("E0201", format!("{}(…) 的参数应为对象表的字段", func.node))
                    .primary(arg.span, "此处应为字段名")
                    .help("相对评分取全部参评主体某字段的最高值或最低值"),
            );
        };
        let kind = if func.node == "最高" {
            K::PopMax(f)
        } else {
            K::PopMin(f)
        };
        Some(ir::Expr {
            kind,
            ty: typed.ty,
            span,
        })
    }

    fn unary(&mut self, op: UnOp, inner: &ast::Expr, span: Span) -> Option<ir::Expr> {
        let (typed, ty) = match op {
            UnOp::Not => (self.condition(inner)?, Ty::YesNo),
            UnOp::Neg => {
                let t = self.numeric(inner)?;
                let ty = if t.ty == Ty::Count {
                    Ty::Number
                } else {
                    t.ty.clone()
                };
                (t, ty)
            }
        };
        Some(ir::Expr {
            kind: K::Unary(op, Box::new(typed)),
            ty,
            span,
        })
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Option<ir::Expr> {
        match op {
            BinOp::And | BinOp::Or => {
                let (a, b) = (self.condition(l), self.condition(r));
                self.mk_bin(op, a?, b?, Ty::YesNo, span)
            }
            BinOp::In => {
                let (a, b) = (self.expr(l), self.expr(r));
                let (a, b) = (a?, b?);
                if a.ty != Ty::Date || b.ty != Ty::Period {
                    return self.err(
                        Diagnostic::error(
                            "E0201",
                            format!(
                                "“在”的左边应为日期、右边应为期间，实际为{}和{}",
                                a.ty.name(),
                                b.ty.name()
                            ),
                        )
                        .primary(span, "类型不符")
                        .help("例如 日期 在 评价期间"),
                    );
                }
                self.mk_bin(op, a, b, Ty::YesNo, span)
            }
            BinOp::Cmp(_) => {
                let (a, b) = self.comparable(l, r)?;
                self.compare_types(&a, &b, span)?;
                self.mk_bin(op, a, b, Ty::YesNo, span)
            }
            _ => {
                let (a, b) = (self.numeric(l), self.numeric(r));
                let (a, b) = (a?, b?);
                let ty = match op {
                    BinOp::Add | BinOp::Sub => {
                        let rewrite = Rewrite::of(op, l, r);
                        let u = self.unify_with(&a.ty, Some((&a, rewrite.as_ref())), &b, span)?;
                        if op == BinOp::Sub && u == Ty::Count {
                            Ty::Number
                        } else {
                            u
                        }
                    }
                    BinOp::Div if a.ty == Ty::Count && b.ty == Ty::Count => Ty::Ratio,
                    _ => Ty::Number,
                };
                self.mk_bin(op, a, b, ty, span)
            }
        }
    }

    fn mk_bin(
        &mut self,
        op: BinOp,
        a: ir::Expr,
        b: ir::Expr,
        ty: Ty,
        span: Span,
    ) -> Option<ir::Expr> {
        Some(ir::Expr {
            kind: K::Binary(op, Box::new(a), Box::new(b)),
            ty,
            span,
        })
    }

    /// Type both sides of a comparison; a bare name or text on one side of
    /// an enum field is read as one of the enum's values.
    fn comparable(&mut self, l: &ast::Expr, r: &ast::Expr) -> Option<(ir::Expr, ir::Expr)> {
        if self.is_unknown_word(l) {
            let b = self.expr(r)?;
            if let Ty::Enum(e) = b.ty {
                let a = self.enum_value(e, l)?;
                return Some((a, b));
            }
            return Some((self.expr(l)?, b));
        }
        let a = self.expr(l)?;
        if let Ty::Enum(e) = a.ty {
            let b = self.enum_value(e, r)?;
            return Some((a, b));
        }
        let b = self.expr(r)?;
        Some((a, b))
    }

    /// A bare word or text that names nothing in scope: maybe an enum value.
    fn is_unknown_word(&self, e: &ast::Expr) -> bool {
        match &e.node {
            A::Str(_) => true,
            A::Name(n) => {
                !self.lets.iter().any(|l| &l.name == n)
                    && self
                        .event
                        .and_then(|t| self.env.events.get(t)?.field(n))
                        .is_none()
                    && self.env.subject_field(n).is_none()
                    && self.env.param(n).is_none()
                    && self.env.period(n).is_none()
                    && self.env.poisoned_name(n).is_none()
                    && self.poisoned.is_none_or(|p| !p.contains(n))
            }
            _ => false,
        }
    }

    fn enum_value(&mut self, e: usize, r: &ast::Expr) -> Option<ir::Expr> {
        let text = match &r.node {
            A::Name(n) | A::Str(n) => n,
            _ => return self.expr(r),
        };
        let variants = self.env.enums.get(e)?;
        match variants.iter().position(|v| v == text) {
            Some(i) => Some(ir::Expr {
                kind: K::Const(Value::Enum(i as u32)),
                ty: Ty::Enum(e),
                span: r.span,
            }),
            None => {
                let mut d = Diagnostic::error("E0106", format!("“{text}”不是该枚举字段的取值"))
                    .primary(r.span, "未声明的取值")
                    .note(format!("可用的取值：{}", variants.join("、")));
                if let Some(help) = suggest::did_you_mean(text, variants.iter().map(String::as_str))
                {
                    d = d.help(help);
                }
                // A quoted value keeps its quotes: only a bare word is rewritten.
                if let (A::Name(_), Some(only)) = (
                    &r.node,
                    suggest::only(text, variants.iter().map(String::as_str)),
                ) {
                    d = d.fix(r.span, only);
                }
                self.err(d)
            }
        }
    }

    fn compare_types(&mut self, a: &ir::Expr, b: &ir::Expr, span: Span) -> Option<Ty> {
        if a.ty.is_numeric() && b.ty.is_numeric() {
            return self.unify_with(&a.ty, Some((a, None)), b, span);
        }
        if a.ty == b.ty && !matches!(a.ty, Ty::Period) {
            return Some(a.ty.clone());
        }
        let d = if a.ty == Ty::YesNo || b.ty == Ty::YesNo {
            let which = if a.ty == Ty::YesNo { b } else { a };
            Diagnostic::error("E0202", format!("是否型的值不能与{}比较", which.ty.name()))
                .primary(which.span, format!("类型为{}", which.ty.name()))
                .help("是否字段只与 是 或 否 比较")
        } else {
            Diagnostic::error("E0201", format!("{}与{}不能比较", a.ty.name(), b.ty.name()))
                .primary(b.span, format!("类型为{}", b.ty.name()))
                .secondary(a.span, format!("类型为{}", a.ty.name()))
                .help("比较两边须为同类的值：数与数、日期与日期、枚举与其取值")
        };
        self.diags.push(d);
        None
    }

    /// The common numeric type of two operands, or a unit error:
    /// a ratio (0–1, from a division or `95%`) never mixes with a percent
    /// field (0–100) or with a bare number.
    pub fn unify(&mut self, a: &Ty, b: &ir::Expr, span: Span) -> Option<Ty> {
        self.unify_with(a, None, b, span)
    }

    /// [`Self::unify`], knowing the left operand too (`a_expr`) and, for
    /// `+`/`-`, how the whole expression reads once its literal is
    /// rewritten (`Rewrite`), so the help can show the corrected text.
    fn unify_with(
        &mut self,
        a: &Ty,
        a_expr: Option<(&ir::Expr, Option<&Rewrite>)>,
        b: &ir::Expr,
        span: Span,
    ) -> Option<Ty> {
        let (ua, ub) = (unit(a), unit(&b.ty));
        if ua == ub {
            return Some(if a == &b.ty {
                a.clone()
            } else if ua == 0 {
                Ty::Number
            } else {
                a.clone()
            });
        }
        if (ua == 2 && ub == 0) || (ua == 0 && ub == 2) {
            return Some(Ty::Percent);
        }
        let d = units::mismatch(a, a_expr, b, span);
        self.diags.push(d);
        None
    }
}

/// 1 for a ratio (0–1), 2 for a percent field (0–100), 0 for other numbers.
fn unit(t: &Ty) -> u8 {
    match t {
        Ty::Ratio => 1,
        Ty::Percent => 2,
        _ => 0,
    }
}
