package import Mesh

/// Loads a directory of Istio / Aeraki YAML into a mesh index, for offline generation.
package enum MeshDirectory {
    /// The index of every valid resource under `paths`, and the problems of the rejected ones.
    package static func load(paths: [String], defaultNamespace: String = "default", options: MeshIndex.Options = .defaults)
        -> (index: MeshIndex, problems: [ValidationError])
    {
        let validator = ConfigValidator(domainSuffix: options.domainSuffix)
        let (resources, problems) = DirectorySource.check(paths: paths, defaultNamespace: defaultNamespace, validator: validator)
        let store = ConfigStore(validator: validator)
        _ = store.replace(origin: "directory", with: resources)
        return (MeshIndex(snapshot: store.snapshot(), options: options), problems)
    }
}
