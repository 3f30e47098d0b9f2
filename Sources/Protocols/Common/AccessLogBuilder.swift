package import EnvoyAPI
package import Mesh
internal import SwiftProtobuf

/// The mesh's file access log as Envoy's `envoy.access_loggers.file`, as istiod builds it: the mesh
/// `accessLogFormat` (or Istio's default format) as inline text, or as a JSON object of fields for
/// the JSON encoding.
package enum AccessLogBuilder {
    /// The logger's name.
    package static let loggerName = "envoy.access_loggers.file"

    /// Istio's default text format (`EnvoyTextLogFormat`).
    package static let defaultTextFormat = """
        [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% \
        %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% \
        %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" \
        "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% \
        %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%

        """

    /// Istio's default JSON fields (`EnvoyJSONLogFormatIstio`).
    package static let defaultJSONFields: [(String, String)] = [
        ("start_time", "%START_TIME%"), ("route_name", "%ROUTE_NAME%"), ("method", "%REQ(:METHOD)%"),
        ("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"), ("protocol", "%PROTOCOL%"), ("response_code", "%RESPONSE_CODE%"),
        ("response_flags", "%RESPONSE_FLAGS%"), ("response_code_details", "%RESPONSE_CODE_DETAILS%"),
        ("connection_termination_details", "%CONNECTION_TERMINATION_DETAILS%"), ("bytes_received", "%BYTES_RECEIVED%"),
        ("bytes_sent", "%BYTES_SENT%"), ("duration", "%DURATION%"), ("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%"),
        ("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"), ("user_agent", "%REQ(USER-AGENT)%"), ("request_id", "%REQ(X-REQUEST-ID)%"),
        ("authority", "%REQ(:AUTHORITY)%"), ("upstream_host", "%UPSTREAM_HOST%"), ("upstream_cluster", "%UPSTREAM_CLUSTER_RAW%"),
        ("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"), ("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"),
        ("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"), ("requested_server_name", "%REQUESTED_SERVER_NAME%"),
        ("upstream_transport_failure_reason", "%UPSTREAM_TRANSPORT_FAILURE_REASON%"),
    ]

    /// The access logs for `accessLog` (none when nil). A JSON format that does not parse as a JSON
    /// object falls back to the default fields, as istiod does. A filter whose requests are not HTTP
    /// passes its own defaults (MetaProtocol logs codec metadata, not `:METHOD` and `:PATH`).
    package static func accessLogs(
        _ accessLog: MeshConfig.AccessLog?, plugin: String, defaultText: String = defaultTextFormat,
        defaultJSON: [(String, String)] = defaultJSONFields
    ) throws(PluginError) -> [Envoy_Config_Accesslog_V3_AccessLog] {
        guard let accessLog else { return [] }
        var format = Envoy_Config_Core_V3_SubstitutionFormatString()
        switch accessLog.encoding {
        case .text:
            var source = Envoy_Config_Core_V3_DataSource()
            source.inlineString = accessLog.format.isEmpty ? defaultText : accessLog.format
            format.textFormatSource = source
        case .json:
            if !accessLog.format.isEmpty, let custom = try? Google_Protobuf_Struct(jsonString: accessLog.format) {
                format.jsonFormat = custom
            } else {
                var fields: [String: Google_Protobuf_Value] = [:]
                for (key, value) in defaultJSON { fields[key] = Google_Protobuf_Value(stringValue: value) }
                format.jsonFormat = Google_Protobuf_Struct(fields: fields)
            }
        }
        var file = Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog()
        file.path = accessLog.path
        file.logFormat = format
        var log = Envoy_Config_Accesslog_V3_AccessLog()
        log.name = loggerName
        // A JSON format is a map: `packing` serializes it in a deterministic order.
        log.typedConfig = try .packing(file, plugin: plugin)
        return [log]
    }
}
