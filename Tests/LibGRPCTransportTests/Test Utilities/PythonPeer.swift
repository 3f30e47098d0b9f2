import Foundation
import Synchronization

/// The independent grpcio peer (`IntegrationTests/grpc-peer/peer.py`), run as a subprocess.
///
/// Output goes to a temporary file rather than a pipe, so nothing here blocks a cooperative
/// thread: exits are awaited through `terminationHandler`, and a server's first line is polled.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var script: String { repositoryRoot.appendingPathComponent("IntegrationTests/grpc-peer/peer.py").path }

    static var python: String {
        get throws {
            let path = repositoryRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw Failure(description: "no Python test environment at \(path): run Scripts/python-env.sh")
            }
            return path
        }
    }

    /// Runs a client scenario to completion; returns its JSON result and exit status.
    static func client(port: Int, tls: [String] = [], _ scenario: [String]) async throws -> (json: [String: Any], exitCode: Int32) {
        let process = try PeerProcess(arguments: ["client", "--target", "127.0.0.1:\(port)"] + tls + scenario)
        let exitCode = await process.waitForExit()
        let output = process.output()
        guard let line = output.split(separator: "\n").last,
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw Failure(description: "peer client printed no JSON (exit \(exitCode)): \(output) \(process.errors())")
        }
        return (object, exitCode)
    }

    /// Runs `body` with a started peer server, stopping the server afterwards.
    static func withServer<Result>(
        _ arguments: [String] = [],
        _ body: (PeerServer) async throws -> Result
    ) async throws -> Result {
        let server = try await server(arguments)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Starts a peer server; stop it with `stop()`.
    static func server(_ arguments: [String] = []) async throws -> PeerServer {
        let process = try PeerProcess(arguments: ["server"] + arguments)
        for _ in 0..<500 {
            if let line = process.output().split(separator: "\n").first,
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let port = object["port"] as? Int
            {
                return PeerServer(process: process, port: port)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw Failure(description: "peer server did not start: \(process.output()) \(process.errors())")
    }

    /// Writes a test CA, server and client certificates into a new temporary directory.
    static func makeCertificates() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aeraki-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("IntegrationTests/grpc-peer/make_certs.sh").path, directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exitCode = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(returning: -1) }
        }
        guard exitCode == 0 else { throw Failure(description: "make_certs.sh failed with \(exitCode)") }
        return directory
    }
}

/// A running peer server.
struct PeerServer {
    let process: PeerProcess
    let port: Int

    func stop() async {
        process.terminate()
        _ = await process.waitForExit()
    }
}

/// A subprocess with stdout and stderr captured to temporary files.
final class PeerProcess: @unchecked Sendable {
    // @unchecked: `process` is configured before `run()` and afterwards only used through
    // Foundation's thread-safe Process API; the exit state is behind a Mutex.
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL
    private let stdin = Pipe()
    private let exit = Mutex(ExitState.running([]))

    private enum ExitState {
        case running([CheckedContinuation<Int32, Never>])
        case exited(Int32)
    }

    init(arguments: [String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString)")
        stdoutURL = base.appendingPathExtension("out")
        stderrURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: try PythonPeer.python)
        process.arguments = [PythonPeer.script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = stdin
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            let status = process.terminationStatus
            let waiters = self.exit.withLock { state -> [CheckedContinuation<Int32, Never>] in
                defer { state = .exited(status) }
                if case .running(let waiters) = state { return waiters }
                return []
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    func output() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    func errors() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Stops the process: closes its stdin (the peer exits on EOF) and sends SIGTERM. Children
    /// spawned from a dispatch thread may inherit a mask that blocks SIGTERM, hence both.
    func terminate() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Waits until the process has exited; any number of callers may wait.
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLock { state -> Int32? in
                switch state {
                case .running(var waiters):
                    waiters.append(continuation)
                    state = .running(waiters)
                    return nil
                case .exited(let status):
                    return status
                }
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
