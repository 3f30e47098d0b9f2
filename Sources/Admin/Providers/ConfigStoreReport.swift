/// The config store as `/debug/configz` shows it.
package struct ConfigStoreReport: Sendable {
    /// One resource in effect.
    package struct Entry: Sendable {
        /// The kind (`ServiceEntry`, ...).
        package var kind: String
        /// The namespace.
        package var namespace: String
        /// The name.
        package var name: String
        /// Where it came from (file path, or the MCP origin).
        package var source: String
        /// Its resource version.
        package var version: String
        /// The spec as JSON, when available.
        package var specJSON: String?

        /// An entry from its parts.
        package init(kind: String, namespace: String, name: String, source: String, version: String, specJSON: String? = nil) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.source = source
            self.version = version
            self.specJSON = specJSON
        }
    }

    /// One rejected resource or unreadable file.
    package struct Problem: Sendable {
        /// The file or origin.
        package var source: String
        /// `Kind namespace/name`, when known.
        package var resource: String?
        /// The field at fault.
        package var field: String
        /// Why.
        package var reason: String

        /// A problem from its parts.
        package init(source: String, resource: String?, field: String, reason: String) {
            self.source = source
            self.resource = resource
            self.field = field
            self.reason = reason
        }
    }

    /// Something generation could not honour, and for how many connected proxies.
    package struct GenerationWarning: Sendable {
        /// What kind of thing it is (`unknown_destination`, `shadowed_config`, ...).
        package var code: String
        /// `Kind namespace/name` of the config that caused it, when one did.
        package var config: String?
        /// What was left out or narrowed, naming the config.
        package var message: String
        /// How many connected proxies' config it concerns.
        package var proxies: Int

        /// A warning from its parts.
        package init(code: String, config: String?, message: String, proxies: Int) {
            self.code = code
            self.config = config
            self.message = message
            self.proxies = proxies
        }
    }

    /// The store's version (increments on each change).
    package var version: UInt64
    /// The resources in effect.
    package var resources: [Entry]
    /// What was rejected, and why (the last good version of a rejected resource stays in effect).
    package var problems: [Problem]
    /// What the generated config of connected proxies leaves out of accepted config.
    package var generationWarnings: [GenerationWarning]

    /// A report from its parts.
    package init(version: UInt64, resources: [Entry], problems: [Problem], generationWarnings: [GenerationWarning] = []) {
        self.version = version
        self.resources = resources
        self.problems = problems
        self.generationWarnings = generationWarnings
    }
}

/// Where `/debug/configz` reads the config store from.
package protocol ConfigStoreReporting: Sendable {
    /// The store now.
    func configStoreReport() -> ConfigStoreReport
}
