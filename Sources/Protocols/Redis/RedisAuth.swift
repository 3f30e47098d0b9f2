package import EnvoyAPI
package import MeshAPI

/// Redis credentials (a RedisService's downstream auth, a RedisDestination's upstream auth) as
/// Envoy data sources.
///
/// `plain` credentials are sent inline. A `secret` reference never passes through Aeraki or xDS:
/// it becomes a file path the proxy reads, `<secretRoot>/<secret name>/<field>`, which is where a
/// Kubernetes Secret lands when the operator mounts it into the client pods at
/// `<secretRoot>/<secret name>` (for example with the `sidecar.istio.io/userVolume` and
/// `sidecar.istio.io/userVolumeMount` annotations). So the operator decides which workloads can
/// read which secret, and the password is not in config dumps.
package enum RedisAuth {
    /// Where secrets are expected on the proxy's file system.
    package static let secretRoot = "/etc/aeraki/redis-secrets"
    /// The password key when a secret reference names none.
    package static let defaultPasswordField = "password"

    /// The password and (when one is given) the username of `auth`.
    ///
    /// A secret's password is read from `passwordField` (default `password`); its username only
    /// when `usernameField` is set, because a missing file makes Envoy reject the whole resource
    /// and a Secret without a username key is the common case.
    package static func credentials(_ auth: Redis_Aeraki_Io_V1alpha1_Auth) -> (password: Envoy_Config_Core_V3_DataSource, username: Envoy_Config_Core_V3_DataSource?)? {
        switch auth.auth {
        case .plain(let plain)?:
            guard !plain.password.isEmpty else { return nil }
            return (inline(plain.password), plain.username.isEmpty ? nil : inline(plain.username))
        case .secret(let secret)?:
            guard !secret.name.isEmpty else { return nil }
            let passwordField = secret.passwordField.isEmpty ? defaultPasswordField : secret.passwordField
            let username = secret.usernameField.isEmpty ? nil : file(secret.name, secret.usernameField)
            return (file(secret.name, passwordField), username)
        case nil:
            return nil
        }
    }

    private static func inline(_ value: String) -> Envoy_Config_Core_V3_DataSource {
        var source = Envoy_Config_Core_V3_DataSource()
        source.inlineString = value
        return source
    }

    private static func file(_ secret: String, _ field: String) -> Envoy_Config_Core_V3_DataSource {
        var source = Envoy_Config_Core_V3_DataSource()
        source.filename = "\(secretRoot)/\(secret)/\(field)"
        return source
    }
}
