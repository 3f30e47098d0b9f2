package import Mesh

extension Diagnostic {
    /// One `shadowed_config` diagnostic per config in `shadowed`, each naming the `older` config
    /// that takes effect instead: "`context`: [`field` of ]Kind ns/name shadowed by the older ns/name".
    package static func shadowed(_ shadowed: some Sequence<ConfigKey>, by older: ConfigKey, in context: String, field: String? = nil) -> [Diagnostic] {
        shadowed.map { key in
            let what = field.map { "\($0) of \(key.kind.kind)" } ?? key.kind.kind
            return Diagnostic(.shadowedConfig, config: key, "\(context): \(what) \(key.namespace)/\(key.name) shadowed by the older \(older.namespace)/\(older.name)")
        }
    }
}
