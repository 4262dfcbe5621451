//! The shape of a score table: slips that leave a table complete and
//! reachable but change scores silently. A threshold out of scale with
//! its siblings (W0006: `9.5%` among 100%/95%/90%), points that do not
//! rise or fall with the value (W0004 for 分档/对照, W0005 for 插值), and
//! a closing row that only catches part of what it was written for
//! (W0007: `< 85%` after `≥ 85%` was typed `≥ 8.5%`).
//!
//! One table gets at most one of these diagnostics, the most specific
//! first: a single typed digit can trip all of them, and the user should
//! read one explanation of one slip.

use super::interval::{End, Interval, Seg, Set};
use crate::diagnostic::Diagnostic;
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::CmpOp;

/// One row of a 分档 or 对照 table as the shape checks see it.
pub struct Row {
    pub test: Option<(CmpOp, Num)>,
    pub score: Num,
    /// The whole row, and its threshold (key) alone.
    pub span: Span,
    pub threshold: Option<Span>,
}

/// How values are shown: 95% for ratios, 95 otherwise.
#[derive(Clone, Copy)]
pub struct Shown {
    pub percent: bool,
}

impl Shown {
    fn num(self, v: &Num) -> String {
        match self.percent {
            true => number::show_percent(v),
            false => number::show(v),
        }
    }
}

/// W0006 for a 分档 or 对照 table (`what`): a threshold out of scale
/// with its siblings.
pub fn scale(rows: &[Row], shown: Shown, what: &str) -> Option<Diagnostic> {
    let thresholds: Vec<(usize, Num)> = (rows.iter().enumerate())
        .filter_map(|(i, r)| r.test.map(|(_, t)| (i, t)))
        .collect();
    out_of_scale(&thresholds, shown, what, |i| {
        let row = rows.get(i)?;
        let (op, _) = row.test?;
        let outcome = format!("得 {} 分", number::show(&row.score));
        Some((row.threshold.unwrap_or(row.span), Some(op), outcome))
    })
}

/// A table whose rows are unreachable (E0306) because one threshold is
/// out of scale: one error, at the first unreachable row, that names the
/// threshold and the row as it was probably meant, instead of an error
/// per row the slip swallowed.
pub fn explained(errors: Vec<Diagnostic>, outlier: Diagnostic) -> Vec<Diagnostic> {
    let mut errors = errors.into_iter();
    let Some(first) = errors.next() else {
        return vec![outlier];
    };
    let mut d = first;
    d.labels.retain(|l| l.primary);
    if let Some(l) = outlier.labels.iter().find(|l| l.primary) {
        d = d.secondary(l.span, format!("{}：{}", outlier.message, l.message));
    }
    let more = errors.count();
    if more > 0 {
        d = d.note(format!("同一原因还使其后 {more} 行永远不会被选中"));
    }
    let mut d = match &outlier.help {
        Some(h) => d.help(h.replace("若确是此值，可忽略本警告", "改正后各行即可按序选中")),
        None => d,
    };
    for f in outlier.fixes() {
        d = d.fix(f.span, f.replacement.clone());
    }
    vec![d]
}

/// W0004 and W0007 for a 分档 or 对照 table whose coverage is sound.
/// `not_monotone`: the table is marked `不单调`.
pub fn table(
    rows: &[Row],
    domain: &Set,
    shown: Shown,
    what: &str,
    not_monotone: bool,
) -> Option<Diagnostic> {
    let reach = reaches(rows, domain);
    if !not_monotone {
        let steps = axis(&reach);
        let scores: Vec<(usize, Num)> = (steps.iter())
            .filter_map(|(i, _)| rows.get(*i).map(|r| (*i, r.score)))
            .collect();
        let d = not_monotone_rows(rows, &scores, &steps, domain.integers, shown, what);
        if d.is_some() {
            return d;
        }
    }
    let outcome = |r: &Row| format!("得 {} 分", number::show(&r.score));
    let same = |a: &Row, b: &Row| a.score == b.score;
    if let Some(d) = same_neighbours(rows, &reach, shown, what, &outcome, &same) {
        return Some(d);
    }
    closing_row(rows, &reach, domain, shown, what)
}

