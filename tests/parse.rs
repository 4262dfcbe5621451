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
