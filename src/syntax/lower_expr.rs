//! Expressions: parse tree → AST, with operator precedence.
//!
//! The grammar reads an expression as a flat sequence `prefix* primary
//! (infix prefix* primary)*`; the tree is built here with an explicit
//! operator stack (shunting-yard), so a long chain (`x + x + …`) or a run of
//! signs (`- - - x`) is built without recursion. Each node's depth is known
//! as it is built, and a tree deeper than [`MAX_EXPR_DEPTH`] is refused at
//! the operator that would go one level too far, so no later stage ever
//! walks a deep tree. Only brackets recurse, and their nesting is bounded
//! before parsing (see `limits`).

use super::ast::*;
use super::internal;
use super::limits::{self, MAX_EXPR_DEPTH};
use super::lower::{cmp_op, decimal, percent, string, Cx, Kids, Res};
use super::parser::Rule as R;
use crate::source::Span;
use pest::iterators::Pair;

/// An expression and the depth of its tree (a name or literal is 0).
type Deep = (Expr, usize);

#[derive(Clone, Copy)]
enum Op {
    Prefix(UnOp),
    Infix(BinOp),
}

/// An operator waiting on the stack for its right operand to be complete.
struct Pending {
    op: Op,
    prec: u8,
    span: Span,
}

fn operator(cx: Cx, pair: &Pair<R>) -> Option<Op> {
    Some(match pair.as_rule() {
        R::op_or => Op::Infix(BinOp::Or),
        R::op_and => Op::Infix(BinOp::And),
        R::op_not => Op::Prefix(UnOp::Not),
        R::cmp_op => Op::Infix(BinOp::Cmp(cmp_op(cx, pair))),
        R::op_in => Op::Infix(BinOp::In),
        R::op_add => Op::Infix(BinOp::Add),
        R::op_sub => Op::Infix(BinOp::Sub),
        R::op_mul => Op::Infix(BinOp::Mul),
        R::op_div => Op::Infix(BinOp::Div),
        R::op_neg => Op::Prefix(UnOp::Neg),
        _ => return None,
    })
}

/// Precedence, loosest first: 或, 且, 非, comparisons and 在, + -, × ÷, and
/// the minus sign. All infix operators are left-associative.
fn precedence(op: Op) -> u8 {
    match op {
        Op::Infix(BinOp::Or) => 1,
        Op::Infix(BinOp::And) => 2,
        Op::Prefix(UnOp::Not) => 3,
        Op::Infix(BinOp::Cmp(_) | BinOp::In) => 4,
        Op::Infix(BinOp::Add | BinOp::Sub) => 5,
        Op::Infix(BinOp::Mul | BinOp::Div) => 6,
        Op::Prefix(UnOp::Neg) => 7,
    }
}

pub(super) fn expr(cx: Cx, pair: Pair<R>) -> Res<Expr> {
    deep(cx, pair).map(|(e, _)| e)
}

pub(super) fn primary(cx: Cx, pair: Pair<R>) -> Res<Expr> {
    primary_deep(cx, pair).map(|(e, _)| e)
}

fn deep(cx: Cx, pair: Pair<R>) -> Res<Deep> {
    if pair.as_rule() != R::expr {
        return primary_deep(cx, pair);
    }
    let whole = cx.span(&pair);
    let mut operands: Vec<Deep> = Vec::new();
    let mut ops: Vec<Pending> = Vec::new();
    for kid in Kids::of(cx, pair).inner {
        let Some(op) = operator(cx, &kid) else {
            operands.push(primary_deep(cx, kid)?);
            continue;
        };
        let prec = precedence(op);
        match op {
            // A prefix operator waits for the operand that follows it.
            Op::Prefix(_) => ops.push(Pending {
                op,
                prec,
                span: cx.span(&kid),
            }),
            // An infix operator first completes every waiting operator that
            // binds at least as tightly (left associativity). A waiting
            // prefix operator that binds more loosely takes the whole rest:
            // `非 a = b` is `非 (a = b)`.
            Op::Infix(_) => {
                while ops.last().is_some_and(|top| top.prec >= prec) {
                    reduce(&mut operands, &mut ops, whole)?;
                }
                ops.push(Pending {
                    op,
                    prec,
                    span: cx.span(&kid),
                });
            }
        }
    }
    while !ops.is_empty() {
        reduce(&mut operands, &mut ops, whole)?;
    }
    match (operands.pop(), operands.is_empty()) {
        (Some(e), true) => Ok(e),
        _ => Err(internal(whole, "表达式的运算符与运算对象不配对")),
    }
}

