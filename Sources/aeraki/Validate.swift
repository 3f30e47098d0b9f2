import ArgumentParser
import Foundation
import Mesh

extension Aeraki {
    /// `aeraki validate PATH...`: checks Istio and Aeraki YAML offline, as the admission webhooks would.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check Istio and Aeraki YAML files or directories and print every problem.",
            discussion: "Each problem is printed as FILE#DOCUMENT: KIND NAMESPACE/NAME: FIELD: REASON. Exits 1 when any is found."
        )

        @Argument(help: "YAML files or directories (read recursively).")
        var paths: [String]

        @Option(help: "Namespace of resources that name none.")
        var namespace: String = "default"

        @Option(help: "The cluster's DNS domain suffix, for short host names.")
        var domainSuffix: String = "cluster.local"

        func run() throws {
            for path in paths where !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("no such file or directory: \(path)")
            }
            let (resources, errors) = DirectorySource.check(
                paths: paths, defaultNamespace: namespace, validator: ConfigValidator(domainSuffix: domainSuffix)
            )
            for error in errors { print(error) }
            if errors.isEmpty {
                print("\(resources.count) resources, no problems")
            } else {
                let message = "\(errors.count) problem(s) in \(resources.count) resource(s)\n"
                FileHandle.standardError.write(Data(message.utf8))
                throw ExitCode(1)
            }
        }
    }
}
