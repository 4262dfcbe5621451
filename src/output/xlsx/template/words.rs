//! The template's words: what each type and constraint means for the
//! person filling the workbook in (header notes, validation messages),
//! and the 说明 sheet.

use super::{col_num, tables, Formats, Info, TemplateError, Widths};
use crate::evidence::Schema;
use crate::ir::{Field, Table, Ty};
use crate::number::{self, Num};
use rust_decimal::Decimal;
use rust_xlsxwriter::Worksheet;

/// The numeric bounds a field's values must keep: its type's and its
/// declared range, together.
pub(super) fn bounds(field: &Field) -> (Option<Num>, Option<Num>) {
    let (zero, hundred) = (number::zero(), number::int(100));
    let (mut lo, mut hi) = match field.ty {
        Ty::Count | Ty::Money => (Some(zero), None),
        Ty::Percent | Ty::Score => (Some(zero), Some(hundred)),
        _ => (None, None),
    };
    if let Some((a, b)) = &field.range {
        lo = Some(lo.map_or(*a, |l| number::max(l, *a)));
        hi = Some(hi.map_or(*b, |h| number::min(h, *b)));
    }
    (lo, hi)
}

pub(super) fn show(x: &Num) -> String {
    number::to_exact_decimal(x)
        .unwrap_or_else(|| number::to_decimal(x))
        .normalize()
        .to_string()
}

/// What a field's type means for the person filling it in.
pub(super) fn type_text(schema: &Schema, field: &Field) -> String {
    match &field.ty {
        Ty::Text => "文本".to_owned(),
        Ty::Count => "计数：非负整数（件数、次数），如 12".to_owned(),
        Ty::Decimal | Ty::Number | Ty::Ratio => "小数：数字，如 3.75".to_owned(),
        Ty::Percent => {
            "百分数：填 0 到 100 的数，不带 %（98.5 表示 98.5%）；单元格设为百分比格式时可直接填 98.5%"
                .to_owned()
        }
        Ty::Score => "分数：0 到 100 的数，如 86.4".to_owned(),
        Ty::Money => "金额：单位为元，不小于 0，如 150000".to_owned(),
        Ty::Year => "年份：整数，如 2025".to_owned(),
        Ty::YesNo => "是否：从下拉列表选“是”或“否”".to_owned(),
        Ty::Date => "日期：如 2025-03-01（日期单元格，或文本 YYYY-MM-DD）".to_owned(),
        Ty::Enum(i) => format!("枚举：从下拉列表选 {} 之一", enum_values(schema, *i).join("、")),
        Ty::Period => "期间".to_owned(),
    }
}

pub(super) fn enum_values<'a>(schema: &'a Schema, i: usize) -> &'a [String] {
    schema.enums.get(i).map(Vec::as_slice).unwrap_or_default()
}

/// The constraints on a field, each in words.
pub(super) fn constraints(schema: &Schema, table: &Table, field: &Field) -> Vec<String> {
    let mut out = Vec::new();
    if field.key {
        out.push("主键：每行一个主体，不能重复".to_owned());
    } else if field.unique {
        out.push("唯一：各行不能重复".to_owned());
    }
    if field.refers_to_subject {
        out.push(format!(
            "引用 {}：须是“{}”表中已有的编码",
            schema.subject.name, schema.subject.name
        ));
    }
    if let Some(upper) = field.at_most.and_then(|g| table.fields.get(g)) {
        out.push(format!("不大于同一行的“{}”", upper.name));
    }
    // A declared range; 百分数 and 分数 say their 0–100 in the type.
    let implied = matches!(field.ty, Ty::Percent | Ty::Score)
        && field.range == Some((number::zero(), number::int(100)));
    if field.range.is_some() && !implied {
        if let (Some(lo), Some(hi)) = bounds(field) {
            out.push(format!("范围 {} 至 {}", show(&lo), show(&hi)));
        }
    }
    if field.group {
        out.push("分组：结果按此字段分组".to_owned());
    }
    out
}

pub(super) fn required_text(field: &Field) -> &'static str {
    if field.required {
        "必填"
    } else {
        "可空（空白表示缺失）"
    }
}

/// The note on a field's header cell.
pub(super) fn field_note(schema: &Schema, table: &Table, field: &Field) -> String {
    let mut lines = vec![field.name.clone(), type_text(schema, field)];
    lines.push(required_text(field).to_owned());
    lines.extend(constraints(schema, table, field));
    lines.join("\n")
}

