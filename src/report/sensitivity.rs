//! The sensitivity report (`analysis::sensitivity`) as Markdown, CSV,
//! JSON and a self-contained HTML page. Text from the data (codes,
//! names, grades) is escaped for each format.

use crate::analysis::sensitivity::margins::Margin;
use crate::analysis::sensitivity::uncertainty::Uncertainty;
use crate::analysis::sensitivity::{show_delta, Threshold};
use crate::number;
use crate::output::escape;
use serde_json::json;
use std::fmt::Write;

/// Everything the report shows.
pub struct Report<'a> {
    pub subjects: usize,
    pub thresholds: &'a [Threshold],
    pub margins: &'a [Margin],
    pub epsilon: String,
    /// With `--runs`.
    pub uncertainty: Option<&'a Uncertainty>,
}

fn grade_shares(grades: &[(String, usize)], runs: usize) -> String {
    (grades.iter())
        .filter(|(_, n)| *n > 0)
        .map(|(g, n)| format!("{g} {}", percent(*n, runs)))
        .collect::<Vec<_>>()
        .join("、")
}

/// `n` of `runs` as a percentage with one decimal, rounded half up.
fn percent(n: usize, runs: usize) -> String {
    let d = rust_decimal::Decimal::from(n) * rust_decimal::Decimal::ONE_HUNDRED
        / rust_decimal::Decimal::from(runs.max(1));
    format!(
        "{}%",
        d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

/// Subjects named per threshold in Markdown and HTML (all in CSV/JSON).
const NAMED: usize = 10;

pub fn moved_text(t: &Threshold, limit: usize) -> String {
    let shown: Vec<String> = (t.grade_changed.iter().take(limit))
        .map(|m| format!("{} {}（{}：{}→{}）", m.code, m.name, m.by, m.from, m.to))
        .collect();
    let more = t.grade_changed.len().saturating_sub(limit);
    match more {
        0 => shown.join("；"),
        n => format!("{}；另 {n} 项", shown.join("；")),
    }
}

pub fn room_text(m: &Margin) -> String {
    (m.indicators.iter())
        .map(|(code, pts)| format!("{code}（{pts:.2} 分）"))
        .collect::<Vec<_>>()
        .join("、")
}

fn direction(m: &Margin) -> &'static str {
    match m.direction {
        "up" => "差",
        _ => "余",
    }
}

pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let cell = |s: &str| escape::markdown_cell(s);
    let _ = writeln!(out, "# 阈值敏感性分析\n");
    let _ = writeln!(
        out,
        "共 {} 个主体、{} 个阈值。每个阈值分别下移、上移 δ 后逐一重新评分（只重算该阈值所在的指标），\
         统计得分或等级改变的主体。按改变等级的主体数排序。\n",
        r.subjects,
        r.thresholds.len()
    );
    let _ = writeln!(
        out,
        "| 阈值 | 种类 | δ | ±δ 内主体数 | 得分改变 | 等级改变 | 等级改变的主体 |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---|");
    for t in r.thresholds {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&t.knob.label),
            t.knob.kind.name(),
            show_delta(t.knob.unit, &t.delta),
            t.near,
            t.score_changed.len(),
            t.grade_subjects(),
            cell(&match &t.skipped {
                Some(why) => format!("{}（{why}）", moved_text(t, NAMED)),
                None => moved_text(t, NAMED),
            })
        );
    }
    let _ = writeln!(out, "\n## 等级边界附近的主体（ε = {} 分）\n", r.epsilon);
    if r.margins.is_empty() {
        let _ = writeln!(out, "没有主体的总分在等级界限 ε 分之内。");
    }
    let _ = writeln!(
        out,
        "| 编码 | 名称 | 总分 | 等级 | 方向 | 界限 | 差距 | 可能的指标 |"
    );
    let _ = writeln!(out, "|---|---|---:|---|---|---:|---:|---|");
    for m in r.margins {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {}→{} | {} | {} {:.2} 分 | {} |",
            cell(&m.code),
            cell(&m.name),
            m.total,
            cell(&m.grade),
            cell(&m.grade),
            cell(&m.to),
            m.boundary,
            direction(m),
            m.gap,
            cell(&room_text(m))
        );
    }
    if let Some(u) = r.uncertainty {
        markdown_uncertainty(&mut out, u);
    }
    out
}

