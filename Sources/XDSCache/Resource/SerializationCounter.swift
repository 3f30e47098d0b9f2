import Synchronization

/// Counts protobuf serializations of resources, so tests and benchmarks can prove that each
/// resource is serialized once per content version.
///
/// ``value`` counts process-wide (for benchmarks and the CLI); ``counting(_:)`` counts only the
/// serializations made by its body's task, so a test is not disturbed by tests running beside it.
package enum SerializationCounter {
    private static let count = Atomic<Int>(0)

    /// The serializations counted by one ``counting(_:)`` call.
    private final class Tally: Sendable {
        let count = Atomic<Int>(0)
    }

    @TaskLocal private static var tally: Tally?

    /// The number of resource serializations since the process started.
    package static var value: Int { count.load(ordering: .relaxed) }

    /// Runs `body` and returns its result with the number of resource serializations it made.
    package static func counting<Result>(_ body: () throws -> Result) rethrows -> (result: Result, serializations: Int) {
        let tally = Tally()
        let result = try $tally.withValue(tally) { try body() }
        return (result, tally.count.load(ordering: .relaxed))
    }

    static func increment() {
        count.add(1, ordering: .relaxed)
        tally?.count.add(1, ordering: .relaxed)
    }
}
