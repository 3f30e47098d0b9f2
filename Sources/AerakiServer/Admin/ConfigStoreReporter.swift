package import Admin
package import Mesh
internal import Protocols
import SwiftProtobuf

/// `/debug/configz` over the config store and the sources' own problems.
package struct ConfigStoreReporter: ConfigStoreReporting {
    /// The store.
    package let store: ConfigStore
    /// Problems the sources found (unparsable files).
    package let problems: ConfigProblems
    /// What generation leaves out for the connected proxies.
    package let diagnostics: GenerationDiagnostics

    /// A reporter over `store`, `problems` and `diagnostics`.
    package init(store: ConfigStore, problems: ConfigProblems, diagnostics: GenerationDiagnostics = GenerationDiagnostics()) {
        self.store = store
        self.problems = problems
        self.diagnostics = diagnostics
    }

    /// The resources in effect (with their specs as JSON) and every rejection.
    package func configStoreReport() -> ConfigStoreReport {
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
        let warnings = diagnostics.entries().map { entry in
            ConfigStoreReport.GenerationWarning(
                code: entry.diagnostic.code.rawValue, config: entry.diagnostic.config?.description, message: entry.diagnostic.message, proxies: entry.proxies
            )
        }
        return ConfigStoreReport(version: snapshot.version, resources: entries, problems: rejected, generationWarnings: warnings)
    }
}
