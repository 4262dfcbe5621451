#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Parser tests: the rule files in rules/ parse, and small inputs lower to
//! the expected tree shape.

use zhibiao::source::Files;
use zhibiao::syntax::{self, ast};

fn parse(src: &str) -> Result<ast::File, Vec<zhibiao::diagnostic::Diagnostic>> {
    let mut files = Files::new();
    let id = files.add("t.zb", src);
    syntax::parse(id, src)
}

#[test]
fn national_rules_parse() {
    let src = std::fs::read_to_string("rules/national.zb").unwrap();
    let file = parse(&src).unwrap_or_else(|d| panic!("{d:?}"));
    let indicators = file
        .items
        .iter()
        .filter(|i| matches!(i, ast::Item::Indicator(_)))
        .count();
    assert_eq!(indicators, 5);
}

/// The single indicator of a file holding just `指标 1 测试 5 分 { body }`.
fn leaf(body: &str) -> ast::Indicator {
    let src = format!("指标 1 测试 5 分 {{\n{body}\n}}\n");
    let file = parse(&src).unwrap_or_else(|d| panic!("{src}\n{d:?}"));
    match file.items.into_iter().next() {
        Some(ast::Item::Indicator(i)) => i,
        other => panic!("expected an indicator, got {other:?}"),
    }
}

/// A span-free rendering of an expression, to compare structure.
fn show(e: &ast::Expr) -> String {
    use ast::ExprKind as K;
    match &e.node {
        K::Number(d) => format!("{d}"),
        K::Percent(d) => format!("pct({d})"),
        K::Bool(b) => format!("{b}"),
        K::Str(s) => format!("{s:?}"),
        K::Date(s) => format!("date({s})"),
        K::Name(n) => n.clone(),
        K::Path(t, f) => format!("{}.{}", t.node, f.node),
        K::Call(f, args) => format!(
            "{}({})",
            f.node,
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        K::Aggregate {
            func,
            target,
            filter,
        } => format!(
            "{func:?}({}{})",
            show(target),
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default()
        ),
        K::Unary(op, x) => format!("({op:?} {})", show(x)),
        K::Binary(op, l, r) => format!("({} {} {})", show(l), op.symbol(), show(r)),
    }
}

fn formula(body: &str) -> String {
    let ind = leaf(&format!("公式 {body}"));
    match ind.rules.first().map(|r| &r.node) {
        Some(ast::Rule::Formula(e)) => show(e),
        other => panic!("expected a formula, got {other:?}"),
    }
}

fn band_rows(rows: &str) -> Vec<(Option<ast::CmpOp>, String)> {
    let ind = leaf(&format!("分档 x {{\n{rows}\n}}"));
    match ind.rules.first().map(|r| &r.node) {
        Some(ast::Rule::Bands { rows, .. }) => rows
            .iter()
            .map(|r| match &r.test {
                Some((op, e)) => (Some(*op), show(e)),
                None => (None, "否则".to_string()),
            })
            .collect(),
        other => panic!("expected bands, got {other:?}"),
    }
}

#[test]
fn chinese_and_ascii_comparison_operators_are_the_same() {
    use ast::CmpOp::*;
    let cn = band_rows("≥ 95% 得 4 分\n≤ 3% 得 3 分\n≠ 1 得 2 分\n= 0 得 1 分\n否则 得 0 分");
    let ascii =
        band_rows(">= 95% 得 4 分\n<= 3% 得 3 分\n!= 1 得 2 分\n== 0 得 1 分\n否则 得 0 分");
    assert_eq!(cn, ascii);
    let ops: Vec<_> = cn.iter().map(|r| r.0).collect();
    assert_eq!(ops, [Some(Ge), Some(Le), Some(Ne), Some(Eq), None]);
}

#[test]
fn chinese_and_ascii_arithmetic_operators_are_the_same() {
    assert_eq!(formula("5 × a ÷ b"), formula("5 * a / b"));
    assert_eq!(formula("5 × a ÷ b"), "((5 × a) ÷ b)");
    // × and ÷ bind tighter than + and -.
    assert_eq!(formula("1 + 2 × 3 - 4 ÷ 2"), "((1 + (2 × 3)) - (4 ÷ 2))");
    // The full-width percent sign is a percent sign.
    assert_eq!(formula("95％"), formula("95%"));
}

#[test]
fn chinese_quoted_names() {
    let src = "指标 3.2.1 “12345 热线按时办结” 4 分 { 公式 4 }\n\
               指标 3.2.2 \"12345 热线满意度\" 4 分 { 公式 4 }";
    let file = parse(src).unwrap_or_else(|d| panic!("{d:?}"));
    let names: Vec<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Indicator(ind) => Some(ind.name.node.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["12345 热线按时办结", "12345 热线满意度"]);
}

#[test]
fn comments_are_ignored() {
    let with = leaf(
        "# 整行注释\n\
         // 另一种整行注释\n\
         令 率 = a / b   # 行尾注释\n\
         公式 5 × 率     // 行尾注释",
    );
    let without = leaf("令 率 = a / b\n公式 5 × 率");
    assert_eq!(with.lets.len(), 1);
    assert_eq!(show(&with.lets[0].value), show(&without.lets[0].value));
    assert_eq!(with.rules.len(), 1);
}

#[test]
fn percent_literal_lowers_to_a_fraction() {
    assert_eq!(formula("95%"), "pct(0.95)");
    assert_eq!(formula("100%"), "pct(1)");
    assert_eq!(formula("2.5%"), "pct(0.025)");
    // A bare number stays a number: 95 and 95% are different values.
    assert_eq!(formula("95"), "95");
}

#[test]
fn keyword_needs_a_following_space() {
    // `分档审查率` is one identifier, not the keyword 分档 + the name 审查率.
    let ind = leaf("令 分档审查率 = a / b\n公式 5 × 分档审查率");
    assert_eq!(ind.lets[0].name.node, "分档审查率");
    assert_eq!(formula("5 × 分档审查率"), "(5 × 分档审查率)");
    // The same holds for 若 and 得 at the start of a name.
    assert_eq!(formula("若干次数 + 得分率"), "(若干次数 + 得分率)");
    // With the space it is the keyword.
    let ind = leaf("分档 审查率 {\n≥ 95% 得 5 分\n否则 得 0 分\n}");
    assert!(matches!(
        ind.rules.first().map(|r| &r.node),
        Some(ast::Rule::Bands { .. })
    ));
}

#[test]
fn aggregates_and_period_test() {
    assert_eq!(
        formula("条数(失信事件 满足 类型 = 拖欠账款 且 日期 在 评价期间)"),
        "Count(失信事件 where ((类型 = 拖欠账款) 且 (日期 在 评价期间)))"
    );
    assert_eq!(
        formula("合计(失信事件.金额 满足 非 已整改 = 是)"),
        "Sum(失信事件.金额 where (Not (已整改 = true)))"
    );
}
