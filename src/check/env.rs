//! The declarations every expression can see: evidence tables, parameters,
//! periods and enums, after their own checks.

use crate::ir::{Param, Period, Table};
use std::collections::HashMap;

#[derive(Debug)]
pub struct Env {
    pub subject: Table,
    pub events: Vec<Table>,
    pub enums: Vec<Vec<String>>,
    pub params: Vec<Param>,
    pub periods: Vec<Period>,
    names: Names,
}

/// The first position of each name, so that resolving a name costs the
/// same however many fields, parameters and periods are declared.
#[derive(Debug, Default)]
struct Names {
    fields: HashMap<String, usize>,
    params: HashMap<String, usize>,
    periods: HashMap<String, usize>,
}

fn first_positions<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, n) in names.enumerate() {
        out.entry(n.clone()).or_insert(i);
    }
    out
}

impl Env {
    pub fn new(
        subject: Table,
        events: Vec<Table>,
        enums: Vec<Vec<String>>,
        params: Vec<Param>,
        periods: Vec<Period>,
    ) -> Self {
        let names = Names {
            fields: first_positions(subject.fields.iter().map(|f| &f.name)),
            params: first_positions(params.iter().map(|p| &p.name)),
            periods: first_positions(periods.iter().map(|p| &p.name)),
        };
        Env {
            subject,
            events,
            enums,
            params,
            periods,
            names,
        }
    }

    /// Periods are typed in the environment of the parameters, so they
    /// are set after it is made.
    pub fn set_periods(&mut self, periods: Vec<Period>) {
        self.names.periods = first_positions(periods.iter().map(|p| &p.name));
        self.periods = periods;
    }

    pub fn event_table(&self, name: &str) -> Option<usize> {
        self.events.iter().position(|t| t.name == name)
    }

    pub fn subject_field(&self, name: &str) -> Option<usize> {
        self.names.fields.get(name).copied()
    }

    pub fn param(&self, name: &str) -> Option<usize> {
        self.names.params.get(name).copied()
    }

    pub fn period(&self, name: &str) -> Option<usize> {
        self.names.periods.get(name).copied()
    }
}
