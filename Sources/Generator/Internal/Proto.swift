internal import EnvoyAPI
internal import Protocols
internal import SwiftProtobuf

/// Small builders for recurring Envoy messages.
enum Proto {
    static func duration(seconds: Int64, nanos: Int32 = 0) -> Google_Protobuf_Duration {
        var duration = Google_Protobuf_Duration()
        duration.seconds = seconds
        duration.nanos = nanos
        return duration
    }

    /// `ip:port` as a socket address (`unix://path` as a pipe).
    static func address(_ ip: String, port: UInt32) -> Envoy_Config_Core_V3_Address {
        var address = Envoy_Config_Core_V3_Address()
        if ip.hasPrefix("unix://") {
            var pipe = Envoy_Config_Core_V3_Pipe()
            pipe.path = String(ip.dropFirst("unix://".count))
            address.pipe = pipe
            return address
        }
        var socket = Envoy_Config_Core_V3_SocketAddress()
        socket.address = ip
        socket.portValue = port
        address.socketAddress = socket
        return address
    }

    /// `{ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}`, as Istio writes it.
    static var adsConfigSource: Envoy_Config_Core_V3_ConfigSource { ConfigSources.ads }

    /// A CIDR range from `a.b.c.d`, `a.b.c.d/n` or an IPv6 form.
    static func cidr(_ text: String) -> Envoy_Config_Core_V3_CidrRange {
        var range = Envoy_Config_Core_V3_CidrRange()
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        range.addressPrefix = parts[0]
        let full: UInt32 = parts[0].contains(":") ? 128 : 32
        range.prefixLen = Google_Protobuf_UInt32Value(parts.count == 2 ? UInt32(parts[1]) ?? full : full)
        return range
    }

    /// A listener filter chain with a name, match and filters.
    static func filterChain(
        name: String, match: Envoy_Config_Listener_V3_FilterChainMatch? = nil, filters: [Envoy_Config_Listener_V3_Filter]
    ) -> Envoy_Config_Listener_V3_FilterChain {
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.name = name
        if let match { chain.filterChainMatch = match }
        chain.filters = filters
        return chain
    }

    /// A filter chain match on a destination port.
    static func destinationPort(_ port: UInt32) -> Envoy_Config_Listener_V3_FilterChainMatch {
        var match = Envoy_Config_Listener_V3_FilterChainMatch()
        match.destinationPort = Google_Protobuf_UInt32Value(port)
        return match
    }
}
