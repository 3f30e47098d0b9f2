internal import Foundation
package import Logging
package import Mesh
internal import ServiceLifecycle

/// Reads the mesh config file (istiod's `/etc/istio/config/mesh`, the `istio` ConfigMap's `mesh`
/// key) and reports every change to it: a missing or empty file is Istio's defaults; a file that
/// does not parse keeps the last good config (and the error is shown on ``ConfigProblems``).
package struct MeshConfigWatcher: Service {
    /// The origin its problems are recorded under.
    package static let origin = "meshconfig"

    private let path: String
    private let pollInterval: Duration
    private let problems: ConfigProblems
    private let onChange: @Sendable (MeshConfig) -> Void
    private let logger: Logger

    /// A watcher of `path`, polled every `pollInterval`, calling `onChange` with each new config.
    package init(
        path: String, pollInterval: Duration, problems: ConfigProblems, onChange: @escaping @Sendable (MeshConfig) -> Void,
        logger: Logger = Logger(label: "io.aeraki.server.meshconfig")
    ) {
        self.path = path
        self.pollInterval = pollInterval
        self.problems = problems
        self.onChange = onChange
        self.logger = logger
    }

    /// The config in `path` now (defaults when the file is missing).
    /// - Throws: ``MeshConfigError`` when the file does not parse.
    package static func load(_ path: String) throws(MeshConfigError) -> MeshConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return MeshConfig() }
        return try MeshConfig.parse(yaml: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Polls until graceful shutdown or cancellation. The first read is not reported (the server
    /// starts with it); every later change is.
    package func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var last = FileManager.default.contents(atPath: path)
            var current = (try? Self.load(path)) ?? MeshConfig()
            check(last)
            while !Task.isCancelled {
                try await Task.sleep(for: pollInterval)
                let contents = FileManager.default.contents(atPath: path)
                guard contents != last else { continue }
                last = contents
                guard let config = check(contents), config != current else { continue }
                current = config
                logger.info("mesh config changed; regenerating", metadata: ["meshconfig.file": "\(path)"])
                onChange(config)
            }
        }
    }

    /// Parses `contents`, recording or clearing the problem; nil when it does not parse.
    @discardableResult
    private func check(_ contents: Data?) -> MeshConfig? {
        do {
            let config = try contents.map { data throws(MeshConfigError) in
                try MeshConfig.parse(yaml: String(decoding: data, as: UTF8.self), source: path)
            } ?? MeshConfig()
            problems.set([], for: Self.origin)
            return config
        } catch {
            logger.warning("mesh config rejected; keeping the last good one", metadata: ["meshconfig.error": "\(error)"])
            problems.set([ValidationError(source: error.source, field: error.field, reason: error.reason)], for: Self.origin)
            return nil
        }
    }
}
