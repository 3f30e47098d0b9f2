#!/usr/bin/env bash
# xDS fan-out benchmark.
#
#   Scripts/bench-fanout.sh [--debug] [--streams S] [--resources N] [--channels C]
#
# Builds Benchmarks/FanoutBench (release unless --debug; scratch path .build-bench-xds) and runs it:
# an in-process XDSServer on LibGRPCTransport with S lightweight ADS clients (default 2,000; they
# parse only what an ACK needs), one node each, N clusters + N endpoint assignments + N listeners per
# node (default 1,000), over C HTTP/2 connections (default 16). Scenarios:
#   (a) connect storm until every stream has ACKed everything,
#   (b) one endpoint assignment changed for all nodes,
#   (c) every listener changed (full-state LDS).
# Each is followed by its transport ceiling: the same bytes, pre-encoded, pushed to S streams by a
# bare loop over the same transport in the same process, and ACKed by the same clients.
#
# Output: `key: value` lines on stdout (progress on stderr), ending with fanout_ratio_* (xDS
# throughput / ceiling throughput, bytes per second) and serializations_per_resource (scenario b).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config=release
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --debug) config=debug; shift ;;
        --streams|--resources|--channels) args+=("$1" "$2"); shift 2 ;;
        *) echo "usage: $0 [--debug] [--streams S] [--resources N] [--channels C]" >&2; exit 2 ;;
    esac
done

cd "$root"
echo "building FanoutBench ($config)..." >&2
swift build -c "$config" --scratch-path .build-bench-xds --product FanoutBench >&2
bin="$(swift build -c "$config" --scratch-path .build-bench-xds --show-bin-path)/FanoutBench"
echo "build: $config"
"$bin" "${args[@]}"
