#!/usr/bin/env bash
# Generation benchmark: one proxy seeing N services (default 1000) with two subsets each.
# Prints key: value lines (snapshot build time, rebuild time after one VirtualService change).
# Usage: Scripts/bench-generate.sh [SERVICES] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRATCH="${SCRATCH:-.build-bench}"
swift build -c release --scratch-path "$SCRATCH" --product GeneratorBench >&2
"$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/GeneratorBench" "${1:-1000}" "${2:-5}"
