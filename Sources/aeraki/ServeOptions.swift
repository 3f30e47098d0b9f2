import Admin
import AerakiServer
import ArgumentParser
import Foundation
import KubernetesSource
import Logging
import Mesh
import XDSServer

/// The flags of `aeraki serve`. Every flag may also be given as an environment variable
/// (`AERAKI_…`, or Istio's own names for istiod); a flag wins over its variable.
struct ServeOptions: ParsableArguments {
    @Option(name: [.customLong("config-dir"), .customLong("config")], help: ArgumentHelp(
        "A YAML file or directory of Istio/Aeraki config (repeatable; --config is an alias; env AERAKI_CONFIG_DIR, comma-separated). Without it and without --istiod-address, the bundled examples/ mesh is served.",
        valueName: "path"))
    var configDirs: [String] = []

    @Option(help: ArgumentHelp("How often to look for config file and mesh config changes, in milliseconds (env AERAKI_POLL_INTERVAL_MS; default 200).", valueName: "ms"))
    var pollIntervalMs: Int?

    @Option(help: ArgumentHelp("Take config from istiod over MCP-over-xDS at HOST:PORT, e.g. istiod.istio-system.svc:15012 (env ISTIOD_ADDRESS).", valueName: "host:port"))
    var istiodAddress: String?

    @Option(help: ArgumentHelp("A file holding the bearer token sent to istiod, e.g. a projected service-account token with audience istio-ca (env ISTIOD_TOKEN_FILE).", valueName: "path"))
    var istiodTokenFile: String?

    @Option(help: ArgumentHelp("PEM roots to verify istiod's certificate with; enables TLS to istiod (env ISTIOD_CA_FILE, e.g. /var/run/secrets/istio/root-cert.pem).", valueName: "path"))
    var istiodCAFile: String?

    @Option(help: ArgumentHelp("The name to verify istiod's certificate against (env ISTIOD_SERVER_NAME; default istiod.istio-system.svc).", valueName: "name"))
    var istiodServerName: String?

    @Flag(help: "Use incremental (delta) xDS to istiod instead of state-of-the-world (env ISTIOD_DELTA=true).")
    var istiodDelta = false

    @Option(help: ArgumentHelp("The namespace Aeraki runs in: presented to istiod, and xDS client identities of this namespace see every proxy over CSDS (env POD_NAMESPACE; default istio-system).", valueName: "ns"))
    var namespace: String?

    @Option(help: ArgumentHelp("The address the xDS listeners bind (env AERAKI_XDS_HOST; default 0.0.0.0).", valueName: "host"))
    var xdsHost: String?

    @Option(help: ArgumentHelp("The plaintext xDS port: ADS, delta ADS, per-type services, CSDS (env AERAKI_XDS_PORT; default 15010; 0 picks a free port, printed at start).", valueName: "port"))
    var xdsPort: Int?

    @Option(help: ArgumentHelp("The TLS xDS port, used when --tls-cert and --tls-key are given (env AERAKI_TLS_PORT; default 15012).", valueName: "port"))
    var tlsPort: Int?

