import ArgumentParser

/// The `aeraki` command: an xDS control plane for layer-7 protocols in an Istio mesh.
@main
struct Aeraki: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeraki",
        abstract: "An xDS control plane that manages Dubbo, Thrift, Redis and other layer-7 protocols in an Istio mesh.",
        subcommands: [Version.self, Serve.self, ServeStatic.self, Validate.self, Generate.self]
    )
}

extension Aeraki {
    /// `aeraki version`: prints the version.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version.")

        func run() {
            print("aeraki \(AerakiVersion.current)")
        }
    }
}

/// The version of this build.
enum AerakiVersion {
    static let current = "0.1.0"
}
