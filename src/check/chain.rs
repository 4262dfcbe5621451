//! `令` chains: a `令` that reads a `令` that reads a `令` … (E0006).
//!
//! Nothing walks a chain recursively any more (the range analysis works
//! the `令` out in order), but a chain longer than any real rule needs is
//! refused like the other nesting limits, so a later stage that follows
//! one can rely on it being short.

use crate::diagnostic::Diagnostic;
use crate::ir::{self, ExprKind as K};
use crate::syntax::ast;
use crate::syntax::limits::MAX_LET_CHAIN;

/// The chain length of a `令` with this value, given the lengths of the
/// earlier `令` (1 if it reads none). The walk uses an explicit stack.
pub fn length(value: &ir::Expr, earlier: &[usize]) -> usize {
    let mut longest = 0;
    let mut todo = vec![value];
    while let Some(e) = todo.pop() {
        match &e.kind {
            K::Let(i) => longest = longest.max(earlier.get(*i).copied().unwrap_or(0)),
            _ => todo.extend(e.children()),
        }
    }
    longest + 1
}

pub fn too_long(l: &ast::Let, length: usize) -> Diagnostic {
    Diagnostic::error(
        "E0006",
        format!("令“{}”的引用链过长：超过 {MAX_LET_CHAIN} 层", l.name.node),
    )
    .primary(l.name.span, format!("第 {length} 层"))
    .help(format!(
        "一个 令 引用另一个 令，如此相连最多 {MAX_LET_CHAIN} 层；直接写出中间的计算，或合并几个 令"
    ))
}
