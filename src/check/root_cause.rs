//! At most one diagnostic per root cause. The checks run independently,
//! so one slip can trip several of them: a deleted `令` leaves every use
//! unknown, one mistyped indicator's points break the sum above it and
//! below it, a parent's mistyped code makes every child's code wrong,
//! no 分母为零 policy leaves every division unguarded. This pass merges
//! those into the diagnostic that names the cause, keeping the other
//! places as secondary labels, and drops warnings that only restate an
//! error.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// Places listed as secondary labels in a merged diagnostic.
const LISTED: usize = 3;

pub fn merge(diags: &mut Vec<Diagnostic>) {
    same_unknown_name(diags);
    all_of(diags, "E0309", |n| {
        format!("另有 {n} 处除数也可能为 0（同一原因：通则中没有 分母为零）")
    });
    sum_chains(diags);
    child_codes(diags);
    restating_warnings(diags);
}

fn primary(d: &Diagnostic) -> Option<Span> {
    d.labels.iter().find(|l| l.primary).map(|l| l.span)
}

/// Fold `others` into `into`: their primary places become secondary
/// labels (the first few), with a note counting them.
pub(super) fn fold(
    mut into: Diagnostic,
    others: Vec<Diagnostic>,
    note: impl Fn(usize) -> String,
) -> Diagnostic {
    if others.is_empty() {
        return into;
    }
    for o in others.iter().take(LISTED) {
        if let Some(l) = o.labels.iter().find(|l| l.primary) {
            into = into.secondary(l.span, l.message.clone());
        }
    }
    into.note(note(others.len()))
}

/// Merge the diagnostics `pick` groups together (same key) into the
/// first of each group.
fn group_by(
    diags: &mut Vec<Diagnostic>,
    key: impl Fn(&Diagnostic) -> Option<String>,
    note: impl Fn(usize) -> String,
) {
    let mut keys: Vec<String> = Vec::new();
    let mut groups: Vec<Vec<Diagnostic>> = Vec::new();
    let mut rest = Vec::new();
    for d in diags.drain(..) {
        match key(&d) {
            Some(k) => match keys.iter().position(|x| *x == k) {
                Some(i) => {
                    if let Some(g) = groups.get_mut(i) {
                        g.push(d);
                    }
                }
                None => {
                    keys.push(k);
                    groups.push(vec![d]);
                }
            },
            None => rest.push(d),
        }
    }
    for g in groups {
        let mut g = g.into_iter();
        if let Some(first) = g.next() {
            rest.push(fold(first, g.collect(), &note));
        }
    }
    *diags = rest;
}

/// E0101 for the same unknown name at several places: one diagnostic.
fn same_unknown_name(diags: &mut Vec<Diagnostic>) {
    group_by(
        diags,
        // “未知的名称“X”” and “未知的字段“X””: the same name, declared
        // nowhere (or deleted), is one slip.
        |d| {
            let name = d.message.split('“').nth(1)?.split('”').next()?;
            (d.code == "E0101").then(|| name.to_owned())
        },
        |n| format!("同一名称另有 {n} 处使用"),
    );
}

/// Every diagnostic of `code` into one.
fn all_of(diags: &mut Vec<Diagnostic>, code: &str, note: impl Fn(usize) -> String) {
    group_by(diags, |d| (d.code == code).then(String::new), note);
}

/// E0301 / E0302 pairs over one indicator's points: the sum below it
/// (its points as the primary label) and the sum above it (its points as
/// a secondary label) are one slip in its points.
fn sum_chains(diags: &mut Vec<Diagnostic>) {
    let is_sum = |d: &Diagnostic| d.code == "E0301" || d.code == "E0302";
    loop {
        let pair = diags.iter().enumerate().find_map(|(i, inner)| {
            let at = primary(inner).filter(|_| inner.code == "E0301")?;
            let j = diags.iter().enumerate().position(|(j, outer)| {
                j != i && is_sum(outer) && outer.labels.iter().any(|l| !l.primary && l.span == at)
            })?;
            Some((i, j))
        });
        let Some((i, j)) = pair else { return };
        let outer = diags.remove(j);
        let i = if j < i { i - 1 } else { i };
        if let Some(inner) = diags.get_mut(i) {
            let merged = std::mem::replace(inner, Diagnostic::error("E0301", ""));
            *inner = merged
                .note(format!("同时：{}（同一个分值写错所致）", outer.message))
                .help("这一指标的分值与其下级之和、与其上级都不相符：多半是它的分值写错了，改为下级之和即可");
        }
    }
}

