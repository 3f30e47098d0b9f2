package import Logging
package import Protocols
import Synchronization

/// What generation could not honour for the connected proxies (a route skipped because its
/// destination does not exist, a filter left out for a proxy without the capability), kept per
/// proxy so that it is current: a diagnostic goes when no connected proxy's config has it any more.
///
/// The push loop records every proxy it builds; `/debug/configz` shows each diagnostic with the
/// number of proxies it affects, and a diagnostic is logged once, when it first appears.
package final class GenerationDiagnostics: Sendable {
    /// One diagnostic and how many connected proxies it concerns.
    package struct Entry: Sendable, Hashable {
        /// What could not be honoured: its code, the config that caused it and the message.
        package var diagnostic: Diagnostic
        /// How many connected proxies' config it concerns.
        package var proxies: Int
    }

    private let byProxy = Mutex<[String: [Diagnostic]]>([:])
    private let logger: Logger

    /// An empty board logging new diagnostics to `logger`.
    package init(logger: Logger = Logger(label: "io.aeraki.server.generation")) {
        self.logger = logger
    }

    /// Replaces the diagnostics of the proxies in `latest` (node id → its generation's diagnostics)
    /// and forgets every proxy not in `connected`, when given. Logs the diagnostics no proxy had before.
    func record(_ latest: [String: [Diagnostic]], connected: Set<String>? = nil) {
        let appeared = byProxy.withLock { byProxy -> Set<Diagnostic> in
            let before = Set(byProxy.values.joined())
            for (node, diagnostics) in latest { byProxy[node] = diagnostics.isEmpty ? nil : diagnostics }
            if let connected { byProxy = byProxy.filter { connected.contains($0.key) } }
            return Set(byProxy.values.joined()).subtracting(before)
        }
        for diagnostic in appeared.sorted() {
            var metadata: Logger.Metadata = ["generation.diagnostic": "\(diagnostic.message)", "generation.code": "\(diagnostic.code.rawValue)"]
            if let config = diagnostic.config { metadata["generation.config"] = "\(config)" }
            logger.warning("generated config leaves something out", metadata: metadata)
        }
    }

    /// Every current diagnostic with the number of proxies it concerns, sorted.
    package func entries() -> [Entry] {
        let counts = byProxy.withLock { byProxy in
            byProxy.values.reduce(into: [Diagnostic: Int]()) { counts, diagnostics in
                for diagnostic in Set(diagnostics) { counts[diagnostic, default: 0] += 1 }
            }
        }
        return counts.keys.sorted().map { Entry(diagnostic: $0, proxies: counts[$0]!) }
    }
}
