//! A progress line on stderr for long loads and evaluations: shown only
//! when stderr is a terminal and the work has taken more than a second,
//! so short runs, pipes and CI logs stay clean.
//!
//! Written by hand rather than with indicatif: indicatif pads the line to
//! the terminal width counting each Chinese character as one column, so
//! every redraw wrapped onto a new line.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    on: bool,
    message: String,
    what: String,
    /// Counts bytes, shown in MB.
    bytes: bool,
    start: Instant,
    last_draw: Option<Instant>,
    count: u64,
    pending: u64,
}

impl Progress {
    /// `what` is the unit counted, e.g. “行事件” or “个主体”.
    pub fn new(message: &str, what: &str) -> Self {
        Progress {
            on: std::io::stderr().is_terminal(),
            message: message.to_string(),
            what: what.to_string(),
            bytes: false,
            start: Instant::now(),
            last_draw: None,
            count: 0,
            pending: 0,
        }
    }

    /// Counting bytes read, shown in MB.
    pub fn bytes(message: &str) -> Self {
        Progress {
            bytes: true,
            ..Progress::new(message, "MB")
        }
    }

    /// Count `n` more; the line appears once a second has passed and is
    /// redrawn at most ten times a second.
    pub fn inc(&mut self, n: u64) {
        if !self.on {
            return;
        }
        self.pending += n;
        if self.pending < 4096 {
            return;
        }
        self.count += std::mem::take(&mut self.pending);
        let now = Instant::now();
        let due = match self.last_draw {
            None => now.duration_since(self.start) > Duration::from_secs(1),
            Some(t) => now.duration_since(t) > Duration::from_millis(100),
        };
        if due {
            self.last_draw = Some(now);
            let secs = now.duration_since(self.start).as_secs();
            let count = match self.bytes {
                true => self.count >> 20,
                false => self.count,
            };
            let line = format!(
                "{}：已处理 {count} {}（{secs} 秒）",
                self.message, self.what
            );
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
        }
    }

    /// Clear the line, if it was drawn.
    pub fn finish(self) {
        if self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