/// The grade table's shape (rows best grade first, `names` their
/// grades): a boundary out of scale (W0006: `≥ 6` among 90 and 80), a
/// worse grade for a higher total (W0004: `≤ 60 为 合格`), and two
/// neighbouring stretches of the same grade (W0010).
pub fn grades(rows: &[Row], names: &[String], domain: &Set) -> Option<Diagnostic> {
    let shown = Shown { percent: false };
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    let thresholds: Vec<(usize, Num)> = (rows.iter().enumerate())
        .filter_map(|(i, r)| r.test.map(|(_, t)| (i, t)))
        .collect();
    let outlier = out_of_scale(&thresholds, shown, "等级", |i| {
        let row = rows.get(i)?;
        let (op, _) = row.test?;
        Some((
            row.threshold.unwrap_or(row.span),
            Some(op),
            format!("为 {}", name(i)),
        ))
    });
    if outlier.is_some() {
        return outlier;
    }
    let reach = reaches(rows, domain);
    let steps = axis(&reach);
    // Higher totals must never get a grade listed further down.
    let worse = steps.windows(2).find_map(|w| match w {
        [(i, a), (j, b)] if j > i => Some((*i, *a, *j, *b)),
        _ => None,
    });
    if let Some((i, a, j, b)) = worse {
        let (lower, higher) = (rows.get(i)?, rows.get(j)?);
        let seg = |s: Seg| {
            Set {
                segs: vec![s],
                integers: false,
            }
            .describe(false)
        };
        return Some(
            Diagnostic::warning(
                "W0004",
                format!(
                    "等级表不随总分单调：总分 {} 为 {}，更高的总分 {} 反而为 {}",
                    seg(a),
                    name(i),
                    seg(b),
                    name(j)
                ),
            )
            .primary(higher.span, format!("总分 {} 为 {}", seg(b), name(j)))
            .secondary(lower.span, format!("总分 {} 为 {}", seg(a), name(i)))
            .note("等级自上而下从好到差排列；总分越高，等级应越好（或相同）")
            .help("检查这一行的比较符和界限（如 ≤ 应为 ≥）"),
        );
    }
    let outcome = |r: &Row| {
        let i = rows.iter().position(|x| std::ptr::eq(x, r)).unwrap_or(0);
        format!("为 {}", name(i))
    };
    let same = |a: &Row, b: &Row| outcome(a) == outcome(b);
    same_neighbours(rows, &reach, shown, "等级", &outcome, &same)
}

/// The rows' reach segments along the value axis, lowest first.
fn axis(reach: &[Set]) -> Vec<(usize, Seg)> {
    let mut steps: Vec<(usize, Seg)> = (reach.iter().enumerate())
        .flat_map(|(i, set)| set.segs.iter().map(move |s| (i, *s)))
        .collect();
    steps.sort_by_key(|s| lower(&s.1));
    steps
}

/// W0010: two rows next to each other on the value axis give the same
/// outcome, so the threshold between them decides nothing — mostly a
/// slip in the points (`得 3 分` typed where the row above says 3).
fn same_neighbours(
    rows: &[Row],
    reach: &[Set],
    shown: Shown,
    what: &str,
    outcome: &dyn Fn(&Row) -> String,
    same: &dyn Fn(&Row, &Row) -> bool,
) -> Option<Diagnostic> {
    let steps = axis(reach);
    let (i, j, at) = steps.windows(2).find_map(|w| match w {
        [(i, _), (j, b)] if i != j => {
            let (x, y) = (rows.get(*i)?, rows.get(*j)?);
            same(x, y).then_some((*i, *j, b.lo.map(|e| e.v)))
        }
        _ => None,
    })?;
    let (x, y) = (rows.get(i)?, rows.get(j)?);
    // The later-written row is the more likely slip.
    let (primary, other) = if i > j { (x, y) } else { (y, x) };
    let at = at.map_or(String::new(), |v| format!(" {}", shown.num(&v)));
    Some(
        Diagnostic::warning(
            "W0010",
            format!("{what}表中相邻两档都{}：界限{at} 不起作用", outcome(x)),
        )
        .primary(primary.span, format!("此行{}", outcome(primary)))
        .secondary(other.span, format!("相邻的这一行也{}", outcome(other)))
        .note("相邻两档结果相同，分开写就没有意义，多半是其中一行的得分（或等级）写错了")
        .help("检查这两行的得分（或等级）；若两档确实相同，删去其中一行，合为一档"),
    )
}

