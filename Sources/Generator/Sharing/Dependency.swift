package import Mesh

/// A config input that generated resources are built from. A change to it invalidates exactly the
/// resources that declared it (see ``ResourceTable``).
///
/// A ServiceEntry is two inputs: its endpoints (inline, or the WorkloadEntries it selects), which
/// only load assignments read, and everything else, which clusters and listeners read. So an
/// endpoint change rebuilds load assignments and nothing more.
package enum Dependency: Hashable, Sendable {
    /// The content of one config resource (every field, for a ServiceEntry everything but endpoints).
    case config(ConfigKey)
    /// The endpoints of one ServiceEntry.
    case endpoints(ConfigKey)
}
