public import Admin
public import Mesh
import SwiftProtobuf

/// `/debug/configz` over the config store and the sources' own problems.
public struct ConfigStoreReporter: ConfigStoreReporting {
    /// The store.
    public let store: ConfigStore
    /// Problems the sources found (unparsable files).
    public let problems: ConfigProblems
    /// What generation leaves out for the connected proxies.
    public let diagnostics: GenerationDiagnostics

    /// A reporter over `store`, `problems` and `diagnostics`.
    public init(store: ConfigStore, problems: ConfigProblems, diagnostics: GenerationDiagnostics = GenerationDiagnostics()) {
        self.store = store
        self.problems = problems
        self.diagnostics = diagnostics
    }

    /// The resources in effect (with their specs as JSON) and every rejection.
    public func configStoreReport() -> ConfigStoreReport {
        let snapshot = store.snapshot()
        let entries = snapshot.resources.keys.sorted().map { key in
            let resource = snapshot.resources[key]!
            return ConfigStoreReport.Entry(
                kind: key.kind.description, namespace: key.namespace, name: key.name, source: resource.source,
                version: resource.version, specJSON: try? resource.spec.message.jsonString()
            )
        }
        let rejected = (problems.all() + store.rejections()).map { error in
            ConfigStoreReport.Problem(
                source: error.source, resource: error.key?.description, field: error.field, reason: error.reason
            )
        }
        let warnings = diagnostics.entries().map { ConfigStoreReport.GenerationWarning(message: $0.message, proxies: $0.proxies) }
        return ConfigStoreReport(version: snapshot.version, resources: entries, problems: rejected, generationWarnings: warnings)
    }
}
