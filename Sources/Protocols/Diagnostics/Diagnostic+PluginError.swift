package import Mesh

extension Diagnostic {
    /// The diagnostic of a plugin that could not configure a port for `config`: the code of its
    /// ``PluginError`` (``DiagnosticCode/pluginFailure`` unless the plugin said more, or for any
    /// other error) and `message`.
    package init(failure error: any Error, config: ConfigKey?, _ message: String) {
        self.init((error as? PluginError)?.code ?? .pluginFailure, config: config, message)
    }
}
