//! The indicator tree: codes, points or weights, and their sums.

use super::rules::RuleChecker;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, Mode};
use crate::number::{self, Num};
use crate::source::Span;
use crate::syntax::ast::{self, Weight};
use crate::syntax::limits::{self, MAX_INDICATOR_DEPTH};
use std::collections::HashMap;

/// E0007 for the first indicator (depth first) below [`MAX_INDICATOR_DEPTH`]
/// levels, found without recursion.
pub fn too_deep(roots: &[&ast::Indicator]) -> Option<Diagnostic> {
    let mut todo: Vec<(&ast::Indicator, usize)> = roots.iter().rev().map(|r| (*r, 1)).collect();
    while let Some((ind, level)) = todo.pop() {
        if level > MAX_INDICATOR_DEPTH {
            return Some(limits::indicator_too_deep(
                &ind.code.node,
                ind.code.span,
                level,
            ));
        }
        todo.extend(ind.children.iter().rev().map(|c| (c, level + 1)));
    }
    None
}

/// Children listed in a sum's diagnostic (E0301–E0303); the note gives
/// the count of the rest, so a file of many siblings gives a short message.
const LISTED: usize = 20;

pub struct TreeBuilder<'a, 'b> {
    pub mode: Mode,
    /// The checked file, and whether it is a variant of another.
    pub root: crate::source::FileId,
    pub variant: bool,
    pub rules: RuleChecker<'b>,
    pub out: Vec<ir::Indicator>,
    /// Each indicator code and where it was first declared: a map, so a
    /// file with many siblings is checked in linear time.
    seen_codes: HashMap<String, Span>,
    /// Indicators whose weight is of the other scoring mode (E0201,
    /// reported): sums over them are not checked again.
    bad_weights: std::collections::HashSet<ir::IndId>,
    marker: std::marker::PhantomData<&'a ()>,
}

impl<'a, 'b> TreeBuilder<'a, 'b> {
    pub fn new(
        mode: Mode,
        rules: RuleChecker<'b>,
        root: crate::source::FileId,
        variant: bool,
    ) -> Self {
        TreeBuilder {
            mode,
            root,
            variant,
            rules,
            out: Vec::new(),
            seen_codes: HashMap::new(),
            bad_weights: Default::default(),
            marker: std::marker::PhantomData,
        }
    }

    fn diag(&mut self, d: Diagnostic) {
        self.rules.diags.push(d);
    }

    /// Add an indicator and its subtree; returns its id.
    pub fn add(
        &mut self,
        ind: &ast::Indicator,
        parent: Option<(ir::IndId, &ast::Indicator)>,
        depth: usize,
    ) -> ir::IndId {
        self.check_code(ind, parent.map(|p| p.1));
        let id = self.out.len();
        let weight = self.weight(ind).unwrap_or_else(|| {
            self.bad_weights.insert(id);
            number::zero()
        });
        let full = match self.mode {
            Mode::Points => weight,
            Mode::Weights => number::int(100),
        };
        self.out.push(ir::Indicator {
            code: ind.code.node.clone(),
            name: ind.name.node.clone(),
            weight,
            full,
            parent: parent.map(|p| p.0),
            children: Vec::new(),
            depth,
            lets: Vec::new(),
            guards: Vec::new(),
            rule: None,
            rule_span: ind.rules.first().map(|r| r.span),
            used_fields: Vec::new(),
            span: ind.span,
            code_span: ind.code.span,
            origin: if ind.span.file != self.root {
                ir::Origin::Unchanged
            } else if ind.changed_by.is_empty() && self.variant {
                ir::Origin::Added
            } else {
                ir::Origin::Unchanged
            },
        });
        if ind.changed_by.iter().any(|s| s.file == self.root) {
            if let Some(node) = self.out.last_mut() {
                node.origin = ir::Origin::Changed;
            }
        }
        if ind.children.is_empty() {
            self.leaf(id, ind, full);
        } else {
            self.parent(id, ind);
        }
        id
    }

    fn leaf(&mut self, id: ir::IndId, ind: &ast::Indicator, full: Num) {
        if ind.rules.is_empty() {
            self.diag(
                Diagnostic::error("E0304", format!("末级指标 {} 没有评分规则", ind.code.node))
                    .primary(ind.code.span, "缺少评分规则")
                    .help("写一条 分档、插值、公式、扣分、清单 或 对照 规则"),
            );
        }
        let before = self.rules.diags.len();
        let body = self.rules.body(ind, full);
        if self.bad_weights.contains(&id) {
            // Without its points (reported) the leaf's scores have nothing
            // to be compared with: no E0307/E0308/W0002 against 0 points.
            let mut i = 0;
            self.rules.diags.retain(|d| {
                i += 1;
                i <= before || !matches!(d.code, "E0307" | "E0308" | "W0002")
            });
        }
        if let Some(node) = self.out.get_mut(id) {
            node.lets = body.lets;
            node.guards = body.guards;
            node.rule = body.rule;
            node.used_fields = body.used;
        }
    }

