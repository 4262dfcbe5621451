//! The declarations every expression can see: evidence tables, parameters,
//! periods and enums, after their own checks.

use crate::ir::{Param, Period, Table};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// Declarations that failed their own check (already reported). They still
/// define their names, so later uses are silent instead of a cascade of
/// “未知的名称” or type errors.
#[derive(Debug, Default)]
pub struct Poisoned {
    /// Parameters and periods, with the span of the failed declaration.
    pub names: HashMap<String, Span>,
    /// Fields of an unknown type: (table name, field name).
    pub fields: HashSet<(String, String)>,
}

impl Poisoned {
    pub fn name(&mut self, name: &str, span: Span) {
        self.names.entry(name.to_string()).or_insert(span);
    }
}

#[derive(Debug)]
pub struct Env {
    pub subject: Table,
    pub events: Vec<Table>,
    pub enums: Vec<Vec<String>>,
    pub params: Vec<Param>,
    pub periods: Vec<Period>,
    pub poisoned: Poisoned,
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
            poisoned: Poisoned::default(),
            names,
        }
    }

    /// Periods are typed in the environment of the parameters, so they
    /// are set after it is made.
    pub fn set_periods(&mut self, periods: Vec<Period>) {
        self.names.periods = first_positions(periods.iter().map(|p| &p.name));
        self.periods = periods;
    }

    /// A failed parameter or period of this name (and where it is declared).
    pub fn poisoned_name(&self, name: &str) -> Option<Span> {
        self.poisoned.names.get(name).copied()
    }

    /// A field of `table` (None: the subject table) whose type is unknown.
    pub fn poisoned_field(&self, table: Option<usize>, field: usize) -> bool {
        if self.poisoned.fields.is_empty() {
            return false;
        }
        let t = match table {
            None => Some(&self.subject),
            Some(t) => self.events.get(t),
        };
        t.and_then(|t| Some((t, t.fields.get(field)?)))
            .is_some_and(|(t, f)| {
                self.poisoned
                    .fields
                    .contains(&(t.name.clone(), f.name.clone()))
            })
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