/// The values each row actually takes: its own, less those of the rows
/// above it.
fn reaches(rows: &[Row], domain: &Set) -> Vec<Set> {
    let integers = domain.integers;
    let mut covered = Set {
        segs: Vec::new(),
        integers,
    };
    let mut out = Vec::new();
    for row in rows {
        let matches = matches(row, integers);
        out.push(domain.intersect(&matches).minus(&covered));
        covered = covered.union(&matches);
    }
    out
}

fn matches(row: &Row, integers: bool) -> Set {
    match row.test {
        Some((op, t)) => Set::half(op, t, integers),
        None => Set {
            segs: vec![Seg { lo: None, hi: None }],
            integers,
        },
    }
}

/// Where a segment starts, for ordering disjoint segments along the
/// number line: −∞ first, and `[v` before `(v`.
fn lower(s: &Seg) -> (bool, Num, bool) {
    match s.lo {
        None => (false, number::zero(), false),
        Some(End { v, closed }) => (true, v, !closed),
    }
}

/// W0006: a nonzero threshold ten (or a hundred) times smaller or larger
/// than all its siblings, which themselves agree within a factor of 4.
/// `row` gives the threshold's span, operator (none for a 插值 point)
/// and points, to write the row as it was probably meant.
fn out_of_scale(
    thresholds: &[(usize, Num)],
    shown: Shown,
    what: &str,
    row: impl Fn(usize) -> Option<(Span, Option<CmpOp>, String)>,
) -> Option<Diagnostic> {
    let nonzero: Vec<(usize, Num)> = (thresholds.iter())
        .filter(|(_, t)| *t != number::zero())
        .map(|(i, t)| (*i, abs(t)))
        .collect();
    if nonzero.len() < 3 {
        return None;
    }
    let times = |v: &Num, n: i64| number::mul(v, &number::int(n));
    for (k, (i, v)) in nonzero.iter().enumerate() {
        let others = (nonzero.iter().enumerate())
            .filter(|(j, _)| *j != k)
            .map(|(_, (_, t))| *t);
        let lo = others.clone().reduce(Num::min)?;
        let hi = others.reduce(Num::max)?;
        // Siblings that spread (1, 5, 10) set no scale; 100%, 95%, 90%
        // and 80% do.
        if number::mul(&lo, &Num::new(3, 2)).is_none_or(|l| hi > l) {
            continue;
        }
        let small = times(v, 5).is_some_and(|v5| v5 <= lo);
        let large = times(&hi, 5).is_some_and(|h5| *v >= h5);
        if !small && !large {
            continue;
        }
        let (span, op, outcome) = row(*i)?;
        let written = thresholds.iter().find(|(j, _)| j == i).map(|(_, t)| *t)?;
        let meant = [10, 100].iter().find_map(|f| {
            let f = number::int(*f);
            let m = match small {
                true => number::mul(&written, &f)?,
                false => number::div(&written, &f)?,
            };
            let a = abs(&m);
            let near =
                times(&a, 2).is_some_and(|a2| a2 >= lo) && times(&hi, 2).is_some_and(|h2| a <= h2);
            near.then_some(m)
        });
        let mut siblings: Vec<String> = Vec::new();
        for (_, t) in thresholds.iter().filter(|(j, _)| j != i) {
            let t = shown.num(t);
            if !siblings.contains(&t) {
                siblings.push(t);
            }
        }
        let mut d = Diagnostic::warning(
            "W0006",
            format!(
                "{what}阈值 {} 与同表其他阈值（{}）不在一个量级",
                shown.num(&written),
                siblings.join("、")
            ),
        )
        .primary(
            span,
            match small {
                true => "远小于其他阈值",
                false => "远大于其他阈值",
            },
        )
        .note("多写或少写一位、漏写 % 或小数点位置不对时，表仍然完整，但得分会悄悄改变");
        d = match meant {
            Some(m) => d.fix(span, shown.num(&m)).help(format!(
                "是否应为 `{}{} {outcome}`？若确是此值，可忽略本警告",
                op.map_or(String::new(), |op| format!("{} ", op.symbol())),
                shown.num(&m),
            )),
            None => d.help("检查此阈值是否多写或少写了一位；若确是此值，可忽略本警告"),
        };
        return Some(d);
    }
    None
}

