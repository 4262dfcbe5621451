//! What a run read and used, so a result can be traced back: the rule
//! file, the parameters' values, every evidence file with its SHA-256,
//! the program's version and the time of the run.

use crate::plan::Plan;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The rule file as the user named it.
    pub rules: String,
    pub standard: String,
    pub version: String,
    /// Every parameter with the value used (`--param` or the default).
    pub params: Vec<(String, String)>,
    /// Evidence files as named, each once, with the SHA-256 (hex) of its
    /// bytes.
    pub evidence: Vec<(String, String)>,
    pub program: String,
    /// UTC, ISO 8601 (`2025-03-01T08:30:00Z`).
    pub time: String,
}

impl Provenance {
    /// Read every evidence file once more to checksum it (streamed).
    pub fn of(rules: &Path, plan: &Plan, evidence: &[PathBuf]) -> std::io::Result<Provenance> {
        let model = &plan.model;
        let params = model
            .params
            .iter()
            .zip(&plan.params)
            .map(|(p, v)| {
                (
                    p.name.clone(),
                    crate::eval::show_value(model, v, Some(&p.ty)),
                )
            })
            .collect();
        let mut files: Vec<&PathBuf> = Vec::new();
        for f in evidence {
            if !files.contains(&f) {
                files.push(f);
            }
        }
        let evidence = files
            .into_iter()
            .map(|f| Ok((f.display().to_string(), sha256_file(f)?)))
            .collect::<std::io::Result<_>>()?;
        Ok(Provenance {
            rules: rules.display().to_string(),
            standard: model.meta.standard.clone(),
            version: model.meta.version.clone(),
            params,
            evidence,
            program: format!("zhibiao {}", env!("CARGO_PKG_VERSION")),
            time: run_time(),
        })
    }
}

/// The SHA-256 of a file's bytes as lowercase hex, read in blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex(hasher.finalize().as_slice()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when it is set,
/// so that a run can be reproduced byte for byte.
pub fn run_time() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let secs = fixed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
            .unwrap_or(0)
    });
    iso_utc(secs)
}

/// Seconds since 1970-01-01T00:00:00Z as ISO 8601.
pub fn iso_utc(secs: i64) -> String {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let epoch = crate::date::day_number(1970, 1, 1).unwrap_or(0);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::date::format(epoch + days),
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_740_818_096), "2025-03-01T08:34:56Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn sha256_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
