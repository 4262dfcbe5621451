//! Structural changes between two models: indicators matched by code,
//! bonus and veto items by their code, parameters, periods and evidence
//! fields by name; rules compared as text with layout and comments ignored.

use super::text::{self, key};
use super::Side;
use crate::ir::{self, Indicator, Mode, Model, Ty, Value};
use crate::number::{self, Num};
use crate::source::Files;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Mode,
    Policy,
    Param,
    Period,
    FieldAdded,
    FieldRemoved,
    FieldChanged,
    IndicatorAdded,
    IndicatorRemoved,
    NameChanged,
    PointsChanged,
    WeightChanged,
    RuleChanged,
    BonusAdded,
    BonusRemoved,
    BonusChanged,
    VetoAdded,
    VetoRemoved,
    VetoChanged,
    GradesChanged,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Mode => "计分方式改变",
            ChangeKind::Policy => "通则改变",
            ChangeKind::Param => "参数改变",
            ChangeKind::Period => "期间改变",
            ChangeKind::FieldAdded => "证据字段增加",
            ChangeKind::FieldRemoved => "证据字段删除",
            ChangeKind::FieldChanged => "证据字段类型改变",
            ChangeKind::IndicatorAdded => "指标增加",
            ChangeKind::IndicatorRemoved => "指标删除",
            ChangeKind::NameChanged => "指标名称改变",
            ChangeKind::PointsChanged => "分值改变",
            ChangeKind::WeightChanged => "权重改变",
            ChangeKind::RuleChanged => "评分规则改变",
            ChangeKind::BonusAdded => "加分项增加",
            ChangeKind::BonusRemoved => "加分项删除",
            ChangeKind::BonusChanged => "加分项改变",
            ChangeKind::VetoAdded => "否决项增加",
            ChangeKind::VetoRemoved => "否决项删除",
            ChangeKind::VetoChanged => "否决项改变",
            ChangeKind::GradesChanged => "等级表改变",
        }
    }
}

/// One structural change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// Indicator code, bonus/veto code, policy item, parameter or field name.
    pub item: String,
    /// The item's name (indicators, bonus and veto items), else empty.
    pub name: String,
    /// Old and new value on one line (empty when not applicable).
    pub old: String,
    pub new: String,
    /// Old and new rule text, several lines (rules, bonus rows, veto
    /// conditions, grade tables).
    pub old_text: Option<String>,
    pub new_text: Option<String>,
    /// The old and new rule in words (the appendix's prose), for the
    /// memo's 修改对照表; `None` where the one-line values say it all.
    pub old_words: Option<String>,
    pub new_words: Option<String>,
}

impl Change {
    fn new(kind: ChangeKind, item: impl Into<String>, name: impl Into<String>) -> Change {
        Change {
            kind,
            item: item.into(),
            name: name.into(),
            old: String::new(),
            new: String::new(),
            old_text: None,
            new_text: None,
            old_words: None,
            new_words: None,
        }
    }

    fn values(mut self, old: impl Into<String>, new: impl Into<String>) -> Change {
        self.old = old.into();
        self.new = new.into();
        self
    }

    fn texts(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old_text = old;
        self.new_text = new;
        self
    }
}

/// The text of a leaf's rule: its `令` bindings, guards and scoring rule.
pub(super) fn rule_text(files: &Files, ind: &Indicator) -> Option<String> {
    if !ind.is_leaf() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    for l in &ind.lets {
        parts.push(format!(
            "令 {} = {}",
            l.name,
            text::source_text(files, l.value.span)
        ));
    }
    for g in &ind.guards {
        parts.push(format!(
            "若 {} 得 {} 分",
            text::source_text(files, g.cond.span),
            number::show(&g.score)
        ));
    }
    if let Some(span) = ind.rule_span {
        parts.push(text::source_text(files, span));
    }
    Some(parts.join("\n"))
}

