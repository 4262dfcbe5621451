//! The typed model: what the checker produces from the AST. Names are
//! resolved to indices, every expression has a type, numbers are exact.
//! The planner and the evaluator read only this.

use crate::number::Num;
use crate::source::Span;
use crate::syntax::ast::{AggFn, BinOp, CmpOp, UnOp};

/// An aggregate not yet given a slot by the planner.
pub const NO_SLOT: usize = usize::MAX;

/// Index of a field in its table.
pub type FieldId = usize;
/// Index of an indicator in [`Model::indicators`] (tree order).
pub type IndId = usize;

#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub standard: String,
    pub version: String,
    pub applies: String,
}

/// How a parent's score comes from its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 分值: children's points add up to the parent's; scores add up.
    Points,
    /// 权重: every indicator is scored 0–100; a parent is the weighted sum.
    Weights,
}

/// The type of a value, as declared for a field or inferred for an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Text,
    /// Non-negative integer (计数).
    Count,
    /// Any decimal (小数).
    Decimal,
    /// Percentage points 0–100 as written in the data (百分数).
    Percent,
    /// Score 0–100 (分数).
    Score,
    /// Non-negative money in yuan (金额).
    Money,
    /// Calendar year (年份).
    Year,
    /// A fraction, from a division or a `95%` literal (比率).
    Ratio,
    /// A plain number: literals and products.
    Number,
    YesNo,
    Date,
    /// Values of an enumerated field; the index is into [`Model::enums`].
    Enum(usize),
    /// An evaluation period (期间).
    Period,
}

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Ty::Count
                | Ty::Decimal
                | Ty::Percent
                | Ty::Score
                | Ty::Money
                | Ty::Year
                | Ty::Ratio
                | Ty::Number
        )
    }

    /// The Chinese name shown in diagnostics.
    pub fn name(&self) -> &'static str {
        match self {
            Ty::Text => "文本",
            Ty::Count => "计数",
            Ty::Decimal => "小数",
            Ty::Percent => "百分数",
            Ty::Score => "分数",
            Ty::Money => "金额",
            Ty::Year => "年份",
            Ty::Ratio => "比率",
            Ty::Number => "数值",
            Ty::YesNo => "是否",
            Ty::Date => "日期",
            Ty::Enum(_) => "枚举",
            Ty::Period => "期间",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
    pub key: bool,
    pub unique: bool,
    pub required: bool,
    /// For an event table: this field holds the subject's key.
    pub refers_to_subject: bool,
    /// `分组`: results are grouped by this subject field (at most one, a
    /// text or enum field of the subject table).
    pub group: bool,
    /// `不大于 其他字段`: this value may not exceed that field's value.
    pub at_most: Option<FieldId>,
    /// Declared or implied range (percent and score: 0–100).
    pub range: Option<(Num, Num)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub fields: Vec<Field>,
    pub span: Span,
}

