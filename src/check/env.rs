//! The declarations every expression can see: evidence tables, parameters,
//! periods and enums, after their own checks.

use crate::ir::{Param, Period, Table};

#[derive(Debug)]
pub struct Env {
    pub subject: Table,
    pub events: Vec<Table>,
    pub enums: Vec<Vec<String>>,
    pub params: Vec<Param>,
    pub periods: Vec<Period>,
}

impl Env {
    pub fn event_table(&self, name: &str) -> Option<usize> {
        self.events.iter().position(|t| t.name == name)
    }
}
