/// Renders `/debug/configz`.
enum ConfigzReport {
    static func json(_ report: ConfigStoreReport) -> JSONText {
        .orderedObject([
            ("version", .int(Int(report.version))),
            ("resource_count", .int(report.resources.count)),
            ("rejected_count", .int(report.problems.count)),
            ("resources", .array(report.resources.map { entry in
                var fields: [(String, JSONText)] = [
                    ("kind", .string(entry.kind)), ("namespace", .string(entry.namespace)), ("name", .string(entry.name)),
                    ("source", .string(entry.source)), ("version", .string(entry.version)),
                ]
                if let spec = entry.specJSON { fields.append(("spec", .raw(spec))) }
                return .orderedObject(fields)
            })),
            ("rejected", .array(report.problems.map { problem in
                .orderedObject([
                    ("source", .string(problem.source)), ("resource", problem.resource.map(JSONText.string) ?? .null),
                    ("field", .string(problem.field)), ("reason", .string(problem.reason)),
                ])
            })),
            ("generation_warnings", .array(report.generationWarnings.map { warning in
                .orderedObject([
                    ("code", .string(warning.code)), ("config", warning.config.map(JSONText.string) ?? .null),
                    ("message", .string(warning.message)), ("proxies", .int(warning.proxies)),
                ])
            })),
        ])
    }
}