fn abs(v: &Num) -> Num {
    if *v < number::zero() {
        -*v
    } else {
        *v
    }
}

/// W0004: the points along the value axis (`scores`, in the order of
/// `steps`) neither only rise nor only fall. The first two neighbouring
/// stretches that go against the table's overall direction are named.
fn not_monotone_rows(
    rows: &[Row],
    scores: &[(usize, Num)],
    steps: &[(usize, Seg)],
    integers: bool,
    shown: Shown,
    what: &str,
) -> Option<Diagnostic> {
    let all: Vec<Num> = scores.iter().map(|(_, s)| *s).collect();
    if monotone(&all) {
        return None;
    }
    // Overall direction: from the lowest values' points to the highest's.
    let rising = match (all.first(), all.last()) {
        (Some(a), Some(b)) if a != b => a < b,
        _ => {
            let ups = all
                .windows(2)
                .filter(|w| matches!(w, [a, b] if a < b))
                .count();
            ups * 2 >= all.len().saturating_sub(1)
        }
    };
    let (lower_row, higher_row) = scores.windows(2).find_map(|w| match w {
        [(i, a), (j, b)] if i != j && ((rising && a > b) || (!rising && a < b)) => Some((*i, *j)),
        _ => None,
    })?;
    let describe = |i: usize| {
        let segs = (steps.iter())
            .filter(|(j, _)| *j == i)
            .map(|(_, s)| *s)
            .collect();
        Set { segs, integers }.describe(shown.percent)
    };
    let (low, high) = (rows.get(lower_row)?, rows.get(higher_row)?);
    let (lo_text, hi_text) = (describe(lower_row), describe(higher_row));
    let message = match rising {
        true => format!(
            "{what}表的得分不随取值单调变化：取值 {lo_text} 得 {} 分，高于更大的取值 {hi_text} 所得的 {} 分",
            number::show(&low.score),
            number::show(&high.score)
        ),
        false => format!(
            "{what}表的得分不随取值单调变化：取值 {lo_text} 得 {} 分，低于更大的取值 {hi_text} 所得的 {} 分",
            number::show(&low.score),
            number::show(&high.score)
        ),
    };
    // The later-written row is the more likely slip: the table was
    // written from its best band down.
    let (primary, secondary) = match lower_row > higher_row {
        true => ((low, lo_text), (high, hi_text)),
        false => ((high, hi_text), (low, lo_text)),
    };
    Some(
        Diagnostic::warning("W0004", message)
            .primary(
                primary.0.span,
                format!("取值 {} 得 {} 分", primary.1, number::show(&primary.0.score)),
            )
            .secondary(
                secondary.0.span,
                format!("取值 {} 得 {} 分", secondary.1, number::show(&secondary.0.score)),
            )
            .note("自上而下取第一个满足的行；按取值从小到大排列，各行得分应只升不降或只降不升")
            .help(format!(
                "检查这两行的阈值和得分；若得分确实不随取值单调，在{what}对象后写 不单调：`{what} … 不单调 {{ … }}`"
            )),
    )
}

