//! Variants: apply a file that `继承`s a base to the base's (already merged)
//! syntax tree. The result is one tree whose nodes keep the spans of the
//! file each came from, so the checker's diagnostics point into both.

use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, Indicator, Item, Modify, Remove};

/// Merge `variant` into `base`; problems are pushed to `diags`.
pub fn merge(base: ast::File, variant: ast::File, diags: &mut Vec<Diagnostic>) -> ast::File {
    let mut known = std::collections::HashSet::new();
    for item in &base.items {
        if let Item::Indicator(i) = item {
            add_codes(i, &mut known);
        }
    }
    let mut m = Merger {
        items: base.items,
        known,
        diags,
    };
    for item in variant.items {
        m.apply(item);
    }
    ast::File {
        extends: None,
        items: m.items,
    }
}

/// In a file that extends nothing, the variant statements are errors.
pub fn reject_variant_items(file: &ast::File, diags: &mut Vec<Diagnostic>) {
    for item in &file.items {
        let span = match item {
            Item::Remove(_, s) | Item::Modify(_, s) => *s,
            Item::Extend { table, .. } => table.span,
            _ => continue,
        };
        diags.push(
            Diagnostic::error("E0406", "删除、修改、扩展 只能用于继承其他规则文件的变体")
                .primary(span, "本文件没有 继承 声明")
                .help("在文件开头写 继承 \"基础规则文件路径\""),
        );
    }
}

struct Merger<'a> {
    items: Vec<Item>,
    /// Every indicator code in `items`' trees, so that a variant adding
    /// thousands of indicators does not search the tree for each one.
    known: std::collections::HashSet<String>,
    diags: &'a mut Vec<Diagnostic>,
}

/// An indicator's code and its descendants' codes into `out`.
fn add_codes(i: &Indicator, out: &mut std::collections::HashSet<String>) {
    let mut stack = vec![i];
    while let Some(i) = stack.pop() {
        out.insert(i.code.node.clone());
        stack.extend(&i.children);
    }
}

