import Foundation
package import LibGRPCTransport
package import Logging
import Synchronization
package import XDSCache

/// The xDS server: SotW and delta ADS, the per-type discovery services, and CSDS, all served from
/// a `SnapshotCache` over the gRPC transport.
///
/// Each stream runs as two tasks inside its handler: the reader applies requests to the stream's
/// state machines, the writer sends whatever is due. Snapshot changes only mark a stream's types
/// for evaluation and wake its writer, so a slow stream delays nobody else.
package final class XDSServer: Sendable {
    /// How the server behaves.
    package struct Configuration: Sendable {
        /// The identifier stamped into every response's `control_plane`.
        package var controlPlaneID: String
        /// Type URLs for which an empty subscription means nothing, not legacy wildcard (gRPC
        /// clients, VHDS).
        package var legacyWildcardDisabledTypes: Set<String>
        /// What each listener requires of a stream before serving it (default: nothing).
        package var authentication: XDSAuthentication
        /// The most xDS streams (SotW and delta, all connections) open at once; one more is refused
        /// with `RESOURCE_EXHAUSTED`.
        package var maxStreams: Int
        /// The longest node id accepted, in UTF-8 bytes; a longer one is refused with
        /// `INVALID_ARGUMENT` (it would be copied into every log line and status of the stream).
        package var maxNodeIDBytes: Int

        /// A configuration with the given values.
        package init(
            controlPlaneID: String, legacyWildcardDisabledTypes: Set<String> = [],
            authentication: XDSAuthentication = .disabled, maxStreams: Int = 100_000, maxNodeIDBytes: Int = 4096
        ) {
            self.controlPlaneID = controlPlaneID
            self.legacyWildcardDisabledTypes = legacyWildcardDisabledTypes
            self.authentication = authentication
            self.maxStreams = maxStreams
            self.maxNodeIDBytes = maxNodeIDBytes
        }

        /// Control plane id `aeraki`, legacy wildcard everywhere.
        package static var defaults: Configuration { Configuration(controlPlaneID: "aeraki") }
    }

    /// The cache the server serves.
    package let cache: SnapshotCache
    let configuration: Configuration
    let hooks: XDSHooks
    let logger: Logger
    let encoder: ResponseEncoder
    private let nextStreamID = Atomic<UInt64>(1)
    /// The open streams, by stream id.
    let streams = Mutex<[UInt64: OpenStream]>([:])

    /// An open stream and the namespace its node was admitted to.
    struct OpenStream {
        let core: any StreamStatusProviding
        var namespace: String?
    }

    /// A server over `cache`.
    package init(
        cache: SnapshotCache,
        configuration: Configuration = .defaults,
        hooks: XDSHooks = XDSHooks(),
        logger: Logger = Logger(label: "io.aeraki.xds")
    ) {
        self.cache = cache
        self.configuration = configuration
        self.hooks = hooks
        self.logger = logger
        self.encoder = ResponseEncoder(controlPlaneID: configuration.controlPlaneID)
    }

    /// Registers every xDS method (ADS, delta ADS, per-type SotW and delta, CSDS) on `router`.
    package func register(into router: inout Router) {
        router.register(XDSMethod.streamAggregatedResources) { stream in
            try await self.runSotW(stream, fixedTypeURL: nil)
        }
        router.register(XDSMethod.deltaAggregatedResources) { stream in
            try await self.runDelta(stream, fixedTypeURL: nil)
        }
        for service in XDSMethod.perType {
            router.register(service.stream) { stream in
                try await self.runSotW(stream, fixedTypeURL: service.typeURL)
            }
            router.register(service.delta) { stream in
                try await self.runDelta(stream, fixedTypeURL: service.typeURL)
            }
        }
        router.register(XDSMethod.streamClientStatus) { stream in
            try await self.runClientStatusStream(stream)
        }
        router.registerUnary(XDSMethod.fetchClientStatus) { request, context in
            try self.fetchClientStatus(request, caller: try await self.authenticate(context, streamID: self.makeStreamID()))
        }
    }

    /// Every open stream's state, by node id.
    package func streamStatuses() -> [StreamStatus] {
        streams.withLock { Array($0.values) }.map { open in
            var status = open.core.status()
            status.namespace = open.namespace
            return status
        }.filter { !$0.nodeID.isEmpty }.sorted { $0.streamID < $1.streamID }
    }

    func makeStreamID() -> UInt64 {
        nextStreamID.add(1, ordering: .relaxed).oldValue
    }

    static func now() -> Double {
        Date().timeIntervalSince1970
    }

    /// Runs a hook that may throw; the error becomes the stream's status.
    func runHook(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unknown, message: "\(error)")
        }
    }
}
