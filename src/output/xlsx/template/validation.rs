//! Excel data validation for each field's column, from its type and
//! constraints.

use super::words::{bounds, constraints, enum_values, required_text, show, type_text};
use super::{clip, col_num, tables, Formats, TemplateError, LAST_ROW, MAX_MESSAGE, MAX_TITLE};
use crate::evidence::Schema;
use crate::ir::{Field, Table, Ty};
use rust_xlsxwriter::utility::{column_number_to_name, quote_sheet_name};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Formula, Worksheet,
};

/// Excel data validation for a field's column, from its type and
/// constraints; `None` for free text.
pub(super) fn validation(
    schema: &Schema,
    table: &Table,
    c: usize,
    lists: &mut Lists,
) -> Result<Option<DataValidation>, TemplateError> {
    let Some(field) = table.fields.get(c) else {
        return Ok(None);
    };
    // Formulas are written for the first data row; Excel moves them
    // along the column.
    let letter = column_number_to_name(col_num(c));
    let cell = format!("{letter}2");
    let upper = field.at_most.map(|g| column_number_to_name(col_num(g)));
    let mut style = DataValidationErrorStyle::Stop;
    let v = match &field.ty {
        Ty::YesNo => DataValidation::new().allow_list_strings(&["是", "否"])?,
        Ty::Enum(i) => {
            let values = enum_values(schema, *i);
            match lists.inline(values) {
                true => DataValidation::new().allow_list_strings(values)?,
                false => DataValidation::new().allow_list_formula(lists.range(*i, values)),
            }
        }
        Ty::Date => DataValidation::new().allow_date(DataValidationRule::Between(
            rust_xlsxwriter::ExcelDateTime::from_ymd(1900, 1, 1)?,
            rust_xlsxwriter::ExcelDateTime::from_ymd(9999, 12, 31)?,
        )),
        Ty::Text | Ty::Period if field.refers_to_subject => {
            let Some(key) = schema.subject.key_field() else {
                return Ok(None);
            };
            // Not a stop: the events may be filled in before the subjects.
            style = DataValidationErrorStyle::Warning;
            let key = column_number_to_name(col_num(key));
            let sheet = quote_sheet_name(&schema.subject.name);
            let range = format!("={sheet}!${key}$2:${key}${}", LAST_ROW + 1);
            DataValidation::new().allow_list_formula(Formula::new(range))
        }
        Ty::Text | Ty::Period if field.unique || field.key => DataValidation::new().allow_custom(
            Formula::new(format!("=COUNTIF(${letter}:${letter},{cell})<=1")),
        ),
        Ty::Text | Ty::Period => return Ok(None),
        _ => numeric_validation(field, &cell, upper.as_deref()),
    };
    let input = clip(
        &[type_text(schema, field)]
            .into_iter()
            .chain(std::iter::once(required_text(field).to_owned()))
            .chain(constraints(schema, table, field))
            .collect::<Vec<_>>()
            .join("；"),
        MAX_MESSAGE,
    );
    let error = clip(
        &format!(
            "“{}”应为：{}",
            field.name,
            [type_text(schema, field)]
                .into_iter()
                .chain(constraints(schema, table, field))
                .collect::<Vec<_>>()
                .join("；")
        ),
        MAX_MESSAGE,
    );
    let v = v
        .set_input_title(clip(&field.name, MAX_TITLE))?
        .set_input_message(input)?
        .set_error_title(clip(
            &format!("“{}”的取值不符合要求", field.name),
            MAX_TITLE,
        ))?
        .set_error_message(error)?
        .set_error_style(style);
    Ok(Some(v))
}

/// Numbers: whole numbers for 计数 and 年份, decimals otherwise, within
/// the field's bounds; with `不大于`, one formula for all of it (a cell
/// has one validation), comparing with the other column of the same row.
fn numeric_validation(field: &Field, cell: &str, upper: Option<&str>) -> DataValidation {
    let whole = matches!(field.ty, Ty::Count | Ty::Year);
    let (lo, hi) = bounds(field);
    let rule = match (&lo, &hi) {
        (Some(l), Some(h)) => Some(DataValidationRule::Between(
            Formula::new(show(l)),
            Formula::new(show(h)),
        )),
        (Some(l), None) => Some(DataValidationRule::GreaterThanOrEqualTo(Formula::new(
            show(l),
        ))),
        (None, Some(h)) => Some(DataValidationRule::LessThanOrEqualTo(Formula::new(show(h)))),
        (None, None) => None,
    };
    match (upper, rule) {
        (None, Some(rule)) if whole => DataValidation::new().allow_whole_number_formula(rule),
        (None, Some(rule)) => DataValidation::new().allow_decimal_number_formula(rule),
        _ => {
            let mut parts = vec![format!("ISNUMBER({cell})")];
            if whole {
                parts.push(format!("{cell}=INT({cell})"));
            }
            if let Some(l) = &lo {
                parts.push(format!("{cell}>={}", show(l)));
            }
            if let Some(h) = &hi {
                parts.push(format!("{cell}<={}", show(h)));
            }
            if let Some(u) = upper {
                parts.push(format!("OR(${u}2=\"\",{cell}<=${u}2)"));
            }
            DataValidation::new().allow_custom(Formula::new(format!("=AND({})", parts.join(","))))
        }
    }
}

/// Enum values too long for an inline dropdown list (Excel keeps 255
/// characters, commas included, and splits values at commas) go into a
/// hidden sheet, one column per enum, that the validation refers to.
pub(super) struct Lists {
    name: String,
    columns: Vec<(usize, Vec<String>)>,
}

impl Lists {
    pub(super) fn new(schema: &Schema) -> Self {
        let taken = |n: &str| tables(schema).any(|t| t.name == n);
        let name = ["可选值", "枚举可选值", "zhibiao可选值"]
            .into_iter()
            .find(|n| !taken(n))
            .unwrap_or("zhibiao可选值")
            .to_owned();
        Lists {
            name,
            columns: Vec::new(),
        }
    }

    pub(super) fn inline(&self, values: &[String]) -> bool {
        let joined = values.join(",");
        joined.encode_utf16().count() <= MAX_MESSAGE && !values.iter().any(|v| v.contains(','))
    }

    /// The range holding enum `i`'s values, added on first use.
    pub(super) fn range(&mut self, i: usize, values: &[String]) -> Formula {
        let col = match self.columns.iter().position(|(e, _)| *e == i) {
            Some(c) => c,
            None => {
                self.columns.push((i, values.to_vec()));
                self.columns.len() - 1
            }
        };
        let c = column_number_to_name(col_num(col));
        let sheet = quote_sheet_name(&self.name);
        Formula::new(format!("={sheet}!${c}$1:${c}${}", values.len().max(1)))
    }

    pub(super) fn into_sheet(self, formats: &Formats) -> Result<Option<Worksheet>, TemplateError> {
        if self.columns.is_empty() {
            return Ok(None);
        }
        let mut sheet = Worksheet::new();
        sheet.set_name(&self.name)?;
        for (c, (_, values)) in self.columns.iter().enumerate() {
            for (r, v) in values.iter().enumerate() {
                let r = u32::try_from(r).unwrap_or(LAST_ROW);
                sheet.write_string_with_format(r, col_num(c), v, &formats.text)?;
            }
        }
        sheet.set_hidden(true);
        Ok(Some(sheet))
    }
}
