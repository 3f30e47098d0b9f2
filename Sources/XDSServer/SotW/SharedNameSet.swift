import Synchronization

/// A set of resource names shared by every stream that subscribes to exactly the same names.
///
/// Envoy resends its whole EDS (and RDS) name list with every request, and the replicas of one
/// workload subscribe to identical lists of thousands of names. Interning them keeps one copy per
/// distinct list instead of one per stream. The set is immutable; the table holds it weakly, so it
/// goes when its last stream lets go of it.
final class SharedNameSet: Sendable {
    /// The names.
    let names: Set<String>
    private let key: UInt64

    private init(names: Set<String>, key: UInt64) {
        self.names = names
        self.key = key
    }

    deinit {
        Self.table.withLock { table in
            table[key]?.removeAll { $0.value == nil || $0.value === self }
            if table[key]?.isEmpty == true { table[key] = nil }
        }
    }

    private struct WeakEntry: Sendable {
        weak var value: SharedNameSet?
    }

    private static let table = Mutex<[UInt64: [WeakEntry]]>([:])

    /// The shared set equal to `names`; `key` is a hash of them (equal sets may have different
    /// keys, for example when listed in another order; then they are simply not shared).
    static func intern(_ names: Set<String>, key: UInt64) -> SharedNameSet {
        table.withLock { table in
            if let existing = table[key]?.lazy.compactMap(\.value).first(where: { $0.names == names }) {
                return existing
            }
            let made = SharedNameSet(names: names, key: key)
            table[key, default: []].append(WeakEntry(value: made))
            return made
        }
    }

    /// How many distinct sets are alive (for tests).
    static var liveCount: Int {
        table.withLock { $0.values.reduce(0) { $0 + $1.filter { $0.value != nil }.count } }
    }
}
