import Foundation
import Synchronization

/// The Python fake istiod (`IntegrationTests/fake-istiod/fake_istiod.py`) as a subprocess.
///
/// Output goes to a temporary file (no pipe to drain, nothing blocks a cooperative thread); exits are
/// awaited through `terminationHandler`; commands go to its stdin.
final class FakeIstiod: @unchecked Sendable {
    // @unchecked: `process` and `stdin` are configured before `run()` and afterwards used only
    // through Foundation's thread-safe Process/FileHandle APIs; `exited` is an AsyncStream.
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private let process = Process()
    private let stdin = Pipe()
    private let outputURL: URL
    private let errorURL: URL
    private let exited = AsyncStream<Int32>.makeStream()
    private(set) var port = 0

    /// Starts the fake on `port` (0 = any) serving `configDirectory`; returns once it listens.
    static func start(configDirectory: URL, port: Int = 0, arguments: [String] = []) async throws -> FakeIstiod {
        let fake = try FakeIstiod(arguments: ["--config-dir", configDirectory.path, "--port", String(port)] + arguments)
        for _ in 0..<750 {
            if let first = fake.events().first, let port = first["port"] as? Int {
                fake.port = port
                return fake
            }
            if !fake.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await fake.stop()
        throw Failure(description: "fake istiod did not start: \(fake.output()) \(fake.errors())")
    }

    private init(arguments: [String]) throws {
        let python = Self.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "no Python test environment at \(python): run Scripts/python-env.sh")
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("fake-istiod-\(UUID().uuidString)")
        outputURL = base.appendingPathExtension("out")
        errorURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.repositoryRoot.appendingPathComponent("IntegrationTests/fake-istiod/fake_istiod.py").path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = stdin
        let continuation = exited.continuation
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    func output() -> String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
    func errors() -> String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// Every JSON line printed so far.
    func events() -> [[String: Any]] {
        output().split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The events named `name` (`subscribe`, `ack`, `nack`, `rejected`, ...).
    func events(_ name: String) -> [[String: Any]] {
        events().filter { $0["event"] as? String == name }
    }

    /// Sends a command line (`push`).
    func send(_ command: String) {
        stdin.fileHandleForWriting.write(Data((command + "\n").utf8))
    }

    /// Freezes the process (SIGSTOP): its connections stay open but nothing answers, as when istiod
    /// hangs or a middlebox drops a connection silently.
    func freeze() { kill(process.processIdentifier, SIGSTOP) }

    /// Resumes a frozen process (SIGCONT).
    func thaw() { kill(process.processIdentifier, SIGCONT) }

    /// Stops the process (as a crash or restart of istiod would) and waits for it to exit.
    func stop() async {
        if process.isRunning { process.terminate() }
        var iterator = exited.stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    /// Writes the test PKI (ca.pem, istiod.pem/key for istiod.istio-system.svc) into a new directory.
    static func makeCertificates() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-istiod-certs-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("IntegrationTests/fake-istiod/make_certs.sh").path, directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(returning: -1) }
        }
        guard status == 0 else { throw Failure(description: "make_certs.sh failed with \(status)") }
        return directory
    }
}

/// Records the batches of a store's change stream in the background of a test.
final class ChangeRecorder: Sendable {
    private let batches = Mutex<[Set<String>]>([])

    /// Every batch so far, as `namespace/name` sets.
    var all: [Set<String>] { batches.withLock { $0 } }

    func record(_ keys: Set<String>) { batches.withLock { $0.append(keys) } }
}
