import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a process's CPU time and resident memory from `/proc` (Linux), and this process's own CPU.
struct ProcessStats: Sendable {
    let pid: Int32

    /// User plus system CPU seconds the process has used (`/proc/PID/stat` utime + stime).
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .nan }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident set size in MiB (`VmRSS`).
    func rssMiB() -> Double { Double(Self.statusKiB(pid: pid, key: "VmRSS")) / 1024 }

    /// Peak resident set size in MiB (`VmHWM`).
    func peakRSSMiB() -> Double { Double(Self.statusKiB(pid: pid, key: "VmHWM")) / 1024 }

    /// The process's open file descriptors (entries of `/proc/PID/fd`).
    func openFileDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// Whether the process still exists.
    var isAlive: Bool { kill(pid, 0) == 0 }

    private static func statusKiB(pid: Int32, key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// This process's user plus system CPU seconds (`getrusage`).
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// This process's resident set size in MiB.
    static func ownRSSMiB() -> Double { Double(statusKiB(pid: getpid(), key: "VmRSS")) / 1024 }
}

/// CPU used by the server and by the benchmark between two points.
struct CPUMeter {
    let server: ProcessStats
    private var serverStart: Double
    private var clientStart: Double

    init(server: ProcessStats) {
        self.server = server
        serverStart = server.cpuSeconds()
        clientStart = ProcessStats.ownCPUSeconds()
    }

    /// (server, client) CPU seconds since `init`.
    func elapsed() -> (server: Double, client: Double) {
        (server.cpuSeconds() - serverStart, ProcessStats.ownCPUSeconds() - clientStart)
    }
}
