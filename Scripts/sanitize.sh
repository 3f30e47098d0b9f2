#!/usr/bin/env bash
# Runs the Swift tests under the sanitizers, each in its own scratch path (every module instrumented):
#
#   Scripts/sanitize.sh address   the whole Swift test suite under AddressSanitizer, leak checking on
#   Scripts/sanitize.sh thread    the concurrency-heavy suites (transport, xDS server, push loop,
#                                 shared generation) under ThreadSanitizer
#   Scripts/sanitize.sh           both
#
# Leak reports name only Aeraki's own frames as failures: the Swift runtime's and the gRPC core's
# process-lifetime allocations (metadata caches, the core's global state) are suppressed through
# Scripts/lsan.supp. libgrpc itself is not instrumented (a Debian package), so races inside the C
# core are invisible to TSan; the Swift side of every call into it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash Scripts/install-deps.sh
modes=("$@")
[[ ${#modes[@]} -gt 0 ]] || modes=(address thread)
thread_suites='LibGRPCTransportTests|XDSServerTests|AerakiServerTests|GeneratorTests.SharedGeneratorTests|XDSCacheTests'
for mode in "${modes[@]}"; do
    case "$mode" in
        address)
            echo "sanitize: AddressSanitizer, leak checking (.build-asan)" >&2
            ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan.supp:print_suppressions=0" \
                swift test --scratch-path .build-asan --sanitize=address
            ;;
        thread)
            echo "sanitize: ThreadSanitizer on $thread_suites (.build-tsan)" >&2
            TSAN_OPTIONS="suppressions=$PWD/Scripts/tsan.supp:halt_on_error=0:second_deadlock_stack=1" \
                swift test --scratch-path .build-tsan --sanitize=thread --filter "$thread_suites"
            ;;
        *) echo "usage: $0 [address] [thread]" >&2; exit 2 ;;
    esac
done
