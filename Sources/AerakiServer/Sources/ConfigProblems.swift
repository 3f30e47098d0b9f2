package import Mesh
import Synchronization

/// Problems a config source found that the store never saw (unreadable or unparsable files), by
/// source, for `/debug/configz` and the rejected-resources metric.
package final class ConfigProblems: Sendable {
    private let problems = Mutex<[String: [ValidationError]]>([:])

    /// An empty board.
    package init() {}

    /// Replaces the problems recorded for `origin`.
    package func set(_ errors: [ValidationError], for origin: String) {
        problems.withLock { $0[origin] = errors }
    }

    /// Every problem, by origin then in order.
    package func all() -> [ValidationError] {
        problems.withLock { problems in problems.keys.sorted().flatMap { problems[$0]! } }
    }
}
