//! The untyped syntax tree of one rule file. Every node keeps its span.

use crate::source::Span;
use rust_decimal::Decimal;

#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

pub type Name = Spanned<String>;

#[derive(Clone, Debug, Default)]
pub struct File {
    /// `继承 "path"`: this file is a variant of that base.
    pub extends: Option<Spanned<String>>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Meta(MetaKey, Spanned<String>),
    Scoring(Name),
    Param(Param),
    Period(Period),
    Table(Table),
    Policies(Vec<Spanned<Policy>>),
    Indicator(Indicator),
    Bonus(Bonus),
    Veto(Veto),
    Grades(Spanned<Vec<GradeRow>>),
    /// Variants: `删除 …`.
    Remove(Remove, Span),
    /// Variants: `修改 …`.
    Modify(Modify, Span),
    /// Variants: `扩展 表 { 新字段 }`.
    Extend {
        table: Name,
        fields: Vec<Field>,
    },
}

#[derive(Clone, Debug)]
pub enum Remove {
    Indicator(Spanned<String>),
    Bonus(Spanned<String>),
    Veto(Spanned<String>),
}

#[derive(Clone, Debug)]
pub enum Modify {
    Indicator {
        code: Spanned<String>,
        name: Option<Name>,
        weight: Option<Spanned<Weight>>,
        body: Option<Body>,
    },
    Bonus {
        code: Spanned<String>,
        name: Option<Name>,
        rows: Vec<BonusRow>,
    },
    Veto {
        code: Spanned<String>,
        name: Option<Name>,
        cond: Expr,
    },
    Grades(Spanned<Vec<GradeRow>>),
    Policies(Vec<Spanned<Policy>>),
    Param {
        name: Name,
        default: Expr,
    },
}

/// The scoring part of a leaf: what `修改 指标` replaces.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub lets: Vec<Let>,
    pub guards: Vec<Guard>,
    pub rules: Vec<Spanned<Rule>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaKey {
    Standard,
    Version,
    Applies,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Name,
    pub ty: Name,
    pub default: Expr,
}

#[derive(Clone, Debug)]
pub struct Period {
    pub name: Name,
    pub from: Expr,
    pub to: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Subject,
    Event,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub kind: TableKind,
    pub name: Name,
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Name,
    pub ty: FieldType,
    pub constraints: Vec<Spanned<Constraint>>,
}

#[derive(Clone, Debug)]
pub enum FieldType {
    Named(Name),
    Enum(Vec<Name>, Span),
}

#[derive(Clone, Debug)]
pub enum Constraint {
    Key,
    Unique,
    Required,
    /// `分组`: results are grouped by this field (result workbooks).
    Group,
    Ref(Name),
    AtMost(Name),
    Range(Decimal, Decimal),
}

#[derive(Clone, Debug)]
pub enum Policy {
    FullMarks(Decimal),
    RoundHalfUp(Decimal),
    ZeroDenominator(ZeroDenOutcome),
    MissingZero,
    BonusCap(Decimal),
    TotalCap(Decimal),
    VetoGrade(Name),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroDenOutcome {
    FullPoints,
    ZeroPoints,
}

#[derive(Clone, Debug)]
pub struct Indicator {
    pub code: Spanned<String>,
    pub name: Name,
    pub weight: Spanned<Weight>,
    pub children: Vec<Indicator>,
    pub lets: Vec<Let>,
    pub guards: Vec<Guard>,
    pub rules: Vec<Spanned<Rule>>,
    pub span: Span,
    /// Variant statements that changed this indicator or its children, so
    /// diagnostics on the merged tree can point at them.
    pub changed_by: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Weight {
    /// 分值: the indicator's full points.
    Points(Decimal),
    /// 权重: a share of the parent, written as a percentage (30% = 0.30).
    Share(Decimal),
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: Name,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Guard {
    pub cond: Expr,
    pub score: Spanned<Decimal>,
}

#[derive(Clone, Debug)]
pub enum Rule {
    Bands {
        subject: Expr,
        rows: Vec<BandRow>,
        /// `不单调`: points meant not to follow the value (no W0004).
        not_monotone: bool,
    },
    Interp {
        subject: Expr,
        anchors: Vec<(Expr, Spanned<Decimal>)>,
        /// `不单调`: no W0005.
        not_monotone: bool,
    },
    Formula(Expr),
    Deduct {
        floor: bool,
        rows: Vec<(Expr, Spanned<Decimal>)>,
    },
    Checklist(Vec<(Expr, Spanned<Decimal>)>),
    Lookup {
        subject: Expr,
        rows: Vec<LookupRow>,
        /// `不单调`: no W0004.
        not_monotone: bool,
    },
}

impl Rule {
    /// The Chinese keyword that introduces the rule.
    pub fn keyword(&self) -> &'static str {
        match self {
            Rule::Bands { .. } => "分档",
            Rule::Interp { .. } => "插值",
            Rule::Formula(_) => "公式",
            Rule::Deduct { .. } => "扣分",
            Rule::Checklist(_) => "清单",
            Rule::Lookup { .. } => "对照",
        }
    }
}

#[derive(Clone, Debug)]
pub struct BandRow {
    /// `None` is 否则.
    pub test: Option<(CmpOp, Expr)>,
    pub score: Spanned<Decimal>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct LookupRow {
    pub key: Option<Expr>,
    pub score: Spanned<Decimal>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Bonus {
    pub code: Spanned<String>,
    pub name: Name,
    pub rows: Vec<BonusRow>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum BonusRow {
    Each(Expr, Spanned<Decimal>),
    If(Expr, Spanned<Decimal>),
}

#[derive(Clone, Debug)]
pub struct Veto {
    pub code: Spanned<String>,
    pub name: Name,
    pub cond: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct GradeRow {
    pub test: Option<(CmpOp, Expr)>,
    pub grade: Name,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Ge,
    Le,
    Gt,
    Lt,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Ge => "≥",
            CmpOp::Le => "≤",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
        }
    }

    /// The operator with its sides swapped: `c op x` is `x op.flipped() c`.
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Lt => CmpOp::Gt,
            other => other,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Cmp(CmpOp),
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "或",
            BinOp::And => "且",
            BinOp::Cmp(c) => c.symbol(),
            BinOp::In => "在",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "×",
            BinOp::Div => "÷",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFn {
    Count,
    Sum,
}

pub type Expr = Spanned<ExprKind>;

#[derive(Clone, Debug)]
pub enum ExprKind {
    Number(Decimal),
    /// `95%`, stored as the fraction 0.95.
    Percent(Decimal),
    Bool(bool),
    Str(String),
    /// A date literal, checked for validity by the checker.
    Date(String),
    Name(String),
    /// `表.字段`
    Path(Name, Name),
    Call(Name, Vec<Expr>),
    Aggregate {
        func: AggFn,
        target: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}
