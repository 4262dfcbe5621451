//! No input panics the front end: thousands of corrupted variants of the
//! real rule files (characters deleted, duplicated, swapped, replaced by
//! the language's own punctuation) each compile to a model or diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zhibiao::driver::compile_source;

/// A small deterministic generator, so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{", "}", "(", ")", "=", "≥", "%", ",", ":", "得", "分", "指标 ", "若 ", "令 ", "扣分 ",
    "否则", "1.1", "\"", "“", "0", "-", "÷ 0", "\n",
];

fn mutate(src: &[char], rng: &mut Rng) -> String {
    let mut chars = src.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len());
        match rng.below(4) {
            0 => {
                let len = 1 + rng.below(12);
                chars.drain(at..(at + len).min(chars.len()));
            }
            1 => {
                let piece: Vec<char> = PIECES[rng.below(PIECES.len())].chars().collect();
                chars.splice(at..at, piece);
            }
            2 => {
                let other = rng.below(chars.len());
                chars.swap(at, other);
            }
            _ => {
                let len = 1 + rng.below(40);
                let copy: Vec<char> = chars[at..(at + len).min(chars.len())].to_vec();
                chars.splice(at..at, copy);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn corrupted_rule_files_never_panic() {
    let files = [
        "rules/national.zb",
        "tests/fixtures/weights/rules.zb",
        "rules/national.test.zb",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut with_errors = 0;
    for f in files {
        let src: Vec<char> = std::fs::read_to_string(f).unwrap().chars().collect();
        for _ in 0..400 {
            let text = mutate(&src, &mut rng);
            let compiled = compile_source("corrupted.zb", &text);
            if compiled.has_errors() {
                with_errors += 1;
                assert!(compiled.model.is_none());
                // Rendering must not panic either, whatever the spans.
                let _ = zhibiao::diagnostic::render_plain(&compiled.files, &compiled.diagnostics);
                let _ = zhibiao::diagnostic::render_json(&compiled.files, &compiled.diagnostics);
            }
        }
    }
    assert!(with_errors > 100, "mutations should mostly break the files");
}

#[test]
fn corrupted_formatting_input_never_panics() {
    let src: Vec<char> = std::fs::read_to_string("rules/national.zb")
        .unwrap()
        .chars()
        .collect();
    let mut rng = Rng(0x0bad_cafe_f00d_0002);
    for _ in 0..300 {
        let text = mutate(&src, &mut rng);
        if let Some(out) = zhibiao::fmt::format(&text) {
            assert_eq!(zhibiao::fmt::format(&out).as_deref(), Some(out.as_str()));
        }
    }
}

#[test]
fn corrupted_evidence_never_panics_and_never_half_loads() {
    use zhibiao::evidence::{load, LoadOptions, Schema, Source};
    let compiled =
        zhibiao::driver::compile_file(std::path::Path::new("rules/national.zb")).unwrap();
    let model = compiled.model.unwrap();
    let schema = Schema::of(&model);
    let subjects = std::fs::read("examples/evidence/主体.csv").unwrap();
    let events = std::fs::read("examples/evidence/失信事件.csv").unwrap();
    let dir = std::env::temp_dir().join(format!("zhibiao-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0xfeed_0000_1111_2222);
    let noise: &[&[u8]] = &[
        b",",
        b"\"",
        b"\n",
        b"\r\n",
        b"\xff",
        b"\xe4\xb8",
        b"-",
        b"9999999999999999999999999999999",
        b"",
        b"\xef\xbb\xbf",
    ];
    for round in 0..200 {
        let (mut s, mut e) = (subjects.clone(), events.clone());
        let target = if round % 2 == 0 { &mut s } else { &mut e };
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(target.len());
            match rng.below(2) {
                0 => {
                    let len = (1 + rng.below(8)).min(target.len() - at);
                    target.drain(at..at + len);
                }
                _ => {
                    let piece = noise[rng.below(noise.len())];
                    target.splice(at..at, piece.iter().copied());
                }
            }
        }
        std::fs::write(dir.join("主体.csv"), &s).unwrap();
        std::fs::write(dir.join("失信事件.csv"), &e).unwrap();
        let sources = [
            Source {
                table: "主体".into(),
                path: dir.join("主体.csv"),
            },
            Source {
                table: "失信事件".into(),
                path: dir.join("失信事件.csv"),
            },
        ];
        match load(&schema, &sources, &LoadOptions::default()) {
            Ok(l) => assert_eq!(
                l.evidence.subjects.columns.len(),
                model.subject.fields.len()
            ),
            Err(errs) => {
                assert!(!errs.is_empty());
                for err in errs {
                    let _ = err.to_string();
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
