//! Subjects within ε points of another grade: how far their total is
//! from the boundary above (points still needed to move up) or from the
//! boundary of their own grade (points they can lose before moving
//! down), and the indicators where that many points could come from.
//! Vetoed subjects keep the veto grade whatever their total, so they are
//! left out.

use crate::eval::SubjectResult;
use crate::ir;
use crate::number::{self, Num};
use crate::syntax::ast::CmpOp;
use rust_decimal::Decimal;

/// One subject near a grade boundary.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Margin {
    #[serde(skip)]
    pub row: usize,
    pub code: String,
    pub name: String,
    pub total: Decimal,
    pub grade: String,
    /// `up` or `down`.
    pub direction: &'static str,
    /// The grade it would move to.
    pub to: String,
    /// The boundary, and the points between the total and it.
    pub boundary: Decimal,
    pub gap: Decimal,
    /// Up to three leaf indicators (code, points available there): for
    /// `up`, the points the subject lost there; for `down`, the points it
    /// holds there. The fewest points that still cover the gap first.
    pub indicators: Vec<(String, Decimal)>,
}

/// Subjects whose total lies within `epsilon` points of a boundary of
/// the grade table, nearest first.
pub fn margins(model: &ir::Model, results: &[SubjectResult], epsilon: &Num) -> Vec<Margin> {
    let mut out = Vec::new();
    for (row, r) in results.iter().enumerate() {
        if !r.vetoes.is_empty() {
            continue;
        }
        let total = number::from_decimal(r.total);
        let Some(own) = model.grades.iter().position(|g| g.grade == r.grade) else {
            continue;
        };
        // The boundary above: the row before this grade's (grades run
        // from the best down).
        let above = own.checked_sub(1).and_then(|i| model.grades.get(i));
        if let Some((up, (_, t))) = above.and_then(|g| g.test.map(|t| (g, t))) {
            if let Some(gap) = number::add(&t, &-total) {
                if gap <= *epsilon {
                    out.push(margin(model, row, r, "up", &up.grade, t, gap));
                }
            }
        }
        let here = model.grades.get(own);
        let below = model.grades.get(own + 1);
        if let (Some((op, t)), Some(down)) = (here.and_then(|g| g.test), below) {
            if matches!(op, CmpOp::Ge | CmpOp::Gt) {
                if let Some(gap) = number::add(&total, &-t) {
                    if gap <= *epsilon {
                        out.push(margin(model, row, r, "down", &down.grade, t, gap));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.gap.cmp(&b.gap).then(a.row.cmp(&b.row)));
    out
}

fn margin(
    model: &ir::Model,
    row: usize,
    r: &SubjectResult,
    direction: &'static str,
    to: &str,
    boundary: Num,
    gap: Num,
) -> Margin {
    let gap_d = number::to_decimal(&gap);
    let mut room: Vec<(String, Decimal)> = (model.indicators.iter().zip(&r.indicators))
        .filter(|(ind, _)| ind.is_leaf())
        .filter_map(|(ind, got)| {
            let available = match direction {
                "up" => number::to_decimal(&ind.full).checked_sub(got.score)?,
                _ => got.score,
            };
            (available >= gap_d && available > Decimal::ZERO).then(|| (ind.code.clone(), available))
        })
        .collect();
    room.sort_by_key(|r| r.1);
    room.truncate(3);
    Margin {
        row,
        code: r.code.clone(),
        name: r.name.clone(),
        total: r.total,
        grade: r.grade.clone(),
        direction,
        to: to.to_owned(),
        boundary: number::to_decimal(&boundary),
        gap: gap_d,
        indicators: room,
    }
}
