/// What kind of thing generation could not honour: the stable, machine-readable part of a
/// ``Diagnostic`` (its raw value is shown by `/debug/configz`, logged and printed by `aeraki generate`).
package enum DiagnosticCode: String, Sendable, Hashable {
    /// A route, mirror or rate-limit destination names a host or port with no cluster.
    case unknownDestination = "unknown_destination"
    /// A destination names a subset its host's DestinationRule does not define.
    case unknownSubset = "unknown_subset"
    /// A match (or match field) the protocol cannot express; the match or field is skipped.
    case unsupportedMatch = "unsupported_match"
    /// A setting the protocol or the proxy kind does not support; it is left out.
    case unsupportedFeature = "unsupported_feature"
    /// An AuthorizationPolicy rule or action the RBAC filters cannot express.
    case unsupportedAuthorization = "unsupported_authorization"
    /// A field value that is out of range or incomplete; the setting is left out.
    case invalidValue = "invalid_value"
    /// A ServiceEntry annotation whose value cannot be read; it is ignored.
    case invalidAnnotation = "invalid_annotation"
    /// The proxy does not announce a capability the config needs; a plainer config is used.
    case missingCapability = "missing_capability"
    /// A MetaProtocol application protocol without a codec.
    case unknownApplicationProtocol = "unknown_application_protocol"
    /// A config shadowed by an older one for the same host or port.
    case shadowedConfig = "shadowed_config"
    /// A service shadowed by another on a listener whose protocol cannot route by host.
    case shadowedService = "shadowed_service"
    /// A port that collides with another service's, a gateway server's or one Envoy reserves.
    case portConflict = "port_conflict"
    /// A route that no request can reach.
    case unreachableRoute = "unreachable_route"
    /// A service without endpoints whose cluster cannot be built.
    case noEndpoints = "no_endpoints"
    /// A gateway server that no route binds; it gets no listener.
    case unboundGateway = "unbound_gateway"
    /// A plugin that failed to build a port's config; the fallback is used or nothing is served.
    case pluginFailure = "plugin_failure"
}
