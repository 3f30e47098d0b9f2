package import Admin
package import Generator
internal import KubernetesSource
package import LibGRPCTransport
package import Logging
package import Mesh
package import ServiceLifecycle
package import UnixSignals
package import XDSCache
package import XDSServer

/// The composition root of `aeraki serve`: config source → store → index → generator → snapshot
/// cache → xDS server, plus the admin endpoint.
///
/// ``services`` lists the long-running parts in dependency order (the config source first, the
/// xDS server last), so a `ServiceGroup` shuts them down in reverse: the xDS server drains first,
/// then the push loop, the admin endpoint and the source.
package final class AerakiServer: Sendable {
    /// The configuration.
    package let configuration: AerakiServerConfiguration
    /// The config store.
    package let store: ConfigStore
    /// The snapshot cache.
    package let cache: SnapshotCache
    /// The xDS server.
    package let xds: XDSServer
    /// The gRPC server.
    package let grpc: GRPCServer
    /// The admin endpoint.
    package let admin: AdminServer
    /// Connected proxies.
    package let registry: ProxyRegistry
    /// Metrics.
    package let metrics: AerakiMetrics
    /// Readiness.
    package let readiness: Readiness
    /// The push loop.
    package let pushLoop: PushLoop
    /// Problems the config source found (unparsable files).
    package let problems: ConfigProblems
    /// What generation leaves out for the connected proxies.
    package let diagnostics: GenerationDiagnostics
    /// Every long-running service, in start order.
    package let services: [any Service]
    private let logger: Logger

    /// Assembles a server whose generator is made by `makeGenerator` from the mesh config's
    /// options, and made again whenever ``AerakiServerConfiguration/meshConfig`` changes.
    /// - Throws: when TLS files cannot be read, or the mesh config file does not parse at start.
    package convenience init(
        configuration: AerakiServerConfiguration, makeGenerator: @escaping @Sendable (GeneratorOptions) -> any SnapshotGenerating,
        version: String, logger: Logger = Logger(label: "io.aeraki.server")
    ) throws {
        let mesh = try configuration.meshConfig.map { file throws(MeshConfigError) in try MeshConfigWatcher.load(file.path) } ?? MeshConfig()
        let generator = MeshConfiguredGenerator(options: GeneratorOptions(meshConfig: mesh), make: makeGenerator)
        try self.init(configuration: configuration, generator: generator, meshGenerator: generator, version: version, logger: logger)
    }

    /// Assembles a server; nothing runs until the services do. The mesh config file, if any, is
    /// not watched: `generator` has fixed options.
    /// - Throws: when TLS files cannot be read.
    package convenience init(
        configuration: AerakiServerConfiguration, generator: any SnapshotGenerating, version: String,
        logger: Logger = Logger(label: "io.aeraki.server")
    ) throws {
        try self.init(configuration: configuration, generator: generator, meshGenerator: nil, version: version, logger: logger)
    }

    private init(
        configuration: AerakiServerConfiguration, generator: any SnapshotGenerating, meshGenerator: MeshConfiguredGenerator?,
        version: String, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        GeneratedMessageTypes.register()
        let store = ConfigStore()
        let cache = SnapshotCache()
        let registry = ProxyRegistry()
        let metrics = AerakiMetrics()
        let readiness = Readiness(expectedSources: 1 + configuration.additionalSources.count)
        let problems = ConfigProblems()
        let diagnostics = GenerationDiagnostics()
        let observer = XDSObserver(registry: registry, cache: cache, metrics: metrics)
        let trimmer = MemoryTrimmer()
        var hooks = observer.hooks
        let onResponse = hooks.onResponse
        hooks.onResponse = { info, response in
            onResponse?(info, response)
            trimmer.workHappened()
        }
        let xds = XDSServer(
            cache: cache,
            configuration: .init(
                controlPlaneID: configuration.controlPlaneID, authentication: configuration.xdsAuthentication,
                maxStreams: configuration.limits.maxStreams
            ),
            hooks: hooks,
            logger: Logger(label: "io.aeraki.xds")
        )
        var router = Router()
        xds.register(into: &router)
        var listeners = [GRPCServer.Listener(host: configuration.xdsHost, port: configuration.xdsPort)]
        if let tls = configuration.tls {
            let credentials = try ServerTLSConfiguration(
                certificateChainFile: tls.certificateChainFile, privateKeyFile: tls.privateKeyFile,
                clientCertificateAuthorityFile: tls.clientCAFile, requireClientCertificate: false
            )
            listeners.append(GRPCServer.Listener(host: configuration.xdsHost, port: tls.port, tls: credentials))
        }
        var grpcConfiguration = GRPCServer.Configuration(listeners: listeners)
        grpcConfiguration.shutdownGracePeriod = configuration.shutdownGracePeriod
        grpcConfiguration.maxConcurrentStreamsPerConnection = configuration.limits.maxStreamsPerConnection
        grpcConfiguration.maxReceiveMessageBytes = configuration.limits.maxRequestBytes
        let grpc = GRPCServer(configuration: grpcConfiguration, router: router)
        let endpoints = AdminEndpoints(
            syncStatus: xds, configDump: cache, configStore: ConfigStoreReporter(store: store, problems: problems, diagnostics: diagnostics),
            metrics: metrics, isReady: { readiness.isReady }, version: version,
            beforeMetricsScrape: {
                metrics.setRejectedResources(store.rejections().count + problems.all().count)
                metrics.setConnectedProxies(registry.count)
                if let heap = HeapStatistics.current() { metrics.setHeap(inUseBytes: heap.inUseBytes, freeBytes: heap.freeBytes) }
            }
        )
        let admin = AdminServer(configuration: configuration.admin, router: endpoints.router())
        let pushLoop = PushLoop(
            store: store, registry: registry, cache: cache, generator: generator, metrics: metrics, problems: problems,
            diagnostics: diagnostics, options: configuration.meshOptions, debounce: configuration.debounce,
            onConfigApplied: { readiness.configApplied(storeVersion: $0) }, isReady: { readiness.isReady },
            onRoundDone: { trimmer.workHappened() }
        )
        readiness.onReady { pushLoop.buildWaitingProxies() }
        var sources = ([configuration.source] + configuration.additionalSources).map { source in
            Self.service(for: source, store: store, readiness: readiness, problems: problems)
        }
        if let file = configuration.meshConfig, let meshGenerator {
            sources.append(MeshConfigWatcher(path: file.path, pollInterval: file.pollInterval, problems: problems) { mesh in
                if meshGenerator.reconfigure(GeneratorOptions(meshConfig: mesh)) { pushLoop.regenerateAll() }
            })
        }
        self.store = store
        self.cache = cache
        self.xds = xds
        self.grpc = grpc
        self.admin = admin
        self.registry = registry
        self.metrics = metrics
        self.readiness = readiness
        self.pushLoop = pushLoop
        self.problems = problems
        self.diagnostics = diagnostics
        self.services = sources + [admin, pushLoop, trimmer, XDSService(server: grpc, gracePeriod: configuration.shutdownGracePeriod)]
    }

    /// The service that runs `source`.
    private static func service(
        for source: AerakiServerConfiguration.ConfigSource, store: ConfigStore, readiness: Readiness, problems: ConfigProblems
    ) -> any Service {
        switch source {
        case .directory(let paths, let pollInterval):
            return DirectorySource(
                configuration: .init(paths: paths, pollInterval: pollInterval), store: store,
                onParseErrors: { problems.set($0, for: "directory") },
                onFirstScan: { readiness.sourceLoaded(storeVersion: store.snapshot().version) },
                logger: Logger(label: "io.aeraki.server.directory")
            )
        case .custom(_, let make):
            return make(store, readiness)
        case .kubernetes(let configuration):
            return KubernetesSource(
                configuration: configuration, store: store,
                onSynced: { readiness.sourceLoaded(storeVersion: store.snapshot().version) },
                onProblems: { problems.set($0, for: configuration.origin) }
            )
        }
    }

    /// A service group running every service, shutting down gracefully on `signals`, within the
    /// configured grace period plus a margin.
    package func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint]) -> ServiceGroup {
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map {
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup
                )
            },
            gracefulShutdownSignals: signals,
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod + .seconds(5)
        return ServiceGroup(configuration: groupConfiguration)
    }
}