impl Table {
    pub fn field(&self, name: &str) -> Option<FieldId> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The key field of a subject table / the subject reference of an event table.
    pub fn key_field(&self) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.key || f.refers_to_subject)
    }

    /// The field marked `分组`, if any.
    pub fn group_field(&self) -> Option<FieldId> {
        self.fields.iter().position(|f| f.group)
    }

    /// The field that names a subject in results and messages: the field
    /// called 名称, else the first required text field after the key.
    pub fn name_field(&self) -> Option<FieldId> {
        self.field("名称").or_else(|| {
            self.fields
                .iter()
                .position(|f| f.required && !f.key && f.ty == Ty::Text)
        })
    }
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub full_marks: Num,
    pub round_places: u32,
    pub zero_denominator: Option<ZeroDen>,
    pub missing_zero: bool,
    pub bonus_cap: Option<Num>,
    pub total_cap: Option<Num>,
    pub veto_grade: Option<String>,
    pub veto_grade_span: Option<Span>,
    /// Where `满分` is declared, when it is.
    pub full_marks_span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroDen {
    FullPoints,
    ZeroPoints,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    pub default: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Period {
    pub name: String,
    pub from: Expr,
    pub to: Expr,
    pub span: Span,
}

/// A run-time value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(Num),
    Bool(bool),
    Text(String),
    /// Index into the enum's variant list.
    Enum(u32),
    /// Days since 0000-03-01 (see [`crate::date`]).
    Date(i64),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

impl Expr {
    /// The expressions directly inside this one, an aggregate's filter
    /// included: one place that knows the shape, for every walk.
    pub fn children(&self) -> impl Iterator<Item = &Expr> {
        use ExprKind::*;
        let (one, two, many): (Option<&Expr>, Option<&Expr>, &[Expr]) = match &self.kind {
            Unary(_, a) => (Some(a), None, &[]),
            Binary(_, a, b) => (Some(a), Some(b), &[]),
            Func(_, args) => (None, None, args),
            Aggregate {
                filter: Some(c), ..
            } => (Some(c), None, &[]),
            _ => (None, None, &[]),
        };
        one.into_iter().chain(two).chain(many)
    }

    /// Structural equality, ignoring spans.
    pub fn same_as(&self, other: &Expr) -> bool {
        use ExprKind::*;
        let all = |xs: &[Expr], ys: &[Expr]| {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| x.same_as(y))
        };
        match (&self.kind, &other.kind) {
            (Const(x), Const(y)) => x == y,
            (Field(x), Field(y))
            | (PopMax(x), PopMax(y))
            | (PopMin(x), PopMin(y))
            | (Let(x), Let(y))
            | (Param(x), Param(y))
            | (Period(x), Period(y)) => x == y,
            (EventField(t, x), EventField(u, y)) => t == u && x == y,
            (Unary(o, x), Unary(p, y)) => o == p && x.same_as(y),
            (Binary(o, x1, x2), Binary(p, y1, y2)) => o == p && x1.same_as(y1) && x2.same_as(y2),
            (Func(f, xs), Func(g, ys)) => f == g && all(xs, ys),
            (
                Aggregate {
                    func: f1,
                    table: t1,
                    field: d1,
                    filter: c1,
                    ..
                },
                Aggregate {
                    func: f2,
                    table: t2,
                    field: d2,
                    filter: c2,
                    ..
                },
            ) => {
                f1 == f2
                    && t1 == t2
                    && d1 == d2
                    && match (c1, c2) {
                        (Some(a), Some(b)) => a.same_as(b),
                        (None, None) => true,
                        _ => false,
                    }
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Const(Value),
    /// A field of the evaluated subject.
    Field(FieldId),
    /// A field of the event row being filtered or summed (event table index, field).
    EventField(usize, FieldId),
    /// A `令` binding of the current indicator.
    Let(usize),
    Param(usize),
    /// Membership test target: `日期 在 评价期间`.
    Period(usize),
    /// Population maximum / minimum of a subject field, missing values excluded.
    PopMax(FieldId),
    PopMin(FieldId),
    Aggregate {
        func: AggFn,
        table: usize,
        /// For 合计: the summed field.
        field: Option<FieldId>,
        filter: Option<Box<Expr>>,
        /// The planner's slot for this aggregate's per-subject value
        /// (`NO_SLOT` until planned).
        slot: usize,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Func(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Clamp,
    /// 日期(年, 月, 日)
    MakeDate,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "最小",
            Func::Max => "最大",
            Func::Clamp => "限定",
            Func::MakeDate => "日期",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: String,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Guard {
    pub cond: Expr,
    pub score: Num,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct BandRow {
    pub test: Option<(CmpOp, Num)>,
    pub score: Num,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ScoredRow {
    pub expr: Expr,
    pub score: Num,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Rule {
    Bands {
        subject: Expr,
        rows: Vec<BandRow>,
    },
    /// Anchors sorted by x, strictly increasing; flat outside them.
    Interp {
        subject: Expr,
        anchors: Vec<(Num, Num)>,
    },
    Formula(Expr),
    Deduct {
        floor: bool,
        rows: Vec<ScoredRow>,
    },
    Checklist(Vec<ScoredRow>),
    Lookup {
        subject: Expr,
        rows: Vec<BandRow>,
    },
}

#[derive(Clone, Debug)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    /// Full points (分值 mode) or share of the parent (权重 mode).
    pub weight: Num,
    /// Full points of this indicator: in 权重 mode every indicator's is 100.
    pub full: Num,
    pub parent: Option<IndId>,
    pub children: Vec<IndId>,
    pub depth: usize,
    pub lets: Vec<Let>,
    pub guards: Vec<Guard>,
    pub rule: Option<Rule>,
    pub rule_span: Option<Span>,
    /// Subject fields read directly by this indicator (not through a
    /// population max/min): an empty one makes the indicator 缺失.
    pub used_fields: Vec<FieldId>,
    pub span: Span,
    pub code_span: Span,
    /// In a variant: whether the variant file itself added or changed this
    /// indicator (for the marks in the generated appendix).
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// As in the file itself, or inherited unchanged from a base.
    Unchanged,
    /// Declared by the variant.
    Added,
    /// Changed by the variant (points, name, rule, or its children).
    Changed,
}

impl Indicator {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

#[derive(Clone, Debug)]
pub enum BonusRow {
    Each(ScoredRow),
    If(ScoredRow),
}

#[derive(Clone, Debug)]
pub struct Bonus {
    pub code: String,
    pub name: String,
    pub rows: Vec<BonusRow>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Veto {
    pub code: String,
    pub name: String,
    pub cond: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct GradeRow {
    pub test: Option<(CmpOp, Num)>,
    pub grade: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Model {
    /// The file that was checked; in a variant, parts come from its bases.
    pub root: crate::source::FileId,
    /// Whether the model merges a variant into a base.
    pub variant: bool,
    pub meta: Meta,
    pub mode: Mode,
    pub params: Vec<Param>,
    pub periods: Vec<Period>,
    pub subject: Table,
    pub events: Vec<Table>,
    /// Variant names of each enum type, referenced by [`Ty::Enum`].
    pub enums: Vec<Vec<String>>,
    pub policy: Policy,
    /// All indicators in tree order (parent before children, siblings in order).
    pub indicators: Vec<Indicator>,
    pub roots: Vec<IndId>,
    pub bonuses: Vec<Bonus>,
    pub vetoes: Vec<Veto>,
    pub grades: Vec<GradeRow>,
}
