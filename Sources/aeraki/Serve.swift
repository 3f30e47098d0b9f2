import AerakiServer
import ArgumentParser
import Admin
import Foundation
import Generator
import LibGRPCTransport
import Logging
import ServiceLifecycle

extension Aeraki {
    /// `aeraki serve`: the control plane.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve xDS to Istio sidecars from istiod (MCP) or a YAML directory; the bundled examples/ mesh by default.",
            discussion: """
                Config flows source → store (validated; a bad resource is reported and the last good \
                config keeps serving) → mesh index → generator → snapshot cache → xDS (ADS and delta ADS \
                on --xds-port, CSDS too). On a change only the proxies whose view it touches are rebuilt, \
                and only the types whose content changed are pushed. Point a sidecar at Aeraki with the pod annotation \
                proxy.istio.io/config: '{"discoveryAddress": "aeraki.istio-system.svc:15010"}'.

                Watch it on the admin port: /debug/syncz (?format=text for a table), \
                /debug/config_dump?proxy=NODE_ID, /debug/configz, /metrics, /healthz, /readyz, /version. \
                /debug/* is answered only to localhost unless --debug-token-file exposes it with a token.

                Security of the xDS listeners: the plaintext port (--xds-port) authenticates nobody by \
                default, like istiod's 15010. The TLS port (--tls-port) requires, by default, a client \
                certificate with a SPIFFE id (--tls-client-ca) or a bearer JWT (--xds-jwks) on every \
                stream, and refuses with PERMISSION_DENIED a node whose namespace is not the identity's \
                (--xds-auth). Over CSDS an authenticated caller sees only its own namespace's proxies, \
                unless its identity is in Aeraki's namespace (--namespace).

                SIGTERM or SIGINT drains: no new streams, open ones closed with UNAVAILABLE after \
                --drain-seconds, then exit.
                """
        )

        @OptionGroup var options: ServeOptions

        func run() async throws {
            let level = try options.level()
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let configuration = try await options.configuration()
            let logger = Logger(label: "io.aeraki.serve")
            let server = try AerakiServer(
                configuration: configuration, makeGenerator: { SharedGenerator(options: $0) }, version: AerakiVersion.current
            )
            let group = server.serviceGroup()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    // Announce the bound ports (useful with port 0), once both listeners are up.
                    let xdsPorts = try await server.grpc.listeningPorts()
                    let adminPort = try await server.admin.listeningPort()
                    let source = ([configuration.source] + configuration.additionalSources).map(\.name).joined(separator: " + ")
                    logger.info("aeraki serving", metadata: [
                        "xds.ports": "\(xdsPorts)", "admin.port": "\(adminPort)", "config.source": "\(source)",
                        "version": "\(AerakiVersion.current)",
                    ])
                    var announcement = "xds listening on \(configuration.xdsHost):\(xdsPorts.first ?? 0)\n"
                    announcement += "admin listening on \(configuration.admin.host):\(adminPort)\n"
                    if configuration.tls != nil, xdsPorts.count > 1 {
                        announcement += "xds-tls listening on \(configuration.xdsHost):\(xdsPorts[1])\n"
                    }
                    FileHandle.standardOutput.write(Data(announcement.utf8))
                }
                try await tasks.waitForAll()
            }
            logger.info("aeraki stopped")
        }
    }
}