/// W0008: a 插值 point beyond the values the subject can take (`600`
/// for a 0–100 percentage): the points past it are never used, so the
/// line between the points is not the one written.
fn outside(anchors: &[(Num, Num, Span)], domain: &Interval, shown: Shown) -> Option<Diagnostic> {
    let beyond =
        |x: &Num| domain.lo.is_some_and(|lo| *x < lo) || domain.hi.is_some_and(|hi| *x > hi);
    let (x, y, span) = anchors.iter().find(|a| beyond(&a.0))?;
    let range = Set::from_interval(domain, false).describe(shown.percent);
    // The point as probably meant: a tenth or a hundredth (or ten or a
    // hundred times) of it, inside the range.
    let meant = [10, 100].iter().find_map(|f| {
        let f = number::int(*f);
        [number::div(x, &f), number::mul(x, &f)]
            .into_iter()
            .flatten()
            .find(|m| !beyond(m) && *m != number::zero())
    });
    let d = Diagnostic::warning(
        "W0008",
        format!("插值点 {} 超出了插值对象的取值范围 {range}", shown.num(x)),
    )
    .primary(*span, "取值永远到不了这一点")
    .note("超出范围的插值点使两点之间的连线变平：取值在范围内时得分达不到此点的得分");
    Some(match meant {
        Some(m) => d.fix(*span, shown.num(&m)).help(format!(
            "是否应为 `{} 得 {} 分`？插值点应在取值范围 {range} 之内",
            shown.num(&m),
            number::show(y)
        )),
        None => d.help(format!("把插值点写在取值范围 {range} 之内")),
    })
}

/// W0009: the line gives its top points over more than half of a
/// bounded range (`0% 得 0 分`, `9% 得 3 分`: everyone from 9% up gets
/// full points), which a point a digit short does and a committee rarely
/// means. The fix offered is the point ten times further in, when that
/// leaves less than half flat.
fn mostly_flat(
    anchors: &[(Num, Num, Span)],
    domain: &Interval,
    shown: Shown,
) -> Option<Diagnostic> {
    let (lo, hi) = (domain.lo?, domain.hi?);
    let width = number::add(&hi, &-lo)?;
    if width <= number::zero() {
        return None;
    }
    let top = anchors.iter().map(|a| a.1).max()?;
    let (first, last) = (anchors.first()?, anchors.last()?);
    // The flat stretch at the top points: below the first point or above
    // the last one, whichever end holds them.
    let (end, flat) = match (first.1 == top, last.1 == top) {
        (_, true) if last.1 != first.1 => (last, number::add(&hi, &-last.0)?),
        (true, _) if last.1 != first.1 => (first, number::add(&first.0, &-lo)?),
        _ => return None,
    };
    let share = number::div(&flat, &width)?;
    if share <= Num::new(1, 2) {
        return None;
    }
    let (x, y, span) = end;
    let meant = (end == last)
        .then(|| number::mul(x, &number::int(10)))
        .flatten()
        .filter(|m| {
            *m <= hi
                && number::div(&number::add(&hi, &-*m).unwrap_or(width), &width)
                    .is_some_and(|s| s <= Num::new(1, 2))
        });
    let range = Set::from_interval(domain, false).describe(shown.percent);
    let flat_part = match end == last {
        true => format!("[{}, {}]", shown.num(x), shown.num(&hi)),
        false => format!("[{}, {}]", shown.num(&lo), shown.num(x)),
    };
    let d = Diagnostic::warning(
        "W0009",
        format!(
            "插值在 {flat_part} 上都得最高分 {} 分，占取值范围 {range} 的 {}",
            number::show(y),
            number::mul(&share, &number::int(100))
                .and_then(|p| number::round_half_up(&p, 0))
                .map_or_else(|| number::show_percent(&share), |p| format!("{p}%"))
        ),
    )
    .primary(*span, "取值过了这一点就得满分")
    .note("插值点少写一位（90% 写成 9%）时表仍然完整，但几乎人人得满分");
    Some(match meant {
        Some(m) => d.fix(*span, shown.num(&m)).help(format!(
            "是否应为 `{} 得 {} 分`？若确是此值，可忽略本警告",
            shown.num(&m),
            number::show(y)
        )),
        None => d.help("检查插值点是否少写了一位；若确是此值，可忽略本警告"),
    })
}

