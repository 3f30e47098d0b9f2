/// The config store as `/debug/configz` shows it.
public struct ConfigStoreReport: Sendable {
    /// One resource in effect.
    public struct Entry: Sendable {
        /// The kind (`ServiceEntry`, ...).
        public var kind: String
        /// The namespace.
        public var namespace: String
        /// The name.
        public var name: String
        /// Where it came from (file path, or the MCP origin).
        public var source: String
        /// Its resource version.
        public var version: String
        /// The spec as JSON, when available.
        public var specJSON: String?

        /// An entry from its parts.
        public init(kind: String, namespace: String, name: String, source: String, version: String, specJSON: String? = nil) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.source = source
            self.version = version
            self.specJSON = specJSON
        }
    }

    /// One rejected resource or unreadable file.
    public struct Problem: Sendable {
        /// The file or origin.
        public var source: String
        /// `Kind namespace/name`, when known.
        public var resource: String?
        /// The field at fault.
        public var field: String
        /// Why.
        public var reason: String

        /// A problem from its parts.
        public init(source: String, resource: String?, field: String, reason: String) {
            self.source = source
            self.resource = resource
            self.field = field
            self.reason = reason
        }
    }

    /// Something generation could not honour, and for how many connected proxies.
    public struct GenerationWarning: Sendable {
        /// What was left out or narrowed, naming the config.
        public var message: String
        /// How many connected proxies' config it concerns.
        public var proxies: Int

        /// A warning from its parts.
        public init(message: String, proxies: Int) {
            self.message = message
            self.proxies = proxies
        }
    }

    /// The store's version (increments on each change).
    public var version: UInt64
    /// The resources in effect.
    public var resources: [Entry]
    /// What was rejected, and why (the last good version of a rejected resource stays in effect).
    public var problems: [Problem]
    /// What the generated config of connected proxies leaves out of accepted config.
    public var generationWarnings: [GenerationWarning]

    /// A report from its parts.
    public init(version: UInt64, resources: [Entry], problems: [Problem], generationWarnings: [GenerationWarning] = []) {
        self.version = version
        self.resources = resources
        self.problems = problems
        self.generationWarnings = generationWarnings
    }
}

/// Where `/debug/configz` reads the config store from.
public protocol ConfigStoreReporting: Sendable {
    /// The store now.
    func configStoreReport() -> ConfigStoreReport
}
