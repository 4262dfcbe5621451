//! A progress bar on stderr (indicatif) for long loads and evaluations:
//! shown only when stderr is a terminal and the work has taken more than a
//! second, so short runs, pipes and CI logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
const QUIET: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    /// Whether the bar may appear (stderr is a terminal).
    terminal: bool,
    shown: bool,
    start: Instant,
}

impl Progress {
    /// Counting `total` items of `what` (e.g. “个主体”).
    pub fn new(message: &str, total: u64, what: &str) -> Self {
        let template = format!("{{msg}} [{{wide_bar}}] {{pos}}/{{len}} {what}（剩余 {{eta}}）");
        Self::with(message, total, &template)
    }

    /// Counting `total` bytes read.
    pub fn bytes(message: &str, total: u64) -> Self {
        Self::with(
            message,
            total,
            "{msg} [{wide_bar}] {bytes}/{total_bytes}（剩余 {eta}）",
        )
    }

    fn with(message: &str, total: u64, template: &str) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        Progress {
            bar,
            terminal: std::io::stderr().is_terminal(),
            shown: false,
            start: Instant::now(),
        }
    }

    /// Count `n` more; the bar appears once a second has passed (indicatif
    /// limits how often it is redrawn).
    pub fn inc(&mut self, n: u64) {
        self.bar.inc(n);
        if self.terminal && !self.shown && self.start.elapsed() > QUIET {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Clear the bar, if it was drawn.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