fn monotone(scores: &[Num]) -> bool {
    let up = scores.windows(2).all(|w| matches!(w, [a, b] if a <= b));
    let down = scores.windows(2).all(|w| matches!(w, [a, b] if a >= b));
    up || down
}

/// W0007: the last row tests the other way from the rows above it
/// (`< 85%` after `≥ …` rows) and is meant to catch exactly what they
/// leave, but some of its values were already taken by them.
fn closing_row(
    rows: &[Row],
    reach: &[Set],
    domain: &Set,
    shown: Shown,
    what: &str,
) -> Option<Diagnostic> {
    let (last, above) = rows.split_last()?;
    let (op, _) = last.test?;
    let direction = |op: CmpOp| match op {
        CmpOp::Ge | CmpOp::Gt => Some(true),
        CmpOp::Le | CmpOp::Lt => Some(false),
        CmpOp::Eq | CmpOp::Ne => None,
    };
    let closing = direction(op)?;
    let upward = (above.iter())
        .filter_map(|r| r.test.and_then(|(op, _)| direction(op)))
        .collect::<Vec<_>>();
    if upward.is_empty() || upward.contains(&closing) {
        return None;
    }
    let own = domain.intersect(&matches(last, domain.integers));
    let reached = reach.last()?;
    let lost = own.minus(reached);
    if reached.is_empty() || lost.is_empty() {
        return None;
    }
    let takers = (above.iter().zip(reach))
        .filter(|(_, set)| !set.intersect(&lost).is_empty())
        .map(|(r, _)| r.span);
    let mut d = Diagnostic::warning("W0007", format!("{what}表的收尾行只接住了它的一部分取值"))
        .primary(
            last.span,
            format!(
                "此行的条件中 {} 已被前面的行匹配，只有 {} 还由此行评分",
                lost.describe(shown.percent),
                reached.describe(shown.percent)
            ),
        );
    for span in takers.take(3) {
        d = d.secondary(span, "这些取值由此行匹配");
    }
    let meant = (match closing {
        false => reached
            .segs
            .iter()
            .filter_map(|s| s.hi)
            .max_by(|a, b| a.v.cmp(&b.v)),
        true => reached
            .segs
            .iter()
            .filter_map(|s| s.lo)
            .min_by(|a, b| a.v.cmp(&b.v)),
    })
    .map(|end| {
        let op = match (closing, end.closed) {
            (false, true) => CmpOp::Le,
            (false, false) => CmpOp::Lt,
            (true, true) => CmpOp::Ge,
            (true, false) => CmpOp::Gt,
        };
        format!(
            "`{} {} 得 {} 分`",
            op.symbol(),
            shown.num(&end.v),
            number::show(&last.score)
        )
    });
    let d = d.note("收尾行通常恰好接住前面各行没有匹配的取值；两者有重叠，多半是某个阈值写错了");
    Some(match meant {
        Some(row) => d.fix(last.span, row.trim_matches('`')).help(format!(
            "检查前面标出的行的阈值是否写错（多写或少写一位）；若前面无误，收尾行应为 {row}"
        )),
        None => d.help("检查前面标出的行的阈值是否写错（多写或少写一位），使其与收尾行的阈值相接"),
    })
}

