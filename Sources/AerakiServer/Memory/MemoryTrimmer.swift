import ServiceLifecycle
import Synchronization

/// Gives freed memory back to the system once a burst of work is over.
///
/// A push to a thousand streams allocates and frees their responses on many threads; glibc's
/// allocator keeps those pages in its per-thread arenas, so the process's resident size would ratchet
/// up with every connect storm and edit although the live heap does not grow. After ``quietPeriod``
/// without new work following a burst, `malloc_trim` returns the free pages of every arena.
final class MemoryTrimmer: Service, Sendable {
    /// How long after the last work the trim runs.
    let quietPeriod: Duration
    private let lastWork = Mutex<ContinuousClock.Instant?>(nil)

    init(quietPeriod: Duration = .milliseconds(250)) {
        self.quietPeriod = quietPeriod
    }

    /// Notes that a burst of work happened (the push loop calls it after every round).
    func workHappened() {
        lastWork.withLock { $0 = .now }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.quietPeriod / 2)
                let due = self.lastWork.withLock { last -> Bool in
                    guard let since = last, ContinuousClock.now - since >= self.quietPeriod else { return false }
                    last = nil
                    return true
                }
                if due { Self.trim() }
            }
        }
    }

    /// Returns free heap pages to the system (a no-op where the allocator has no such call).
    static func trim() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t pad)`, which the Glibc module does not export (`<malloc.h>` is not
/// part of it).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