/// Apply the operator on top of the stack to the operands it takes.
fn reduce(operands: &mut Vec<Deep>, ops: &mut Vec<Pending>, whole: Span) -> Res<()> {
    let missing = || internal(whole, "运算符缺少运算对象");
    let top = ops.pop().ok_or_else(missing)?;
    let node = match top.op {
        Op::Prefix(op) => {
            let (x, d) = operands.pop().ok_or_else(missing)?;
            let span = top.span.to(x.span);
            (
                Spanned::new(ExprKind::Unary(op, Box::new(x)), span),
                deeper(d, top.span)?,
            )
        }
        Op::Infix(op) => {
            let (r, dr) = operands.pop().ok_or_else(missing)?;
            let (l, dl) = operands.pop().ok_or_else(missing)?;
            let span = l.span.to(r.span);
            (
                Spanned::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span),
                deeper(dl.max(dr), top.span)?,
            )
        }
    };
    operands.push(node);
    Ok(())
}

/// The depth of a node above operands of depth `below`, if allowed.
fn deeper(below: usize, at: Span) -> Res<usize> {
    if below >= MAX_EXPR_DEPTH {
        Err(limits::expr_too_deep(at))
    } else {
        Ok(below + 1)
    }
}

fn primary_deep(cx: Cx, pair: Pair<R>) -> Res<Deep> {
    let span = cx.span(&pair);
    let leaf = |kind| Ok((Spanned::new(kind, span), 0));
    match pair.as_rule() {
        R::expr => deep(cx, pair),
        R::number => leaf(ExprKind::Number(decimal(cx, &pair)?)),
        R::percent_lit => leaf(ExprKind::Percent(percent(cx, pair)?)),
        R::yes => leaf(ExprKind::Bool(true)),
        R::no => leaf(ExprKind::Bool(false)),
        R::string => leaf(ExprKind::Str(string(cx, pair)?.node)),
        R::date_lit => leaf(ExprKind::Date(cx.text(&pair).to_string())),
        R::ident => leaf(ExprKind::Name(cx.text(&pair).to_string())),
        R::field_path => {
            let mut k = Kids::of(cx, pair);
            let table = cx.name(&k.next("表名")?);
            let field = cx.name(&k.next("字段名")?);
            leaf(ExprKind::Path(table, field))
        }
        R::call => {
            let mut k = Kids::of(cx, pair);
            let func = cx.name(&k.next("函数名")?);
            let mut args = Vec::new();
            let mut below = 0;
            for p in k.inner {
                let (arg, d) = deep(cx, p)?;
                below = below.max(d);
                args.push(arg);
            }
            let depth = deeper(below, func.span)?;
            Ok((Spanned::new(ExprKind::Call(func, args), span), depth))
        }
        R::aggregate => aggregate(cx, pair),
        _ => Err(internal(span, "表达式")),
    }
}

fn aggregate(cx: Cx, pair: Pair<R>) -> Res<Deep> {
    let span = cx.span(&pair);
    let mut k = Kids::of(cx, pair);
    let func_pair = k.next("汇总函数")?;
    let func_span = cx.span(&func_pair);
    let func = match func_pair.into_inner().next().map(|p| p.as_rule()) {
        Some(R::kw_sum_of) => AggFn::Sum,
        _ => AggFn::Count,
    };
    let target = Box::new(primary(cx, k.next("事件表")?)?);
    let (filter, below) = match k.inner.next() {
        Some(p) => {
            let (f, d) = deep(cx, p)?;
            (Some(Box::new(f)), d)
        }
        None => (None, 0),
    };
    let depth = deeper(below, func_span)?;
    let kind = ExprKind::Aggregate {
        func,
        target,
        filter,
    };
    Ok((Spanned::new(kind, span), depth))
}

#[cfg(test)]
mod tests {
    //! The operator stack must build exactly the trees pest's Pratt parser
    //! built before it (same precedence table), on many random sequences.
    use super::*;
    use crate::source::FileId;
    use pest::pratt_parser::{Assoc, Op as POp, PrattParser};
    use pest::Parser;

