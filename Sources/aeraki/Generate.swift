import ArgumentParser
import Foundation
import Generator
import Mesh
import Protocols

extension Aeraki {
    /// `aeraki generate`: prints one proxy's configuration as Envoy's `/config_dump` JSON.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the Envoy configuration Aeraki generates for one proxy, as /config_dump JSON.",
            discussion: """
                Reads Istio and Aeraki YAML from --config (the bundled examples/ by default), builds the snapshot of \
                the proxy --node (TYPE~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local) with --metadata KEY=VALUE \
                (NAMESPACE, LABELS as k=v,k2=v2 or JSON, INSTANCE_IPS, ...), and prints an envoy.admin.v3.ConfigDump. \
                Rejected resources and ignored settings are reported on standard error.
                """
        )

        @Option(name: [.customLong("config-dir"), .customLong("config")], help: "A YAML file or directory of mesh configuration (--config is an alias).")
        var config: String = "examples"

        @Option(help: "The proxy's Envoy node id.")
        var node: String = "sidecar~10.0.1.10~client-6d4f.demo~demo.svc.cluster.local"

        @Option(name: .customLong("metadata"), help: "Node metadata KEY=VALUE (repeatable).")
        var metadata: [String] = []

        @Option(help: "The cluster's DNS domain suffix.")
        var domainSuffix: String = "cluster.local"

        func run() throws {
            guard FileManager.default.fileExists(atPath: config) else { throw ValidationError("no such file or directory: \(config)") }
            var values: [String: String] = [:]
            for pair in metadata {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--metadata expects KEY=VALUE, got \"\(pair)\"") }
                values[parts[0]] = parts[1]
            }
            let proxy: ProxyIdentity
            do { proxy = try ProxyNode.identity(id: node, metadata: values) } catch { throw ValidationError("\(error)") }
            let (index, problems) = MeshDirectory.load(paths: [config], options: MeshIndex.Options(domainSuffix: domainSuffix))
            let generated = try ProxySnapshotBuilder(registry: .standard).build(index: index, proxy: proxy)
            var report = problems.map { "rejected: \($0)" }
            report += generated.diagnostics.map { "note: \($0)" }
            if !report.isEmpty { FileHandle.standardError.write(Data((report.joined(separator: "\n") + "\n").utf8)) }
            print(try ConfigDumpRenderer.json(generated), terminator: "")
        }
    }
}
