// The scale benchmark's clients (issue 9; run through Scripts/bench-scale.sh, which generates the
// mesh and starts `aeraki serve`): N Envoy-like sidecars over SotW or delta ADS against that server,
// measuring the time and server CPU until every sidecar has ACKed the initial config and each edit,
// the server's RSS, and this process's own CPU. Prints `key: value` lines on stdout.
import Foundation

@main
struct ScaleBench {
    static func main() async {
        let options: Options
        do {
            options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            Report.log("\(error)")
            exit(2)
        }
        let scenarios = Scenarios(options: options)
        Report.value("mode", options.mode.rawValue)
        Report.value("services", options.services)
        do {
            await scenarios.idle()
            if try await scenarios.connectAll() {
                Report.log("endpoint edit")
                let tcp = scenarios.layout.tcpServices
                scenarios.report("endpoint_edit", try await scenarios.endpointEdit(service: tcp[0]))
                Report.log("VirtualService edit")
                scenarios.report("vs_edit", try await scenarios.virtualServiceEdit(service: scenarios.layout.routedServices[0]))
                if options.edits > 0 {
                    Report.log("\(options.edits) more edits")
                    try await scenarios.editSeries(count: options.edits)
                }
                if options.restartPIDFile != nil {
                    Report.log("restart: the server under \(options.sidecars) connected sidecars")
                    try await scenarios.restart()
                }
                if options.soakMinutes > 0 {
                    Report.log("soak: \(options.soakMinutes) minutes of churn")
                    try await scenarios.soak(minutes: options.soakMinutes)
                }
            }
        } catch {
            Report.log("failed: \(error)")
        }
        await scenarios.close()
        Report.value("client_cpu_s", ProcessStats.ownCPUSeconds())
        Report.value("client_rss_mib", ProcessStats.ownRSSMiB())
    }
}
