//! zhibiao: a rules language and evaluator for government-integrity
//! evaluation indicator systems (政务诚信评价指标).
//!
//! The pipeline is one module per stage, data flowing one way:
//! [`syntax`] → [`check`] → [`plan`] → [`eval`] → [`report`].

pub mod diagnostic;
pub mod source;
pub mod syntax;
