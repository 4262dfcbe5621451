//! Computations over results, knowing nothing of formats: statistics and
//! ranks ([`stats`]), years compared ([`compare`]), what a feedback letter says ([`letter`]), the annual
//! report's numbers ([`summary`]), and what a run read and used
//! ([`provenance`]).

pub mod compare;
pub mod letter;
pub mod provenance;
pub mod sensitivity;
pub mod stats;
pub mod summary;
