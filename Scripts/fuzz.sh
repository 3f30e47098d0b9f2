#!/usr/bin/env bash
# Fuzzes Aeraki's input paths with libFuzzer (the Swift toolchain's -sanitize=fuzzer, with
# AddressSanitizer): SotW and delta discovery requests through the stream state machines, istiod's
# MCP responses through the MCP session, mesh YAML/JSON through parsing, validation, indexing and
# generation, and serve-static's resource files through their decoder.
#
#   Scripts/fuzz.sh [--seconds N] [TARGET...]     default: 60 s for each of sotw delta mcp mesh static
#
# Each target starts from its committed corpus (Fuzz/Corpus/<target>/; new inputs the fuzzer finds go
# to a scratch copy, not into the repository). A crash leaves its input in Fuzz/Crashes/ and fails
# the script; copy it to Fuzz/Corpus/<target>/crash-<what> once fixed, where the Swift test suite
# replays it. Prints, per target, the executions, the coverage reached and the corpus size.
# Builds into .build-fuzz (its own scratch path: every module instrumented).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=60
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        sotw|delta|mcp|mesh|static) targets+=("$1"); shift ;;
        *) echo "usage: $0 [--seconds N] [sotw|delta|mcp|mesh|static ...]" >&2; exit 2 ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(sotw delta mcp mesh static)

bash Scripts/install-deps.sh
echo "fuzz: building aeraki-fuzz with -sanitize=fuzzer,address (.build-fuzz)" >&2
swift build --scratch-path .build-fuzz --product aeraki-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -v "Cannot export local symbol" >&2
fuzzer="$(swift build --scratch-path .build-fuzz --show-bin-path)/aeraki-fuzz"

mkdir -p Fuzz/Crashes
status=0
for target in "${targets[@]}"; do
    scratch="$(mktemp -d)"
    cp -R "Fuzz/Corpus/$target/." "$scratch/"
    log="$(mktemp)"
    echo "fuzz: $target for ${seconds}s" >&2
    if ASAN_OPTIONS=detect_leaks=0 "$fuzzer" "$target" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="Fuzz/Crashes/$target-" "$scratch" > "$log" 2>&1; then
        runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
        coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
        echo "fuzz_${target}_executions: ${runs:-?}"
        echo "fuzz_${target}_coverage_edges: ${coverage:-?}"
        echo "fuzz_${target}_corpus_inputs: $(ls "$scratch" | wc -l)"
        echo "fuzz_${target}_crashes: 0"
    else
        echo "fuzz_${target}_crashes: 1"
        echo "fuzz: $target crashed; input in Fuzz/Crashes/, log tail:" >&2
        tail -40 "$log" >&2
        status=1
    fi
    rm -rf "$scratch" "$log"
done
exit $status
