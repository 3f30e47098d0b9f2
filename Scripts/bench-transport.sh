#!/usr/bin/env bash
# Transport benchmark: Swift server vs the C-core baseline, same C client.
#
#   Scripts/bench-transport.sh [--streams N] [--messages M] [--size K] [--rounds R]
#                              [--swift-server PATH | --no-swift]
#
# 1. Compiles Benchmarks/TransportC/{bench_server,bench_client}.c into
#    .build-bench/ (cc -O2 ... -lgrpc -lgpr).
# 2. Unless --swift-server PATH or --no-swift is given, builds the Swift
#    server with `swift build -c release --product aeraki-transport-bench`;
#    if the package has no such product yet, the Swift half is skipped.
# 3. Runs R rounds; each round runs the C server + C client, then the Swift
#    server + the same C client (interleaved so drift hits both alike). Every
#    run starts a fresh server (`SERVER --port 0`, which prints `port: N`);
#    the client opens N concurrent calls to /aeraki.bench.Push/Stream, each
#    asking for M messages of K bytes, and checks counts, bytes and status.
#
# Output on stdout: `key: value` lines (progress goes to stderr). The last
# line is `transport_ratio: X` = median Swift throughput / median C
# throughput, or `transport_ratio: n/a` when the Swift half was skipped.
# Exit status: 0 on success (including a skipped Swift half), 1 if a run
# fails verification or the Swift build fails, 2 on usage errors.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build-bench"
src="$root/Benchmarks/TransportC"

streams=64 messages=5000 size=4096 rounds=3
swift_server="" use_swift=1
usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --streams) streams="${2:?}"; shift 2 ;;
        --messages) messages="${2:?}"; shift 2 ;;
        --size) size="${2:?}"; shift 2 ;;
        --rounds) rounds="${2:?}"; shift 2 ;;
        --swift-server) swift_server="${2:?}"; shift 2 ;;
        --no-swift) use_swift=0; shift ;;
        -h|--help) usage ;;
        *) echo "unknown argument: $1" >&2; usage ;;
    esac
done
for n in "$streams" "$messages" "$size" "$rounds"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
(( rounds >= 1 )) || { echo "--rounds must be >= 1" >&2; exit 2; }

log() { echo "bench-transport: $*" >&2; }

# --- build -----------------------------------------------------------------
mkdir -p "$out"
for prog in bench_server bench_client; do
    cc -O2 -g -Wall -Wextra -std=c11 -D_POSIX_C_SOURCE=200809L \
        -o "$out/$prog" "$src/$prog.c" -lgrpc -lgpr
done
log "built C baseline in $out"

swift_status="ok"
if [[ -n "$swift_server" ]]; then
    [[ -x "$swift_server" ]] || { echo "not executable: $swift_server" >&2; exit 2; }
elif (( use_swift )); then
    log "building Swift server (swift build -c release --product aeraki-transport-bench)"
    build_log="$out/swift-build.log"
    if (cd "$root" && swift build -c release --product aeraki-transport-bench) >"$build_log" 2>&1; then
        swift_server="$(cd "$root" && swift build -c release --show-bin-path)/aeraki-transport-bench"
    elif grep -q "no product named" "$build_log"; then
        swift_status="skipped (product aeraki-transport-bench does not exist yet)"
    else
        swift_status="build-failed (see $build_log)"
    fi
else
    swift_status="skipped (--no-swift)"
fi
[[ "$swift_status" == ok ]] || log "Swift server: $swift_status"

# --- runs ------------------------------------------------------------------
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap cleanup EXIT

# run_once SERVER_BINARY -> prints the client's throughput (bytes/s)
run_once() {
    local server="$1" port="" client_out
    trap cleanup EXIT   # we run in a $(...) subshell: traps are not inherited
    # Truncate before starting: the child's own redirection may happen after the first poll
    # below, which would then read the previous server's (dead) port.
    : >"$out/server.out"
    "$server" --port 0 >"$out/server.out" 2>"$out/server.err" &
    server_pid=$!
    for _ in $(seq 300); do   # up to 30 s for `port: N`
        port="$(awk '/^port: [0-9]+/ {print $2; exit}' "$out/server.out")"
        [[ -n "$port" ]] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$port" ]]; then
        log "server $server did not print 'port: N'; its stderr:"
        cat "$out/server.err" >&2
        cleanup
        return 1
    fi
    if ! client_out="$("$out/bench_client" --port "$port" --streams "$streams" \
            --messages "$messages" --size "$size")"; then
        log "client failed against $server"
        cleanup
        return 1
    fi
    cleanup
    log "$(basename "$server"): $(head -1 <<<"$client_out")"
    awk '/^throughput_bytes_per_s:/ {print $2}' <<<"$client_out"
}

median() {
    sort -g | awk '{v[NR] = $1} END {printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
best() { sort -g | tail -1; }

echo "streams: $streams"
echo "messages: $messages"
echo "size: $size"
echo "rounds: $rounds"
c_results=() swift_results=() failed=""
for ((r = 1; r <= rounds; r++)); do
    t="$(run_once "$out/bench_server")" || { failed="c round $r"; break; }
    c_results+=("$t")
    echo "c_round_${r}_throughput_bytes_per_s: $t"
    if [[ "$swift_status" == ok ]]; then
        t="$(run_once "$swift_server")" || { failed="swift round $r"; break; }
        swift_results+=("$t")
        echo "swift_round_${r}_throughput_bytes_per_s: $t"
    fi
done

if (( ${#c_results[@]} )); then
    c_median="$(printf '%s\n' "${c_results[@]}" | median)"
    echo "c_best_throughput_bytes_per_s: $(printf '%s\n' "${c_results[@]}" | best)"
    echo "c_median_throughput_bytes_per_s: $c_median"
fi
echo "swift_status: $swift_status"
if (( ${#swift_results[@]} )); then
    swift_median="$(printf '%s\n' "${swift_results[@]}" | median)"
    echo "swift_best_throughput_bytes_per_s: $(printf '%s\n' "${swift_results[@]}" | best)"
    echo "swift_median_throughput_bytes_per_s: $swift_median"
fi
if [[ -n "$failed" ]]; then
    echo "failed: $failed"
    echo "transport_ratio: n/a"
    exit 1
elif [[ "$swift_status" == ok ]]; then
    awk -v s="$swift_median" -v c="$c_median" 'BEGIN {printf "transport_ratio: %.3f\n", s / c}'
else
    echo "transport_ratio: n/a"
    [[ "$swift_status" == build-failed* ]] && exit 1
fi
exit 0
