//! `zhibiao template` (issue #10): the evidence workbook generated from
//! the declared tables — sheets and header rows (read back with
//! calamine), data validation and header notes (read from the
//! workbook's XML), the evidence it is filled with, what LibreOffice
//! reads from it, and that a filled template evaluates as the CSV
//! evidence does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/office.rs"]
mod office;

use calamine::{Data, Reader};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RULES: &str = "rules/national.zb";
const EVIDENCE: &str = "examples/evidence";

fn zhibiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `zhibiao template RULES [extra] -o DIR/name`, asserted to succeed.
fn template(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut args = vec!["template", RULES];
    args.extend(extra);
    args.extend(["-o", path.to_str().unwrap()]);
    let out = zhibiao(&args);
    assert!(out.status.success(), "template failed: {}", stderr(&out));
    path
}

/// Every cell of a sheet, as calamine reads it.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    calamine::open_workbook_auto(path)
        .unwrap()
        .sheet_names()
        .to_vec()
}

/// A part of the workbook's zip archive, as text.
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("no {name} in the workbook: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The parts whose names start with `prefix`, concatenated.
fn parts(path: &Path, prefix: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let zip = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    assert!(!names.is_empty(), "no {prefix}* in the workbook");
    names.iter().map(|n| part(path, n)).collect()
}

/// The `<dataValidation>` element of a worksheet covering `sqref`.
fn validation<'a>(xml: &'a str, sqref: &str) -> &'a str {
    let attr = format!("sqref=\"{sqref}\"");
    let at = xml
        .find(&attr)
        .unwrap_or_else(|| panic!("no data validation on {sqref}"));
    let start = xml[..at].rfind("<dataValidation ").unwrap();
    let end = at + xml[at..].find("</dataValidation>").unwrap();
    &xml[start..end]
}

/// The header row of a CSV evidence file.
fn csv_header(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect()
}

fn csv_rows(path: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn csv_text_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Two cells say the same: equal text, or equal numbers (`56.00` is 56).
fn same_cell(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (a.parse::<rust_decimal::Decimal>(), b.parse::<rust_decimal::Decimal>()),
            (Ok(x), Ok(y)) if x == y
        )
}

fn assert_same_rows(what: &str, got: &[Vec<String>], want: &[Vec<String>]) {
    assert_eq!(got.len(), want.len(), "{what}: number of rows");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        // Trailing empty cells are no data.
        let trim = |r: &[String]| {
            let n = r.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1);
            r[..n].to_vec()
        };
        let (g, w) = (trim(g), trim(w));
        assert_eq!(g.len(), w.len(), "{what} row {}: {g:?} vs {w:?}", i + 1);
        for (a, b) in g.iter().zip(&w) {
            assert!(same_cell(a, b), "{what} row {}: {a:?} vs {b:?}", i + 1);
        }
    }
}

#[test]
fn one_sheet_per_table_with_the_fields_as_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "证据模板.xlsx", &[]);
    assert_eq!(sheet_names(&path), ["说明", "主体", "失信事件"]);
    for table in ["主体", "失信事件"] {
        let rows = sheet(&path, table);
        assert_eq!(rows.len(), 1, "{table}: only the header row");
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(header, csv_header(&format!("{EVIDENCE}/{table}.csv")));
    }
    // The header is bold and frozen.
    let xml = part(&path, "xl/worksheets/sheet2.xml");
    assert!(xml
        .contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
    // 说明: one row per field, with its type, whether required, constraints.
    let guide = sheet(&path, "说明");
    let row = guide
        .iter()
        .find(|r| {
            r.first() == Some(&Data::String("主体".into()))
                && r[1] == Data::String("重大决策已审查数".into())
        })
        .expect("说明 lists 主体.重大决策已审查数");
    assert_eq!(row[2], Data::String("计数".into()));
    assert_eq!(row[3], Data::String("否".into()));
    assert_eq!(row[4], Data::String("不大于同一行的“重大决策数”".into()));
    assert_eq!(row[5], Data::String("12".into()));
    let text: String = guide.iter().flatten().map(|c| c.to_string()).collect();
    for needed in [
        "必须保持在第一行",
        "不要合并单元格",
        "YYYY-MM-DD",
        "0 到 100",
        "--data 证据模板.xlsx",
    ] {
        assert!(text.contains(needed), "说明 does not say {needed}");
    }
}

