package import EnvoyAPI
internal import SwiftProtobuf

/// Config sources of the resources Aeraki serves.
package enum ConfigSources {
    /// `{ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}`, as Istio writes it: the
    /// proxy's own ADS stream.
    package static var ads: Envoy_Config_Core_V3_ConfigSource {
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        source.initialFetchTimeout = Google_Protobuf_Duration(seconds: 0)
        source.resourceApiVersion = .v3
        return source
    }
}
