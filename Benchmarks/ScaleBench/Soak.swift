import Foundation

extension Scenarios {
    /// Config churn for `minutes`: endpoint and VirtualService edits alternating over different
    /// services, each as soon as the previous one is ACKed by every sidecar it affects. Every minute
    /// prints the server's RSS, open file descriptors, the number of edits and their push latency
    /// (write → every affected sidecar ACKed); at the end, RSS growth after the warm-up minute.
    func soak(minutes: Int) async throws {
        let tcp = layout.tcpServices
        let routed = layout.routedServices
        var rssByMinute: [Double] = []
        var k = 0
        for minute in 1...minutes {
            let end = ContinuousClock.now + .seconds(60)
            var latencies: [Double] = []
            var timeouts = 0
            while ContinuousClock.now < end {
                let outcome = k % 2 == 0
                    ? try await endpointEdit(service: tcp[(k / 2) % tcp.count], settle: false)
                    : try await virtualServiceEdit(service: routed[(k / 2) % routed.count], settle: false)
                k += 1
                if let t = outcome.allAckedSeconds { latencies.append(t) } else { timeouts += 1 }
                if !server.isAlive { throw SoakError.serverExited(minute: minute) }
            }
            let rss = server.rssMiB()
            rssByMinute.append(rss)
            latencies.sort()
            let mean = latencies.isEmpty ? Double.nan : latencies.reduce(0, +) / Double(latencies.count)
            let p99 = latencies.isEmpty ? Double.nan : latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
            Report.value(
                String(format: "soak_minute_%02d", minute),
                String(format: "rss_mib=%.1f fds=%d edits=%d timeouts=%d ack_mean_s=%.3f ack_p99_s=%.3f ack_max_s=%.3f",
                       rss, server.openFileDescriptors(), latencies.count, timeouts, mean, p99, latencies.last ?? .nan)
            )
        }
        Report.value("soak_edits", k)
        // Warm-up: the first minute fills caches and arenas; growth is measured from its end.
        if rssByMinute.count >= 2 {
            Report.value("soak_rss_growth_after_warmup_ratio", rssByMinute.last! / rssByMinute[0])
        }
        Report.value("server_peak_rss_mib", server.peakRSSMiB())
    }
}

enum SoakError: Error, CustomStringConvertible {
    case serverExited(minute: Int)

    var description: String {
        switch self {
        case .serverExited(let minute): "the server exited during soak minute \(minute)"
        }
    }
}
