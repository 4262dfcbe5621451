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
    // Room above the tallest bar for its label.
    let top = values.iter().copied().fold(0.0, f64::max).max(1.0) * 1.15;
    for y in &mut chart.y_axis_configs {
        y.min = Some(0.0);
        y.max = Some(top as f32);
    }
    chart.svg().map_err(|e| failed(name, e))
}

/// A horizontal bar chart: one bar per category (the first at the top),
/// each labelled `category：value` just after its end. The labels are
/// left-aligned there rather than set on the axis, because charts-rs
/// right-aligns axis labels by measuring them with its Latin font, which
/// gives a Chinese character half its width; the value axis is made long
/// enough for the longest label to fit.
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
    chart.base.width = width;
    chart.base.height = 60.0 + 26.0 * categories.len() as f32;
    chart.base.legend = no_legend();
    chart.base.y_axis_hidden = true;
    chart.base.series.label.formatter = "{b}：{c}".to_string();
    let (max, step) = value_axis(categories, values, width - 30.0);
    for axis in &mut chart.y_axis_configs {
        axis.min = Some(0.0);
        axis.max = Some(max as f32);
        axis.split_number = (max / step).round() as usize;
    }
    chart.svg().map_err(|e| failed(name, e))
}

/// The end and the tick step of a value axis `plot` pixels long on which
/// every bar's label (`category：value`, a full-width character taken as
/// 15 px, a narrow one 8 px) fits after the bar.
fn value_axis(categories: &[String], values: &[f64], plot: f32) -> (f64, f64) {
    let plot = f64::from(plot.max(100.0));
    let mut needed: f64 = 1.0;
    for (c, &v) in categories.iter().zip(values) {
        let label = format!("{c}：{v}");
        let px = unicode_width::UnicodeWidthStr::width(label.as_str()) as f64 * 7.5 + 12.0;
        let room = (plot - px).max(plot / 3.0);
        needed = needed.max(v * plot / room);
    }
    // A step of 1, 2 or 5 × 10ⁿ, about five ticks.
    let raw = needed / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    ((needed / step).ceil() * step, step)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_axes_leave_room_for_labels() {
        let (max, step) = value_axis(&["北京市".into()], &[86.44], 600.0);
        assert!(max >= 86.44 * 600.0 / (600.0 - 12.0 - 7.5 * 13.0));
        assert_eq!((max / step).fract(), 0.0);
        assert!(max / step <= 10.0);
        assert!(value_axis(&[], &[], 600.0).0 >= 1.0);
    }
}
