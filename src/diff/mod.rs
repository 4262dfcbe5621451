//! `zhibiao diff`: the impact of a rule change over the population.
//!
//! Two rule sets are compiled, planned and evaluated independently on the
//! same evidence (each reads only the columns it declares). The diff has
//! three parts: the structural changes between the two models (matched by
//! indicator code, bonus and veto code, grade name), every subject's old
//! and new total, grade and rank (matched by the subject's 编码), and a
//! summary (grade transition matrix, largest movers, the indicators that
//! contribute most to the change in total).

mod impact;
mod memo;
mod memo_html;
mod render;
mod structure;
mod text;

pub use impact::{ranks, Contribution, GroupRow, Matrix, Row, Summary, TOP};
pub use render::{render, signed, COLUMNS};
pub use structure::{Change, ChangeKind};

use crate::eval::SubjectResult;
use crate::plan::Plan;
use crate::source::Files;

/// One side of the comparison: an evaluated rule set.
pub struct Side {
    /// How the rule set is named in the output (its path).
    pub label: String,
    pub plan: Plan,
    pub results: Vec<SubjectResult>,
    /// Rule text of each indicator (tree order); `None` for a parent.
    rule_texts: Vec<Option<String>>,
    /// Rows of each bonus item, one per line.
    bonus_texts: Vec<String>,
    /// Condition of each veto.
    veto_texts: Vec<String>,
    /// Each period's `from 至 to`.
    period_texts: Vec<String>,
}

impl Side {
    /// `files` must be the files the plan's model was compiled from: the
    /// rule texts shown for changed rules are taken from them.
    pub fn new(
        label: impl Into<String>,
        files: &Files,
        plan: Plan,
        results: Vec<SubjectResult>,
    ) -> Side {
        let model = &plan.model;
        let rule_texts = model
            .indicators
            .iter()
            .map(|i| structure::rule_text(files, i))
            .collect();
        let bonus_texts = model
            .bonuses
            .iter()
            .map(|b| structure::bonus_text(files, b))
            .collect();
        let veto_texts = model
            .vetoes
            .iter()
            .map(|v| format!("当 {}", text::source_text(files, v.cond.span)))
            .collect();
        let period_texts = model
            .periods
            .iter()
            .map(|p| {
                format!(
                    "{} 至 {}",
                    text::source_text(files, p.from.span),
                    text::source_text(files, p.to.span)
                )
            })
            .collect();
        Side {
            label: label.into(),
            plan,
            results,
            rule_texts,
            bonus_texts,
            veto_texts,
            period_texts,
        }
    }
}

/// Everything `zhibiao diff` reports.
#[derive(Clone, Debug)]
pub struct Diff {
    pub old_label: String,
    pub new_label: String,
    /// 标准 and 版本 of each side.
    pub old_title: String,
    pub new_title: String,
    /// Decimal places of printed scores: the larger of the two sides' rounding.
    pub places: u32,
    pub changes: Vec<Change>,
    /// One per subject, sorted by |变化| (largest first), then 编码.
    pub rows: Vec<Row>,
    pub summary: Summary,
    /// `--by 字段`: the field, and the change summarised per group.
    pub by: Option<(String, Vec<GroupRow>)>,
}

impl Diff {
    /// Summarise the change per group: `group_of` maps a subject's 编码 to
    /// its group (a subject missing from it is in the group “（空）”).
    /// The 修改对照表: per change its 编号, 原条文, 新条文 and 说明, the
    /// rules in words.
    pub fn comparison_rows(&self) -> Vec<[String; 4]> {
        self.changes.iter().map(render::comparison).collect()
    }

    pub fn group_by(&mut self, field: &str, group_of: &std::collections::HashMap<String, String>) {
        self.by = Some((field.to_owned(), impact::by_group(&self.rows, group_of)));
    }
}

/// Compare two evaluated rule sets.
pub fn compare(old: &Side, new: &Side) -> Diff {
    compare_top(old, new, TOP)
}

/// [`compare`], listing the `top` largest movers and contributions.
pub fn compare_top(old: &Side, new: &Side, top: usize) -> Diff {
    let title = |s: &Side| {
        let m = &s.plan.model.meta;
        [m.standard.as_str(), m.version.as_str()]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let places = old
        .plan
        .model
        .policy
        .round_places
        .max(new.plan.model.policy.round_places);
    let (rows, summary) = impact::impact(old, new, top);
    Diff {
        old_label: old.label.clone(),
        new_label: new.label.clone(),
        old_title: title(old),
        new_title: title(new),
        places,
        changes: structure::changes(old, new),
        rows,
        summary,
        by: None,
    }
}