/// E0104 for every child of one parent (the same parent code as the
/// secondary label): the parent's code is the slip.
fn child_codes(diags: &mut Vec<Diagnostic>) {
    group_by(
        diags,
        |d| {
            let parent = d.labels.iter().find(|l| !l.primary)?;
            (d.code == "E0104").then(|| format!("{:?}", parent.span))
        },
        |n| format!("同一上级的另 {n} 个下级编号也与其不符：多半是上级的编号写错了"),
    );
}

/// Warnings that only restate an error: a warning on a rule inside which
/// an error already stands, and unreachable points of an indicator whose
/// points break a sum. (An unused field stays: it may be a slip of its
/// own, as in tests/ui/ten_mistakes.zb.)
fn restating_warnings(diags: &mut Vec<Diagnostic>) {
    let errors: Vec<Span> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(primary)
        .collect();
    let sum_spans: Vec<Span> = (diags.iter())
        .filter(|d| d.code == "E0301" || d.code == "E0302")
        .flat_map(|d| d.labels.iter().map(|l| l.span))
        .collect();
    diags.retain(|d| {
        if d.is_error() {
            return true;
        }
        let Some(at) = primary(d) else { return true };
        let inside = errors
            .iter()
            .any(|e| e.file == at.file && e.start >= at.start && e.end <= at.end);
        // W0002 whose points are in a broken sum: the points are the slip.
        let points_in_sum = d.code == "W0002"
            && d.labels
                .iter()
                .any(|l| !l.primary && sum_spans.contains(&l.span));
        !inside && !points_in_sum
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at(start: usize) -> Span {
        Span::new(FileId(0), start, start + 1)
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&str> {
        diags.iter().map(|d| d.code).collect()
    }

    #[test]
    fn one_unknown_name_at_three_places_is_one_error() {
        let mut diags: Vec<Diagnostic> = [1, 5, 9]
            .iter()
            .map(|s| Diagnostic::error("E0101", "未知的名称“审查率”").primary(at(*s), "未知"))
            .collect();
        diags.push(Diagnostic::error("E0101", "未知的字段“审查率”").primary(at(12), "未知"));
        diags.push(Diagnostic::error("E0101", "未知的名称“纠错率”").primary(at(20), "未知"));
        merge(&mut diags);
        assert_eq!(codes(&diags), vec!["E0101", "E0101"]);
        assert_eq!(diags[0].labels.len(), 4);
    }

    #[test]
    fn a_sum_above_and_below_one_indicator_is_one_error() {
        // Indicator points at 3: the primary of the sum below it and a
        // secondary of the sum above it.
        let below = Diagnostic::error("E0301", "下级之和").primary(at(3), "应为 10");
        let above = Diagnostic::error("E0301", "上级之和")
            .primary(at(1), "应为 20")
            .secondary(at(3), "4.1");
        let mut diags = vec![above, below];
        merge(&mut diags);
        assert_eq!(codes(&diags), vec!["E0301"]);
        assert_eq!(diags[0].message, "下级之和");
    }

    #[test]
    fn a_warning_inside_an_errors_rule_goes() {
        let warning = Diagnostic::warning("W0002", "达不到满分")
            .primary(Span::new(FileId(0), 10, 50), "规则");
        let error = Diagnostic::error("E0311", "插值点").primary(at(20), "点");
        let elsewhere = Diagnostic::warning("W0002", "达不到满分")
            .primary(Span::new(FileId(0), 60, 90), "规则");
        let mut diags = vec![warning, error, elsewhere];
        merge(&mut diags);
        assert_eq!(codes(&diags), vec!["E0311", "W0002"]);
        assert_eq!(diags[1].labels[0].span.start, 60);
    }
}