fn markdown_uncertainty(out: &mut String, u: &Uncertainty) {
    let cell = |s: &str| escape::markdown_cell(s);
    let _ = writeln!(
        out,
        "\n## 分值的不确定性（{} 次，各末级指标分值在 ±{}% 内随机取整数百分比，种子 {}）\n",
        u.runs, u.spread, u.seed
    );
    let _ = writeln!(
        out,
        "| 编码 | 名称 | 排名 | 等级 | 排名中位数 | 排名区间（5%–95%） | 各等级的概率 |"
    );
    let _ = writeln!(out, "|---|---|---:|---|---:|---|---|");
    for s in &u.subjects {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {}–{} | {} |",
            cell(&s.code),
            cell(&s.name),
            s.rank,
            cell(&s.grade),
            s.median_rank,
            s.low_rank,
            s.high_rank,
            cell(&grade_shares(&s.grades, u.runs))
        );
    }
    let _ = writeln!(
        out,
        "\n## 逐项剔除（总分中去掉一个末级指标的得分，其余不变）\n"
    );
    let _ = writeln!(out, "| 指标 | 名称 | 排名平均变动 | 等级改变的主体数 |");
    let _ = writeln!(out, "|---|---|---:|---:|");
    for m in &u.removal {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&m.code),
            cell(&m.name),
            m.mean_shift,
            m.grade_changed
        );
    }
}

