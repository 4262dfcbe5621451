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
