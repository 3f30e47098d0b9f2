import Synchronization

/// Counts protobuf serializations of resources, process-wide, so tests and benchmarks can prove
/// that each resource is serialized once per content version.
public enum SerializationCounter {
    private static let count = Atomic<Int>(0)

    /// The number of resource serializations since the process started.
    public static var value: Int { count.load(ordering: .relaxed) }

    static func increment() {
        count.add(1, ordering: .relaxed)
    }
}
