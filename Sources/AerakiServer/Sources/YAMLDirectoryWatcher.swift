import Foundation
public import Logging
public import Mesh
public import ServiceLifecycle
internal import XDSCache

/// Keeps the store in step with a directory of Kubernetes-style YAML files, polling for changes.
///
/// Unlike a plain rescan, a file that stops parsing keeps its last good resources in effect (and
/// the parse error is reported on ``ConfigProblems``), so a half-saved edit never takes config away.
/// A file that is deleted takes its resources with it.
public struct YAMLDirectoryWatcher: Service {
    private let paths: [String]
    private let pollInterval: Duration
    private let store: ConfigStore
    private let problems: ConfigProblems
    private let origin: String
    private let parser: MeshYAMLParser
    private let onFirstScan: @Sendable () -> Void
    private let logger: Logger

    /// A watcher of `paths` (files or directories, recursively `.yaml`/`.yml`) feeding `store`.
    public init(
        paths: [String], pollInterval: Duration, store: ConfigStore, problems: ConfigProblems, origin: String = "directory",
        defaultNamespace: String = "default", onFirstScan: @escaping @Sendable () -> Void = {},
        logger: Logger = Logger(label: "io.aeraki.server.directory")
    ) {
        self.paths = paths
        self.pollInterval = pollInterval
        self.store = store
        self.problems = problems
        self.origin = origin
        self.parser = MeshYAMLParser(defaultNamespace: defaultNamespace)
        self.onFirstScan = onFirstScan
        self.logger = logger
    }

    /// Scans now, then every poll interval until graceful shutdown or cancellation.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var state = ScanState()
            scan(&state)
            onFirstScan()
            while !Task.isCancelled {
                try await Task.sleep(for: pollInterval)
                scan(&state)
            }
        }
    }

    struct FileState {
        var stamp: String
        var good: [MeshResource]
        var errors: [ValidationError]
    }

    struct ScanState {
        var files: [String: FileState] = [:]
    }

    /// One pass: re-reads changed files, then replaces the origin's resources in the store.
    func scan(_ state: inout ScanState) {
        let current = DirectoryScanner.yamlFiles(under: paths)
        var changed = false
        for removed in state.files.keys where !current.contains(removed) {
            state.files[removed] = nil
            changed = true
            logger.info("config file removed", metadata: ["config.file": "\(removed)"])
        }
        for path in current {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let stamp = Self.fingerprint(data)
            if state.files[path]?.stamp == stamp { continue }
            changed = true
            let previous = state.files[path]?.good ?? []
            guard let text = String(data: data, encoding: .utf8) else {
                let error = ValidationError(source: path, field: "", reason: "cannot read the file as UTF-8")
                state.files[path] = FileState(stamp: stamp, good: previous, errors: [error])
                continue
            }
            let result = parser.parse(text, source: path)
            if result.errors.isEmpty {
                state.files[path] = FileState(stamp: stamp, good: result.resources, errors: [])
            } else {
                // Keep the last good version of anything this parse lost.
                let parsed = Set(result.resources.map(\.key))
                let kept = previous.filter { !parsed.contains($0.key) }
                state.files[path] = FileState(stamp: stamp, good: result.resources + kept, errors: result.errors)
                for error in result.errors {
                    logger.warning("config file rejected; keeping its last good resources", metadata: [
                        "config.file": "\(path)", "config.error": "\(error)", "config.kept": "\(kept.count)",
                    ])
                }
            }
        }
        guard changed else { return }
        var seen = Set<ConfigKey>()
        var resources: [MeshResource] = []
        var parseErrors: [ValidationError] = []
        for path in state.files.keys.sorted() {
            let file = state.files[path]!
            parseErrors += file.errors
            for resource in file.good where seen.insert(resource.key).inserted {
                resources.append(resource)
            }
        }
        problems.set(parseErrors, for: origin)
        let rejected = store.replace(origin: origin, with: resources)
        for error in rejected {
            logger.warning("mesh resource rejected", metadata: ["config.error": "\(error)"])
        }
        logger.debug("config directory scanned", metadata: ["config.resources": "\(resources.count)"])
    }

    /// A content fingerprint (size and FNV-1a of every byte): a changed file is re-parsed even when
    /// its size and modification time stay the same.
    static func fingerprint(_ data: Data) -> String {
        "\(data.count):\(ContentHash.hex(of: data))"
    }
}
