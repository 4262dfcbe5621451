//! Rules in words: the one renderer that `doc`, `explain`, `diff` and the
//! report call, so the same rule reads the same everywhere.
//!
//! Every form of the typed model becomes plain Chinese as the scoring
//! appendix writes it: “审查率 = 100% 得 5 分；≥ 95% 得 4 分”, “评价期间
//! （2025年1月1日至12月31日）内类型为拖欠账款且未整改的失信事件，每件扣 3 分，
//! 扣完为止”. Numbers stay in the rule's own units (a ratio as a percentage,
//! money in 元), dates are written 2025年1月1日, and a value that depends on
//! a parameter names the parameter and its default. No rule-language
//! syntax (`条数(`, `满足`, `日期(`, `令`, `若`) appears in the output.
//!
//! The functions here take the model and the indicator (or item) and
//! return one text; they compute nothing new.

mod expr;
mod general;
mod rule;

pub use general::general_rules;
pub use rule::{band_test, bonus, bonus_row, grade, grades, guard, parent, rounding, scoring};

use crate::ir::{Expr, Indicator, Let, Model, Ty, Veto};
use crate::number::{self, Num};

/// The words of one indicator's scoring: definitions (“审查率 = …”), special
/// cases (“… 时得 0 分”) and the rule; for a parent, how its score comes
/// from its children. Sentences end with “。”.
pub fn rule(model: &Model, ind: &Indicator) -> String {
    if ind.is_leaf() {
        rule::leaf(model, ind)
    } else {
        parent(model, ind)
    }
}

/// A condition in words: “类型为拖欠账款且未整改”, “开放数据集数最高值为 0”.
/// `lets` are the `令` of the indicator the condition belongs to (empty for
/// vetoes and bonus items).
pub fn condition(model: &Model, lets: &[Let], e: &Expr) -> String {
    Prose::new(model, lets).cond(e)
}

/// A value expression in words, arithmetic kept as the appendix writes it:
/// “5 × 开放数据集数 ÷ 开放数据集数最高值”.
pub fn expr(model: &Model, lets: &[Let], e: &Expr) -> String {
    Prose::new(model, lets).expr(e)
}

/// A `令` of an indicator as a definition: “审查率 = 重大决策已审查数 ÷ 重大决策数”.
pub fn definition(model: &Model, ind: &Indicator, index: usize) -> String {
    let p = Prose::new(model, &ind.lets);
    ind.lets
        .get(index)
        .map(|l| format!("{} = {}", l.name, p.expr(&l.value)))
        .unwrap_or_default()
}

/// A period with its dates at the parameters' defaults:
/// “评价期间（2025年1月1日至12月31日）”.
pub fn period(model: &Model, index: usize) -> String {
    Prose::new(model, &[]).period(index)
}

/// A veto's condition in words: “评价期间（…）内存在类型为失信被执行且未整改的失信事件”.
pub fn veto(model: &Model, v: &Veto) -> String {
    Prose::new(model, &[]).cond(&v.cond)
}

/// A date as the appendix writes it: `2025年1月1日`.
pub fn date(day: i64) -> String {
    let iso = crate::date::format(day);
    let mut parts = iso.splitn(3, '-').map(|p| p.trim_start_matches('0'));
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
        _ => iso,
    }
}

/// A number in the unit of `ty`: a ratio as a percentage (`95%`), money
/// with 元 (`1000000 元`), anything else as written (`98`, `0.5`).
pub fn quantity(n: &Num, ty: &Ty) -> String {
    match ty {
        Ty::Ratio => number::show_percent(n),
        Ty::Money => format!("{} 元", number::show(n)),
        _ => number::show(n),
    }
}

/// Points: `5`, `0.5`.
pub fn points(n: &Num) -> String {
    number::show(n)
}

/// The renderer's state: the model and the `令` in scope.
pub(crate) struct Prose<'a> {
    pub model: &'a Model,
    pub lets: &'a [Let],
    /// Periods already given with their dates in this text.
    said: std::cell::RefCell<Vec<usize>>,
}

impl<'a> Prose<'a> {
    pub fn new(model: &'a Model, lets: &'a [Let]) -> Self {
        Prose {
            model,
            lets,
            said: std::cell::RefCell::new(Vec::new()),
        }
    }
}

/// Two pieces of text run together, with a space where a number or a
/// symbol meets a Chinese word (“为 0 时”, not “为 0时”).
pub(crate) fn then(a: &str, b: &str) -> String {
    let left = a
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '%');
    let right = b.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if left != right && (left || right) {
        format!("{a} {b}")
    } else {
        format!("{a}{b}")
    }
}
