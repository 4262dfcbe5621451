//! Expressions and conditions in words.

use super::Prose;
use crate::ir::{self, ExprKind as K, Func, Ty, Value};
use crate::number::{self, Num};
use crate::syntax::ast::{AggFn, BinOp, CmpOp, UnOp};

/// Binding strength of arithmetic, for parentheses.
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Cmp(_) | BinOp::In => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div => 6,
    }
}

fn arith_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "−",
        BinOp::Mul => "×",
        BinOp::Div => "÷",
        _ => "",
    }
}

/// The comparison that holds exactly when `op` does not.
fn negated(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
    }
}

impl Prose<'_> {
    /// A value in words.
    pub fn expr(&self, e: &ir::Expr) -> String {
        self.arith(e, 0)
    }

    fn arith(&self, e: &ir::Expr, outer: u8) -> String {
        let (text, own) = match &e.kind {
            K::Const(v) => (self.value(v, &e.ty), 9),
            K::Field(f) => (self.subject_field(*f), 9),
            K::EventField(t, f) => (self.event_field(*t, *f), 9),
            K::Let(i) => (
                self.lets
                    .get(*i)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                9,
            ),
            K::Param(i) => (self.param(*i), 9),
            K::Period(i) => (self.period(*i), 9),
            K::PopMax(f) => (format!("{}最高值", self.subject_field(*f)), 9),
            K::PopMin(f) => (format!("{}最低值", self.subject_field(*f)), 9),
            K::Aggregate {
                func,
                table,
                field,
                filter,
                ..
            } => {
                let phrase = self.events(*table, filter.as_deref());
                let text = match (func, field) {
                    (AggFn::Sum, Some(f)) => {
                        format!("{phrase}{}合计", self.event_field(*table, *f))
                    }
                    _ => format!("{phrase}数"),
                };
                (text, 9)
            }
            K::Unary(UnOp::Neg, a) => (format!("−{}", self.arith(a, 8)), 8),
            K::Unary(UnOp::Not, _) => (self.cond(e), 9),
            K::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                let p = precedence(*op);
                (
                    format!(
                        "{} {} {}",
                        self.arith(a, p),
                        arith_symbol(*op),
                        self.arith(b, p + 1)
                    ),
                    p,
                )
            }
            K::Binary(..) => (self.cond(e), 9),
            // “a 与 b 中较小者” is bracketed inside arithmetic.
            K::Func(f @ (Func::Min | Func::Max), args) => (self.func(*f, args, e), 3),
            K::Func(f, args) => (self.func(*f, args, e), 9),
        };
        if own < outer {
            format!("({text})")
        } else {
            text
        }
    }

    fn func(&self, f: Func, args: &[ir::Expr], e: &ir::Expr) -> String {
        let words: Vec<String> = args.iter().map(|a| self.arith(a, 0)).collect();
        match (f, words.as_slice()) {
            (Func::Min, [a, b]) => join(&[a, "与", b, "中较小者"]),
            (Func::Max, [a, b]) => join(&[a, "与", b, "中较大者"]),
            (Func::Min, _) => join(&[&join_with(&words, "、"), "中最小者"]),
            (Func::Max, _) => join(&[&join_with(&words, "、"), "中最大者"]),
            (Func::Clamp, [x, lo, hi]) => {
                format!("{x}（低于 {lo} 的按 {lo} 计，高于 {hi} 的按 {hi} 计）")
            }
            (Func::Clamp, _) => words.join("、"),
            (Func::MakeDate, _) => {
                let words = self.date_expr(e);
                // A parameter's date also at the parameters' defaults.
                match self.const_date(e) {
                    Some(d) if self.uses_param(e) => {
                        format!("{words}（按参数默认值为 {}）", super::date(d))
                    }
                    _ => words,
                }
            }
        }
    }

    /// A date expression: its day at the parameters' defaults, or, when a
    /// parameter sets the year, “评价年度的1月1日”.
    pub fn date_expr(&self, e: &ir::Expr) -> String {
        match &e.kind {
            K::Func(Func::MakeDate, args) if self.uses_param(e) => {
                let part = |i: usize| {
                    args.get(i)
                        .and_then(|a| self.const_num(a))
                        .map(|n| number::show(&n))
                };
                let year = args.first().map(|a| self.bare(a)).unwrap_or_default();
                match (part(1), part(2)) {
                    (Some(m), Some(d)) => format!("{year}的{m}月{d}日"),
                    _ => self.const_date(e).map(super::date).unwrap_or_default(),
                }
            }
            _ => self.const_date(e).map(super::date).unwrap_or_default(),
        }
    }

    /// An expression's words without a parameter's default (for “评价年度的…”).
    fn bare(&self, e: &ir::Expr) -> String {
        match &e.kind {
            K::Param(i) => self
                .model
                .params
                .get(*i)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            _ => self.expr(e),
        }
    }

    fn uses_param(&self, e: &ir::Expr) -> bool {
        matches!(e.kind, K::Param(_)) || e.children().any(|c| self.uses_param(c))
    }

    /// A parameter in words: its name and default.
    fn param(&self, i: usize) -> String {
        match self.model.params.get(i) {
            Some(p) => format!(
                "{}（默认 {}）",
                p.name,
                crate::eval::show_value(self.model, &p.default, Some(&p.ty))
            ),
            None => String::new(),
        }
    }

    /// “评价期间（2025年1月1日至12月31日）”; said again in the same text,
    /// just “评价期间”.
    pub fn period(&self, i: usize) -> String {
        let Some(p) = self.model.periods.get(i) else {
            return String::new();
        };
        if self.said.borrow().contains(&i) {
            return p.name.clone();
        }
        self.said.borrow_mut().push(i);
        match (self.const_date(&p.from), self.const_date(&p.to)) {
            (Some(a), Some(b)) => format!("{}（{}）", p.name, date_range(a, b)),
            _ => p.name.clone(),
        }
    }

    /// The value of a constant expression at the parameters' defaults.
    pub fn const_value(&self, e: &ir::Expr) -> Option<Value> {
        match &e.kind {
            K::Const(v) => Some(v.clone()),
            K::Param(i) => self.model.params.get(*i).map(|p| p.default.clone()),
            K::Func(Func::MakeDate, args) => {
                let n: Vec<Num> = args.iter().filter_map(|a| self.const_num(a)).collect();
                match n.as_slice() {
                    [y, m, d] => crate::date::make(y, m, d).ok().map(Value::Date),
                    _ => None,
                }
            }
            K::Binary(op, a, b) => {
                let (x, y) = (self.const_num(a)?, self.const_num(b)?);
                let n = match op {
                    BinOp::Add => number::add(&x, &y),
                    BinOp::Sub => number::sub(&x, &y),
                    BinOp::Mul => number::mul(&x, &y),
                    BinOp::Div => number::div(&x, &y),
                    _ => None,
                }?;
                Some(Value::Num(n))
            }
            _ => None,
        }
    }

    fn const_num(&self, e: &ir::Expr) -> Option<Num> {
        match self.const_value(e)? {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn const_date(&self, e: &ir::Expr) -> Option<i64> {
        match self.const_value(e)? {
            Value::Date(d) => Some(d),
            _ => None,
        }
    }

    /// A constant in the unit of its type.
    pub fn value(&self, v: &Value, ty: &Ty) -> String {
        match (v, ty) {
            (Value::Num(n), t) => super::quantity(n, t),
            (Value::Bool(b), _) => if *b { "“是”" } else { "“否”" }.to_string(),
            (Value::Date(d), _) => super::date(*d),
            (Value::Enum(i), Ty::Enum(e)) => self
                .model
                .enums
                .get(*e)
                .and_then(|v| v.get(*i as usize))
                .cloned()
                .unwrap_or_default(),
            (Value::Text(s), _) => format!("“{s}”"),
            (v, t) => crate::eval::show_value(self.model, v, Some(t)),
        }
    }

    pub fn subject_field(&self, f: usize) -> String {
        self.model
            .subject
            .fields
            .get(f)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    }

    fn event_field(&self, t: usize, f: usize) -> String {
        self.model
            .events
            .get(t)
            .and_then(|t| t.fields.get(f))
            .map(|f| f.name.clone())
            .unwrap_or_default()
    }

    /// The events an aggregate counts, as a noun phrase: “评价期间（…）内类型为
    /// 拖欠账款且未整改的失信事件”. The period comes first, as the appendix
    /// writes it; the other conditions follow in their order.
    pub fn events(&self, table: usize, filter: Option<&ir::Expr>) -> String {
        let mut conjuncts = Vec::new();
        if let Some(f) = filter {
            flatten_and(f, &mut conjuncts);
        }
        let (lead, rest) = self.event_filter(&conjuncts);
        self.event_phrase(table, &lead, &rest, "")
    }

    /// “{lead}{verb}{rest}的{table}”: `verb` (“存在”) goes after the period.
    fn event_phrase(&self, table: usize, lead: &str, rest: &str, verb: &str) -> String {
        let name = self
            .model
            .events
            .get(table)
            .map(|t| t.name.as_str())
            .unwrap_or_default();
        if rest.is_empty() {
            match (lead.is_empty(), verb.is_empty()) {
                (true, _) => format!("{verb}{name}"),
                (false, true) => format!("{lead}的{name}"),
                (false, false) => format!("{lead}{verb}{name}"),
            }
        } else {
            super::then(&format!("{lead}{verb}{rest}"), &format!("的{name}"))
        }
    }

    /// An event filter's conjuncts in words: the periods (“评价期间（…）内”)
    /// and the other conditions joined with 且.
    fn event_filter(&self, conjuncts: &[&ir::Expr]) -> (String, String) {
        let mut within = Vec::new();
        let mut rest = Vec::new();
        for c in conjuncts {
            match &c.kind {
                K::Binary(BinOp::In, _, p) if matches!(p.kind, K::Period(_)) => {
                    if let K::Period(i) = p.kind {
                        within.push(format!("{}内", self.period(i)));
                    }
                }
                _ => rest.push(self.cond_prec(c, 2)),
            }
        }
        (within.concat(), join_with(&rest, "且"))
    }

    /// Counts of one event table under filters that share conditions (a
    /// deduction's rows): the shared part as a noun phrase and, for each
    /// row, what it adds (“未整改”, or empty when it adds nothing). `None`
    /// when the rows are not all counts of one table or share nothing.
    pub fn shared_events(&self, rows: &[&ir::Expr]) -> Option<(String, Vec<String>)> {
        let mut table = None;
        let mut lists: Vec<Vec<&ir::Expr>> = Vec::new();
        for e in rows {
            let K::Aggregate {
                func: AggFn::Count,
                table: t,
                filter,
                ..
            } = &e.kind
            else {
                return None;
            };
            if table.is_some_and(|x| x != *t) {
                return None;
            }
            table = Some(*t);
            let mut c = Vec::new();
            if let Some(f) = filter {
                flatten_and(f, &mut c);
            }
            lists.push(c);
        }
        let (table, first) = (table?, lists.first()?);
        if rows.len() < 2 {
            return None;
        }
        let in_all = |c: &&ir::Expr| lists.iter().all(|l| l.iter().any(|x| x.same_as(c)));
        let shared: Vec<&ir::Expr> = first.iter().copied().filter(in_all).collect();
        if shared.is_empty() {
            return None;
        }
        let (lead, rest) = self.event_filter(&shared);
        let phrase = self.event_phrase(table, &lead, &rest, "");
        let own = lists
            .iter()
            .map(|l| {
                let extra: Vec<&ir::Expr> = l
                    .iter()
                    .copied()
                    .filter(|c| !shared.iter().any(|s| s.same_as(c)))
                    .collect();
                let (lead, rest) = self.event_filter(&extra);
                format!("{lead}{rest}")
            })
            .collect();
        Some((phrase, own))
    }

    /// A condition in words.
    pub fn cond(&self, e: &ir::Expr) -> String {
        self.cond_prec(e, 0)
    }

    /// `outer`: 2 inside 且 (an 或 gets brackets), 0 elsewhere.
    fn cond_prec(&self, e: &ir::Expr, outer: u8) -> String {
        match &e.kind {
            K::Binary(BinOp::And, _, _) => {
                let mut parts = Vec::new();
                flatten_and(e, &mut parts);
                let words: Vec<String> = parts.iter().map(|p| self.cond_prec(p, 2)).collect();
                join_with(&words, "且")
            }
            K::Binary(BinOp::Or, a, b) => {
                let text = join(&[&self.cond_prec(a, 1), "或", &self.cond_prec(b, 1)]);
                if outer > 1 {
                    format!("（{text}）")
                } else {
                    text
                }
            }
            K::Unary(UnOp::Not, a) => self.negation(a),
            K::Binary(BinOp::Cmp(op), a, b) => self.compare(*op, a, b),
            K::Binary(BinOp::In, a, b) => format!("{}在{}内", self.expr(a), self.expr(b)),
            K::Const(Value::Bool(b)) => if *b {
                "任何情况"
            } else {
                "任何情况均不"
            }
            .to_string(),
            _ if e.ty == Ty::YesNo => self.yes_no(e, true),
            _ => self.expr(e),
        }
    }

    fn negation(&self, a: &ir::Expr) -> String {
        match &a.kind {
            K::Binary(BinOp::Cmp(op), x, y) => self.compare(negated(*op), x, y),
            K::Unary(UnOp::Not, inner) => self.cond(inner),
            _ if a.ty == Ty::YesNo && !matches!(a.kind, K::Binary(..)) => self.yes_no(a, false),
            _ => format!("不属于“{}”的情形", self.cond(a)),
        }
    }

    /// A yes/no value being `want`: “已整改”/“未整改” for a field named
    /// 已…, else “执法公示制度为“是””.
    fn yes_no(&self, e: &ir::Expr, want: bool) -> String {
        let name = self.expr(e);
        match name.strip_prefix('已') {
            Some(rest) if !rest.is_empty() => {
                if want {
                    name
                } else {
                    format!("未{rest}")
                }
            }
            _ => format!("{name}为{}", if want { "“是”" } else { "“否”" }),
        }
    }

    fn compare(&self, op: CmpOp, a: &ir::Expr, b: &ir::Expr) -> String {
        // A yes/no compared with 是/否.
        if let K::Const(Value::Bool(v)) = b.kind {
            let want = v == (op == CmpOp::Eq);
            if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return self.yes_no(a, want);
            }
        }
        if let Some(text) = self.count_events(op, a, b) {
            return text;
        }
        let left = self.expr(a);
        let constant = matches!(b.kind, K::Const(_));
        // A constant is said in the unit of what it is compared with
        // (“金额 ≥ 1000000 元”).
        let right = match &b.kind {
            K::Const(Value::Num(n)) => super::quantity(n, &a.ty),
            _ => self.expr(b),
        };
        match op {
            CmpOp::Eq if constant => format!("{left}为{}", spaced(&right)),
            CmpOp::Ne if constant => format!("{left}不为{}", spaced(&right)),
            CmpOp::Eq => format!("{left}等于{right}"),
            CmpOp::Ne => format!("{left}不等于{right}"),
            _ => format!("{left} {} {right}", op.symbol()),
        }
    }

    /// Counting events against a number: “存在…的失信事件”, “不存在…”,
    /// “…的失信事件达到 3 件”.
    fn count_events(&self, op: CmpOp, a: &ir::Expr, b: &ir::Expr) -> Option<String> {
        let K::Aggregate {
            func: AggFn::Count,
            table,
            filter,
            ..
        } = &a.kind
        else {
            return None;
        };
        let n = match &b.kind {
            K::Const(Value::Num(n)) => *n,
            _ => return None,
        };
        let mut conjuncts = Vec::new();
        if let Some(f) = filter.as_deref() {
            flatten_and(f, &mut conjuncts);
        }
        let (lead, rest) = self.event_filter(&conjuncts);
        let phrase = self.event_phrase(*table, &lead, &rest, "");
        let zero = number::zero();
        let one = number::int(1);
        let exists = |verb: &str| self.event_phrase(*table, &lead, &rest, verb);
        let text = match op {
            CmpOp::Gt if n == zero => exists("存在"),
            CmpOp::Ge if n == one => exists("存在"),
            CmpOp::Eq | CmpOp::Le if n == zero => exists("不存在"),
            CmpOp::Lt if n == one => exists("不存在"),
            CmpOp::Eq => format!("{phrase}恰为 {} 件", number::show(&n)),
            CmpOp::Ne => format!("{phrase}不为 {} 件", number::show(&n)),
            other => format!("{phrase}数 {} {}", other.symbol(), number::show(&n)),
        };
        Some(text)
    }
}

