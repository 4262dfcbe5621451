//! Inline SVG charts for the report, drawn by `charts-rs` (SVG text, no
//! fonts or images fetched). Every bar is a `<rect data-series=…>` and
//! every radar point a `<circle>` of the series group, so a test can
//! count them in the rendered page. Text in the charts (categories,
//! indicator names) is escaped by charts-rs.

use charts_rs::{BarChart, Color, HorizontalBarChart, LegendConfig, RadarChart, Series};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("无法生成图表“{chart}”：{reason}")]
pub struct ChartError {
    pub chart: String,
    pub reason: String,
}

fn no_legend() -> LegendConfig {
    LegendConfig {
        show: Some(false),
        ..LegendConfig::default()
    }
}

fn failed(chart: &str, e: impl std::fmt::Display) -> ChartError {
    ChartError {
        chart: chart.to_string(),
        reason: e.to_string(),
    }
}

/// A series of one value per category, its label shown on each bar.
fn series(name: &str, values: &[f64], colors: Option<&[String]>) -> Series {
    let mut s: Series = (name, values.iter().map(|&v| v as f32).collect::<Vec<f32>>()).into();
    s.label_show = true;
    s.colors = colors.map(|c| c.iter().map(|c| Some(Color::from(c.as_str()))).collect());
    s
}

/// A vertical bar chart: one bar per category, its value on top; the y
/// axis starts at 0 and is hidden (the values are written on the bars).
/// `colors` gives each bar its own colour.
pub fn bars(
    name: &str,
    categories: &[String],
    values: &[f64],
    colors: Option<&[String]>,
    size: (f32, f32),
) -> Result<String, ChartError> {
    let mut chart = BarChart::new(vec![series(name, values, colors)], categories.to_vec());
    chart.base.width = size.0;
    chart.base.height = size.1;
    chart.base.legend = no_legend();
    chart.base.y_axis_hidden = true;
    for y in &mut chart.y_axis_configs {
        y.min = Some(0.0);
    }
    chart.svg().map_err(|e| failed(name, e))
}

/// A horizontal bar chart: one bar per category (categories down the
/// left, the first at the top), its value at the end of the bar.
pub fn horizontal_bars(
    name: &str,
    categories: &[String],
    values: &[f64],
    width: f32,
) -> Result<String, ChartError> {
    // charts-rs draws the first category at the bottom.
    let cats: Vec<String> = categories.iter().rev().cloned().collect();
    let vals: Vec<f64> = values.iter().rev().copied().collect();
    let mut chart = HorizontalBarChart::new(vec![series(name, &vals, None)], cats);
    // charts-rs measures labels with its Latin font: room for CJK text
    // (14 px a full-width character, 8 px a narrow one).
    let label = categories
        .iter()
        .map(|c| unicode_width::UnicodeWidthStr::width(c.as_str()) as f32 * 7.5)
        .fold(0.0, f32::max);
    for y in &mut chart.y_axis_configs {
        y.width = Some(label + 16.0);
    }
    chart.base.width = width;
    chart.base.height = 60.0 + 26.0 * categories.len() as f32;
    chart.base.legend = no_legend();
    chart.svg().map_err(|e| failed(name, e))
}

/// A radar of attainment in percent (0–100) on each axis; with fewer
/// than three axes (a radar needs three) a horizontal bar chart instead.
pub fn radar(name: &str, axes: &[String], percents: &[f64]) -> Result<String, ChartError> {
    if axes.len() < 3 {
        return horizontal_bars(name, axes, percents, 420.0);
    }
    let indicators = axes.iter().map(|a| (a.as_str(), 100.0).into()).collect();
    let mut chart = RadarChart::new(vec![series(name, percents, None)], indicators);
    if let Some(s) = chart.base.series_list.first_mut() {
        s.label_show = false;
    }
    chart.base.width = 420.0;
    chart.base.height = 300.0;
    chart.base.legend = no_legend();
    chart.svg().map_err(|e| failed(name, e))
}
