//! The annual report (`zhibiao report`): one self-contained HTML page
//! (inline CSS, inline SVG charts, no script, nothing fetched) with print
//! CSS for A4. It shows a [`Summary`] computed in `analysis::summary`;
//! every text from rules or evidence goes through [`escape::html`].

use super::charts::{self, ChartError};
use crate::analysis::provenance::Provenance;
use crate::analysis::stats::IndicatorStats;
use crate::analysis::summary::{attainment, Summary, INDICATOR_BINS, TOTAL_BINS};
use crate::ir::{Mode, Model};
use crate::output::escape::html as esc;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::{self, Write};

/// Bar colours of grades by their place in the grade table, best first
/// (green … red, as the result workbook's fills).
const GRADE_COLOURS: [&str; 5] = ["#2E7D32", "#7CB342", "#F9A825", "#EF6C00", "#C62828"];

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 2em auto; max-width: 60em; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #5470C6; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin: 1.2em 0 0.4em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 2px 8px; }
th { background: #eef1f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.vetoed td { background: #fdecea; }
.flag { color: #C62828; font-weight: bold; }
.muted { color: #666; }
figure { margin: 0.5em 0 1em; }
figure svg { max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
.charts figure { flex: 0 0 auto; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.5em; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; font-weight: bold; }
article.subject { border-top: 1px solid #ccc; padding-top: 0.5em; }
article.subject .body { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
nav ol { columns: 2; }
@media print {
  @page { size: A4; margin: 15mm 12mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav { display: none; }
  section { break-before: page; }
  section#summary { break-before: auto; }
  h2, h3 { break-after: avoid; }
  tr, figure, dl.facts { break-inside: avoid; }
  thead { display: table-header-group; }
  article.subject { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Where an error writing the page came from: the sink, or a chart.
fn chart_err(e: ChartError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Numbers as the report shows them: scores to the rule's places.
struct Fmt {
    places: u32,
}

impl Fmt {
    fn score(&self, d: Decimal) -> String {
        let d = d.round_dp_with_strategy(self.places, RoundingStrategy::MidpointAwayFromZero);
        crate::report::fixed(d, self.places)
    }

    /// A mean: exact, rounded half up to the rule's places + 2 (as the
    /// result workbook's 指标统计).
    fn mean(&self, s: &IndicatorStats) -> String {
        let p = self.places + 2;
        s.mean(p)
            .map_or_else(|| "—".to_string(), |m| crate::report::fixed(m, p))
    }

    fn median(&self, s: &IndicatorStats) -> String {
        s.median()
            .map_or_else(|| "—".to_string(), |m| self.exact(m))
    }

    /// An exact value with at least the rule's places.
    fn exact(&self, d: Decimal) -> String {
        let d = d.normalize();
        if d.scale() <= self.places {
            crate::report::fixed(d, self.places)
        } else {
            d.to_string()
        }
    }
}

/// `part ÷ whole` as a percentage with one decimal.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let p = Decimal::from(part) * Decimal::from(100) / Decimal::from(whole);
    format!(
        "{}%",
        p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    )
}

/// A decimal as a chart value.
fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Colours for `n` grades, best first.
fn grade_colours(n: usize) -> Vec<String> {
    let last = n.saturating_sub(1).max(1);
    let top = GRADE_COLOURS.len() - 1;
    (0..n)
        .map(|i| {
            GRADE_COLOURS
                .get((i * top + last / 2) / last)
                .copied()
                .unwrap_or("#5470C6")
                .to_string()
        })
        .collect()
}

/// The labels of `bins` equal bins over 0..=`full`, each `lo–hi`.
fn bin_labels(full: Decimal, bins: usize, percent: bool) -> Vec<String> {
    let n = Decimal::from(bins);
    (0..bins)
        .map(|i| {
            let lo = (full * Decimal::from(i) / n).normalize();
            let hi = (full * Decimal::from(i + 1) / n).normalize();
            if percent {
                format!("{lo}–{hi}%")
            } else {
                format!("{lo}–{hi}")
            }
        })
        .collect()
}

/// Write the whole report page for `summary` to `out`. `letters`, when
/// given, holds for every subject (aligned with `summary.subjects`) the
/// address of its explanation letter, linked from its section.
pub fn write(
    model: &Model,
    summary: &Summary,
    info: &Provenance,
    letters: Option<&[String]>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let fmt = Fmt {
        places: model.policy.round_places,
    };
    let title = format!("{}评价结果报告", model.meta.standard);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{t}</h1>\n",
        t = esc(&title)
    )?;
    header(model, summary, info, out)?;
    writeln!(
        out,
        "<nav><h2>目录</h2><ol>\
         <li><a href=\"#summary\">概况</a></li><li><a href=\"#groups\">分组结果</a></li>\
         <li><a href=\"#indicators\">各指标</a></li><li><a href=\"#vetoes\">否决与缺失</a></li>\
         <li><a href=\"#ranking\">排名</a></li><li><a href=\"#subjects\">各主体</a></li>\
         <li><a href=\"#notes\">说明</a></li></ol></nav>"
    )?;
    overview(summary, &fmt, out)?;
    groups(summary, &fmt, out)?;
    indicators(model, summary, &fmt, out)?;
    vetoes(model, summary, out)?;
    ranking(summary, &fmt, out)?;
    subjects(model, summary, &fmt, letters, out)?;
    notes(model, info, out)?;
    writeln!(out, "</body>\n</html>")
}

fn header(
    model: &Model,
    summary: &Summary,
    info: &Provenance,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut line = Vec::new();
    if !model.meta.version.is_empty() {
        line.push(esc(&model.meta.version).into_owned());
    }
    for (name, value) in &info.params {
        line.push(format!("{}：{}", esc(name), esc(value)));
    }
    line.push(format!("被评价主体 {} 个", summary.subjects.len()));
    line.push(format!("生成时间 {}", esc(&info.time)));
    writeln!(
        out,
        "<p class=\"muted\">{}</p>\n</header>",
        line.join(" · ")
    )
}

fn overview(s: &Summary, fmt: &Fmt, out: &mut dyn Write) -> io::Result<()> {
    let t = &s.totals;
    writeln!(
        out,
        "<section id=\"summary\">\n<h2>一、概况</h2>\n<dl class=\"facts\">"
    )?;
    let facts = [
        ("被评价主体", s.subjects.len().to_string(), "subjects"),
        ("平均总分", fmt.mean(t), "mean"),
        ("总分中位数", fmt.median(t), "median"),
        (
            "最高总分",
            t.max().map_or("—".into(), |d| fmt.score(d)),
            "max",
        ),
        (
            "最低总分",
            t.min().map_or("—".into(), |d| fmt.score(d)),
            "min",
        ),
        ("被一票否决", s.vetoed().to_string(), "vetoed"),
        ("有缺失数据", s.with_missing.to_string(), "missing"),
    ];
    for (label, value, key) in facts {
        writeln!(out, "<dt>{label}</dt><dd data-fact=\"{key}\">{value}</dd>")?;
    }
    writeln!(out, "</dl>\n<h3>等级分布</h3>")?;
    writeln!(
        out,
        "<table class=\"grades\"><thead><tr><th>等级</th><th>主体数</th><th>占比</th></tr></thead><tbody>"
    )?;
    let n = s.subjects.len() as u64;
    for (grade, count) in &s.grades {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\" data-grade=\"{0}\">{count}</td><td class=\"n\">{}</td></tr>",
            esc(grade),
            percent(*count, n)
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    let names: Vec<String> = s.grades.iter().map(|(g, _)| g.clone()).collect();
    let counts: Vec<f64> = s.grades.iter().map(|(_, c)| *c as f64).collect();
    let colours = grade_colours(names.len());
    let svg = charts::bars("主体数", &names, &counts, Some(&colours), (480.0, 260.0))
        .map_err(chart_err)?;
    writeln!(
        out,
        "<div class=\"charts\"><figure data-chart=\"grades\" data-bars=\"{}\">{svg}<figcaption>各等级主体数</figcaption></figure>",
        names.len()
    )?;
    let labels = bin_labels(t.points, TOTAL_BINS, false);
    let bins: Vec<f64> = t
        .distribution(TOTAL_BINS)
        .iter()
        .map(|&c| c as f64)
        .collect();
    let svg = charts::bars("主体数", &labels, &bins, None, (640.0, 260.0)).map_err(chart_err)?;
    writeln!(
        out,
        "<figure data-chart=\"histogram\" data-bars=\"{TOTAL_BINS}\">{svg}<figcaption>总分分布（每段含下限、不含上限，最后一段含满分）</figcaption></figure></div>\n</section>"
    )
}

fn groups(s: &Summary, fmt: &Fmt, out: &mut dyn Write) -> io::Result<()> {
    let Some(field) = &s.group_field else {
        return writeln!(
            out,
            "<section id=\"groups\">\n<h2>二、分组结果</h2>\n\
             <p>规则没有标注分组字段；可用 <code>--by 字段</code> 指定按哪个字段分组。</p>\n</section>"
        );
    };
    writeln!(
        out,
        "<section id=\"groups\">\n<h2>二、分组结果（按{}）</h2>",
        esc(field)
    )?;
    write!(
        out,
        "<table class=\"groups\"><thead><tr><th>{}</th><th>主体数</th><th>平均总分</th><th>中位数</th>",
        esc(field)
    )?;
    for (g, _) in &s.grades {
        write!(out, "<th>{}</th>", esc(g))?;
    }
    writeln!(out, "<th>被否决</th></tr></thead><tbody>")?;
    for g in &s.groups {
        let name = if g.name.is_empty() {
            "（空）"
        } else {
            &g.name
        };
        write!(
            out,
            "<tr data-group=\"{n}\"><td>{n}</td><td class=\"n\">{}</td><td class=\"n\" data-mean>{}</td><td class=\"n\">{}</td>",
            g.totals.subjects,
            fmt.mean(&g.totals),
            fmt.median(&g.totals),
            n = esc(name)
        )?;
        for c in &g.grades {
            write!(out, "<td class=\"n\">{c}</td>")?;
        }
        writeln!(out, "<td class=\"n\">{}</td></tr>", g.vetoed)?;
    }
    writeln!(out, "</tbody></table>")?;
    let names: Vec<String> = s
        .groups
        .iter()
        .map(|g| {
            if g.name.is_empty() {
                "（空）".into()
            } else {
                g.name.clone()
            }
        })
        .collect();
    let places = fmt.places + 2;
    let means: Vec<f64> = s
        .groups
        .iter()
        .map(|g| g.totals.mean(places).map_or(0.0, f))
        .collect();
    let svg = charts::horizontal_bars("平均总分", &names, &means, 640.0).map_err(chart_err)?;
    writeln!(
        out,
        "<figure data-chart=\"groups\" data-bars=\"{}\">{svg}<figcaption>各组平均总分</figcaption></figure>\n</section>",
        names.len()
    )
}

fn indicators(model: &Model, s: &Summary, fmt: &Fmt, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"indicators\">\n<h2>三、各指标</h2>")?;
    if model.mode == Mode::Weights {
        writeln!(
            out,
            "<p>本规则为权重制：每个指标按 0–100 计分，上级指标为下级得分的加权和；“分值”均为 100。</p>"
        )?;
    }
    writeln!(
        out,
        "<p>按全部主体的得分计算，因缺失数据得 0 分的主体也计入。满分率、零分率为得分等于分值、等于 0 的主体所占比例；\
         上级指标的缺失数为其下任一末级指标缺失的主体数。</p>\n\
         <table class=\"indicators\"><thead><tr><th>编码</th><th>名称</th><th>分值</th><th>平均</th><th>中位数</th>\
         <th>满分率</th><th>零分率</th><th>缺失数</th></tr></thead><tbody>"
    )?;
    for (ind, st) in model.indicators.iter().zip(&s.stats.indicators) {
        let indent = "\u{3000}".repeat(ind.depth);
        writeln!(
            out,
            "<tr><td>{}</td><td>{indent}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&ind.code),
            esc(&ind.name),
            st.points.normalize(),
            fmt.mean(st),
            fmt.median(st),
            percent(st.full, st.subjects),
            percent(st.zero, st.subjects),
            st.missing
        )?;
    }
    writeln!(
        out,
        "</tbody></table>\n<h3>一级指标得分率分布</h3>\n<p class=\"muted\">得分率 = 得分 ÷ 分值；每段含下限、不含上限，最后一段含满分。</p>\n<div class=\"charts\">"
    )?;
    let labels = bin_labels(Decimal::from(100), INDICATOR_BINS, true);
    for &root in &model.roots {
        let (Some(ind), Some(st)) = (model.indicators.get(root), s.stats.indicators.get(root))
        else {
            continue;
        };
        let bins: Vec<f64> = st
            .distribution(INDICATOR_BINS)
            .iter()
            .map(|&c| c as f64)
            .collect();
        let svg =
            charts::bars("主体数", &labels, &bins, None, (320.0, 200.0)).map_err(chart_err)?;
        writeln!(
            out,
            "<figure data-chart=\"indicator\" data-bars=\"{INDICATOR_BINS}\">{svg}<figcaption>{} {}</figcaption></figure>",
            esc(&ind.code),
            esc(&ind.name)
        )?;
    }
    writeln!(out, "</div>\n</section>")
}

fn vetoes(model: &Model, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"vetoes\">\n<h2>四、否决与缺失</h2>\n<h3>一票否决</h3>"
    )?;
    if model.vetoes.is_empty() {
        writeln!(out, "<p>规则没有否决项。</p>")?;
    } else {
        writeln!(
            out,
            "<table class=\"veto-items\"><thead><tr><th>否决项</th><th>名称</th><th>触发主体数</th></tr></thead><tbody>"
        )?;
        for v in &s.vetoes {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&v.code),
                esc(&v.name),
                v.subjects
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        let vetoed: Vec<_> = s.subjects.iter().filter(|r| !r.vetoes.is_empty()).collect();
        if vetoed.is_empty() {
            writeln!(out, "<p>没有主体被一票否决。</p>")?;
        } else {
            writeln!(
                out,
                "<p>被一票否决的主体 {} 个（等级为否决等级，得分照常计算；排名在全部未被否决的主体之后）：</p>\n\
                 <table class=\"vetoed\"><thead><tr><th>编码</th><th>名称</th><th>否决项</th></tr></thead><tbody>",
                vetoed.len()
            )?;
            for r in vetoed {
                let items: Vec<String> = r
                    .vetoes
                    .iter()
                    .map(|(c, n)| format!("{} {}", esc(c), esc(n)))
                    .collect();
                writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&r.code),
                    esc(&r.name),
                    items.join("；")
                )?;
            }
            writeln!(out, "</tbody></table>")?;
        }
    }
    writeln!(
        out,
        "<h3>缺失数据</h3>\n<p>有 {} 个主体至少一项指标因缺失数据得 0 分。</p>",
        s.with_missing
    )?;
    let leaves: Vec<_> = model
        .indicators
        .iter()
        .zip(&s.stats.indicators)
        .filter(|(i, st)| i.children.is_empty() && st.missing > 0)
        .collect();
    if !leaves.is_empty() {
        writeln!(
            out,
            "<table class=\"missing\"><thead><tr><th>指标</th><th>名称</th><th>缺失主体数</th></tr></thead><tbody>"
        )?;
        for (i, st) in leaves {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&i.code),
                esc(&i.name),
                st.missing
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    writeln!(out, "</section>")
}

fn ranking(s: &Summary, fmt: &Fmt, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"ranking\">\n<h2>五、排名</h2>\n\
         <p>按总分从高到低排列，总分相同者名次相同（如 1、2、2、4）；被一票否决的主体（标“否决”）排在全部未被否决的主体之后，其间仍按总分排列。</p>"
    )?;
    write!(
        out,
        "<table class=\"ranking\"><thead><tr><th>排名</th><th>编码</th><th>名称</th>"
    )?;
    if let Some(field) = &s.group_field {
        write!(out, "<th>{}</th>", esc(field))?;
    }
    writeln!(
        out,
        "<th>基础分</th><th>加分</th><th>总分</th><th>等级</th><th>否决</th></tr></thead><tbody>"
    )?;
    for i in s.by_rank() {
        let (Some(r), Some(rank)) = (s.subjects.get(i), s.ranks.get(i)) else {
            continue;
        };
        let vetoed = !r.vetoes.is_empty();
        write!(
            out,
            "<tr{}><td class=\"n\">{rank}</td><td><a href=\"#subject-{i}\">{}</a></td><td>{}</td>",
            if vetoed { " class=\"vetoed\"" } else { "" },
            esc(&r.code),
            esc(&r.name)
        )?;
        if s.group_field.is_some() {
            write!(out, "<td>{}</td>", esc(r.group.as_deref().unwrap_or("")))?;
        }
        writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            fmt.score(r.base),
            fmt.score(r.bonus),
            fmt.score(r.total),
            esc(&r.grade),
            if vetoed { "<span class=\"flag\">否决</span>" } else { "" }
        )?;
    }
    writeln!(out, "</tbody></table>\n</section>")
}

fn subjects(
    model: &Model,
    s: &Summary,
    fmt: &Fmt,
    letters: Option<&[String]>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"subjects\">\n<h2>六、各主体</h2>\n\
         <p class=\"muted\">每个主体的一级指标得分率（得分 ÷ 分值）；每一分的来由见该主体的解释信（<code>zhibiao explain</code>）。</p>"
    )?;
    let roots: Vec<_> = model
        .roots
        .iter()
        .filter_map(|&i| Some((model.indicators.get(i)?, s.stats.indicators.get(i)?)))
        .collect();
    let axes: Vec<String> = roots.iter().map(|(i, _)| i.name.clone()).collect();
    for i in s.by_rank() {
        let (Some(r), Some(rank)) = (s.subjects.get(i), s.ranks.get(i)) else {
            continue;
        };
        writeln!(
            out,
            "<article class=\"subject\" id=\"subject-{i}\" data-code=\"{c}\">\n<h3>{c} {}</h3>",
            esc(&r.name),
            c = esc(&r.code)
        )?;
        let mut facts = format!(
            "总分 {}，等级 {}，排名第 {rank} 名",
            fmt.score(r.total),
            esc(&r.grade)
        );
        if !r.vetoes.is_empty() {
            let items: Vec<String> = r
                .vetoes
                .iter()
                .map(|(c, n)| format!("{} {}", esc(c), esc(n)))
                .collect();
            facts.push_str(&format!(
                "；<span class=\"flag\">被一票否决</span>（{}）",
                items.join("；")
            ));
        }
        if !r.missing.is_empty() {
            let codes: Vec<String> = r.missing.iter().map(|c| esc(c).into_owned()).collect();
            facts.push_str(&format!("；缺失数据：{}", codes.join("、")));
        }
        writeln!(out, "<p>{facts}。</p>\n<div class=\"body\">")?;
        let percents: Vec<Decimal> = roots
            .iter()
            .zip(&r.top)
            .map(|((_, st), &score)| attainment(score, st.points) * Decimal::from(100))
            .collect();
        let values: Vec<f64> = percents.iter().map(|&p| f(p)).collect();
        let svg = charts::radar("得分率（%）", &axes, &values).map_err(chart_err)?;
        writeln!(
            out,
            "<figure data-chart=\"radar\" data-points=\"{}\">{svg}</figure>",
            axes.len()
        )?;
        writeln!(
            out,
            "<table><thead><tr><th>一级指标</th><th>得分</th><th>分值</th><th>得分率</th></tr></thead><tbody>"
        )?;
        for (((ind, st), &score), p) in roots.iter().zip(&r.top).zip(&percents) {
            writeln!(
                out,
                "<tr><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}%</td></tr>",
                esc(&ind.code),
                esc(&ind.name),
                fmt.score(score),
                st.points.normalize(),
                p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            )?;
        }
        write!(
            out,
            "</tbody></table>\n</div>\n<p class=\"letter\" id=\"letter-{i}\" data-code=\"{}\">",
            esc(&r.code)
        )?;
        if let Some(href) = letters.and_then(|l| l.get(i)) {
            write!(
                out,
                "<a href=\"{}\">解释信：每一分的来由</a>",
                esc(&href_path(href))
            )?;
        }
        writeln!(out, "</p>\n</article>")?;
    }
    writeln!(out, "</section>")
}

/// A relative file path as a URL path: characters that would end or
/// change the path (`%`, `#`, `?`, spaces, quotes, controls) are
/// percent-encoded; other text, Chinese included, stays as it is.
fn href_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let special = c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '%' | '#' | '?' | '"' | '\'' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            );
        if special {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn notes(model: &Model, info: &Provenance, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"notes\">\n<h2>说明</h2>\n<dl class=\"facts\">\n<dt>规则文件</dt><dd>{}</dd>\n<dt>标准</dt><dd>{}</dd>",
        esc(&info.rules),
        esc(&model.meta.standard)
    )?;
    if !model.meta.version.is_empty() {
        writeln!(out, "<dt>版本</dt><dd>{}</dd>", esc(&model.meta.version))?;
    }
    for (name, value) in &info.params {
        writeln!(out, "<dt>参数 {}</dt><dd>{}</dd>", esc(name), esc(value))?;
    }
    for (file, sha) in &info.evidence {
        writeln!(
            out,
            "<dt>证据 {}</dt><dd><code>SHA-256 {}</code></dd>",
            esc(file),
            esc(sha)
        )?;
    }
    writeln!(
        out,
        "<dt>程序</dt><dd>{}</dd>\n<dt>生成时间</dt><dd>{}</dd>\n</dl>\n\
         <p>平均值为精确计算后四舍五入保留（舍入位数 + 2）位小数；中位数为精确值（主体数为偶数时取中间两个总分的平均）。</p>\n</section>",
        esc(&info.program),
        esc(&info.time)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_paths_become_url_paths() {
        assert_eq!(
            href_path("解释信/110101-东城区.html"),
            "解释信/110101-东城区.html"
        );
        assert_eq!(href_path("信/1#2 a%?.html"), "信/1%232%20a%25%3F.html");
    }

    #[test]
    fn bins_and_colours() {
        assert_eq!(
            bin_labels(Decimal::from(100), 5, true),
            vec!["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"]
        );
        assert_eq!(bin_labels(Decimal::from(100), 10, false)[9], "90–100");
        let c = grade_colours(4);
        assert_eq!(c.first().map(String::as_str), Some("#2E7D32"));
        assert_eq!(c.last().map(String::as_str), Some("#C62828"));
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "—");
    }
}
