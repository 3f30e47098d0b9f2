import Foundation
import LibGRPCTransport
import Synchronization

/// The Echo service the Python peer also implements (IntegrationTests/grpc-peer/peer.py), served
/// by our server so the peer's client scenarios can run against it.
enum EchoRouter {
    static let stream = "/aeraki.test.Echo/Stream"
    static let unary = "/aeraki.test.Echo/Unary"
    static let metadata = "/aeraki.test.Echo/Metadata"
    static let slow = "/aeraki.test.Echo/Slow"

    /// What the handlers observed, for assertions.
    final class Observations: Sendable {
        private let state = Mutex<(started: Int, cancelled: Int, finished: Int)>((0, 0, 0))
        var startedHandlers: Int { state.withLock { $0.started } }
        var cancelledHandlers: Int { state.withLock { $0.cancelled } }
        var finishedHandlers: Int { state.withLock { $0.finished } }
        func recordStarted() { state.withLock { $0.started += 1 } }
        func recordCancelled() { state.withLock { $0.cancelled += 1 } }
        func recordFinished() { state.withLock { $0.finished += 1 } }
    }

    static func make(observations: Observations = Observations()) -> Router {
        var router = Router()
        router.register(stream) { stream in
            observations.recordStarted()
            var count = 0
            do {
                for try await message in stream.requests {
                    if let failure = String(validating: message, as: UTF8.self), failure.hasPrefix("fail:") {
                        let parts = failure.split(separator: ":", maxSplits: 2).map(String.init)
                        throw RPCError(code: Status.Code(rawValue: Int(parts[1]) ?? 2), message: parts.count > 2 ? parts[2] : "")
                    }
                    try await stream.send(message)
                    count += 1
                }
            } catch let error as RPCError where error.code == .cancelled {
                observations.recordCancelled()
                throw error
            }
            observations.recordFinished()
            return ["x-echo-count": "\(count)"]
        }
        router.registerUnary(unary) { request, _ in request }
        router.registerUnary(metadata) { _, context in
            var fields: [String: String] = ["peer": context.peer, "tls": "\(context.isTLS)"]
            for entry in context.metadata { fields[entry.key] = entry.text }
            if let identity = context.peerIdentity {
                fields["peer_identity"] = identity.spiffeID ?? identity.subject ?? ""
                fields["subject"] = identity.subject ?? ""
                fields["certificate_pem"] = identity.certificatePEM ?? ""
            }
            return Array(try JSONSerialization.data(withJSONObject: fields))
        }
        router.register(slow) { stream in
            var sent = 0
            for try await request in stream.requests {
                let numbers = String(decoding: request, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
                guard numbers.count == 2 else { throw RPCError(code: .invalidArgument, message: "want \"N K\"") }
                for index in 0..<numbers[0] {
                    try await stream.send([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: numbers[1]))
                    sent += 1
                }
            }
            return ["x-sent-count": "\(sent)"]
        }
        return router
    }
}
