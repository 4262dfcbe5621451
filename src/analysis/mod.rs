//! Computations over results, knowing nothing of formats: statistics and
//! ranks ([`stats`]), and what a run read and used ([`provenance`]).

pub mod provenance;
pub mod stats;
