import Mesh
import Testing

@Suite("MeshConfig: istiod's mesh settings")
struct MeshConfigTests {
    @Test("an empty file is Istio's defaults")
    func defaults() throws {
        let config = try MeshConfig.parse(yaml: "", source: "mesh")
        #expect(config == MeshConfig())
        #expect(config.accessLog == nil)
        #expect(config.outboundTrafficPolicy == .allowAny)
        #expect(config.connectTimeout == .seconds(10))
        #expect(config.trustDomains == ["cluster.local"])
        #expect(config.rootNamespace == "istio-system")
    }

    @Test("every field that shapes generation is read; others are ignored")
    func fields() throws {
        let config = try MeshConfig.parse(yaml: """
            accessLogFile: /dev/stdout
            accessLogEncoding: JSON
            accessLogFormat: '{"code": "%RESPONSE_CODE%"}'
            enableTracing: false
            defaultConfig:
              discoveryAddress: istiod.istio-system.svc:15012
              tracing: {sampling: 25.5}
            outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            defaultHttpRetryPolicy: {attempts: 3, perTryTimeout: 250ms, retryOn: "5xx,reset"}
            trustDomain: new.td
            trustDomainAliases: [cluster.local, old.td]
            rootNamespace: mesh-root
            connectTimeout: 1m30s
            protocolDetectionTimeout: 0.1s
            enablePrometheusMerge: true
            """, source: "mesh")
        #expect(config.accessLog == MeshConfig.AccessLog(path: "/dev/stdout", format: "{\"code\": \"%RESPONSE_CODE%\"}", encoding: .json))
        #expect(!config.enableTracing)
        #expect(config.tracingSampling == 25.5)
        #expect(config.outboundTrafficPolicy == .registryOnly)
        #expect(config.defaultHTTPRetryPolicy == MeshConfig.RetryPolicy(attempts: 3, perTryTimeout: .milliseconds(250), retryOn: "5xx,reset"))
        #expect(config.trustDomains == ["new.td", "cluster.local", "old.td"])
        #expect(config.rootNamespace == "mesh-root")
        #expect(config.connectTimeout == .seconds(90))
        #expect(config.protocolDetectionTimeout == .milliseconds(100))
    }

    @Test("a defaultHttpRetryPolicy without attempts turns retries off, as istiod reads the proto's 0")
    func retryPolicyWithoutAttempts() throws {
        let config = try MeshConfig.parse(yaml: "defaultHttpRetryPolicy: {retryOn: 5xx}", source: "mesh")
        #expect(config.defaultHTTPRetryPolicy == MeshConfig.RetryPolicy(attempts: 0, retryOn: "5xx"))
    }

    @Test("a bad value names its field", arguments: [
        ("outboundTrafficPolicy: {mode: SOMETIMES}", "outboundTrafficPolicy.mode"),
        ("connectTimeout: soon", "connectTimeout"),
        ("accessLogEncoding: XML", "accessLogEncoding"),
        ("defaultConfig: {tracing: {sampling: 150}}", "defaultConfig.tracing.sampling"),
        ("trustDomainAliases: old.td", "trustDomainAliases"),
        ("enableTracing: maybe", "enableTracing"),
    ])
    func errors(_ yaml: String, _ field: String) {
        do {
            _ = try MeshConfig.parse(yaml: yaml, source: "mesh")
            Issue.record("\(yaml) was accepted")
        } catch {
            #expect(error.field == field)
            #expect(error.description.hasPrefix("mesh: \(field): "))
        }
    }
}
