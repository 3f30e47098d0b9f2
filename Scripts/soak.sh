#!/usr/bin/env bash
# Soak (issue 14): M minutes (default 30) of config churn — endpoint and VirtualService edits back
# to back, each as soon as every affected sidecar ACKed the previous one — against the release
# `aeraki serve` with S sidecars (default 300) on the scale benchmark's mesh (default 1,000
# services). Prints, every minute, the server's RSS, open file descriptors, the edits made and
# their push latency (write → all affected sidecars ACKed: mean, p99, max), then
# soak_rss_growth_after_warmup_ratio (last minute's RSS / first minute's).
#
#   Scripts/soak.sh [--minutes M] [--sidecars S] [--services N] [--mode sotw|delta]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes=30
sidecars=300
services=1000
mode=sotw
while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "usage: $0 [--minutes M] [--sidecars S] [--services N] [--mode sotw|delta]" >&2; exit 2; }
    case "$1" in
        --minutes) minutes="$2" ;;
        --sidecars) sidecars="$2" ;;
        --services) services="$2" ;;
        --mode) mode="$2" ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
exec bash Scripts/bench-scale.sh --mode "$mode" --sidecars "$sidecars" --services "$services" \
    --workloads "$(( sidecars < 100 ? sidecars : 100 ))" --edits 0 --soak-minutes "$minutes" --timeout 60