#[test]
fn data_validation_from_types_and_constraints() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &[]);
    let subjects = part(&path, "xl/worksheets/sheet2.xml");
    let events = part(&path, "xl/worksheets/sheet3.xml");
    // 编码 (主键): no repeats.
    let v = validation(&subjects, "A2:A1048576");
    assert!(v.contains(r#"type="custom""#), "{v}");
    assert!(
        v.contains("<formula1>COUNTIF($A:$A,A2)&lt;=1</formula1>"),
        "{v}"
    );
    // 重大决策数 (计数): whole numbers ≥ 0.
    let v = validation(&subjects, "D2:D1048576");
    assert!(v.contains(r#"type="whole""#), "{v}");
    assert!(v.contains(r#"operator="greaterThanOrEqual""#), "{v}");
    assert!(v.contains("<formula1>0</formula1>"), "{v}");
    // 重大决策已审查数: a count, 不大于 重大决策数 (column D) in the same row.
    let v = validation(&subjects, "E2:E1048576");
    assert!(v.contains(r#"type="custom""#), "{v}");
    assert!(
        v.contains(r#"<formula1>AND(ISNUMBER(E2),E2=INT(E2),E2&gt;=0,OR($D2="",E2&lt;=$D2))</formula1>"#)
            || v.contains("<formula1>AND(ISNUMBER(E2),E2=INT(E2),E2&gt;=0,OR($D2=&quot;&quot;,E2&lt;=$D2))</formula1>"),
        "{v}"
    );
    assert!(v.contains("不大于同一行的“重大决策数”"), "{v}");
    // 执法公示制度 (是否): a dropdown.
    let v = validation(&subjects, "H2:H1048576");
    assert!(v.contains(r#"type="list""#), "{v}");
    assert!(v.contains(r#"<formula1>"是,否"</formula1>"#), "{v}");
    // 主动公开达标率 (百分数, column Q): decimals 0–100.
    let v = validation(&subjects, "Q2:Q1048576");
    assert!(v.contains(r#"type="decimal""#), "{v}");
    assert!(!v.contains("operator="), "between is the default: {v}");
    assert!(
        v.contains("<formula1>0</formula1><formula2>100</formula2>"),
        "{v}"
    );
    assert!(v.contains("不带 %"), "{v}");
    // 群众满意度 (分数, column AB): decimals 0–100.
    let v = validation(&subjects, "AB2:AB1048576");
    assert!(
        v.contains("<formula1>0</formula1><formula2>100</formula2>"),
        "{v}"
    );
    // 失信事件: 编码 from the subjects' codes (a warning: the events may come first).
    let v = validation(&events, "A2:A1048576");
    assert!(v.contains(r#"type="list""#), "{v}");
    assert!(v.contains(r#"errorStyle="warning""#), "{v}");
    assert!(
        v.contains("<formula1>主体!$A$2:$A$1048576</formula1>")
            || v.contains("<formula1>'主体'!$A$2:$A$1048576</formula1>"),
        "{v}"
    );
    // 类型 (枚举): the declared values.
    let v = validation(&events, "C2:C1048576");
    assert!(
        v.contains(r#"<formula1>"拖欠账款,失信被执行,合同违约"</formula1>"#),
        "{v}"
    );
    // 金额: ≥ 0.
    let v = validation(&events, "D2:D1048576");
    assert!(
        v.contains(r#"type="decimal""#) && v.contains(r#"operator="greaterThanOrEqual""#),
        "{v}"
    );
    // 日期: dates.
    let v = validation(&events, "F2:F1048576");
    assert!(v.contains(r#"type="date""#), "{v}");
    // Every validation says, in Chinese, what to enter and what was wrong.
    for xml in [&subjects, &events] {
        let n = xml.matches("<dataValidation ").count();
        assert!(n > 0);
        assert_eq!(
            xml.matches(" prompt=\"").count(),
            n,
            "an input message each"
        );
        assert_eq!(xml.matches(" error=\"").count(), n, "an error message each");
    }
    assert_eq!(
        subjects.matches("<dataValidation ").count(),
        38,
        "all but 名称 and 所属地区"
    );
    assert_eq!(events.matches("<dataValidation ").count(), 6, "every field");
}

#[test]
fn header_notes_and_cell_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &[]);
    let notes = parts(&path, "xl/comments");
    for needed in [
        "重大决策已审查数",
        "计数：非负整数",
        "不大于同一行的“重大决策数”",
        "主键：每行一个主体，不能重复",
        "百分数：填 0 到 100 的数，不带 %",
        "枚举：从下拉列表选 拖欠账款、失信被执行、合同违约 之一",
        "引用 主体：须是“主体”表中已有的编码",
        "日期：如 2025-03-01",
        "必填",
        "可空（空白表示缺失）",
    ] {
        assert!(notes.contains(needed), "no note says {needed}");
    }
    // One note per header cell: 40 fields of 主体 and 6 of 失信事件.
    assert_eq!(notes.matches("<comment ").count(), 46);
    // Text columns as text (leading zeros stay), date columns as dates.
    let styles = part(&path, "xl/styles.xml");
    let subjects = part(&path, "xl/worksheets/sheet2.xml");
    let events = part(&path, "xl/worksheets/sheet3.xml");
    assert_eq!(
        column_format(&styles, &subjects, 1),
        "49",
        "编码 as text (@)"
    );
    assert_eq!(
        column_format(&styles, &subjects, 4),
        "0",
        "重大决策数: general"
    );
    let date = column_format(&styles, &events, 6);
    assert!(
        styles.contains(&format!(
            r#"<numFmt numFmtId="{date}" formatCode="yyyy-mm-dd"/>"#
        )),
        "日期 column format {date}: {styles}"
    );
}

/// The number format id of column `col` (1-based) of a sheet.
fn column_format(styles: &str, sheet: &str, col: usize) -> String {
    let attr = |text: &str, name: &str| -> Option<String> {
        let key = format!("{name}=\"");
        let at = text.find(&key)? + key.len();
        Some(text[at..at + text[at..].find('"')?].to_owned())
    };
    let cols = &sheet[sheet.find("<cols>").unwrap()..sheet.find("</cols>").unwrap()];
    let style = cols
        .split("<col ")
        .skip(1)
        .find(|c| {
            let num = |name| attr(c, name).unwrap().parse::<usize>().unwrap();
            (num("min")..=num("max")).contains(&col)
        })
        .and_then(|c| attr(c, "style"))
        .map_or(0, |s| s.parse::<usize>().unwrap());
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    attr(xf, "numFmtId").unwrap()
}

/// `--data`: the evidence in the sheets, numbers as numbers, dates as
/// date cells, 是否 as text, empty cells empty.
#[test]
fn filled_with_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &["--data", EVIDENCE]);
    let subjects = sheet(&path, "主体");
    let want = csv_rows(&format!("{EVIDENCE}/主体.csv"));
    let got: Vec<Vec<String>> = subjects
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert_same_rows("主体", &got, &want);
    assert_eq!(subjects[1][0], Data::String("110101".into()));
    assert_eq!(subjects[1][3], Data::Float(20.0), "a count is a number");
    assert_eq!(subjects[1][7], Data::String("是".into()));
    assert_eq!(subjects[1][16], Data::Float(98.0), "a percent is 0–100");
    let events = sheet(&path, "失信事件");
    let got: Vec<Vec<String>> = events
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert_same_rows(
        "失信事件",
        &got,
        &csv_rows(&format!("{EVIDENCE}/失信事件.csv")),
    );
    assert!(
        matches!(events[1][5], Data::DateTime(_)),
        "a date cell: {:?}",
        events[1][5]
    );
    assert_eq!(events[2][3], Data::Float(80000.5));
    // 通州区 (line 10) has no 重大决策已审查数: the cell stays empty.
    assert_eq!(subjects[9][1], Data::String("通州区".into()));
    assert_eq!(subjects[9][4], Data::Empty);
}

/// `eval --format csv` on some evidence.
fn eval_csv(data: &Path) -> Vec<u8> {
    let out = zhibiao(&[
        "eval",
        RULES,
        "--data",
        data.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "eval failed: {}", stderr(&out));
    out.stdout
}

/// A filled template is evidence: it evaluates byte for byte as the CSV
/// files it was made from — dates, percents, 是/否 and empty cells
/// included.
#[test]
fn a_filled_template_evaluates_as_the_csv_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &["--data", EVIDENCE]);
    let want = eval_csv(Path::new(EVIDENCE));
    assert!(!want.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&eval_csv(&path)),
        String::from_utf8_lossy(&want)
    );
}

/// The same after LibreOffice has opened the template and saved it again:
/// its workbook, not ours, is read — and it kept every data validation.
#[test]
fn a_filled_template_saved_by_libreoffice_evaluates_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &["--data", EVIDENCE]);
    let Some(resaved) = office::convert(&path, "xlsx") else {
        return;
    };
    assert_ne!(
        std::fs::read(&resaved).unwrap(),
        std::fs::read(&path).unwrap()
    );
    let want = eval_csv(Path::new(EVIDENCE));
    assert_eq!(
        String::from_utf8_lossy(&eval_csv(&resaved)),
        String::from_utf8_lossy(&want)
    );
    let names = sheet_names(&resaved);
    let subjects = names.iter().position(|n| n == "主体").unwrap() + 1;
    let xml = part(&resaved, &format!("xl/worksheets/sheet{subjects}.xml"));
    assert_eq!(
        xml.matches("<dataValidation ").count(),
        38,
        "LibreOffice kept the validations"
    );
}

/// A cell as the CSV evidence writes it: dates as YYYY-MM-DD.
fn cell_text(c: &Data) -> String {
    match c {
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::Float(f) => format!("{f}"),
        other => other.to_string(),
    }
}

/// An Excel serial day (after 1900-02-28) as YYYY-MM-DD.
fn serial_date(serial: f64) -> String {
    // Days since 1970-01-01, then the civil date (H. Hinnant's algorithm).
    let z = serial as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn libreoffice_reads_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "证据模板.xlsx", &[]);
    let Some(sheets) = office::sheets_as_csv(&path) else {
        return;
    };
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["说明", "主体", "失信事件"]);
    for (name, text) in &sheets[1..] {
        let header = csv_header(&format!("{EVIDENCE}/{name}.csv")).join(",");
        assert_eq!(text.trim_end(), header, "{name}");
    }
    // 说明 as calamine reads it, cell for cell.
    let want: Vec<Vec<String>> = sheet(&path, "说明")
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert_same_rows("说明", &csv_text_rows(&sheets[0].1), &want);
}

#[test]
fn libreoffice_reads_the_filled_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), "t.xlsx", &["--data", EVIDENCE]);
    let Some(sheets) = office::sheets_as_csv(&path) else {
        return;
    };
    for (name, text) in &sheets[1..] {
        let want = csv_rows(&format!("{EVIDENCE}/{name}.csv"));
        assert_same_rows(name, &csv_text_rows(text), &want);
    }
}

#[test]
fn output_must_be_named_and_an_xlsx() {
    let out = zhibiao(&["template", RULES]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("请用 -o 指定要生成的工作簿"),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("模板.csv");
    let out = zhibiao(&["template", RULES, "-o", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("扩展名应为 .xlsx"),
        "{}",
        stderr(&out)
    );
    assert!(!csv.exists());
}

#[test]
fn an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("主体.xlsx");
    std::fs::write(&data, b"not a workbook").unwrap();
    let arg = format!("主体={}", data.display());
    let out = zhibiao(&[
        "template",
        RULES,
        "--data",
        &arg,
        "-o",
        data.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("这是本次读取的输入文件"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&data).unwrap(), b"not a workbook");
}

/// Invalid evidence: the errors as eval reports them, and no workbook.
#[test]
fn invalid_evidence_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    let subjects = std::fs::read_to_string(format!("{EVIDENCE}/主体.csv")).unwrap();
    std::fs::write(
        ev.join("主体.csv"),
        subjects.replacen(
            "110101,东城区,北京市,20,20",
            "110101,东城区,北京市,20,21",
            1,
        ),
    )
    .unwrap();
    std::fs::copy(format!("{EVIDENCE}/失信事件.csv"), ev.join("失信事件.csv")).unwrap();
    let out_path = dir.path().join("t.xlsx");
    let out = zhibiao(&[
        "template",
        RULES,
        "--data",
        ev.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("重大决策已审查数"), "{err}");
    assert!(err.contains("未生成模板"), "{err}");
    assert!(!out_path.exists());
    // The same message as eval gives.
    let eval = zhibiao(&["eval", RULES, "--data", ev.to_str().unwrap()]);
    let first = |s: &str| s.lines().next().unwrap_or_default().to_owned();
    assert_eq!(first(&err), first(&stderr(&eval)));
}

/// Rules with the other field types: a 小数 with a range, a 年份, a 金额,
/// a 百分数 with a narrower range, an enum too long for an inline list, a
/// 分数 that is 不大于 the 百分数.
fn other_types_rules(dir: &Path) -> PathBuf {
    let variants: Vec<String> = "一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾甲乙丙丁戊"
        .chars()
        .map(|c| format!("第{c}类较长的类别名称"))
        .collect();
    let rules = format!(
        "标准 \"模板测试\"\n计分 分值\n通则 {{\n  满分 100\n  舍入 四舍五入 2 位\n  分母为零 得满分\n  缺失 得零分\n}}\n\
         对象表 主体 {{\n  编码: 文本, 主键\n  名称: 文本, 必填\n  培训学时: 小数, 范围 0..40\n  成立年份: 年份\n  \
         经费: 金额\n  达标率: 百分数, 范围 60..100\n  类别: 枚举 {{ {} }}\n  得分率: 分数, 不大于 达标率\n  成立日期: 日期\n}}\n\
         指标 1 测试 100 分 {{\n  公式 得分率\n}}\n等级 {{\n  ≥ 60 为 合格\n  否则 为 不合格\n}}\n",
        variants.join(", ")
    );
    let path = dir.join("rules.zb");
    std::fs::write(&path, rules).unwrap();
    path
}

#[test]
fn other_types_validated_and_round_tripped_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let rules = other_types_rules(dir.path());
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    std::fs::write(
        ev.join("主体.csv"),
        "编码,名称,培训学时,成立年份,经费,达标率,类别,得分率,成立日期\n\
         001,甲,12.5,1998,0.1234567890123456789012345,88.5,第戊类较长的类别名称,80,1899-12-31\n\
         002,乙,0.1,-5,9007199254740993,60,第一类较长的类别名称,59.99,1900-02-28\n\
         003,丙,,,,,,,\n",
    )
    .unwrap();
    let out_path = dir.path().join("t.xlsx");
    let out = zhibiao(&[
        "template",
        rules.to_str().unwrap(),
        "--data",
        ev.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The validations.
    let xml = part(&out_path, "xl/worksheets/sheet2.xml");
    let v = validation(&xml, "C2:C1048576");
    assert!(
        v.contains(r#"type="decimal""#)
            && v.contains("<formula1>0</formula1><formula2>40</formula2>"),
        "{v}"
    );
    let v = validation(&xml, "D2:D1048576");
    assert!(
        v.contains("<formula1>AND(ISNUMBER(D2),D2=INT(D2))</formula1>"),
        "{v}"
    );
    let v = validation(&xml, "E2:E1048576");
    assert!(
        v.contains(r#"operator="greaterThanOrEqual""#) && v.contains("<formula1>0</formula1>"),
        "{v}"
    );
    let v = validation(&xml, "F2:F1048576");
    assert!(
        v.contains("<formula1>60</formula1><formula2>100</formula2>"),
        "the declared range: {v}"
    );
    let v = validation(&xml, "G2:G1048576");
    assert!(
        v.contains(r#"type="list""#) && v.contains("<formula1>可选值!$A$1:$A$25</formula1>"),
        "{v}"
    );
    let v = validation(&xml, "H2:H1048576");
    assert!(
        v.contains(
            "<formula1>AND(ISNUMBER(H2),H2&gt;=0,H2&lt;=100,OR($F2=\"\",H2&lt;=$F2))</formula1>"
        ),
        "{v}"
    );
    assert_eq!(sheet_names(&out_path), ["说明", "主体", "可选值"]);
    assert!(part(&out_path, "xl/workbook.xml")
        .contains(r#"<sheet name="可选值" sheetId="3" state="hidden""#));
    // The values: text where a double would round, dates before 1900 as text.
    let rows = sheet(&out_path, "主体");
    assert_eq!(rows[1][0], Data::String("001".into()));
    assert_eq!(
        rows[1][4],
        Data::String("0.1234567890123456789012345".into())
    );
    assert_eq!(rows[2][4], Data::String("9007199254740993".into()));
    assert_eq!(rows[2][2], Data::Float(0.1));
    assert_eq!(rows[2][3], Data::Float(-5.0));
    assert_eq!(rows[1][8], Data::String("1899-12-31".into()));
    assert!(matches!(rows[2][8], Data::DateTime(_)), "{:?}", rows[2][8]);
    assert_eq!(rows[3][2], Data::Empty);
    // Read back, the workbook is the same evidence as the CSV file.
    let compiled = zhibiao::driver::compile_file(&rules).unwrap();
    let model = compiled.model.unwrap();
    let schema = zhibiao::evidence::Schema::of(&model);
    let load = |arg: &Path| {
        let args = [zhibiao::evidence::DataArg::parse(arg.to_str().unwrap()).unwrap()];
        let sources = zhibiao::evidence::sources_from_args(&args, &schema).unwrap();
        zhibiao::evidence::load(&schema, &sources, &Default::default())
            .unwrap()
            .evidence
    };
    assert_eq!(load(&out_path), load(&ev));
    let eval = |data: &Path| {
        let out = zhibiao(&[
            "eval",
            rules.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    assert_eq!(eval(&out_path), eval(&ev));
}