/// W0008, W0006 and W0005 for 插值 points (already in increasing
/// order): `anchors` are (x, points, the x's span); `domain` is the
/// range of the subject.
pub fn anchors(
    diags: &mut Vec<Diagnostic>,
    anchors: &[(Num, Num, Span)],
    domain: &Interval,
    shown: Shown,
    not_monotone: bool,
) {
    if let Some(d) = outside(anchors, domain, shown) {
        return diags.push(d);
    }
    let xs: Vec<(usize, Num)> = anchors.iter().map(|a| a.0).enumerate().collect();
    if let Some(d) = out_of_scale(&xs, shown, "插值点", |i| {
        anchors
            .get(i)
            .map(|a| (a.2, None, format!("得 {} 分", number::show(&a.1))))
    }) {
        return diags.push(d);
    }
    if let Some(d) = mostly_flat(anchors, domain, shown) {
        return diags.push(d);
    }
    if not_monotone {
        return;
    }
    let ys: Vec<Num> = anchors.iter().map(|a| a.1).collect();
    if monotone(&ys) {
        return;
    }
    let rising = match (ys.first(), ys.last()) {
        (Some(a), Some(b)) => a <= b,
        _ => true,
    };
    let pair = anchors.windows(2).find_map(|w| match w {
        [a, b] if (rising && a.1 > b.1) || (!rising && a.1 < b.1) => Some((a, b)),
        _ => None,
    });
    let Some(((x0, y0, span0), (x1, y1, span1))) = pair else {
        return;
    };
    let points: Vec<String> = (anchors.iter())
        .map(|(x, y, _)| format!("{} 得 {}", shown.num(x), number::show(y)))
        .collect();
    let (higher, lower) = match rising {
        true => ("高于", "更大"),
        false => ("低于", "更大"),
    };
    diags.push(
        Diagnostic::warning(
            "W0005",
            format!(
                "插值点的得分不随自变量单调变化：{} 得 {} 分，{higher}{lower}的 {} 所得的 {} 分",
                shown.num(x0),
                number::show(y0),
                shown.num(x1),
                number::show(y1)
            ),
        )
        .primary(*span1, format!("{} 得 {} 分", shown.num(x1), number::show(y1)))
        .secondary(*span0, format!("{} 得 {} 分", shown.num(x0), number::show(y0)))
            .note(format!("各插值点依次为 {}", points.join("；")))
            .help(
                "检查这两点的取值和得分；若得分确实先升后降，在插值对象后写 不单调：`插值 … 不单调 { … }`",
            ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: i64, d: i64) -> Num {
        Num::new(x.into(), d.into())
    }

    fn scale_of(ts: &[Num]) -> Option<String> {
        let ts: Vec<(usize, Num)> = ts.iter().copied().enumerate().collect();
        let span = Span::new(crate::source::FileId(0), 0, 0);
        let d = out_of_scale(&ts, Shown { percent: false }, "分档", |_| {
            Some((span, Some(CmpOp::Ge), "得 4 分".to_string()))
        })?;
        d.help
    }

    #[test]
    fn a_threshold_a_digit_short_is_out_of_scale() {
        let help = scale_of(&[n(98, 1), n(95, 10), n(90, 1), n(80, 1)]).unwrap();
        assert!(help.contains("`≥ 95 得 4 分`"), "{help}");
        let help = scale_of(&[n(95, 1), n(980, 1), n(90, 1)]).unwrap();
        assert!(help.contains("`≥ 98 得 4 分`"), "{help}");
    }

    #[test]
    fn spread_or_few_thresholds_set_no_scale() {
        assert_eq!(scale_of(&[n(10, 1), n(5, 1), n(1, 1)]), None);
        assert_eq!(
            scale_of(&[n(15, 100), n(10, 100), n(6, 100), n(3, 100)]),
            None
        );
        assert_eq!(scale_of(&[n(9, 100), n(0, 1)]), None);
        assert_eq!(scale_of(&[n(98, 1), n(95, 1), n(90, 1), n(0, 1)]), None);
    }

    #[test]
    fn monotone_either_way() {
        assert!(monotone(&[n(0, 1), n(1, 1), n(1, 1), n(5, 1)]));
        assert!(monotone(&[n(4, 1), n(3, 1), n(0, 1)]));
        assert!(!monotone(&[n(0, 1), n(5, 1), n(1, 1)]));
    }
}
