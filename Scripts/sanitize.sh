#!/usr/bin/env bash
# Runs the Swift tests under the sanitizers, each in its own scratch path (every module instrumented):
#
#   Scripts/sanitize.sh address   the whole Swift test suite under AddressSanitizer, leak checking on
#   Scripts/sanitize.sh thread    the concurrency-heavy suites (transport, xDS server, push loop,
#                                 shared generation, cache) under ThreadSanitizer
#   Scripts/sanitize.sh           both
#
# A mode passes when every test passes and the sanitizer reports nothing: TSan lists every race it
# finds (it does not stop at the first) and then fails the run; ASan stops at the first error. The
# last line per mode is `sanitize_<mode>: pass` or `sanitize_<mode>: fail`, and the script exits
# non-zero if any mode failed.
#
# Suppressions name only false positives, each with its reason: Scripts/lsan.supp (the Swift runtime's
# and the gRPC core's process-lifetime allocations) and Scripts/tsan.supp (orderings TSan cannot see
# in the Swift 6.3 runtime on Linux). libgrpc itself is not instrumented (a Debian package), so races
# inside the C core are invisible to TSan; the Swift side of every call into it is, and the hand-overs
# through core are annotated (Sources/LibGRPCTransport/Core/ThreadSanitizer.swift).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash Scripts/install-deps.sh
bash Scripts/python-env.sh  # the transport suites talk to grpcio peers
modes=("$@")
[[ ${#modes[@]} -gt 0 ]] || modes=(address thread)
thread_suites='LibGRPCTransportTests|XDSServerTests|AerakiServerTests|GeneratorTests.SharedGeneratorTests|XDSCacheTests'
failed=0
for mode in "${modes[@]}"; do
    status=0
    case "$mode" in
        address)
            echo "sanitize: AddressSanitizer, leak checking (.build-asan)" >&2
            ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan.supp:print_suppressions=0" \
                swift test --scratch-path .build-asan --sanitize=address || status=$?
            ;;
        thread)
            echo "sanitize: ThreadSanitizer on $thread_suites (.build-tsan)" >&2
            TSAN_OPTIONS="suppressions=$PWD/Scripts/tsan.supp:halt_on_error=0:second_deadlock_stack=1" \
                swift test --scratch-path .build-tsan --sanitize=thread --filter "$thread_suites" || status=$?
            ;;
        *) echo "usage: $0 [address] [thread]" >&2; exit 2 ;;
    esac
    if [[ $status -eq 0 ]]; then
        echo "sanitize_$mode: pass"
    else
        echo "sanitize_$mode: fail (exit $status)"
        failed=1
    fi
done
exit "$failed"
