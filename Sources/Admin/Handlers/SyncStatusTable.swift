/// Renders `/debug/syncz` rows as JSON or as a plain-text table like `istioctl proxy-status`.
package enum SyncStatusTable {
    /// The columns of the table, in order, with the type each shows.
    static let columns: [(title: String, typeURL: String)] = [
        ("CDS", "type.googleapis.com/envoy.config.cluster.v3.Cluster"),
        ("LDS", "type.googleapis.com/envoy.config.listener.v3.Listener"),
        ("EDS", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"),
        ("RDS", "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"),
    ]

    /// The JSON form: `{"proxies": [{node_id, stream_id, stream, types: [{type_url, state, sent_version, ...}]}]}`.
    package static func json(_ rows: [ProxySyncStatus]) -> JSONText {
        .orderedObject([
            ("proxies", .array(rows.map { row in
                .orderedObject([
                    ("node_id", .string(row.nodeID)),
                    ("stream_id", .int(Int(row.streamID))),
                    ("stream", .string(row.kind.rawValue)),
                    ("proxy_version", .string(row.proxyVersion)),
                    ("types", .array(row.types.map(typeJSON))),
                ])
            })),
        ])
    }

    private static func typeJSON(_ type: ProxySyncStatus.TypeStatus) -> JSONText {
        func optional(_ value: String?) -> JSONText { value.map(JSONText.string) ?? .null }
        return .orderedObject([
            ("type_url", .string(type.typeURL)),
            ("state", .string(type.state)),
            ("sent_version", .string(type.sentVersion)),
            ("sent_nonce", optional(type.sentNonce)),
            ("acked_version", .string(type.ackedVersion)),
            ("acked_nonce", optional(type.ackedNonce)),
            ("nack_nonce", optional(type.nackNonce)),
            ("nack_message", optional(type.nackMessage)),
        ])
    }

    /// The text form: one line per stream, a column per xDS type with its state and sent version,
    /// then one indented line per NACK with its message.
    package static func text(_ rows: [ProxySyncStatus]) -> String {
        var table: [[String]] = [["NAME", "STREAM"] + columns.map(\.title) + ["OTHER"]]
        var nackLines: [String] = []
        for row in rows {
            var line = [row.nodeID, row.kind.rawValue]
            for column in columns {
                line.append(row.types.first { $0.typeURL == column.typeURL }.map(cell) ?? "NOT SENT")
            }
            let others = row.types.filter { type in !columns.contains { $0.typeURL == type.typeURL } }
            line.append(others.isEmpty ? "-" : others.map { "\(shortName($0.typeURL))=\($0.state)" }.joined(separator: ","))
            table.append(line)
            for type in row.types {
                if let message = type.nackMessage {
                    nackLines.append("\(row.nodeID) \(shortName(type.typeURL)) NACK (nonce \(type.nackNonce ?? "?")): \(message)")
                }
            }
        }
        var widths = [Int](repeating: 0, count: table[0].count)
        for line in table {
            for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for line in table {
            let padded = line.enumerated().map { i, cell in
                i == line.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }
            out += padded.joined(separator: "   ") + "\n"
        }
        if !nackLines.isEmpty {
            out += "\n" + nackLines.joined(separator: "\n") + "\n"
        }
        return out
    }

    private static func cell(_ type: ProxySyncStatus.TypeStatus) -> String {
        let state = type.state
        guard !type.sentVersion.isEmpty else { return state }
        return "\(state) (\(type.sentVersion.prefix(12)))"
    }

    /// The last component of a type URL (`envoy.config.cluster.v3.Cluster` → `Cluster`).
    static func shortName(_ typeURL: String) -> String {
        String(typeURL.split(separator: ".").last ?? Substring(typeURL))
    }
}