impl Merger<'_> {
    fn apply(&mut self, item: Item) {
        match item {
            Item::Meta(key, value) => {
                self.items
                    .retain(|i| !matches!(i, Item::Meta(k, _) if *k == key));
                self.items.push(Item::Meta(key, value));
            }
            Item::Scoring(name) => {
                self.items.retain(|i| !matches!(i, Item::Scoring(_)));
                self.items.push(Item::Scoring(name));
            }
            Item::Param(p) => {
                let prev = self.items.iter().find_map(|i| match i {
                    Item::Param(q) if q.name.node == p.name.node => Some(q.name.span),
                    _ => None,
                });
                self.add_new(Item::Param(p.clone()), prev, &p.name, "参数", "修改 参数");
            }
            Item::Period(p) => {
                let prev = self.items.iter().find_map(|i| match i {
                    Item::Period(q) if q.name.node == p.name.node => Some(q.name.span),
                    _ => None,
                });
                self.add_new(
                    Item::Period(p.clone()),
                    prev,
                    &p.name,
                    "期间",
                    "删除后重新声明",
                );
            }
            Item::Table(t) => {
                let prev = self.table(&t.name.node).map(|b| b.name.span);
                self.add_new(Item::Table(t.clone()), prev, &t.name, "表", "扩展");
            }
            Item::Policies(p) => match p.first() {
                Some(first) if self.items.iter().any(|i| matches!(i, Item::Policies(_))) => {
                    let span = first.span;
                    self.diags
                        .push(redeclared("通则", span, None, "修改 通则 { … }"));
                }
                _ => self.items.push(Item::Policies(p)),
            },
            Item::Grades(g) => {
                let prev = self.items.iter().find_map(|i| match i {
                    Item::Grades(b) => Some(b.span),
                    _ => None,
                });
                match prev {
                    Some(prev) => {
                        self.diags
                            .push(redeclared("等级表", g.span, Some(prev), "修改 等级 { … }"))
                    }
                    None => self.items.push(Item::Grades(g)),
                }
            }
            Item::Bonus(b) => {
                let prev = self.bonus(&b.code.node).map(|x| x.code.span);
                let code = b.code.clone();
                self.add_new(Item::Bonus(b), prev, &code, "加分项", "修改 加分");
            }
            Item::Veto(v) => {
                let prev = self.veto(&v.code.node).map(|x| x.code.span);
                let code = v.code.clone();
                self.add_new(Item::Veto(v), prev, &code, "否决项", "修改 否决");
            }
            Item::Indicator(ind) => self.add_indicator(ind),
            Item::Remove(r, span) => self.remove(r, span),
            Item::Modify(m, span) => self.modify(m, span),
            Item::Extend { table, fields } => self.extend(table, fields),
        }
    }

    fn add_new(&mut self, item: Item, prev: Option<Span>, name: &ast::Name, what: &str, how: &str) {
        match prev {
            Some(prev) => self.diags.push(redeclared(
                &format!("{what}“{}”", name.node),
                name.span,
                Some(prev),
                how,
            )),
            None => self.items.push(item),
        }
    }

    fn table(&self, name: &str) -> Option<&ast::Table> {
        self.items.iter().find_map(|i| match i {
            Item::Table(t) if t.name.node == name => Some(t),
            _ => None,
        })
    }

    fn bonus(&self, code: &str) -> Option<&ast::Bonus> {
        self.items.iter().find_map(|i| match i {
            Item::Bonus(b) if b.code.node == code => Some(b),
            _ => None,
        })
    }

    fn veto(&self, code: &str) -> Option<&ast::Veto> {
        self.items.iter().find_map(|i| match i {
            Item::Veto(v) if v.code.node == code => Some(v),
            _ => None,
        })
    }

    fn roots(&mut self) -> impl Iterator<Item = &mut Indicator> {
        self.items.iter_mut().filter_map(|i| match i {
            Item::Indicator(x) => Some(x),
            _ => None,
        })
    }

    fn codes(&self) -> Vec<String> {
        fn walk(i: &Indicator, out: &mut Vec<String>) {
            out.push(i.code.node.clone());
            i.children.iter().for_each(|c| walk(c, out));
        }
        let mut out = Vec::new();
        for item in &self.items {
            if let Item::Indicator(i) = item {
                walk(i, &mut out);
            }
        }
        out
    }

    /// The indicator with this code. Codes name their parents (`1.2.3` is
    /// under `1.2`), so the search goes down that path; a tree whose codes
    /// do not follow it (an error `check` reports) is searched whole.
    fn find(&mut self, code: &str) -> Option<&mut Indicator> {
        fn walk<'a>(i: &'a mut Indicator, code: &str) -> Option<&'a mut Indicator> {
            if i.code.node == code {
                return Some(i);
            }
            i.children.iter_mut().find_map(|c| walk(c, code))
        }
        if !self.known.contains(code) {
            return None;
        }
        if self.along_path(code).is_some() {
            return self.along_path(code);
        }
        self.roots().find_map(|r| walk(r, code))
    }

    /// The indicator with this code, found through its ancestors' codes.
    fn along_path(&mut self, code: &str) -> Option<&mut Indicator> {
        // Where each ancestor's code ends: `1.2.3` → 1, 3, 5.
        let mut ends = code
            .match_indices('.')
            .map(|(at, _)| at)
            .chain(std::iter::once(code.len()));
        let first = code.get(..ends.next()?)?;
        let mut at = self.roots().find(|r| r.code.node == first)?;
        for end in ends {
            let prefix = code.get(..end)?;
            at = at.children.iter_mut().find(|c| c.code.node == prefix)?;
        }
        Some(at)
    }

    fn missing(&mut self, what: &str, code: &ast::Spanned<String>, candidates: Vec<String>) {
        let mut d = Diagnostic::error("E0401", format!("基础规则中没有{what} {}", code.node))
            .primary(code.span, "变体修改或删除的对象不存在");
        d = match crate::check::did_you_mean(&code.node, candidates.iter().map(String::as_str)) {
            Some(help) => d.help(help),
            None => d.help("核对基础规则文件中的编号"),
        };
        self.diags.push(d);
    }

    fn add_indicator(&mut self, ind: Indicator) {
        let code = ind.code.clone();
        if let Some(prev) = self.find(&code.node).map(|p| p.code.span) {
            self.diags.push(redeclared(
                &format!("指标 {}", code.node),
                code.span,
                Some(prev),
                "修改 指标 或 删除",
            ));
            return;
        }
        let Some((parent_code, _)) = code.node.rsplit_once('.') else {
            add_codes(&ind, &mut self.known);
            self.items.push(Item::Indicator(ind));
            return;
        };
        let parent_code = parent_code.to_string();
        let span = ind.span;
        let mut codes = std::collections::HashSet::new();
        add_codes(&ind, &mut codes);
        match self.find(&parent_code) {
            Some(parent) => {
                parent.changed_by.push(span);
                parent.children.push(ind);
                self.known.extend(codes);
            }
            None => {
                let codes = self.codes();
                let parent_name = ast::Spanned::new(parent_code, code.span);
                self.missing("上级指标", &parent_name, codes);
            }
        }
    }

    fn remove(&mut self, r: Remove, span: Span) {
        match r {
            Remove::Indicator(code) => {
                if !self.remove_indicator(&code.node, span) {
                    let codes = self.codes();
                    self.missing("指标", &code, codes);
                }
            }
            Remove::Bonus(code) => {
                let before = self.items.len();
                self.items
                    .retain(|i| !matches!(i, Item::Bonus(b) if b.code.node == code.node));
                if self.items.len() == before {
                    let codes = self.item_codes(true);
                    self.missing("加分项", &code, codes);
                }
            }
            Remove::Veto(code) => {
                let before = self.items.len();
                self.items
                    .retain(|i| !matches!(i, Item::Veto(v) if v.code.node == code.node));
                if self.items.len() == before {
                    let codes = self.item_codes(false);
                    self.missing("否决项", &code, codes);
                }
            }
        }
    }

    fn item_codes(&self, bonus: bool) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Bonus(b) if bonus => Some(b.code.node.clone()),
                Item::Veto(v) if !bonus => Some(v.code.node.clone()),
                _ => None,
            })
            .collect()
    }

    fn remove_indicator(&mut self, code: &str, span: Span) -> bool {
        let removed = self.remove_from_tree(code, span);
        if removed {
            // The removed indicator's children went with it.
            let mut known = std::collections::HashSet::new();
            for r in self.roots() {
                add_codes(r, &mut known);
            }
            self.known = known;
        }
        removed
    }

    fn remove_from_tree(&mut self, code: &str, span: Span) -> bool {
        fn walk(list: &mut Vec<Indicator>, code: &str, span: Span) -> bool {
            if let Some(pos) = list.iter().position(|c| c.code.node == code) {
                list.remove(pos);
                return true;
            }
            for c in list.iter_mut() {
                if walk(&mut c.children, code, span) {
                    c.changed_by.push(span);
                    return true;
                }
            }
            false
        }
        let before = self.items.len();
        self.items
            .retain(|i| !matches!(i, Item::Indicator(x) if x.code.node == code));
        if self.items.len() != before {
            return true;
        }
        self.roots().any(|r| {
            walk(&mut r.children, code, span) && {
                r.changed_by.push(span);
                true
            }
        })
    }

    fn modify(&mut self, m: Modify, span: Span) {
        match m {
            Modify::Indicator {
                code,
                name,
                weight,
                body,
            } => match self.find(&code.node) {
                Some(ind) => {
                    ind.changed_by.push(span);
                    if let Some(n) = name {
                        ind.name = n;
                    }
                    if let Some(w) = weight {
                        ind.weight = w;
                    }
                    if let Some(b) = body {
                        ind.lets = b.lets;
                        ind.guards = b.guards;
                        ind.rules = b.rules;
                    }
                }
                None => {
                    let codes = self.codes();
                    self.missing("指标", &code, codes);
                }
            },
            Modify::Bonus { code, name, rows } => {
                let found = self.items.iter_mut().find_map(|i| match i {
                    Item::Bonus(b) if b.code.node == code.node => Some(b),
                    _ => None,
                });
                match found {
                    Some(b) => {
                        if let Some(n) = name {
                            b.name = n;
                        }
                        b.rows = rows;
                    }
                    None => {
                        let codes = self.item_codes(true);
                        self.missing("加分项", &code, codes);
                    }
                }
            }
            Modify::Veto { code, name, cond } => {
                let found = self.items.iter_mut().find_map(|i| match i {
                    Item::Veto(v) if v.code.node == code.node => Some(v),
                    _ => None,
                });
                match found {
                    Some(v) => {
                        if let Some(n) = name {
                            v.name = n;
                        }
                        v.cond = cond;
                    }
                    None => {
                        let codes = self.item_codes(false);
                        self.missing("否决项", &code, codes);
                    }
                }
            }
            Modify::Grades(rows) => {
                let found = self.items.iter_mut().find_map(|i| match i {
                    Item::Grades(g) => Some(g),
                    _ => None,
                });
                match found {
                    Some(g) => *g = rows,
                    None => self.diags.push(
                        Diagnostic::error("E0401", "基础规则中没有等级表")
                            .primary(span, "没有可修改的等级表")
                            .help("直接声明 等级 { … }"),
                    ),
                }
            }
            Modify::Policies(new) => self.modify_policies(new, span),
            Modify::Param { name, default } => {
                let found = self.items.iter_mut().find_map(|i| match i {
                    Item::Param(p) if p.name.node == name.node => Some(p),
                    _ => None,
                });
                match found {
                    Some(p) => p.default = default,
                    None => self.diags.push(
                        Diagnostic::error("E0401", format!("基础规则中没有参数“{}”", name.node))
                            .primary(name.span, "没有可修改的参数")
                            .help("新参数直接用 参数 声明"),
                    ),
                }
            }
        }
    }

    fn modify_policies(&mut self, new: Vec<ast::Spanned<ast::Policy>>, span: Span) {
        let found = self.items.iter_mut().find_map(|i| match i {
            Item::Policies(p) => Some(p),
            _ => None,
        });
        let Some(list) = found else {
            self.diags.push(
                Diagnostic::error("E0401", "基础规则中没有通则")
                    .primary(span, "没有可修改的通则")
                    .help("直接声明 通则 { … }"),
            );
            return;
        };
        for p in new {
            let kind = std::mem::discriminant(&p.node);
            list.retain(|q| std::mem::discriminant(&q.node) != kind);
            list.push(p);
        }
    }

    fn extend(&mut self, table: ast::Name, fields: Vec<ast::Field>) {
        let found = self.items.iter_mut().find_map(|i| match i {
            Item::Table(t) if t.name.node == table.node => Some(t),
            _ => None,
        });
        let Some(t) = found else {
            let names: Vec<String> = self
                .items
                .iter()
                .filter_map(|i| {
                    if let Item::Table(t) = i {
                        Some(t.name.node.clone())
                    } else {
                        None
                    }
                })
                .collect();
            self.missing("表", &table, names);
            return;
        };
        let mut shadowed = Vec::new();
        for f in fields {
            match t.fields.iter().find(|g| g.name.node == f.name.node) {
                Some(prev) => shadowed.push(
                    Diagnostic::error(
                        "E0403",
                        format!(
                            "字段“{}”已在基础规则的表“{}”中声明",
                            f.name.node, table.node
                        ),
                    )
                    .primary(f.name.span, "变体中的字段遮蔽了基础字段")
                    .secondary(prev.name.span, "基础规则中的声明")
                    .help("使用另一个字段名；基础字段的类型不能在变体中更改"),
                ),
                None => t.fields.push(f),
            }
        }
        self.diags.extend(shadowed);
    }
}

fn redeclared(what: &str, span: Span, prev: Option<Span>, how: &str) -> Diagnostic {
    let mut d = Diagnostic::error("E0402", format!("{what}已在基础规则中声明"))
        .primary(span, "变体重复声明了基础规则已有的内容")
        .help(format!("在变体中改动已有内容请用 {how}"));
    if let Some(prev) = prev {
        d = d.secondary(prev, "基础规则中的声明");
    }
    d
}
