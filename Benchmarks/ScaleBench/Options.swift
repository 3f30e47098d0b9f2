import Foundation

/// The benchmark's command line: `ScaleBench --xds HOST:PORT --server-pid PID --config-dir DIR
/// [--mode sotw|delta] [--sidecars N] [--workloads N] [--services N] [--edits N] [--connections N]
/// [--timeout S] [--soak-minutes M] [--restart-pid-file FILE]`. The server is started (and stopped) by
/// `Scripts/bench-scale.sh`; with `--restart-pid-file`, the script starts it again whenever it exits
/// and writes each new server's pid to FILE.
struct Options: Sendable {
    var mode: ADSMode = .sotw
    var sidecars = 1000
    var workloads = 100
    var services = 1000
    var edits = 50
    var soakMinutes = 0
    var connections = 0
    var timeout: Duration = .seconds(120)
    var xds = ""
    var serverPID: Int32 = 0
    var configDir = ""
    /// Where the script writes the current server's pid; set, the restart scenario runs.
    var restartPIDFile: String?

    static func parse(_ arguments: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw UsageError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        func int() throws -> Int {
            let text = try value()
            guard let n = Int(text), n >= 0 else { throw UsageError("\(arguments[i - 1]): not a count: \(text)") }
            return n
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--mode":
                let text = try value()
                guard let mode = ADSMode(rawValue: text) else { throw UsageError("--mode must be sotw or delta") }
                o.mode = mode
            case "--sidecars": o.sidecars = try int()
            case "--workloads": o.workloads = max(1, try int())
            case "--services": o.services = try int()
            case "--edits": o.edits = try int()
            case "--soak-minutes": o.soakMinutes = try int()
            case "--connections": o.connections = try int()
            case "--timeout": o.timeout = .seconds(try int())
            case "--xds": o.xds = try value()
            case "--server-pid": o.serverPID = Int32(try int())
            case "--config-dir": o.configDir = try value()
            case "--restart-pid-file": o.restartPIDFile = try value()
            default: throw UsageError("unknown option \(arguments[i])")
            }
            i += 1
        }
        guard !o.xds.isEmpty, o.serverPID > 0, !o.configDir.isEmpty else {
            throw UsageError("--xds, --server-pid and --config-dir are required")
        }
        if o.connections == 0 { o.connections = o.sidecars }
        o.connections = max(1, min(o.connections, o.sidecars))
        return o
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Progress lines go to stderr; stdout carries only `key: value` lines.
enum Report {
    static func log(_ text: String) { FileHandle.standardError.write(Data(("scale-bench: " + text + "\n").utf8)) }

    static func value(_ key: String, _ value: String) {
        FileHandle.standardOutput.write(Data("\(key): \(value)\n".utf8))
    }

    static func value(_ key: String, _ number: Double) { value(key, String(format: "%.3f", number)) }

    static func value(_ key: String, _ number: Int) { value(key, String(number)) }
}
