//! A real browser renders what we write (issue #11, part 6): Debian's
//! `chromium`, run headless with a fresh profile and no network services,
//! loads a page and dumps the DOM it built, takes a PNG screenshot, or
//! prints the page to PDF.
//!
//! Include it in a test file with
//! `#[path = "support/browser.rs"] mod browser;`.
//!
//! Errors on a page are caught two ways, and both must stay empty:
//! - chromium's own log (`--enable-logging=stderr`): every console
//!   message, an uncaught exception, a resource that failed to load, is a
//!   `…:CONSOLE…]` line;
//! - a probe script that [`probe`] puts at the top of a test copy of the
//!   page: it records `error` events (script errors and failed resources,
//!   in the capture phase), unhandled rejections and `console.error`, and
//!   once the page has loaded writes them, with what it measured of every
//!   chart (`figure[data-chart]`), as JSON into `<pre id="zb-probe">`,
//!   which `--dump-dom` then shows ([`Probe::of`] reads it back).
//!
//! Without `chromium` on the PATH the helpers print a loud `SKIPPED:`
//! line and return `None`, so the calling test returns early; when `CI`
//! is set they panic instead, because CI must really run these tests
//! (`.ci/run` installs `chromium` and `fonts-noto-cjk`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one browser run may take; `ZHIBIAO_CHROMIUM_TIMEOUT`
/// (seconds) overrides it.
fn timeout() -> Duration {
    let secs = std::env::var("ZHIBIAO_CHROMIUM_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180);
    Duration::from_secs(secs)
}

/// The headless browser.
pub struct Browser {
    exe: PathBuf,
}

/// What one browser run left: its stdout (the DOM, for `--dump-dom`) and
/// the console lines of its log.
pub struct Run {
    pub stdout: String,
    pub console: Vec<String>,
}

/// `chromium`, or `None` after saying loudly that the test is skipped (a
/// panic under `CI`).
pub fn browser() -> Option<Browser> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    match found {
        Some(exe) => Some(Browser { exe }),
        None => {
            if std::env::var_os("CI").is_some() {
                panic!("chromium not installed, and CI must run the browser tests — install chromium and fonts-noto-cjk");
            }
            // Straight to the process's stderr: the test harness captures
            // `eprintln!`, and this line must be seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: chromium not installed — install chromium and fonts-noto-cjk"
            );
            None
        }
    }
}

fn url(page: &Path) -> String {
    let abs = std::fs::canonicalize(page).unwrap();
    format!("file://{}", abs.display())
}

impl Browser {
    /// Run chromium headless on `page` with `args`, a fresh profile and a
    /// timeout; panics when it fails or takes too long.
    pub fn run(&self, page: &Path, args: &[String]) -> Run {
        let profile = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(&self.exe);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url(page))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        // Its own process group: on a timeout the browser and every
        // process it started (renderers, GPU, network) are ended together.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("chromium did not start");
        // Read both pipes on threads, so a full pipe never blocks it.
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = out.read_to_end(&mut s);
            s
        });
        let err = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = err.read_to_end(&mut s);
            s
        });
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > timeout() {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "chromium took longer than {:?} on {}",
                    timeout(),
                    page.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
        let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
        assert!(
            status.success(),
            "chromium failed ({status}) on {}:\n{stderr}",
            page.display()
        );
        let console = stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect();
        Run { stdout, console }
    }

    /// The DOM of `page` once it has loaded, and its console lines.
    pub fn dump_dom(&self, page: &Path) -> Run {
        self.run(page, &["--dump-dom".to_string()])
    }

    /// A PNG screenshot of the top `width`×`height` pixels of `page`.
    pub fn screenshot(&self, page: &Path, png: &Path, width: u32, height: u32) -> Run {
        self.run(
            page,
            &[
                format!("--screenshot={}", png.display()),
                format!("--window-size={width},{height}"),
                "--hide-scrollbars".to_string(),
            ],
        )
    }

    /// `page` printed to PDF (paper size from the page's print CSS).
    pub fn print_pdf(&self, page: &Path, pdf: &Path) -> Run {
        self.run(
            page,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".to_string(),
            ],
        )
    }
}

