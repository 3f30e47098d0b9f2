package import Logging
internal import ServiceLifecycle
import Synchronization

/// A config source that reads Kubernetes-style YAML from files and directories and keeps the store
/// in step with them: files added, changed and removed while running are picked up on the next poll,
/// and a file that stops parsing keeps its last good resources (see `DirectoryScanner`).
package struct DirectorySource: Service {
    /// How the directory is watched.
    package struct Configuration: Sendable {
        /// Files or directories to read (directories recursively, `.yaml` and `.yml`).
        package var paths: [String]
        /// How often to look for changes.
        package var pollInterval: Duration
        /// How often every file is looked at even without a change notification (see
        /// ``DirectoryChangeNotifier``); without a notifier every poll is a full scan.
        package var fullScanInterval: Duration
        /// The namespace of resources that name none.
        package var defaultNamespace: String
        /// The origin name under which resources are stored.
        package var origin: String

        /// A configuration from its parts.
        package init(
            paths: [String], pollInterval: Duration = .seconds(1), fullScanInterval: Duration = .seconds(10),
            defaultNamespace: String = "default", origin: String = "directory"
        ) {
            self.paths = paths
            self.pollInterval = pollInterval
            self.fullScanInterval = fullScanInterval
            self.defaultNamespace = defaultNamespace
            self.origin = origin
        }
    }

    private let configuration: Configuration
    private let store: ConfigStore
    private let onParseErrors: @Sendable ([ValidationError]) -> Void
    private let onFirstScan: @Sendable () -> Void
    private let logger: Logger

    /// A source feeding `store` from `configuration.paths`. After every scan that found a change,
    /// `onParseErrors` gets the files' current parse errors (empty when all parse); `onFirstScan`
    /// runs once the first scan is in the store.
    package init(
        configuration: Configuration, store: ConfigStore, onParseErrors: @escaping @Sendable ([ValidationError]) -> Void = { _ in },
        onFirstScan: @escaping @Sendable () -> Void = {}, logger: Logger = Logger(label: "io.aeraki.mesh.directory")
    ) {
        self.configuration = configuration
        self.store = store
        self.onParseErrors = onParseErrors
        self.onFirstScan = onFirstScan
        self.logger = logger
    }

    /// Scans now and then every `pollInterval` when the change notifier saw an event (or does not
    /// watch every directory), and every `fullScanInterval` regardless, until cancelled or shut
    /// down gracefully.
    package func run() async throws {
        let scanner = Mutex(DirectoryScanner(paths: configuration.paths, parser: MeshYAMLParser(defaultNamespace: configuration.defaultNamespace)))
        let notifier = DirectoryChangeNotifier()
        try? await cancelWhenGracefulShutdown {
            var watched: Set<String> = []
            /// Whether the next poll must scan: no notifier, a directory it could not watch, or a
            /// directory that appeared (a file written in it before its watch was in place).
            var mustScan = true
            func scanAndWatch() {
                let directories = Set(scanner.withLock { scanner in
                    sync(&scanner)
                    return scanner.directories
                })
                let covered = notifier?.watch(directories.sorted()) ?? false
                mustScan = !covered || !directories.subtracting(watched).isEmpty
                watched = directories
            }
            scanAndWatch()
            onFirstScan()
            var lastFullScan = ContinuousClock.now
            while !Task.isCancelled {
                try await Task.sleep(for: configuration.pollInterval)
                // Drained before the scan, so an event that arrives during it triggers the next one.
                let notified = notifier?.drainEvents() ?? true
                let fullScanDue = ContinuousClock.now - lastFullScan >= configuration.fullScanInterval
                guard notified || mustScan || fullScanDue else { continue }
                if fullScanDue { lastFullScan = .now }
                scanAndWatch()
            }
        }
    }

    private func sync(_ scanner: inout DirectoryScanner) {
        guard scanner.scan() else { return }
        let (resources, parseErrors, _) = scanner.collect()
        onParseErrors(parseErrors)
        for error in parseErrors {
            logger.warning("config file rejected; keeping its last good resources", metadata: ["mesh.error": "\(error)"])
        }
        for error in store.replace(origin: configuration.origin, with: resources) {
            logger.warning("mesh resource rejected", metadata: ["mesh.error": "\(error)"])
        }
        logger.debug("directory synced", metadata: ["mesh.resources": "\(resources.count)"])
    }

    /// Reads every file once and returns the problems found (for `aeraki validate` and tests).
    package static func check(paths: [String], defaultNamespace: String = "default", validator: ConfigValidator = ConfigValidator())
        -> (resources: [MeshResource], errors: [ValidationError])
    {
        var scanner = DirectoryScanner(paths: paths, parser: MeshYAMLParser(defaultNamespace: defaultNamespace))
        _ = scanner.scan()
        let (resources, parseErrors, _) = scanner.collect()
        let store = ConfigStore(validator: validator)
        let storeErrors = store.replace(origin: "check", with: resources)
        return (resources, (parseErrors + storeErrors).sorted(by: documentOrder))
    }

    /// Orders errors by file, then document number, keeping the order within a document.
    static func documentOrder(_ a: ValidationError, _ b: ValidationError) -> Bool {
        func split(_ source: String) -> (String, Int) {
            guard let hash = source.lastIndex(of: "#"), let number = Int(source[source.index(after: hash)...]) else { return (source, 0) }
            return (String(source[..<hash]), number)
        }
        let (fa, na) = split(a.source)
        let (fb, nb) = split(b.source)
        return fa != fb ? fa < fb : na < nb
    }
}