pub fn csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let guard = |s: &str| escape::csv_formula_guard(s).into_owned();
    let _ = w.write_record([
        "阈值",
        "种类",
        "取值",
        "δ",
        "±δ内主体数",
        "得分改变",
        "等级改变",
        "主体编码",
        "主体名称",
        "方向",
        "原等级",
        "新等级",
    ]);
    for t in r.thresholds {
        let head = [
            guard(&t.knob.label),
            t.knob.kind.name().to_owned(),
            t.knob.unit.show(&t.knob.value),
            show_delta(t.knob.unit, &t.delta),
            t.near.to_string(),
            t.score_changed.len().to_string(),
            t.grade_subjects().to_string(),
        ];
        if t.grade_changed.is_empty() {
            let mut rec = head.to_vec();
            rec.extend(std::iter::repeat_n(String::new(), 5));
            let _ = w.write_record(&rec);
        }
        for m in &t.grade_changed {
            let mut rec = head.to_vec();
            rec.extend([
                guard(&m.code),
                guard(&m.name),
                m.by.to_owned(),
                guard(&m.from),
                guard(&m.to),
            ]);
            let _ = w.write_record(&rec);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn json(r: &Report) -> String {
    let thresholds: Vec<_> = (r.thresholds.iter())
        .map(|t| {
            json!({
                "threshold": t.knob.label,
                "kind": t.knob.kind,
                "unit": t.knob.unit,
                "value": number::show(&t.knob.value),
                "delta": number::show(&t.delta),
                "near": t.near,
                "score_changed": t.score_changed.len(),
                "grade_changed": t.grade_subjects(),
                "moves": t.grade_changed,
                "skipped": t.skipped,
            })
        })
        .collect();
    let doc = json!({
        "subjects": r.subjects,
        "thresholds": thresholds,
        "epsilon": r.epsilon,
        "margins": r.margins,
        "uncertainty": r.uncertainty,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub fn html(r: &Report) -> String {
    let h = |s: &str| escape::html(s).into_owned();
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>阈值敏感性分析</title>\n<style>\
         @page{size:A4;margin:15mm}body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2em;color:#222}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}\
         td.n{text-align:right}.bar{display:inline-block;height:.8em;background:#c0392b;vertical-align:middle}\
         .sbar{display:inline-block;height:.8em;background:#7f8c8d;vertical-align:middle}</style></head><body>\n",
    );
    let _ = writeln!(out, "<h1>阈值敏感性分析</h1>");
    let _ = writeln!(
        out,
        "<p>共 {} 个主体、{} 个阈值。每个阈值分别下移、上移 δ 后重新评分；红条为等级改变的主体数，灰条为得分改变的主体数。</p>",
        r.subjects,
        r.thresholds.len()
    );
    let widest = (r.thresholds.iter())
        .map(|t| t.score_changed.len().max(t.grade_subjects()))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = |n: usize| n * 240 / widest;
    let _ = writeln!(
        out,
        "<table><tr><th>阈值</th><th>种类</th><th>δ</th><th>±δ 内</th><th>得分改变</th><th>等级改变</th><th>图</th><th>等级改变的主体</th></tr>"
    );
    for t in r.thresholds {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td><span class=\"bar\" style=\"width:{}px\"></span><br><span class=\"sbar\" style=\"width:{}px\"></span></td><td>{}</td></tr>",
            h(&t.knob.label),
            t.knob.kind.name(),
            h(&show_delta(t.knob.unit, &t.delta)),
            t.near,
            t.score_changed.len(),
            t.grade_subjects(),
            width(t.grade_subjects()),
            width(t.score_changed.len()),
            h(&moved_text(t, NAMED))
        );
    }
    let _ = writeln!(
        out,
        "</table>\n<h2>等级边界附近的主体（ε = {} 分）</h2>",
        h(&r.epsilon)
    );
    if r.margins.is_empty() {
        let _ = writeln!(out, "<p>没有主体的总分在等级界限 ε 分之内。</p>");
    } else {
        let _ = writeln!(
            out,
            "<table><tr><th>编码</th><th>名称</th><th>总分</th><th>等级</th><th>方向</th><th>界限</th><th>差距</th><th>可能的指标</th></tr>"
        );
        for m in r.margins {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}→{}</td><td class=\"n\">{}</td><td class=\"n\">{} {:.2} 分</td><td>{}</td></tr>",
                h(&m.code),
                h(&m.name),
                m.total,
                h(&m.grade),
                h(&m.grade),
                h(&m.to),
                m.boundary,
                direction(m),
                m.gap,
                h(&room_text(m))
            );
        }
        let _ = writeln!(out, "</table>");
    }
    if let Some(u) = r.uncertainty {
        html_uncertainty(&mut out, u);
    }
    out.push_str("</body></html>\n");
    out
}

/// The rank-interval plot: per subject a bar from its 5th to its 95th
/// percentile rank, a mark at the median and a ring at its actual rank.
fn html_uncertainty(out: &mut String, u: &Uncertainty) {
    let h = |s: &str| escape::html(s).into_owned();
    let n = u.subjects.len().max(1);
    let x = |rank: usize| (rank.saturating_sub(1) * 300) / n;
    let _ = writeln!(
        out,
        "<h2>分值的不确定性（{} 次，±{}%，种子 {}）</h2>\n<p>每行一个主体：灰条为 5%–95% 的排名区间，黑点为排名中位数，圆圈为实际排名（左为第 1 名）。</p>",
        u.runs, u.spread, u.seed
    );
    let _ = writeln!(
        out,
        "<table><tr><th>编码</th><th>名称</th><th>排名</th><th>等级</th><th>中位数</th><th>区间</th><th>排名区间图</th><th>各等级的概率</th></tr>"
    );
    for s in &u.subjects {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}–{}</td>\
             <td><svg width=\"310\" height=\"12\" role=\"img\"><rect x=\"{}\" y=\"3\" width=\"{}\" height=\"6\" fill=\"#bbb\"/>\
             <circle cx=\"{}\" cy=\"6\" r=\"3\" fill=\"#222\"/><circle cx=\"{}\" cy=\"6\" r=\"5\" fill=\"none\" stroke=\"#c0392b\"/></svg></td><td>{}</td></tr>",
            h(&s.code),
            h(&s.name),
            s.rank,
            h(&s.grade),
            s.median_rank,
            s.low_rank,
            s.high_rank,
            x(s.low_rank) + 5,
            (x(s.high_rank) - x(s.low_rank)).max(1),
            x(s.median_rank) + 5,
            x(s.rank) + 5,
            h(&grade_shares(&s.grades, u.runs))
        );
    }
    let _ = writeln!(out, "</table>\n<h2>逐项剔除</h2>\n<table><tr><th>指标</th><th>名称</th><th>排名平均变动</th><th>等级改变的主体数</th></tr>");
    for m in &u.removal {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            h(&m.code),
            h(&m.name),
            m.mean_shift,
            m.grade_changed
        );
    }
    let _ = writeln!(out, "</table>");
}