/// Check that `pdf` is a PDF whose every page is A4 (595.28 × 841.89
/// points, to Chromium's rounding); returns the number of pages.
pub fn a4_pages(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let text = String::from_utf8_lossy(pdf);
    let boxes: Vec<&str> = text.split("/MediaBox [").skip(1).collect();
    for b in &boxes {
        let nums: Vec<f64> = b[..b.find(']').unwrap()]
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        assert!(
            (nums[2] - 595.28).abs() < 1.0 && (nums[3] - 841.89).abs() < 1.0,
            "a page is not A4: {nums:?}"
        );
    }
    boxes.len()
}

/// The probe script (see the module comment).
const PROBE: &str = r#"<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) {
      errors.push('resource failed: ' + (t.src || t.href));
    } else {
      errors.push('error: ' + e.message);
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    errors.push('unhandled rejection: ' + e.reason);
  });
  var original = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    original.apply(console, arguments);
  };
  window.addEventListener('load', function () {
    var charts = [];
    document.querySelectorAll('figure[data-chart]').forEach(function (f) {
      var svg = f.querySelector('svg');
      var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      charts.push({
        kind: f.getAttribute('data-chart'),
        svgs: f.querySelectorAll('svg').length,
        bars: svg ? svg.querySelectorAll('rect[data-series]').length : 0,
        values: svg ? Array.prototype.map.call(svg.querySelectorAll('rect[data-series]'),
          function (r) { return Number(r.getAttribute('data-value')); }) : [],
        points: svg ? svg.querySelectorAll('g[fill="none"] > circle').length : 0,
        width: box.width,
        height: box.height
      });
    });
    var pre = document.createElement('pre');
    pre.id = 'zb-probe';
    pre.textContent = JSON.stringify({
      errors: errors,
      charts: charts,
      scripts: document.scripts.length,
      text: document.body.innerText
    });
    document.body.appendChild(pre);
  });
})();
</script>"#;

/// `html` with the probe script as the first thing in its `<head>` (or at
/// the very start when there is none).
pub fn probe(html: &str) -> String {
    match html.find("<head>") {
        Some(i) => {
            let at = i + "<head>".len();
            format!("{}{PROBE}{}", &html[..at], &html[at..])
        }
        None => format!("{PROBE}{html}"),
    }
}

/// One chart as the browser drew it.
#[derive(Debug, Clone)]
pub struct Chart {
    pub kind: String,
    pub svgs: usize,
    pub bars: usize,
    pub values: Vec<f64>,
    pub points: usize,
    pub width: f64,
    pub height: f64,
}

/// What the probe found on a loaded page.
#[derive(Debug)]
pub struct Probe {
    pub errors: Vec<String>,
    pub charts: Vec<Chart>,
    /// `<script>` elements on the page, the probe's own included.
    pub scripts: usize,
    /// The page's rendered text (`innerText`).
    pub text: String,
}

impl Probe {
    /// The probe's findings in a dumped DOM; panics when the probe did
    /// not run (the page never finished loading).
    pub fn of(dom: &str) -> Probe {
        let start = dom
            .find("<pre id=\"zb-probe\">")
            .expect("the probe did not run: no <pre id=\"zb-probe\"> in the dumped DOM")
            + "<pre id=\"zb-probe\">".len();
        let end = start + dom[start..].find("</pre>").unwrap();
        let json = dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let strings = |key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        };
        let charts = v["charts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Chart {
                kind: c["kind"].as_str().unwrap().to_string(),
                svgs: c["svgs"].as_u64().unwrap() as usize,
                bars: c["bars"].as_u64().unwrap() as usize,
                values: c["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect(),
                points: c["points"].as_u64().unwrap() as usize,
                width: c["width"].as_f64().unwrap(),
                height: c["height"].as_f64().unwrap(),
            })
            .collect();
        Probe {
            errors: strings("errors"),
            charts,
            scripts: v["scripts"].as_u64().unwrap() as usize,
            text: v["text"].as_str().unwrap().to_string(),
        }
    }

    pub fn charts(&self, kind: &str) -> Vec<&Chart> {
        self.charts.iter().filter(|c| c.kind == kind).collect()
    }
}

/// Load `html` (written with the probe into `dir` as `name`) and return
/// the probe's findings and the console lines; the DOM too.
pub fn load(b: &Browser, dir: &Path, name: &str, html: &str) -> (Probe, Vec<String>, String) {
    let page = dir.join(name);
    std::fs::write(&page, probe(html)).unwrap();
    let run = b.dump_dom(&page);
    (Probe::of(&run.stdout), run.console, run.stdout)
}