    fn show(e: &Expr) -> String {
        match &e.node {
            ExprKind::Unary(op, x) => format!("({op:?} {})", show(x)),
            ExprKind::Binary(op, l, r) => format!("({} {op:?} {})", show(l), show(r)),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(show).collect();
                format!("{}[{}]", f.node, args.join(","))
            }
            other => format!("{other:?}"),
        }
    }

    /// The previous lowering: pest's Pratt parser, printing the same way.
    fn pratt_show(cx: Cx, pair: Pair<R>) -> String {
        if pair.as_rule() != R::expr {
            return match pair.as_rule() {
                R::call => {
                    let mut k = Kids::of(cx, pair);
                    let f = k.next("f").map(|p| cx.text(&p).to_string());
                    let args: Vec<String> = k.inner.map(|p| pratt_show(cx, p)).collect();
                    format!("{}[{}]", f.unwrap_or_default(), args.join(","))
                }
                _ => show(&primary(cx, pair).expect("primary")),
            };
        }
        let pratt = PrattParser::new()
            .op(POp::infix(R::op_or, Assoc::Left))
            .op(POp::infix(R::op_and, Assoc::Left))
            .op(POp::prefix(R::op_not))
            .op(POp::infix(R::cmp_op, Assoc::Left) | POp::infix(R::op_in, Assoc::Left))
            .op(POp::infix(R::op_add, Assoc::Left) | POp::infix(R::op_sub, Assoc::Left))
            .op(POp::infix(R::op_mul, Assoc::Left) | POp::infix(R::op_div, Assoc::Left))
            .op(POp::prefix(R::op_neg));
        let op_name = |p: &Pair<R>| match operator(cx, p) {
            Some(Op::Prefix(u)) => format!("{u:?}"),
            Some(Op::Infix(b)) => format!("{b:?}"),
            None => "?".to_string(),
        };
        let shown = pratt
            .map_primary(|p| pratt_show(cx, p))
            .map_prefix(|op, x| format!("({} {x})", op_name(&op)))
            .map_infix(|l, op, r| format!("({l} {} {r})", op_name(&op)))
            .parse(Kids::of(cx, pair).inner);
        shown
    }

    /// A random expression from a small alphabet (a linear congruential
    /// generator keeps the test deterministic).
    fn random(seed: &mut u64, n: usize) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 33) % n as u64) as usize
    }

    /// A random expression from a small alphabet (a linear congruential
    /// generator keeps the test deterministic).
    fn random_expr(seed: &mut u64, depth: u32) -> String {
        let infix = ["或", "且", "=", "≥", "在", "+", "-", "×", "÷"];
        let mut out = String::new();
        let terms = 1 + random(seed, 6);
        for i in 0..terms {
            if i > 0 {
                out.push_str(&format!(" {} ", infix[random(seed, infix.len())]));
            }
            for _ in 0..random(seed, 3) {
                out.push_str(if random(seed, 2) == 0 { "非 " } else { "-" });
            }
            match random(seed, if depth > 0 { 5 } else { 3 }) {
                0 => out.push('a'),
                1 => out.push('b'),
                2 => out.push('1'),
                3 => {
                    let inner = random_expr(seed, depth - 1);
                    out.push_str(&format!("({inner})"));
                }
                _ => {
                    let x = random_expr(seed, depth - 1);
                    let y = random_expr(seed, depth - 1);
                    out.push_str(&format!("最大({x}, {y})"));
                }
            }
        }
        out
    }

    #[test]
    fn the_operator_stack_builds_the_trees_the_pratt_parser_built() {
        let mut seed = 7;
        for _ in 0..3000 {
            let text = random_expr(&mut seed, 2);
            let cx = Cx::new(FileId(0), &text);
            let pair = super::super::parser::ZbParser::parse(R::expr, &text)
                .ok()
                .and_then(|mut p| p.next())
                .expect("the generated text parses");
            let old = pratt_show(cx, pair.clone());
            let new = show(&expr(cx, pair).expect("lowers"));
            assert_eq!(new, old, "for {text}");
        }
    }

    fn lower_text(text: &str) -> Res<Expr> {
        let cx = Cx::new(FileId(0), text);
        let pair = super::super::parser::ZbParser::parse(R::expr, text)
            .ok()
            .and_then(|mut p| p.next())
            .expect("parses");
        expr(cx, pair)
    }

    #[test]
    fn depth_is_limited_exactly() {
        let chain = |terms: usize| vec!["x"; terms].join(" + ");
        assert!(lower_text(&chain(MAX_EXPR_DEPTH + 1)).is_ok());
        let over = lower_text(&chain(MAX_EXPR_DEPTH + 2)).map(|_| ());
        assert_eq!(over.err().map(|d| d.code), Some("E0005"));
        let signs = |n: usize| format!("{}x", "-".repeat(n));
        assert!(lower_text(&signs(MAX_EXPR_DEPTH)).is_ok());
        let over = lower_text(&signs(MAX_EXPR_DEPTH + 1)).map(|_| ());
        assert_eq!(over.err().map(|d| d.code), Some("E0005"));
        // Brackets add no level; calls do.
        let parens = format!("{}x + x{}", "(".repeat(50), ")".repeat(50));
        assert!(lower_text(&parens).is_ok());
        let calls = |n: usize| format!("{}x{}", "最大(".repeat(n), ", 0)".repeat(n));
        assert!(lower_text(&calls(60)).is_ok());
        let sum_in_call = format!("最大({}, 0)", chain(MAX_EXPR_DEPTH + 1));
        let over = lower_text(&sum_in_call).map(|_| ());
        assert_eq!(over.err().map(|d| d.code), Some("E0005"));
    }

    #[test]
    fn a_long_chain_is_refused_at_the_operator_one_too_deep() {
        let text = vec!["x"; 10_000].join(" + ");
        let Err(d) = lower_text(&text) else {
            panic!("expected E0005");
        };
        let at = d.labels.first().map(|l| l.span.start);
        // Operand i (0-based) starts at 4 * i; the operator before it 2 bytes earlier.
        assert_eq!(at, Some(4 * (MAX_EXPR_DEPTH + 1) - 2));
    }
}