    fn parent(&mut self, id: ir::IndId, ind: &ast::Indicator) {
        if let Some(first) = ind.rules.first() {
            self.diag(
                Diagnostic::error(
                    "E0304",
                    format!("指标 {} 有下级指标，不能再写评分规则", ind.code.node),
                )
                .primary(first.span, "上级指标的得分是下级得分之和")
                .help("把评分规则移到末级指标中"),
            );
        }
        let mut kids = Vec::new();
        for child in &ind.children {
            let cid = self.add(child, Some((id, ind)), self.depth(id) + 1);
            kids.push(cid);
        }
        if let Some(node) = self.out.get_mut(id) {
            node.children = kids.clone();
        }
        let weight = self.out.get(id).map(|n| n.weight).unwrap_or_default();
        // A parent whose own weight failed has nothing to compare with.
        if !self.bad_weights.contains(&id) {
            self.check_sum(&kids, &ind.children, Some((ind, weight)));
        }
    }

    fn depth(&self, id: ir::IndId) -> usize {
        self.out.get(id).map(|n| n.depth).unwrap_or(0)
    }

    /// The indicator's points or weight; `None` (reported) when it is
    /// written for the other scoring mode.
    fn weight(&mut self, ind: &ast::Indicator) -> Option<Num> {
        match (self.mode, ind.weight.node) {
            (Mode::Points, Weight::Points(p)) => Some(number::from_decimal(p)),
            (Mode::Weights, Weight::Share(s)) => Some(number::from_decimal(s)),
            (mode, written) => {
                let want = match mode {
                    Mode::Points => "分值",
                    Mode::Weights => "权重",
                };
                let d = Diagnostic::error(
                    "E0201",
                    format!("本标准按{want}计分，指标 {} 应写{want}", ind.code.node),
                )
                .primary(ind.weight.span, format!("此处应为{want}"));
                // `30 分` under 计分 权重 is read as the weight 30%; a
                // weight under 计分 分值 says nothing about the points.
                let d = match written {
                    Weight::Points(p) if mode == Mode::Weights => {
                        let text = format!("权重 {}%", p.normalize());
                        d.help(format!("写作 {text}；计分方式由文件开头的 计分 声明"))
                            .fix(ind.weight.span, text)
                    }
                    _ => d.help("写作分值，例如 5 分；计分方式由文件开头的 计分 声明"),
                };
                self.diag(d);
                None
            }
        }
    }

