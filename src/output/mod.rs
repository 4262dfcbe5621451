//! Turning results into bytes safely: escaping of text that comes from
//! rules and evidence, and output files that never lose data.

pub mod compare;
pub mod encode;
pub mod escape;
pub mod evidence_errors;
pub mod file;
pub mod html;
pub mod xlsx;
