#!/usr/bin/env bash
# Scale benchmark (issue 9): a generated mesh of N services served by the release `aeraki serve`
# to M Envoy-like sidecars, over SotW and/or delta ADS.
#
#   Scripts/bench-scale.sh [--services N] [--sidecars M] [--mode sotw|delta|both] [--timeout S]
#                          [--edits E] [--workloads W] [--connections C] [--soak-minutes M] [--restart]
#
# The mesh (Scripts/scale_mesh.py): N ServiceEntries (default 1,000) over namespaces ns-0..ns-9,
# each with a VIP, STATIC resolution and 3 endpoints; one in ten Dubbo and one in ten Thrift, both
# with a DestinationRule (subsets v1/v2) and a 90/10 VirtualService; a third of the plain TCP
# services with a DestinationRule. It is checked with `aeraki validate` before serving.
#
# The clients (Benchmarks/ScaleBench): M sidecars (default 1,000) = W workloads (default 100) ×
# replicas, workload w in ns-(w % 10), each its own pod IP and an Istio-agent node (id and metadata),
# one ADS stream each over C HTTP/2 connections (default one per sidecar). Like Envoy they subscribe
# to CDS and LDS, then EDS (and RDS) for what those name, and ACK every response.
#
# What it measures, per mode (keys prefixed sotw_/delta_ with --mode both), as `key: value` lines on
# stdout (progress on stderr):
#   server_rss_idle_mib, server_idle_cpu_s_per_s   the server ready, no proxies
#   connect_all_synced_s, connect_server_cpu_s     connect all; every sidecar has ACKed CDS, LDS and
#                                                  every EDS/RDS resource it asked for
#   server_rss_mib, rss_per_proxy_kib              connected RSS, (connected − idle RSS) / M
#   endpoint_edit_*                                one endpoint address of a TCP ServiceEntry changed
#                                                  (file rewritten via rename): time from the rename
#                                                  until every sidecar subscribed to the affected
#                                                  ClusterLoadAssignment ACKed a response carrying it,
#                                                  server/client CPU, pushed types/responses/resources
#   vs_edit_*                                      the weights of a Dubbo VirtualService changed: until
#                                                  every sidecar ACKed an LDS response sent after it
#   edits_*, rss_after_E_edits_mib/_ratio          E more edits (default 50), alternating endpoint and
#                                                  VirtualService edits, each waiting for all ACKs;
#                                                  RSS afterwards, and its ratio to the connected RSS
#   restart_*                                      with --restart (after the edits): the server is
#                                                  stopped (SIGTERM) and started again on the same
#                                                  port; every sidecar reconnects and resumes with
#                                                  what it holds. Time until all resumed, the new
#                                                  server's CPU, content versions that differ from
#                                                  before (0), and what was pushed against what the
#                                                  resumption needs (SotW: EDS and RDS once, not
#                                                  the unchanged CDS and LDS; delta: CDS and LDS
#                                                  once each, no resource re-sent)
#   soak_minute_NN, soak_*                         with --soak-minutes M (Scripts/soak.sh): M minutes of
#                                                  edits back to back; per minute RSS, open fds, edits
#                                                  and ACK latency; RSS growth after the first minute
#   client_cpu_s, *_client_cpu_s                   the benchmark's own CPU (it shares the machine)
#   loadavg_1m_before/_after                       the machine's load: other work skews every figure
# Each wait is bounded by --timeout (default 120 s); a timed-out wait prints nan and the series stops.
# The server polls the directory every 50 ms with a 20 ms debounce (so an edit is seen within ~70 ms).
# Uses $AERAKI_BIN when set, else builds the release `aeraki`; the clients are always built release.
# Loopback only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

services=1000
sidecars=1000
mode=sotw
timeout=120
restart=false
bench_args=()
usage() {
    echo "usage: $0 [--services N] [--sidecars M] [--mode sotw|delta|both] [--timeout S] [--edits E] [--workloads W] [--connections C] [--soak-minutes M] [--restart]" >&2
    exit 2
}
while [[ $# -gt 0 ]]; do
    if [[ "$1" == --restart ]]; then restart=true; shift; continue; fi
    [[ $# -ge 2 ]] || usage
    case "$1" in
        --services) services="$2" ;;
        --sidecars) sidecars="$2" ;;
        --mode) mode="$2" ;;
        --timeout) timeout="$2" ;;
        --edits|--workloads|--connections|--soak-minutes) bench_args+=("$1" "$2") ;;
        *) usage ;;
    esac
    shift 2
done
case "$mode" in sotw|delta) modes=("$mode") ;; both) modes=(sotw delta) ;; *) usage ;; esac