    fn check_code(&mut self, ind: &ast::Indicator, parent: Option<&ast::Indicator>) {
        let code = &ind.code.node;
        if let Some(&first) = self.seen_codes.get(code) {
            self.diag(
                Diagnostic::error("E0103", format!("指标编号 {code} 重复"))
                    .primary(ind.code.span, "重复的编号")
                    .secondary(first, "首次使用于此")
                    .help("每个指标的编号须唯一"),
            );
        } else {
            self.seen_codes.insert(code.clone(), ind.code.span);
        }
        let expected_prefix = parent.map(|p| format!("{}.", p.code.node));
        let ok = match &expected_prefix {
            Some(prefix) => code
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| !rest.contains('.')),
            None => !code.contains('.'),
        };
        if !ok {
            let mut d = Diagnostic::error("E0104", format!("指标编号 {code} 与其所在层级不符"));
            d = match (parent, expected_prefix) {
                (Some(p), Some(prefix)) => d
                    .primary(ind.code.span, format!("应以 {prefix} 开头并再加一级"))
                    .secondary(p.code.span, "上级指标"),
                _ => d.primary(ind.code.span, "一级指标的编号不含小数点"),
            };
            self.diag(d.help("编号逐级延伸上级编号，例如 1.1 下为 1.1.1、1.1.2"));
        }
    }

    /// Children's points add up to the parent's (分值), or sibling weights to 100% (权重).
    pub fn check_sum(
        &mut self,
        ids: &[ir::IndId],
        kids: &[ast::Indicator],
        parent: Option<(&ast::Indicator, Num)>,
    ) {
        if parent.is_none() {
            self.check_weighted_full_marks(kids);
        }
        if ids.iter().any(|i| self.bad_weights.contains(i)) {
            return;
        }
        let weights: Vec<Num> = ids
            .iter()
            .filter_map(|i| self.out.get(*i))
            .map(|n| n.weight)
            .collect();
        let sum = weights
            .iter()
            .try_fold(number::zero(), |a, w| number::add(&a, w))
            .unwrap_or_default();
        let (target, code, what) = match (self.mode, parent) {
            (Mode::Points, Some((p, w))) => {
                (w, "E0301", format!("指标 {} 的下级分值之和", p.code.node))
            }
            (Mode::Points, None) => (self.full_marks(), "E0302", "一级指标分值之和".to_string()),
            (Mode::Weights, Some((p, _))) => (
                number::int(1),
                "E0303",
                format!("指标 {} 的下级权重之和", p.code.node),
            ),
            (Mode::Weights, None) => (number::int(1), "E0303", "一级指标权重之和".to_string()),
        };
        if sum == target {
            return;
        }
        let show = |n: &Num| match self.mode {
            Mode::Points => format!("{} 分", number::show(n)),
            Mode::Weights => number::show_percent(n),
        };
        let mut parts: Vec<String> = kids
            .iter()
            .zip(&weights)
            .take(LISTED)
            .map(|(k, w)| format!("{} {}", k.code.node, show(w)))
            .collect();
        if kids.len() > LISTED {
            parts.push(format!("…（共 {} 项）", kids.len()));
        }
        let mut d = Diagnostic::error(
            code,
            format!("{what}为 {}，应为 {}", show(&sum), show(&target)),
        )
        .note(format!("{} = {}", parts.join(" + "), show(&sum)));
        d = match parent {
            Some((p, _)) => d.primary(p.weight.span, format!("应为下级之和 {}", show(&sum))),
            None => match kids.first() {
                Some(k) => d.primary(k.code.span, "一级指标从此开始"),
                None => d,
            },
        };
        for k in kids.iter().take(LISTED) {
            d = d.secondary(k.weight.span, k.code.node.clone());
        }
        let changes = parent
            .iter()
            .flat_map(|(p, _)| p.changed_by.iter())
            .chain(kids.iter().flat_map(|k| k.changed_by.iter()));
        for span in changes.take(LISTED) {
            d = d.secondary(*span, "变体在此改动");
        }
        self.diag(d.help("调整下级指标的分值（或权重），使其之和等于上级"));
    }

    /// With 权重 the base score is a weighted sum of 0–100 scores, so it
    /// reaches 100: a 满分 other than 100 would let it exceed full marks
    /// (and misjudge which grades are reachable).
    fn check_weighted_full_marks(&mut self, kids: &[ast::Indicator]) {
        let full = self.full_marks();
        if self.mode != Mode::Weights || full == number::int(100) {
            return;
        }
        let mut d = Diagnostic::error(
            "E0302",
            format!(
                "权重计分时基础分最高为 100，满分应为 100，现为 {}",
                number::show(&full)
            ),
        );
        d = match (self.rules.policy.full_marks_span, kids.first()) {
            (Some(at), _) => d.primary(at, "权重计分时满分应为 100").fix(at, "满分 100"),
            (None, Some(k)) => d.primary(k.code.span, "一级指标从此开始"),
            (None, None) => d,
        };
        self.diag(d.help("写作 满分 100；要用其他满分，改用 计分 分值"));
    }

    fn full_marks(&self) -> Num {
        self.rules.policy.full_marks
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{FileId, Span};
    use crate::syntax::limits::MAX_INDICATOR_DEPTH;

    /// Codes of the E0103 diagnostics (and their first-use labels) of a
    /// file with these top-level indicator codes, each worth 1 point.
    fn duplicates(codes: &[String]) -> Vec<(String, usize)> {
        let mut text = format!(
            "对象表 主体 {{\n 编码: 文本, 主键\n 制度: 是否\n}}\n通则 {{\n 满分 {}\n}}\n",
            codes.len()
        );
        let mut starts = Vec::new();
        for c in codes {
            starts.push(text.len() + "指标 ".len());
            text.push_str(&format!(
                "指标 {c} 项 1 分 {{\n 清单 {{\n 制度 得 1 分\n }}\n}}\n"
            ));
        }
        text.push_str("等级 {\n 否则 为 合格\n}\n");
        let file = crate::syntax::parse(FileId(0), &text).expect("parses");
        let checked = super::super::check(&file, Span::new(FileId(0), 0, 0));
        checked
            .diagnostics
            .iter()
            .filter(|d| d.code == "E0103")
            .map(|d| {
                let first = d.labels.iter().find(|l| !l.primary).map(|l| l.span.start);
                let first = starts.iter().position(|s| Some(*s) == first);
                (d.message.clone(), first.unwrap_or(usize::MAX))
            })
            .collect()
    }

    #[test]
    fn duplicate_codes_among_many_siblings_point_at_the_first_use() {
        let mut codes: Vec<String> = (1..=20_000).map(|i| i.to_string()).collect();
        assert_eq!(duplicates(&codes), vec![]);
        codes.push("1".into());
        codes.push("20000".into());
        codes.push("1".into());
        let found = duplicates(&codes);
        let want = [("1", 0), ("20000", 19_999), ("1", 0)];
        let want: Vec<(String, usize)> = want
            .iter()
            .map(|(c, i)| (format!("指标编号 {c} 重复"), *i))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn the_tree_is_measured_before_it_is_walked() {
        let nest = |levels: usize| {
            let file = crate::syntax::parse(
                FileId(0),
                &format!(
                    "{}{}",
                    "指标 1 x 1 分 {\n".repeat(levels),
                    "}\n".repeat(levels)
                ),
            )
            .expect("parses");
            let roots: Vec<&crate::syntax::ast::Indicator> = file
                .items
                .iter()
                .filter_map(|i| match i {
                    crate::syntax::ast::Item::Indicator(x) => Some(x),
                    _ => None,
                })
                .collect();
            super::too_deep(&roots).map(|d| d.code)
        };
        assert_eq!(nest(MAX_INDICATOR_DEPTH), None);
        assert_eq!(nest(MAX_INDICATOR_DEPTH + 1), Some("E0007"));
    }
}
