#!/usr/bin/env bash
# Run each cargo-fuzz target for a bounded time; exit 1 if any finds a
# crash, a failed property, a timeout or a memory blow-up.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   each target SECONDS (default 600)
#   scripts/fuzz.sh cmin [TARGET...]        minimise the committed corpora
#                                           (to what the seeds do not reach)
#
# Targets: check fmt ruletest evidence (fuzz/harness.rs says what each
# checks). Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`); the main build and CI do not.
# New inputs go to fuzz/corpus/<target> (committed after `cmin`), findings
# to fuzz/artifacts/<target>; logs and a summary to fuzz/target/logs.
# A finding is replayed by `cargo test --test fuzz_regressions` once it is
# copied to tests/fuzz/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(check fmt ruletest evidence)
mode=run
secs=600
if [[ ${1:-} == cmin ]]; then
    mode=cmin
    shift
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
    secs=$1
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL[@]}")

command -v cargo-fuzz >/dev/null || {
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
}

# Seeds are made afresh from the repository's rules, tests and evidence.
seeds=fuzz/target/seeds
rm -rf "$seeds"
python3 fuzz/seeds.py "$seeds"
mkdir -p fuzz/target/logs

# One scoring thread: the fuzzer is single-threaded, and the machine is shared.
export RAYON_NUM_THREADS=1

if [[ $mode == cmin ]]; then
    # Keep only what the seeds do not already reach: merge the corpus
    # into a copy of the seeds (libFuzzer prefers the smaller of inputs
    # with the same features) and keep the inputs it added.
    for t in "${targets[@]}"; do
        work=fuzz/target/cmin/$t
        rm -rf "$work"
        mkdir -p "$work" "fuzz/corpus/$t"
        cp "$seeds/$t"/* "$work/"
        cargo +nightly fuzz run "$t" "$work" "fuzz/corpus/$t" -- -merge=1 -use_counters=0 \
            -rss_limit_mb=4096 -timeout=10 >"fuzz/target/logs/cmin-$t.log" 2>&1
        rm -rf "fuzz/corpus/$t"
        mkdir -p "fuzz/corpus/$t"
        for f in "$work"/*; do
            [[ -e "$seeds/$t/$(basename "$f")" ]] || mv "$f" "fuzz/corpus/$t/"
        done
    done
    du -sh fuzz/corpus/*
    exit 0
fi

summary=fuzz/target/logs/summary.txt
: >"$summary"
failed=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    log=fuzz/target/logs/$t.log
    dict=()
    [[ $t == evidence ]] || dict=(-dict=fuzz/zhibiao.dict)
    # Build first, so the time below is the fuzzing alone.
    cargo +nightly fuzz build "$t" >"$log" 2>&1
    start=$(date +%s)
    status=ok
    cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "$seeds/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 \
        -print_final_stats=1 "${dict[@]}" >>"$log" 2>&1 || status=FINDING
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    printf '%-10s %6ss %12s execs  %s\n' "$t" "$took" "${execs:-?}" "$status" | tee -a "$summary"
    if [[ $status != ok ]]; then
        failed=1
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
    fi
done
exit $failed
