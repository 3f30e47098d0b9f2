import Admin
import Testing

@Suite("Metrics")
struct AerakiMetricsTests {
    @Test("type URLs map onto a bounded set of labels")
    func labels() {
        #expect(AerakiMetrics.typeLabel("type.googleapis.com/envoy.config.cluster.v3.Cluster") == "cds")
        #expect(AerakiMetrics.typeLabel("type.googleapis.com/some.Other") == "other")
    }

    @Test("every family is exported, with counts, gauges and histograms")
    func exposition() {
        let metrics = AerakiMetrics()
        metrics.recordPush(typeURL: "type.googleapis.com/envoy.config.listener.v3.Listener", bytes: 10)
        metrics.recordPush(typeURL: "type.googleapis.com/envoy.config.listener.v3.Listener", bytes: 5)
        metrics.recordPushLatency(.milliseconds(20))
        metrics.streamOpened(.sotw)
        metrics.streamOpened(.delta)
        metrics.streamClosed(.delta)
        metrics.recordConfigEvent(resources: 3)
        metrics.setRejectedResources(2)
        metrics.setConnectedProxies(7)
        metrics.recordGeneration(duration: .milliseconds(3), proxies: 4, errors: 1)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("aeraki_xds_pushes_total{type=\"lds\"} 2"))
        #expect(text.contains("aeraki_xds_push_bytes_total{type=\"lds\"} 15"))
        #expect(text.contains("aeraki_xds_push_latency_seconds_count 1"))
        #expect(text.contains("aeraki_xds_connected_streams{kind=\"sotw\"} 1"))
        #expect(text.contains("aeraki_xds_connected_streams{kind=\"delta\"} 0"))
        #expect(text.contains("aeraki_config_events_total 1"))
        #expect(text.contains("aeraki_config_changed_resources_total 3"))
        #expect(text.contains("aeraki_config_rejected_resources 2"))
        #expect(text.contains("aeraki_xds_connected_proxies 7"))
        #expect(text.contains("aeraki_generation_proxies_total 4"))
        #expect(text.contains("aeraki_generation_errors_total 1"))
        #expect(text.contains("aeraki_generation_duration_seconds_count 1"))
    }
}