pub(super) fn bonus_text(files: &Files, b: &ir::Bonus) -> String {
    b.rows
        .iter()
        .map(|row| match row {
            ir::BonusRow::Each(r) => format!(
                "每 {} 加 {} 分",
                text::source_text(files, r.expr.span),
                number::show(&r.score)
            ),
            ir::BonusRow::If(r) => format!(
                "若 {} 加 {} 分",
                text::source_text(files, r.expr.span),
                number::show(&r.score)
            ),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn grades_text(model: &Model) -> String {
    model
        .grades
        .iter()
        .map(|g| match g.test {
            Some((op, n)) => format!("{} {} 为 {}", op.symbol(), number::show(&n), g.grade),
            None => format!("否则 为 {}", g.grade),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn weight_text(model: &Model, ind: &Indicator) -> String {
    match model.mode {
        Mode::Points => format!("{} 分", number::show(&ind.weight)),
        Mode::Weights => format!("权重 {}", number::show_percent(&ind.weight)),
    }
}

fn mode_text(mode: Mode) -> &'static str {
    match mode {
        Mode::Points => "分值",
        Mode::Weights => "权重",
    }
}

fn opt_num(n: Option<Num>) -> String {
    n.map_or_else(|| "无".to_string(), |n| number::show(&n))
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Num(n) => number::show(n),
        Value::Bool(true) => "是".to_string(),
        Value::Bool(false) => "否".to_string(),
        Value::Text(s) => format!("\"{s}\""),
        Value::Enum(i) => format!("#{i}"),
        Value::Date(d) => crate::date::format(*d),
    }
}

fn type_text(model: &Model, ty: &Ty) -> String {
    match ty {
        Ty::Enum(i) => format!(
            "枚举 {{ {} }}",
            model
                .enums
                .get(*i)
                .map(|v| v.join(", "))
                .unwrap_or_default()
        ),
        other => other.name().to_string(),
    }
}

/// Indicator codes in natural order: 1.2 < 1.10 < 2.
pub(super) fn code_order(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<Option<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

pub(super) fn changes(old: &Side, new: &Side) -> Vec<Change> {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    let mut out = Vec::new();
    if om.mode != nm.mode {
        out.push(
            Change::new(ChangeKind::Mode, "计分", "")
                .values(mode_text(om.mode), mode_text(nm.mode)),
        );
    }
    policy(om, nm, &mut out);
    params(old, new, &mut out);
    fields(om, nm, &mut out);
    indicators(old, new, &mut out);
    bonuses(old, new, &mut out);
    vetoes(old, new, &mut out);
    let (og, ng) = (grades_text(om), grades_text(nm));
    if key(&og) != key(&ng) {
        out.push(Change::new(ChangeKind::GradesChanged, "等级", "").texts(Some(og), Some(ng)));
    }
    for c in &mut out {
        c.old_words = words(om, c);
        c.new_words = words(nm, c);
    }
    out
}

/// The changed item as one side's rules say it in words (`None` when that
/// side has no such item, or the change is a one-line value).
fn words(m: &Model, c: &Change) -> Option<String> {
    use ChangeKind::*;
    let code = c.item.as_str();
    match c.kind {
        IndicatorAdded | IndicatorRemoved | RuleChanged => {
            let ind = m.indicators.iter().find(|i| i.code == code)?;
            Some(crate::prose::rule(m, ind))
        }
        BonusAdded | BonusRemoved | BonusChanged => {
            let b = m.bonuses.iter().find(|b| b.code == code)?;
            Some(crate::prose::bonus(m, b))
        }
        VetoAdded | VetoRemoved | VetoChanged => {
            let v = m.vetoes.iter().find(|v| v.code == code)?;
            Some(crate::prose::veto(m, v))
        }
        GradesChanged => {
            let rows = crate::prose::grades(m);
            let text: Vec<String> = rows
                .into_iter()
                .map(|(g, cond)| format!("{cond} 为{g}"))
                .collect();
            Some(text.join("；"))
        }
        _ => None,
    }
}

fn policy(om: &Model, nm: &Model, out: &mut Vec<Change>) {
    let (op, np) = (&om.policy, &nm.policy);
    let zero_den = |z: Option<ir::ZeroDen>| match z {
        Some(ir::ZeroDen::FullPoints) => "得满分",
        Some(ir::ZeroDen::ZeroPoints) => "得零分",
        None => "未声明",
    };
    let missing = |m: bool| if m { "得零分" } else { "未声明" };
    let items: [(&str, String, String); 7] = [
        (
            "满分",
            number::show(&op.full_marks),
            number::show(&np.full_marks),
        ),
        (
            "舍入",
            format!("四舍五入 {} 位", op.round_places),
            format!("四舍五入 {} 位", np.round_places),
        ),
        (
            "分母为零",
            zero_den(op.zero_denominator).to_string(),
            zero_den(np.zero_denominator).to_string(),
        ),
        (
            "缺失",
            missing(op.missing_zero).to_string(),
            missing(np.missing_zero).to_string(),
        ),
        ("加分上限", opt_num(op.bonus_cap), opt_num(np.bonus_cap)),
        ("总分上限", opt_num(op.total_cap), opt_num(np.total_cap)),
        (
            "否决等级",
            op.veto_grade.clone().unwrap_or_else(|| "无".to_string()),
            np.veto_grade.clone().unwrap_or_else(|| "无".to_string()),
        ),
    ];
    for (item, o, n) in items {
        if o != n {
            out.push(Change::new(ChangeKind::Policy, item, "").values(o, n));
        }
    }
}

fn params(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    for p in &nm.params {
        let o = om
            .params
            .iter()
            .find(|q| q.name == p.name)
            .map(|q| value_text(&q.default))
            .unwrap_or_else(|| "无".to_string());
        let n = value_text(&p.default);
        if o != n {
            out.push(Change::new(ChangeKind::Param, &p.name, "").values(o, n));
        }
    }
    for q in &om.params {
        if !nm.params.iter().any(|p| p.name == q.name) {
            out.push(
                Change::new(ChangeKind::Param, &q.name, "").values(value_text(&q.default), "无"),
            );
        }
    }
    let period = |side: &Side, name: &str| {
        side.plan
            .model
            .periods
            .iter()
            .position(|p| p.name == name)
            .and_then(|i| side.period_texts.get(i).cloned())
    };
    let mut names: Vec<&str> = nm.periods.iter().map(|p| p.name.as_str()).collect();
    for p in &om.periods {
        if !names.contains(&p.name.as_str()) {
            names.push(&p.name);
        }
    }
    for name in names {
        let (o, n) = (period(old, name), period(new, name));
        if o.as_deref().map(key) != n.as_deref().map(key) {
            out.push(Change::new(ChangeKind::Period, name, "").values(
                o.unwrap_or_else(|| "无".to_string()),
                n.unwrap_or_else(|| "无".to_string()),
            ));
        }
    }
}

fn fields(om: &Model, nm: &Model, out: &mut Vec<Change>) {
    let tables = |m: &'_ Model| -> Vec<(String, Vec<(String, String)>)> {
        std::iter::once(&m.subject)
            .chain(m.events.iter())
            .map(|t| {
                (
                    t.name.clone(),
                    t.fields
                        .iter()
                        .map(|f| (f.name.clone(), type_text(m, &f.ty)))
                        .collect(),
                )
            })
            .collect()
    };
    let (ot, nt) = (tables(om), tables(nm));
    let find = |ts: &[(String, Vec<(String, String)>)], table: &str, field: &str| {
        ts.iter()
            .find(|(t, _)| t == table)
            .and_then(|(_, fs)| fs.iter().find(|(f, _)| f == field))
            .map(|(_, ty)| ty.clone())
    };
    for (table, fs) in &nt {
        for (field, ty) in fs {
            let item = format!("{table}.{field}");
            match find(&ot, table, field) {
                None => {
                    out.push(Change::new(ChangeKind::FieldAdded, item, "").values("", ty.clone()))
                }
                Some(old_ty) if &old_ty != ty => out.push(
                    Change::new(ChangeKind::FieldChanged, item, "").values(old_ty, ty.clone()),
                ),
                Some(_) => {}
            }
        }
    }
    for (table, fs) in &ot {
        for (field, ty) in fs {
            if find(&nt, table, field).is_none() {
                out.push(
                    Change::new(ChangeKind::FieldRemoved, format!("{table}.{field}"), "")
                        .values(ty.clone(), ""),
                );
            }
        }
    }
}

fn indicators(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    let mut codes: Vec<&str> = om
        .indicators
        .iter()
        .chain(nm.indicators.iter())
        .map(|i| i.code.as_str())
        .collect();
    codes.sort_by(|a, b| code_order(a, b));
    codes.dedup();
    let find = |m: &Model, code: &str| m.indicators.iter().position(|i| i.code == code);
    for code in codes {
        match (find(om, code), find(nm, code)) {
            (None, Some(n)) => {
                if let Some(ind) = nm.indicators.get(n) {
                    out.push(
                        Change::new(ChangeKind::IndicatorAdded, code, &ind.name)
                            .values("", weight_text(nm, ind))
                            .texts(None, new.rule_texts.get(n).cloned().flatten()),
                    );
                }
            }
            (Some(o), None) => {
                if let Some(ind) = om.indicators.get(o) {
                    out.push(
                        Change::new(ChangeKind::IndicatorRemoved, code, &ind.name)
                            .values(weight_text(om, ind), "")
                            .texts(old.rule_texts.get(o).cloned().flatten(), None),
                    );
                }
            }
            (Some(o), Some(n)) => {
                let (Some(oi), Some(ni)) = (om.indicators.get(o), nm.indicators.get(n)) else {
                    continue;
                };
                if oi.name != ni.name {
                    out.push(
                        Change::new(ChangeKind::NameChanged, code, &ni.name)
                            .values(&oi.name, &ni.name),
                    );
                }
                let (ow, nw) = (weight_text(om, oi), weight_text(nm, ni));
                if ow != nw {
                    let kind = match nm.mode {
                        Mode::Points => ChangeKind::PointsChanged,
                        Mode::Weights => ChangeKind::WeightChanged,
                    };
                    out.push(Change::new(kind, code, &ni.name).values(ow, nw));
                }
                let ot = old.rule_texts.get(o).cloned().flatten();
                let nt = new.rule_texts.get(n).cloned().flatten();
                if ot.as_deref().map(key) != nt.as_deref().map(key) {
                    out.push(Change::new(ChangeKind::RuleChanged, code, &ni.name).texts(ot, nt));
                }
            }
            (None, None) => {}
        }
    }
}

/// Bonus items and vetoes: matched by code, new order first, then the
/// removed ones in old order.
fn by_code<'a>(old: &'a [String], new: &'a [String]) -> Vec<&'a str> {
    let mut codes: Vec<&str> = new.iter().map(String::as_str).collect();
    for c in old {
        if !codes.contains(&c.as_str()) {
            codes.push(c);
        }
    }
    codes
}

fn bonuses(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    let oc: Vec<String> = om.bonuses.iter().map(|b| b.code.clone()).collect();
    let nc: Vec<String> = nm.bonuses.iter().map(|b| b.code.clone()).collect();
    for code in by_code(&oc, &nc) {
        let o = oc.iter().position(|c| c == code);
        let n = nc.iter().position(|c| c == code);
        let get = |side: &Side, i: Option<usize>| {
            i.and_then(|i| {
                let b = side.plan.model.bonuses.get(i)?;
                Some((b.name.clone(), side.bonus_texts.get(i)?.clone()))
            })
        };
        match (get(old, o), get(new, n)) {
            (None, Some((name, t))) => {
                out.push(Change::new(ChangeKind::BonusAdded, code, name).texts(None, Some(t)))
            }
            (Some((name, t)), None) => {
                out.push(Change::new(ChangeKind::BonusRemoved, code, name).texts(Some(t), None))
            }
            (Some((on, ot)), Some((nn, nt))) => {
                if on != nn || key(&ot) != key(&nt) {
                    let mut c = Change::new(ChangeKind::BonusChanged, code, &nn);
                    if on != nn {
                        c = c.values(on, nn);
                    }
                    out.push(c.texts(Some(ot), Some(nt)));
                }
            }
            (None, None) => {}
        }
    }
}

fn vetoes(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (om, nm) = (&old.plan.model, &new.plan.model);
    let oc: Vec<String> = om.vetoes.iter().map(|v| v.code.clone()).collect();
    let nc: Vec<String> = nm.vetoes.iter().map(|v| v.code.clone()).collect();
    for code in by_code(&oc, &nc) {
        let o = oc.iter().position(|c| c == code);
        let n = nc.iter().position(|c| c == code);
        let get = |side: &Side, i: Option<usize>| {
            i.and_then(|i| {
                let v = side.plan.model.vetoes.get(i)?;
                Some((v.name.clone(), side.veto_texts.get(i)?.clone()))
            })
        };
        match (get(old, o), get(new, n)) {
            (None, Some((name, t))) => {
                out.push(Change::new(ChangeKind::VetoAdded, code, name).texts(None, Some(t)))
            }
            (Some((name, t)), None) => {
                out.push(Change::new(ChangeKind::VetoRemoved, code, name).texts(Some(t), None))
            }
            (Some((on, ot)), Some((nn, nt))) => {
                if on != nn || key(&ot) != key(&nt) {
                    let mut c = Change::new(ChangeKind::VetoChanged, code, &nn);
                    if on != nn {
                        c = c.values(on, nn);
                    }
                    out.push(c.texts(Some(ot), Some(nt)));
                }
            }
            (None, None) => {}
        }
    }
}
