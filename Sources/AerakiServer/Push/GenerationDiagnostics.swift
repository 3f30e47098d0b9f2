package import Logging
import Synchronization

/// What generation could not honour for the connected proxies (a route skipped because its
/// destination does not exist, a filter left out for a proxy without the capability), kept per
/// proxy so that it is current: a message goes when no connected proxy's config has it any more.
///
/// The push loop records every proxy it builds; `/debug/configz` shows each message with the
/// number of proxies it affects, and a message is logged once, when it first appears.
package final class GenerationDiagnostics: Sendable {
    /// One message and how many connected proxies it concerns.
    package struct Entry: Sendable, Hashable {
        /// What could not be honoured, naming the config.
        package var message: String
        /// How many connected proxies' config it concerns.
        package var proxies: Int
    }

    private let byProxy = Mutex<[String: [String]]>([:])
    private let logger: Logger

    /// An empty board logging new messages to `logger`.
    package init(logger: Logger = Logger(label: "io.aeraki.server.generation")) {
        self.logger = logger
    }

    /// Replaces the messages of the proxies in `latest` (node id → its generation's diagnostics)
    /// and forgets every proxy not in `connected`, when given. Logs the messages no proxy had before.
    func record(_ latest: [String: [String]], connected: Set<String>? = nil) {
        let appeared = byProxy.withLock { byProxy -> Set<String> in
            let before = Set(byProxy.values.joined())
            for (node, diagnostics) in latest { byProxy[node] = diagnostics.isEmpty ? nil : diagnostics }
            if let connected { byProxy = byProxy.filter { connected.contains($0.key) } }
            return Set(byProxy.values.joined()).subtracting(before)
        }
        for message in appeared.sorted() {
            logger.warning("generated config leaves something out", metadata: ["generation.diagnostic": "\(message)"])
        }
    }

    /// Every current message with the number of proxies it concerns, by message.
    package func entries() -> [Entry] {
        let counts = byProxy.withLock { byProxy in
            byProxy.values.reduce(into: [String: Int]()) { counts, messages in
                for message in Set(messages) { counts[message, default: 0] += 1 }
            }
        }
        return counts.keys.sorted().map { Entry(message: $0, proxies: counts[$0]!) }
    }
}
