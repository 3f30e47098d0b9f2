/// Builds the admin router over the data sources: `/debug/syncz`, `/debug/config_dump`,
/// `/debug/configz`, `/metrics`, `/healthz`, `/readyz`, `/version`.
package struct AdminEndpoints: Sendable {
    /// Connected proxies and their ACK/NACK state.
    package var syncStatus: any SyncStatusProvider
    /// Per-proxy snapshots.
    package var configDump: any ConfigDumpSource
    /// The config store.
    package var configStore: any ConfigStoreReporting
    /// The metrics registry.
    package var metrics: AerakiMetrics
    /// Whether the first full config is loaded (readiness).
    package var isReady: @Sendable () -> Bool
    /// The version string `/version` returns.
    package var version: String
    /// Called before each `/metrics` scrape, to refresh gauges that are cheaper to read than to track.
    package var beforeMetricsScrape: @Sendable () -> Void

    /// Endpoints over the given sources.
    package init(
        syncStatus: any SyncStatusProvider, configDump: any ConfigDumpSource, configStore: any ConfigStoreReporting,
        metrics: AerakiMetrics, isReady: @escaping @Sendable () -> Bool, version: String,
        beforeMetricsScrape: @escaping @Sendable () -> Void = {}
    ) {
        self.syncStatus = syncStatus
        self.configDump = configDump
        self.configStore = configStore
        self.metrics = metrics
        self.isReady = isReady
        self.version = version
        self.beforeMetricsScrape = beforeMetricsScrape
    }

    /// The router with every endpoint.
    package func router() -> AdminRouter {
        var router = AdminRouter()
        let endpoints = self
        router.get("/debug/syncz", summary: "connected proxies: stream kind, sent/ACKed versions and NACKs per type (?format=text)") {
            endpoints.syncz($0)
        }
        router.get("/debug/config_dump", summary: "a proxy's snapshot in Envoy /config_dump shape (?proxy=NODE_ID)") {
            endpoints.configDumpResponse($0)
        }
        router.get("/debug/configz", summary: "the config store: resources, their source, and rejected resources") { _ in
            .json(ConfigzReport.json(endpoints.configStore.configStoreReport()).bytes)
        }
        router.get("/metrics", summary: "Prometheus metrics") { _ in
            endpoints.beforeMetricsScrape()
            return AdminResponse(contentType: "text/plain; version=0.0.4; charset=utf-8", body: endpoints.metrics.exposition())
        }
        router.get("/healthz", summary: "liveness: 200 while the process serves") { _ in .text("ok\n") }
        router.get("/readyz", summary: "readiness: 200 once the first full config is loaded, else 503") { _ in
            endpoints.isReady() ? .text("ready\n") : .text("not ready: waiting for the first full config\n", status: 503)
        }
        router.get("/version", summary: "the version") { _ in
            .json(JSONText.orderedObject([("name", .string("aeraki")), ("version", .string(endpoints.version))]).bytes)
        }
        return router
    }

    func syncz(_ request: AdminRequest) -> AdminResponse {
        let rows = syncStatus.syncStatuses()
        if request.wantsText {
            return .text(SyncStatusTable.text(rows))
        }
        return .json(SyncStatusTable.json(rows).bytes)
    }

    func configDumpResponse(_ request: AdminRequest) -> AdminResponse {
        let known = configDump.knownProxyIDs()
        guard let proxy = request.query["proxy"], !proxy.isEmpty else {
            return .json(JSONText.orderedObject([
                ("error", .string("name a proxy: /debug/config_dump?proxy=NODE_ID")),
                ("proxies", .array(known.map(JSONText.string))),
            ]).bytes, status: 400)
        }
        guard let snapshot = configDump.snapshot(forProxy: proxy) else {
            return .json(JSONText.orderedObject([
                ("error", .string("no snapshot for proxy \(proxy)")),
                ("proxies", .array(known.map(JSONText.string))),
            ]).bytes, status: 404)
        }
        return .json(EnvoyConfigDump.render(snapshot, proxyID: proxy).bytes)
    }
}
