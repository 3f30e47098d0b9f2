import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Scenarios {
    /// The server restarted under every connected sidecar (issue 14): SIGTERM, then the script
    /// starts a new server on the same port and writes its pid to `--restart-pid-file`. Every
    /// sidecar reconnects and resumes with what it holds. Measures the time until every sidecar's
    /// new stream has answered what it holds, and checks that the new server serves the same
    /// content versions and pushes nothing beyond the resumption:
    /// - SotW resends the named types (EDS, RDS) once, at the version the sidecar already had, and
    ///   not the wildcard types (CDS, LDS), whose announced version is current;
    /// - delta answers the wildcard types (CDS, LDS) once each, re-sending no resource whose
    ///   `initial_resource_versions` entry matches.
    func restart() async throws {
        guard let pidFile = options.restartPIDFile else { return }
        _ = await waitQuiet()
        let before = states.map(\.snapshot)
        let pushedBefore = pushTotals()
        let oldPID = server.pid
        let start = ContinuousClock.now
        kill(oldPID, SIGTERM)
        guard let newPID = await waitForNewServer(pidFile: pidFile, replacing: oldPID) else {
            Report.log("no new server pid in \(pidFile)")
            Report.value("restart_all_resumed_s", .nan)
            return
        }
        server = ProcessStats(pid: newPID)
        let done = await waitUntil("resumed") { snapshots in
            zip(before, snapshots).filter { $1.streams > $0.streams && $1.resumedAt != nil }.count
        }
        let resumed = states.map(\.snapshot).compactMap(\.resumedAt)
        let cpu = server.cpuSeconds()
        _ = await waitQuiet(window: .seconds(2))
        let after = states.map(\.snapshot)
        let pushedAfter = pushTotals()

        var mismatches = 0
        for (old, new) in zip(before, after) {
            for (type, progress) in old.types where new.types[type]?.version != progress.version { mismatches += 1 }
        }
        var responses = 0
        var resources = 0
        var types: [String] = []
        for type in XDSType.all {
            let r = (pushedAfter[type]?.responses ?? 0) - (pushedBefore[type]?.responses ?? 0)
            guard r > 0 else { continue }
            types.append(XDSType.shortName(type))
            responses += r
            resources += (pushedAfter[type]?.resources ?? 0) - (pushedBefore[type]?.resources ?? 0)
        }
        let named: Set<String> = [XDSType.endpoint, XDSType.route]
        let expectedResponses = before.reduce(0) { total, snapshot in
            total + (options.mode == .sotw ? snapshot.types.keys.filter(named.contains).count : 2)
        }
        let expectedResources = options.mode == .sotw ? before.reduce(0) { total, snapshot in
            total + snapshot.subscribed.reduce(0) { $0 + (named.contains($1.key) ? $1.value.count : 0) }
        } : 0
        Report.value("restart_all_resumed_s", done ? seconds(resumed.max()! - start) : .nan)
        Report.value("restart_resumed_sidecars", resumed.count)
        Report.value("restart_server_cpu_s", cpu)
        Report.value("restart_version_mismatches", mismatches)
        Report.value("restart_pushed_types", types.isEmpty ? "none" : types.joined(separator: ","))
        Report.value("restart_pushed_responses", responses)
        Report.value("restart_expected_responses", expectedResponses)
        Report.value("restart_pushed_resources", resources)
        Report.value("restart_expected_resources", expectedResources)
        Report.value("restart_server_rss_mib", server.rssMiB())
    }

    /// Polls `pidFile` until it names a live process other than `oldPID` (at most the timeout).
    private func waitForNewServer(pidFile: String, replacing oldPID: Int32) async -> Int32? {
        let deadline = ContinuousClock.now + options.timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid != oldPID, kill(pid, 0) == 0 {
                return pid
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