if [[ -z "${AERAKI_BIN:-}" ]]; then
    echo "building aeraki (release)..." >&2
    swift build -c release --product aeraki >&2
    AERAKI_BIN="$(swift build -c release --show-bin-path)/aeraki"
fi
echo "building ScaleBench (release)..." >&2
swift build -c release --product ScaleBench >&2
bench_bin="$(swift build -c release --show-bin-path)/ScaleBench"

work="$(mktemp -d "${TMPDIR:-/tmp}/aeraki-scale.XXXXXX")"
supervisor_pid=""
# Stops the server and the supervisor that would start it again.
stop_server() {
    [[ -n "$supervisor_pid" ]] || return 0
    touch "$work/stop"
    kill -TERM "$(cat "$work/server.pid" 2>/dev/null)" 2>/dev/null || true
    wait "$supervisor_pid" 2>/dev/null || true
    supervisor_pid=""
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT

# Runs `aeraki ARGS`; with --restart, again each time it exits until $work/stop exists (the
# restart scenario stops it). Each server's pid goes to $work/server.pid.
supervise() {
    while [[ ! -e "$work/stop" ]]; do
        "$AERAKI_BIN" "$@" >> "$work/server.out" 2>> "$work/server.log" &
        echo $! > "$work/server.pid.tmp"
        mv "$work/server.pid.tmp" "$work/server.pid"
        wait $! || true
        $restart || break
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most 60 s) for the server's "NAME listening on ADDR" line and prints ADDR.
listening_address() {
    local name="$1" i
    for ((i = 0; i < 600; i++)); do
        local line
        line="$(grep -m1 "^$name listening on " "$work/server.out" 2>/dev/null || true)"
        if [[ -n "$line" ]]; then echo "${line##* }"; return 0; fi
        kill -0 "$supervisor_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not report its $name address; log:" >&2
    tail -20 "$work/server.log" >&2
    return 1
}

run_mode() {
    local mode="$1" prefix="$2"
    rm -rf "$work/mesh"
    python3 Scripts/scale_mesh.py "$work/mesh" --services "$services"
    echo "validating the mesh..." >&2
    "$AERAKI_BIN" validate "$work/mesh" > "$work/validate.out" 2>&1 || {
        echo "aeraki validate rejected the generated mesh:" >&2
        tail -20 "$work/validate.out" >&2
        return 1
    }
    : > "$work/server.out"
    rm -f "$work/stop" "$work/server.pid"
    # A fixed port, so that a restarted server is where the sidecars reconnect.
    supervise serve --config-dir "$work/mesh" --xds-host 127.0.0.1 --xds-port "$(free_port)" \
        --admin-host 127.0.0.1 --admin-port 0 --poll-interval-ms 50 --debounce-ms 20 \
        --drain-seconds 1 --log-level warning &
    supervisor_pid=$!
    until [[ -s "$work/server.pid" ]]; do sleep 0.05; done
    local server_pid
    server_pid="$(cat "$work/server.pid")"
    local xds admin started=$SECONDS
    xds="$(listening_address xds)"
    admin="$(listening_address admin)"
    until curl -sf "http://$admin/readyz" > /dev/null; do
        if (( SECONDS - started > timeout )) || ! kill -0 "$supervisor_pid" 2>/dev/null; then
            echo "the server did not become ready; log:" >&2
            tail -20 "$work/server.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "aeraki ($mode) ready on $xds (admin $admin) after $((SECONDS - started)) s" >&2
    # The machine's load before the run: figures taken next to other CPU-heavy work are not comparable.
    echo "${prefix}loadavg_1m_before: $(cut -d' ' -f1 /proc/loadavg)"
    local restart_args=()
    if $restart; then restart_args=(--restart-pid-file "$work/server.pid"); fi
    "$bench_bin" --mode "$mode" --sidecars "$sidecars" --services "$services" --timeout "$timeout" \
        --xds "$xds" --server-pid "$server_pid" --config-dir "$work/mesh" ${bench_args[@]+"${bench_args[@]}"} \
        ${restart_args[@]+"${restart_args[@]}"} | sed -u "s/^/$prefix/"
    echo "${prefix}loadavg_1m_after: $(cut -d' ' -f1 /proc/loadavg)"
    stop_server
    if grep -qi "error\|fatal" "$work/server.log"; then
        echo "server log ($mode) has errors:" >&2
        grep -i "error\|fatal" "$work/server.log" | head -5 >&2
    fi
}

echo "binary: $AERAKI_BIN"
echo "poll_interval_ms: 50"
for m in "${modes[@]}"; do
    if [[ ${#modes[@]} -gt 1 ]]; then run_mode "$m" "${m}_"; else run_mode "$m" ""; fi
done
