//! Rule-language syntax that must never reach a reader of the words the
//! tool writes about rules (the appendix, the prose, the letters, the
//! diff memo): one list for every test that greps for it.

pub const SYNTAX: &[&str] = &[
    "条数(",
    "合计(",
    "满足",
    "日期(",
    "最高(",
    "最低(",
    "最小(",
    "最大(",
    "限定(",
    "令 ",
    "==",
    ">=",
    "<=",
    "!=",
    " 在 ",
    "否则 得",
    "每 ",
    "扣分 扣完为止",
    " 当 ",
];
