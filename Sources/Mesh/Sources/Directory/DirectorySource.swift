public import Logging
public import ServiceLifecycle
import Synchronization

/// A config source that reads Kubernetes-style YAML from files and directories and keeps the store
/// in step with them: files added, changed and removed while running are picked up on the next poll.
public struct DirectorySource: Service {
    /// How the directory is watched.
    public struct Configuration: Sendable {
        /// Files or directories to read (directories recursively, `.yaml` and `.yml`).
        public var paths: [String]
        /// How often to look for changes.
        public var pollInterval: Duration
        /// The namespace of resources that name none.
        public var defaultNamespace: String
        /// The origin name under which resources are stored.
        public var origin: String

        /// A configuration from its parts.
        public init(paths: [String], pollInterval: Duration = .seconds(1), defaultNamespace: String = "default", origin: String = "directory") {
            self.paths = paths
            self.pollInterval = pollInterval
            self.defaultNamespace = defaultNamespace
            self.origin = origin
        }
    }

    private let configuration: Configuration
    private let store: ConfigStore
    private let logger: Logger

    /// A source feeding `store` from `configuration.paths`.
    public init(configuration: Configuration, store: ConfigStore, logger: Logger = Logger(label: "io.aeraki.mesh.directory")) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// Scans now and then every `pollInterval`, until cancelled or shut down gracefully.
    public func run() async throws {
        let scanner = Mutex(DirectoryScanner(paths: configuration.paths, parser: MeshYAMLParser(defaultNamespace: configuration.defaultNamespace)))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                scanner.withLock { sync(&$0) }
                try await Task.sleep(for: configuration.pollInterval)
            }
        }
    }

    private func sync(_ scanner: inout DirectoryScanner) {
        guard scanner.scan() else { return }
        let (resources, parseErrors, _) = scanner.collect()
        let storeErrors = store.replace(origin: configuration.origin, with: resources)
        for error in parseErrors + storeErrors {
            logger.warning("rejected mesh resource", metadata: ["mesh.error": "\(error)"])
        }
        logger.debug("directory synced", metadata: ["mesh.resources": "\(resources.count)"])
    }

    /// Reads every file once and returns the problems found (for `aeraki validate` and tests).
    public static func check(paths: [String], defaultNamespace: String = "default", validator: ConfigValidator = ConfigValidator())
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
