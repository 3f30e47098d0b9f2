import ArgumentParser
import Foundation
import LibGRPCTransport
import Logging
import StaticResources
import XDSCache
import XDSServer

extension Aeraki {
    /// `aeraki serve-static`: serves Envoy resources from a directory over xDS, reloading on change.
    struct ServeStatic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve-static",
            abstract: "Serve Envoy resources from a directory of JSON/YAML files over xDS (ADS, delta, per-type, CSDS).",
            discussion: """
                Each folder of --dir is the snapshot of the node whose id is the folder name; the folder \
                'default' is served to every other node. Files hold one resource with an "@type", a list, \
                or {resources: [...]}. Invalid files are reported by name and the last good snapshot stays.
                """
        )

        @Option(help: "The directory of per-node folders.")
        var dir: String

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0 picks a free one; the bound port is printed).")
        var port = 15010

        @Option(help: "How often to look for changes, in milliseconds.")
        var pollIntervalMs = 200

        @Option(help: "The control plane identifier stamped into responses.")
        var controlPlaneId = "aeraki-serve-static"

        @Option(help: "Write hook events (JSON lines) to this file.")
        var eventLog: String?

        @Option(help: "Reject streams of this node id with PERMISSION_DENIED (from the request hook).")
        var rejectNode: [String] = []

        @Option(help: "Type URLs for which an empty subscription means nothing (no legacy wildcard).")
        var noLegacyWildcard: [String] = []

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            StaticResourceDecoder.registerTypes()
            let cache = SnapshotCache()
            let source = StaticDirectorySource(root: URL(fileURLWithPath: dir))
            let events = StaticEventLog(path: eventLog)
            apply(source.scan(), to: cache, events: events)

            let server = XDSServer(
                cache: cache,
                configuration: .init(
                    controlPlaneID: controlPlaneId, legacyWildcardDisabledTypes: Set(noLegacyWildcard)
                ),
                hooks: Self.hooks(events: events, rejectNodes: Set(rejectNode))
            )
            var router = Router()
            server.register(into: &router)
            let grpc = GRPCServer(
                configuration: .init(listeners: [.init(host: host, port: port)]),
                router: router
            )
            let interval = pollIntervalMs
            let host = self.host
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await grpc.run() }
                let ports = try await grpc.listeningPorts()
                FileHandle.standardOutput.write(Data("xds listening on \(host):\(ports.first ?? 0)\n".utf8))
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(interval))
                    apply(source.scan(), to: cache, events: events)
                }
                group.cancelAll()
            }
        }

        private func apply(_ scan: StaticDirectorySource.ScanResult, to cache: SnapshotCache, events: StaticEventLog) {
            for message in scan.errors {
                FileHandle.standardError.write(Data("error: \(message); keeping the last good snapshot\n".utf8))
            }
            for (folder, snapshot) in scan.updated.sorted(by: { $0.key < $1.key }) {
                for problem in ConsistencyCheck.problems(in: snapshot) {
                    FileHandle.standardError.write(Data("warning: snapshot \(folder) is inconsistent: \(problem)\n".utf8))
                }
                if folder == StaticDirectorySource.defaultFolder {
                    cache.setFallbackSnapshot(snapshot)
                } else {
                    cache.setSnapshot(snapshot, forNode: folder)
                }
            }
            for folder in scan.removed {
                if folder == StaticDirectorySource.defaultFolder {
                    cache.setFallbackSnapshot(nil)
                } else {
                    cache.clearSnapshot(forNode: folder)
                }
            }
            if !scan.updated.isEmpty || !scan.removed.isEmpty || !scan.errors.isEmpty {
                events.write([
                    "event": "reload", "updated": scan.updated.keys.sorted(), "removed": scan.removed,
                    "errors": scan.errors, "serializations": SerializationCounter.value,
                ])
            }
        }

        private static func hooks(events: StaticEventLog, rejectNodes: Set<String>) -> XDSHooks {
            var hooks = XDSHooks()
            hooks.onStreamOpen = { info in
                events.write(["event": "open", "stream": info.id, "method": info.method])
            }
            hooks.onStreamClosed = { info in
                events.write(["event": "close", "stream": info.id, "node": info.nodeID])
            }
            hooks.onRequest = { info, request in
                events.write([
                    "event": "request", "stream": info.id, "node": info.nodeID, "type_url": request.typeURL,
                    "nonce": request.responseNonce, "kind": request.kind,
                ])
                if rejectNodes.contains(info.nodeID) {
                    throw RPCError(code: .permissionDenied, message: "node \(info.nodeID) is not allowed")
                }
            }
            hooks.onResponse = { info, response in
                events.write([
                    "event": "response", "stream": info.id, "node": info.nodeID, "type_url": response.typeURL,
                    "nonce": response.nonce, "version": response.version, "resources": response.resourceCount,
                    "removed": response.removedCount, "bytes": response.byteCount,
                ])
            }
            hooks.onNack = { info, nack in
                events.write([
                    "event": "nack", "stream": info.id, "node": info.nodeID, "type_url": nack.typeURL,
                    "nonce": nack.nonce, "message": nack.message,
                ])
            }
            return hooks
        }
    }
}