/// Pieces run together with [`super::then`]'s spacing.
fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .fold(String::new(), |acc, p| super::then(&acc, p))
}

/// Pieces with a word between them (“且”, “、”), spaced as [`join`].
fn join_with(parts: &[String], sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out = super::then(&out, sep);
        }
        out = super::then(&out, p);
    }
    out
}

/// A number after 为 gets a space (“为 0”); a word does not (“为拖欠账款”).
fn spaced(s: &str) -> String {
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() || c == '−' || c == '-' => format!(" {s}"),
        _ => s.to_string(),
    }
}

fn flatten_and<'e>(e: &'e ir::Expr, out: &mut Vec<&'e ir::Expr>) {
    match &e.kind {
        K::Binary(BinOp::And, a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        _ => out.push(e),
    }
}

/// “2025年1月1日至12月31日”: the second year is left out when it is the first's.
pub fn date_range(a: i64, b: i64) -> String {
    let (da, db) = (super::date(a), super::date(b));
    let year = |s: &str| s.split('年').next().map(str::to_string);
    match (year(&da), db.split_once('年')) {
        (Some(ya), Some((yb, rest))) if ya == yb => format!("{da}至{rest}"),
        _ => format!("{da}至{db}"),
    }
}

/// Whether an expression reads a population maximum or minimum.
pub fn uses_population(e: &ir::Expr, max: &mut bool, min: &mut bool) {
    match e.kind {
        K::PopMax(_) => *max = true,
        K::PopMin(_) => *min = true,
        _ => {}
    }
    for c in e.children() {
        uses_population(c, max, min);
    }
}
