//! zhibiao: a rules language and evaluator for government-integrity
//! evaluation indicator systems (政务诚信评价指标).
//!
//! The pipeline is one module per stage, data flowing one way:
//! [`syntax`] → [`check`] → [`plan`] → [`eval`] → [`report`].

pub mod analysis;
pub mod check;
pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod driver;
pub mod eval;
pub mod evidence;
pub mod fmt;
pub mod ir;
pub mod lsp;
pub mod merge;
pub mod number;
pub mod output;
pub mod plan;
pub mod progress;
pub mod prose;
pub mod report;
pub mod ruletest;
pub mod source;
pub mod syntax;