/// An example value for the 说明 sheet.
pub(super) fn example(schema: &Schema, field: &Field) -> String {
    let fits = |x: &str| {
        let (lo, hi) = bounds(field);
        let Ok(d) = x.parse::<Decimal>() else {
            return false;
        };
        let v = number::from_decimal(d);
        lo.is_none_or(|l| !number::lt(&v, &l)) && hi.is_none_or(|h| !number::gt(&v, &h))
    };
    let numeric = |x: &str| match bounds(field) {
        _ if fits(x) => x.to_owned(),
        (Some(lo), _) => show(&lo),
        (None, Some(hi)) => show(&hi),
        (None, None) => x.to_owned(),
    };
    match &field.ty {
        Ty::Text if field.key || field.refers_to_subject => "110101".to_owned(),
        Ty::Text if field.name == "名称" => "东城区".to_owned(),
        Ty::Text => String::new(),
        Ty::Count => numeric("12"),
        Ty::Decimal | Ty::Number | Ty::Ratio => numeric("3.75"),
        Ty::Percent => numeric("98.5"),
        Ty::Score => numeric("86.4"),
        Ty::Money => numeric("150000"),
        Ty::Year => numeric("2025"),
        Ty::YesNo => "是".to_owned(),
        Ty::Date => "2025-03-01".to_owned(),
        Ty::Enum(i) => enum_values(schema, *i).first().cloned().unwrap_or_default(),
        Ty::Period => String::new(),
    }
}

fn or<'a>(text: &'a str, otherwise: &'a str) -> &'a str {
    if text.is_empty() {
        otherwise
    } else {
        text
    }
}

/// The 说明 sheet: how to fill the template in, then one row per field.
pub(super) fn instructions(
    schema: &Schema,
    info: &Info,
    formats: &Formats,
    name: &str,
) -> Result<Worksheet, TemplateError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    sheet.set_active(true);
    sheet.write_string_with_format(0, 0, "证据模板填写说明", &formats.title)?;
    let mut about = format!("规则文件：{}", info.rules);
    let standard = [info.standard.as_str(), info.version.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !standard.is_empty() {
        about.push_str(&format!("（{standard}）"));
    }
    sheet.write_string(1, 0, &about)?;
    let names: Vec<String> = tables(schema).map(|t| format!("“{}”", t.name)).collect();
    let rules = [
        format!(
            "1. 每张表一个工作表：{}。工作表名就是表名，请勿改名、删除或合并工作表。",
            names.join("、")
        ),
        "2. 第一行是表头（字段名），必须保持在第一行：不要在表头上方插入标题行，不要合并单元格，不要修改字段名。".to_owned(),
        "3. 数据从第 2 行起每行一条，中间不要留空行；空白单元格表示该项数据缺失。".to_owned(),
        "4. 日期填写真正的日期（如 2025-03-01，Excel 会识别为日期），或文本 YYYY-MM-DD。".to_owned(),
        "5. 百分数填写 0 到 100 的数，不带 %：98.5 表示 98.5%，不要填 0.985；单元格设为百分比格式时可直接输入 98.5%。".to_owned(),
        "6. 是否、枚举字段从下拉列表中选择；编码等文本列已设为文本格式，前导零（如 001）会保留。".to_owned(),
        "7. 从别处复制数据时请用“选择性粘贴 → 数值”，以免覆盖单元格格式和数据验证。".to_owned(),
        "8. 鼠标停在表头单元格上可看到该字段的类型与约束；输入不符合要求的值时 Excel 会提示。".to_owned(),
        format!(
            "9. 填好后评分：zhibiao eval {} --data {}",
            or(&info.rules, "规则文件"),
            or(&info.workbook, "本文件.xlsx")
        ),
    ];
    let mut row = 3;
    sheet.write_string_with_format(row, 0, "填写要求", &formats.bold)?;
    for line in &rules {
        row += 1;
        sheet.write_string(row, 0, line)?;
    }
    row += 2;
    sheet.write_string_with_format(row, 0, "字段一览", &formats.bold)?;
    row += 1;
    let header = ["表", "字段", "类型", "必填", "约束", "示例", "填写要求"];
    let mut widths = Widths::default();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(row, col_num(c), *h, &formats.bold)?;
        widths.see(col_num(c), h);
    }
    for table in tables(schema) {
        for field in &table.fields {
            row += 1;
            let cells = [
                table.name.clone(),
                field.name.clone(),
                field.ty.name().to_owned(),
                if field.required { "是" } else { "否" }.to_owned(),
                constraints(schema, table, field).join("；"),
                example(schema, field),
                type_text(schema, field),
            ];
            for (c, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    sheet.write_string_with_format(row, col_num(c), text, &formats.text)?;
                    widths.see(col_num(c), text);
                }
            }
        }
    }
    widths.apply(&mut sheet)?;
    Ok(sheet)
}
