//! zhibiao: a rules language and evaluator for government-integrity
//! evaluation indicator systems (政务诚信评价指标).
//!
//! The pipeline is one module per stage, data flowing one way:
//! [`syntax`] → [`check`] → [`plan`] → [`eval`] → [`report`].

pub mod diagnostic;
pub mod evidence;
pub mod source;
pub mod syntax;
pub mod date;
pub mod ir;
pub mod number;
