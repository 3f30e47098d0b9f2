#!/usr/bin/env bash
# End-to-end push benchmark: 1,000 simulated sidecars connected to `aeraki serve` on the bundled
# example mesh, one VirtualService edit (tcp.yaml weights 90/10 → 50/50), time until every
# affected proxy has ACKed the new config. Prints `key: value` lines.
#   Scripts/bench-e2e.sh [--sidecars N] [--views N] [--channels N] [--timeout S]
# --views N gives the sidecars N distinct label sets (default 1: replicas of one workload, which
# share one build; --views 1000: every proxy built on its own).
# Uses $AERAKI_BIN if set, else builds the release binary (BUILD=debug for the debug one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x .venv/bin/python ] || bash Scripts/python-env.sh
if [ -z "${AERAKI_BIN:-}" ]; then
    config="${BUILD:-release}"
    swift build -c "$config" --product aeraki >&2
    AERAKI_BIN="$(swift build -c "$config" --show-bin-path)/aeraki"
fi
exec .venv/bin/python IntegrationTests/e2e/bench_e2e.py --aeraki "$AERAKI_BIN" "$@"
