// The Swift side of Scripts/bench-transport.sh: the same server as Benchmarks/TransportC/bench_server.c,
// on LibGRPCTransport. `aeraki-transport-bench --port 0` prints `port: N`, then serves
// `/aeraki.bench.Push/Stream`: one request "M K", then M messages of K bytes, then OK.
import Foundation
import LibGRPCTransport

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return value
    }
    return Int(CommandLine.arguments[index + 1]) ?? value
}
let port = option("--port", default: 0)

var router = Router()
router.register("/aeraki.bench.Push/Stream") { stream in
    var requests = stream.requests.makeAsyncIterator()
    guard let request = try await requests.next() else {
        throw RPCError(code: .invalidArgument, message: "expected a request \"M K\"")
    }
    let numbers = String(decoding: request, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
    guard numbers.count == 2, numbers[0] >= 0, numbers[1] >= 0 else {
        throw RPCError(code: .invalidArgument, message: "expected a request \"M K\"")
    }
    // One payload shared by every send, as the C baseline shares one slice.
    let payload = Payload([UInt8](repeating: 0x61, count: numbers[1]))
    for _ in 0..<numbers[0] { try await stream.send(payload) }
    return [:]
}

var configuration = GRPCServer.Configuration(listeners: [.init(host: "127.0.0.1", port: port)])
configuration.shutdownGracePeriod = .milliseconds(100)
configuration.completionQueueCount = option("--queues", default: configuration.completionQueueCount)
let server = GRPCServer(configuration: configuration, router: router)

signal(SIGTERM, SIG_IGN)
let termination = DispatchSource.makeSignalSource(signal: SIGTERM)
termination.setEventHandler { server.beginGracefulShutdown() }
termination.resume()

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    let bound = try await server.listeningPorts()[0]
    FileHandle.standardOutput.write(Data("port: \(bound)\n".utf8))
    try await group.waitForAll()
}