    @Option(help: ArgumentHelp("PEM certificate chain of the TLS xDS listener (env AERAKI_TLS_CERT).", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of the TLS xDS listener (env AERAKI_TLS_KEY).", valueName: "path"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("PEM roots that client certificates are verified with, when offered (env AERAKI_TLS_CLIENT_CA).", valueName: "path"))
    var tlsClientCA: String?

    @Option(help: ArgumentHelp("What the TLS xDS listener requires of every stream before serving it: none; mtls (a client certificate verified with --tls-client-ca whose SPIFFE URI SAN is spiffe://TRUST-DOMAIN/ns/NS/sa/SA); jwt (metadata authorization: Bearer TOKEN, verified with --xds-jwks); any (the certificate when presented, else the token). A stream that proves nothing is refused with UNAUTHENTICATED; one whose node namespace (and SERVICE_ACCOUNT, when set) is not the identity's is refused with PERMISSION_DENIED (env AERAKI_XDS_AUTH; default any, which needs --tls-client-ca or --xds-jwks).", valueName: "none|mtls|jwt|any"))
    var xdsAuth: String?

    @Option(help: ArgumentHelp("What the plaintext xDS listener requires: none, or jwt like istiod's XDS_AUTH_PLAINTEXT (env AERAKI_XDS_PLAINTEXT_AUTH; default none: like istiod's 15010, the plaintext port serves any client that reaches it, so keep it off untrusted networks).", valueName: "none|jwt"))
    var xdsPlaintextAuth: String?

    @Option(help: ArgumentHelp("A JWKS file (JSON {\"keys\": [...]}) with the keys bearer tokens are verified with, e.g. the cluster's service-account issuer keys (env AERAKI_XDS_JWKS). Read once at start.", valueName: "path"))
    var xdsJwks: String?

    @Option(help: ArgumentHelp("The issuer (iss) bearer tokens must carry (env AERAKI_XDS_JWT_ISSUER; default: any issuer).", valueName: "iss"))
    var xdsJwtIssuer: String?

    @Option(help: ArgumentHelp("An audience bearer tokens may carry; repeatable (env AERAKI_XDS_JWT_AUDIENCES, comma-separated; default istio-ca, the audience of Istio's projected token).", valueName: "aud"))
    var xdsJwtAudience: [String] = []

    @Option(help: ArgumentHelp("The trust domain of xDS client identities: certificate SPIFFE ids must name it, and token identities get it (env AERAKI_TRUST_DOMAIN; default: the mesh config's trustDomain, else cluster.local).", valueName: "domain"))
    var trustDomain: String?

    @Option(help: ArgumentHelp("A file holding a token that opens the admin /debug/* paths to non-local peers presenting Authorization: Bearer TOKEN (env AERAKI_DEBUG_TOKEN_FILE). Without it /debug/* (config dumps, sync status, config store) is answered only to localhost; /healthz, /readyz, /metrics and /version are answered to anyone.", valueName: "path"))
    var debugTokenFile: String?

    @Option(help: ArgumentHelp("The most concurrent streams one client connection may open; a client queues more (env AERAKI_MAX_STREAMS_PER_CONNECTION; default 1000; an Envoy uses one).", valueName: "n"))
    var maxStreamsPerConnection: Int?

    @Option(help: ArgumentHelp("The most xDS streams open at once over all connections; one more ends with RESOURCE_EXHAUSTED (env AERAKI_MAX_STREAMS; default 100000).", valueName: "n"))
    var maxStreams: Int?

    @Option(help: ArgumentHelp("The largest xDS request message accepted, in bytes; a larger one ends its stream with RESOURCE_EXHAUSTED (env AERAKI_MAX_REQUEST_BYTES; default 4194304, gRPC's and istiod's 4 MiB).", valueName: "bytes"))
    var maxRequestBytes: Int?

    @Option(help: ArgumentHelp("The address the admin HTTP endpoint binds (env AERAKI_ADMIN_HOST; default 0.0.0.0).", valueName: "host"))
    var adminHost: String?

    @Option(help: ArgumentHelp("The admin HTTP port: /debug/syncz, /debug/config_dump, /debug/configz, /metrics, /healthz, /readyz, /version (env AERAKI_ADMIN_PORT; default 15014; 0 picks a free port).", valueName: "port"))
    var adminPort: Int?

    @Option(help: ArgumentHelp("Quiet period that batches config changes before a rebuild, in milliseconds (env AERAKI_DEBOUNCE_MS; default 100).", valueName: "ms"))
    var debounceMs: Int?

    @Option(help: ArgumentHelp("Longest a burst of changes may delay a rebuild, in milliseconds (env AERAKI_DEBOUNCE_MAX_MS; default 1000).", valueName: "ms"))
    var debounceMaxMs: Int?

    @Option(help: ArgumentHelp("On SIGTERM/SIGINT: how long open xDS streams may stay before they are closed with UNAVAILABLE, in seconds (env AERAKI_DRAIN_SECONDS; default 2).", valueName: "s"))
    var drainSeconds: Double?

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical (env AERAKI_LOG_LEVEL; default info).", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("The control plane id stamped into xDS responses (env AERAKI_CONTROL_PLANE_ID; default aeraki).", valueName: "id"))
    var controlPlaneId: String?

    @Option(help: ArgumentHelp("The cluster DNS suffix (env AERAKI_DOMAIN_SUFFIX; default cluster.local).", valueName: "suffix"))
    var domainSuffix: String?

    @Option(help: ArgumentHelp("The mesh root namespace (env AERAKI_ROOT_NAMESPACE; default: the mesh config's rootNamespace, else istio-system).", valueName: "ns"))
    var rootNamespace: String?

    @Flag(help: "Watch Aeraki's kinds (MetaRouter, ApplicationProtocol, RedisService, RedisDestination, DubboAuthorizationPolicy) through the Kubernetes API, with the pod's service account (env AERAKI_KUBERNETES=true). Composes with --istiod-address and --config-dir.")
    var kubernetes = false

    @Option(help: ArgumentHelp("Use this kubeconfig file for the Kubernetes API instead of the pod's service account; implies --kubernetes (env AERAKI_KUBECONFIG).", valueName: "path"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context (env AERAKI_KUBE_CONTEXT; default its current-context).", valueName: "name"))
    var kubeContext: String?

    @Flag(help: "Also watch Istio's networking kinds (ServiceEntry, VirtualService, DestinationRule, Sidecar, Gateway, WorkloadEntry) and security kinds (PeerAuthentication, AuthorizationPolicy, RequestAuthentication), and Services with their EndpointSlices and Pods (as ServiceEntries `synthetic-<service>` with endpoints), through the Kubernetes API, for a cluster without istiod's MCP (env AERAKI_KUBERNETES_ISTIO=true).")
    var kubernetesIstioKinds = false

    @Option(help: ArgumentHelp("The API version of Istio's kinds to watch (env AERAKI_KUBERNETES_ISTIO_VERSION; default v1).", valueName: "version"))
    var kubernetesIstioVersion: String?

    @Flag(inversion: .prefixedNo, help: "Write a Reconciled condition (False with the validation message when rejected) to the status of Aeraki resources (env AERAKI_KUBERNETES_STATUS=false to turn off).")
    var kubernetesStatus = true

    @Option(help: ArgumentHelp("The coordination.k8s.io Lease, in Aeraki's namespace (--namespace), that elects the one replica writing status (env AERAKI_KUBERNETES_LEASE; default aeraki-status).", valueName: "name"))
    var kubernetesLease: String?

    @Option(help: ArgumentHelp("How long the status Lease lives without renewal, in seconds; the leader renews every 2/15 of it and steps down after 2/3 of it without renewal (env AERAKI_KUBERNETES_LEASE_SECONDS; default 15).", valueName: "seconds"))
    var kubernetesLeaseSeconds: Double?

    @Option(help: ArgumentHelp("The mesh config file, istiod's format, reloaded on change; a missing file means Istio's defaults (env AERAKI_MESH_CONFIG; default /etc/istio/config/mesh).", valueName: "path"))
    var meshConfig: String?
}

extension ServeOptions {
    static func env(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    func int(_ flag: Int?, _ name: String, _ fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let text = Self.env(name) else { return fallback }
        guard let value = Int(text) else { throw ArgumentParser.ValidationError("\(name)=\(text) is not a number") }
        return value
    }

    /// The log level asked for.
    func level() throws -> Logger.Level {
        let text = logLevel ?? Self.env("AERAKI_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ArgumentParser.ValidationError("unknown log level \(text): use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    /// The server configuration from flags, then environment, then defaults.
    func configuration() async throws -> AerakiServerConfiguration {
        let debounce = DebounceConfiguration(
            quietPeriod: .milliseconds(try int(debounceMs, "AERAKI_DEBOUNCE_MS", 100)),
            maxDelay: .milliseconds(try int(debounceMaxMs, "AERAKI_DEBOUNCE_MAX_MS", 1000))
        )
        var sources: [AerakiServerConfiguration.ConfigSource] = []
        if let address = istiodAddress ?? Self.env("ISTIOD_ADDRESS") {
            let ca = istiodCAFile ?? Self.env("ISTIOD_CA_FILE")
            let serverName = istiodServerName ?? Self.env("ISTIOD_SERVER_NAME") ?? "istiod.istio-system.svc"
            let delta = istiodDelta || Self.env("ISTIOD_DELTA") == "true"
            let namespace = self.namespace ?? Self.env("POD_NAMESPACE") ?? "istio-system"
            sources.append(.istiod(MCPClient.Configuration(
                address: address,
                tls: ca.map { .init(rootCertificatesFile: $0, serverNameOverride: serverName) },
                tokenFile: istiodTokenFile ?? Self.env("ISTIOD_TOKEN_FILE"),
                mode: delta ? .delta : .stateOfTheWorld,
                namespace: namespace,
                workloadName: Self.env("POD_NAME") ?? "aeraki",
                ip: Self.env("POD_IP") ?? "127.0.0.1"
            )))
        }
        let kubernetes = try kubernetesSource()
        var paths = configDirs
        if paths.isEmpty, let env = Self.env("AERAKI_CONFIG_DIR") {
            paths = env.split(separator: ",").map(String.init)
        }
        if !paths.isEmpty || (sources.isEmpty && kubernetes == nil) {
            if paths.isEmpty {
                guard let examples = Self.bundledExamples() else {
                    throw ArgumentParser.ValidationError("no --config-dir or --istiod-address given, and the bundled examples/ directory was not found (set AERAKI_EXAMPLES)")
                }
                paths = [examples]
            }
            sources.append(.directory(paths: paths, pollInterval: .milliseconds(try int(pollIntervalMs, "AERAKI_POLL_INTERVAL_MS", 200))))
        }
        if let kubernetes { sources.append(.kubernetes(kubernetes)) }
        let meshConfigPath = meshConfig ?? Self.env("AERAKI_MESH_CONFIG") ?? "/etc/istio/config/mesh"
        let mesh: MeshConfig
        do {
            mesh = try MeshConfigWatcher.load(meshConfigPath)
        } catch {
            throw ArgumentParser.ValidationError("--mesh-config: \(error)")
        }
        var tls: AerakiServerConfiguration.TLS?
        if let cert = tlsCert ?? Self.env("AERAKI_TLS_CERT"), let key = tlsKey ?? Self.env("AERAKI_TLS_KEY") {
            tls = .init(
                port: try int(tlsPort, "AERAKI_TLS_PORT", 15012), certificateChainFile: cert, privateKeyFile: key,
                clientCAFile: tlsClientCA ?? Self.env("AERAKI_TLS_CLIENT_CA")
            )
        }
        let drain = drainSeconds ?? Self.env("AERAKI_DRAIN_SECONDS").flatMap(Double.init) ?? 2
        return AerakiServerConfiguration(
            xdsHost: xdsHost ?? Self.env("AERAKI_XDS_HOST") ?? "0.0.0.0",
            xdsPort: try int(xdsPort, "AERAKI_XDS_PORT", 15010),
            tls: tls,
            xdsAuthentication: try await xdsAuthentication(tls: tls, mesh: mesh),
            limits: try limits(),
            admin: .init(
                host: adminHost ?? Self.env("AERAKI_ADMIN_HOST") ?? "0.0.0.0", port: try int(adminPort, "AERAKI_ADMIN_PORT", 15014),
                debugAccess: DebugAccess(token: try debugToken())
            ),
            source: sources[0],
            additionalSources: Array(sources.dropFirst()),
            meshConfig: .init(path: meshConfigPath, pollInterval: .milliseconds(try int(pollIntervalMs, "AERAKI_POLL_INTERVAL_MS", 200))),
            debounce: debounce,
            controlPlaneID: controlPlaneId ?? Self.env("AERAKI_CONTROL_PLANE_ID") ?? "aeraki",
            meshOptions: .init(
                domainSuffix: domainSuffix ?? Self.env("AERAKI_DOMAIN_SUFFIX") ?? "cluster.local",
                rootNamespace: rootNamespace ?? Self.env("AERAKI_ROOT_NAMESPACE") ?? mesh.rootNamespace
            ),
            shutdownGracePeriod: .milliseconds(Int(drain * 1000))
        )
    }

    /// What the xDS listeners require (`--xds-auth`, `--xds-plaintext-auth` and the keys and trust
    /// domain they check with), refusing combinations that could never authenticate anyone.
    func xdsAuthentication(tls: AerakiServerConfiguration.TLS?, mesh: MeshConfig) async throws -> XDSAuthentication {
        func mode(_ flag: String?, _ name: String, _ variable: String, default fallback: XDSAuthMode) throws -> XDSAuthMode {
            guard let text = flag ?? Self.env(variable) else { return fallback }
            guard let mode = XDSAuthMode(rawValue: text.lowercased()) else {
                throw ArgumentParser.ValidationError("--\(name)=\(text): use none, mtls, jwt or any")
            }
            return mode
        }
        let explicitTLSMode = xdsAuth ?? Self.env("AERAKI_XDS_AUTH")
        let tlsMode = tls == nil ? .none : try mode(xdsAuth, "xds-auth", "AERAKI_XDS_AUTH", default: .any)
        let plaintextMode = try mode(xdsPlaintextAuth, "xds-plaintext-auth", "AERAKI_XDS_PLAINTEXT_AUTH", default: .none)
        if tls == nil, let explicitTLSMode, explicitTLSMode.lowercased() != "none" {
            throw ArgumentParser.ValidationError("--xds-auth=\(explicitTLSMode) applies to the TLS xDS listener: give --tls-cert and --tls-key")
        }
        guard plaintextMode == .none || plaintextMode == .jwt else {
            throw ArgumentParser.ValidationError("--xds-plaintext-auth=\(plaintextMode.rawValue): a plaintext peer has no certificate; use none or jwt")
        }
        let jwks = xdsJwks ?? Self.env("AERAKI_XDS_JWKS")
        let hasCA = tls?.clientCAFile != nil
        switch tlsMode {
        case .mtls where !hasCA:
            throw ArgumentParser.ValidationError("--xds-auth=mtls needs --tls-client-ca to verify client certificates with")
        case .jwt where jwks == nil:
            throw ArgumentParser.ValidationError("--xds-auth=jwt needs --xds-jwks with the keys to verify tokens with")
        case .any where !hasCA && jwks == nil:
            throw ArgumentParser.ValidationError("--xds-auth=any (the default with TLS) needs --tls-client-ca (client certificates) or --xds-jwks (bearer tokens); --xds-auth=none serves TLS without authenticating anyone")
        default:
            break
        }
        if plaintextMode == .jwt, jwks == nil {
            throw ArgumentParser.ValidationError("--xds-plaintext-auth=jwt needs --xds-jwks with the keys to verify tokens with")
        }
        let trustDomain = self.trustDomain ?? Self.env("AERAKI_TRUST_DOMAIN") ?? mesh.trustDomain
        var audiences = xdsJwtAudience
        if audiences.isEmpty, let env = Self.env("AERAKI_XDS_JWT_AUDIENCES") { audiences = env.split(separator: ",").map(String.init) }
        let rules = BearerTokenVerifier.Rules(
            issuer: xdsJwtIssuer ?? Self.env("AERAKI_XDS_JWT_ISSUER"), audiences: audiences.isEmpty ? ["istio-ca"] : audiences,
            trustDomain: trustDomain
        )
        var verifier: BearerTokenVerifier?
        if let jwks {
            do {
                verifier = try await BearerTokenVerifier(jwksFile: jwks, rules: rules)
            } catch {
                throw ArgumentParser.ValidationError("--xds-jwks: \(error.message)")
            }
        }
        return XDSAuthentication(
            tls: tlsMode, plaintext: plaintextMode, trustDomain: trustDomain, tokenVerifier: verifier,
            privilegedNamespaces: [namespace ?? Self.env("POD_NAMESPACE") ?? "istio-system"]
        )
    }

    /// The operator's xDS limits; each must be positive.
    func limits() throws -> AerakiServerConfiguration.Limits {
        let defaults = AerakiServerConfiguration.Limits.defaults
        let limits = AerakiServerConfiguration.Limits(
            maxStreamsPerConnection: try int(maxStreamsPerConnection, "AERAKI_MAX_STREAMS_PER_CONNECTION", defaults.maxStreamsPerConnection),
            maxStreams: try int(maxStreams, "AERAKI_MAX_STREAMS", defaults.maxStreams),
            maxRequestBytes: try int(maxRequestBytes, "AERAKI_MAX_REQUEST_BYTES", defaults.maxRequestBytes)
        )
        for (name, value) in [
            ("--max-streams-per-connection", limits.maxStreamsPerConnection), ("--max-streams", limits.maxStreams),
            ("--max-request-bytes", limits.maxRequestBytes),
        ] where value < 1 {
            throw ArgumentParser.ValidationError("\(name)=\(value): must be at least 1")
        }
        return limits
    }

    /// The admin debug token (`--debug-token-file`), trimmed; nil when none is given.
    func debugToken() throws -> String? {
        guard let path = debugTokenFile ?? Self.env("AERAKI_DEBUG_TOKEN_FILE") else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ArgumentParser.ValidationError("--debug-token-file: cannot read \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ArgumentParser.ValidationError("--debug-token-file: \(path) is empty") }
        return token
    }

    /// The Kubernetes API source asked for, or nil.
    func kubernetesSource() throws -> KubernetesSource.Configuration? {
        let kubeconfig = self.kubeconfig ?? Self.env("AERAKI_KUBECONFIG")
        guard kubernetes || Self.env("AERAKI_KUBERNETES") == "true" || kubeconfig != nil else { return nil }
        let connection: KubernetesConnection
        do {
            if let kubeconfig {
                connection = try .kubeconfig(path: kubeconfig, context: kubeContext ?? Self.env("AERAKI_KUBE_CONTEXT"))
            } else {
                connection = try .inCluster()
            }
        } catch {
            throw ArgumentParser.ValidationError("--kubernetes: \(error)")
        }
        var resources = APIResource.aeraki
        let istioKinds = kubernetesIstioKinds || Self.env("AERAKI_KUBERNETES_ISTIO") == "true"
        if istioKinds {
            resources += APIResource.istio(version: kubernetesIstioVersion ?? Self.env("AERAKI_KUBERNETES_ISTIO_VERSION") ?? "v1")
        }
        return KubernetesSource.Configuration(
            connection: connection, resources: resources,
            writeStatus: kubernetesStatus && Self.env("AERAKI_KUBERNETES_STATUS") != "false",
            servicesDomainSuffix: istioKinds ? domainSuffix ?? Self.env("AERAKI_DOMAIN_SUFFIX") ?? "cluster.local" : nil,
            leaderElection: try statusLease()
        )
    }

    /// The Lease that elects the status writer: in Aeraki's namespace, held as the pod name (else
    /// the host name and a random suffix, so two replicas never share an identity).
    func statusLease() throws -> LeaderElector.Configuration {
        let seconds = kubernetesLeaseSeconds ?? Self.env("AERAKI_KUBERNETES_LEASE_SECONDS").flatMap(Double.init) ?? 15
        guard seconds > 0 else { throw ArgumentParser.ValidationError("--kubernetes-lease-seconds: must be positive") }
        let identity = Self.env("POD_NAME") ?? "\(ProcessInfo.processInfo.hostName)-\(UUID().uuidString.prefix(8).lowercased())"
        return .scaled(
            namespace: namespace ?? Self.env("POD_NAMESPACE") ?? "istio-system",
            name: kubernetesLease ?? Self.env("AERAKI_KUBERNETES_LEASE") ?? "aeraki-status", identity: identity,
            leaseDuration: .milliseconds(Int64(seconds * 1000))
        )
    }

    /// The bundled example mesh: `$AERAKI_EXAMPLES`, `./examples`, next to the binary's package, or
    /// `/etc/aeraki/examples` (the container image).
    static func bundledExamples() -> String? {
        var candidates: [String] = []
        if let env = env("AERAKI_EXAMPLES") { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/examples")
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("examples").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append("/etc/aeraki/examples")
        var isDirectory: ObjCBool = false
        return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
    }
}
