internal import CLibGRPC
import Synchronization

/// The server side of one accepted call: its receive and send lanes, and the task structure that
/// runs a handler and ends the call.
final class ServerCall: Sendable {
    let method: String
    let requestMetadata: Metadata
    private let handle: CallHandle
    private let sendLane = SendLane()
    private let headers = Mutex(HeaderState.pending([:]))

    private enum HeaderState {
        case pending(Metadata)
        case sent
    }

    init(handle: CallHandle, method: String, requestMetadata: Metadata) {
        self.handle = handle
        self.method = method
        self.requestMetadata = requestMetadata
    }

    // MARK: Serving

    /// Runs `handler` (or answers UNIMPLEMENTED) and ends the call: with the handler's status when
    /// it finishes first, or by cancelling the handler when the peer goes away first.
    func serve(router: Router) async {
        defer { handle.release() }
        guard let handler = router.handler(for: method) else {
            _ = await sendStatus(Status(code: .unimplemented, message: "method \(method) is not implemented"), [:])
            _ = await awaitClose()
            return
        }
        let stream = ServerStream(context: makeContext(), call: self)
        await withTaskGroup(of: Event.self) { group in
            group.addTask { .peerClosed(cancelled: await self.awaitClose()) }
            group.addTask { await Self.outcome(of: handler, on: stream) }
            switch await group.next() {
            case .handlerFinished(let status, let trailing):
                _ = await sendStatus(status, trailing)
                _ = await group.next()
            case .peerClosed(cancelled: true):
                group.cancelAll()
                _ = await group.next()
            case .peerClosed(cancelled: false):
                if case .handlerFinished(let status, let trailing) = await group.next() {
                    _ = await sendStatus(status, trailing)
                }
            case nil:
                preconditionFailure("the call's task group ended early")
            }
        }
    }

    private enum Event: Sendable {
        case peerClosed(cancelled: Bool)
        case handlerFinished(Status, Metadata)
    }

    private static func outcome(of handler: Router.StreamHandler, on stream: ServerStream) async -> Event {
        do {
            return .handlerFinished(.ok, try await handler(stream))
        } catch let error as RPCError {
            return .handlerFinished(error.status, error.metadata)
        } catch is CancellationError {
            return .handlerFinished(Status(code: .cancelled, message: "the handler was cancelled"), [:])
        } catch {
            return .handlerFinished(Status(code: .unknown, message: "\(error)"), [:])
        }
    }

    /// Waits for RECV_CLOSE_ON_SERVER; true when the call ended without our status (peer cancel,
    /// deadline, network failure).
    private func awaitClose() async -> Bool {
        guard let tag = await handle.run({ CLibGRPC_batch_add_recv_close_on_server($0) }) else { return true }
        return !tag.success || tag.wasCancelled
    }

    // MARK: Lanes

    /// Receives the next request; nil when the client half-closed.
    func receive() async throws -> [UInt8]? {
        let tag = await withTaskCancellationHandler {
            await handle.run { CLibGRPC_batch_add_recv_message($0) }
        } onCancel: {
            handle.cancel()
        }
        guard let tag, tag.success else {
            throw RPCError(code: .cancelled, message: "the call ended while receiving")
        }
        if let message = tag.receivedMessage { return message }
        // No message: either the client half-closed, or the call failed (core reports both as a
        // successful receive of nothing).
        if handle.withCall({ grpc_call_failed_before_recv_message($0) != 0 }) ?? true {
            throw RPCError(code: .cancelled, message: "the call ended while receiving")
        }
        return nil
    }

    func setInitialMetadata(_ metadata: Metadata) {
        headers.withLock { state in
            if case .pending = state { state = .pending(metadata) }
        }
    }

    func send(_ message: [UInt8]) async throws {
        try await send { batch in
            message.withUnsafeBytes { CLibGRPC_batch_add_send_message(batch, $0.baseAddress, $0.count) }
        }
    }

    func send(_ payload: Payload) async throws {
        try await send { payload.addSend(to: $0) }
    }

    private func send(_ addMessage: (UnsafeMutablePointer<CLibGRPC_batch>) -> Void) async throws {
        let delivered = await sendLane.withTurn {
            let pendingHeaders = takePendingHeaders()
            let tag = await withTaskCancellationHandler {
                await handle.run { batch in
                    if let pendingHeaders { Self.addInitialMetadata(pendingHeaders, to: batch) }
                    addMessage(batch)
                }
            } onCancel: {
                handle.cancel()
            }
            return tag?.success ?? false
        }
        guard delivered else {
            throw RPCError(code: .cancelled, message: "the call ended while sending")
        }
    }

    private func sendStatus(_ status: Status, _ trailing: Metadata) async -> Bool {
        await sendLane.withTurn {
            let pendingHeaders = takePendingHeaders()
            let tag = await handle.run { batch in
                if let pendingHeaders { Self.addInitialMetadata(pendingHeaders, to: batch) }
                trailing.withCArrays { keys, values, lengths, count in
                    CLibGRPC_batch_add_send_status_from_server(
                        batch, grpc_status_code(rawValue: Int32(status.code.rawValue)), status.message,
                        keys, values, lengths, count
                    )
                }
            }
            return tag?.success ?? false
        }
    }

    private func takePendingHeaders() -> Metadata? {
        headers.withLock { state in
            guard case .pending(let metadata) = state else { return nil }
            state = .sent
            return metadata
        }
    }

    private static func addInitialMetadata(_ metadata: Metadata, to batch: UnsafeMutablePointer<CLibGRPC_batch>) {
        metadata.withCArrays { keys, values, lengths, count in
            CLibGRPC_batch_add_send_initial_metadata(batch, keys, values, lengths, count)
        }
    }

    // MARK: Context

    private func makeContext() -> ServerContext {
        let (peer, properties) = handle.withCall { call in (Self.peer(of: call), Self.authProperties(of: call)) } ?? ("", [])
        return ServerContext(
            method: method, metadata: requestMetadata, peer: peer,
            isTLS: properties.contains { $0.0 == "transport_security_type" && $0.1 == "ssl" },
            peerIdentity: PeerIdentity(authProperties: properties)
        )
    }

    private static func peer(of call: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        CLibGRPC_call_peer(call, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The call's auth context properties (`transport_security_type`, `x509_pem_cert`, ...).
    private static func authProperties(of call: OpaquePointer) -> [(String, String)] {
        final class Collected {
            var properties: [(String, String)] = []
        }
        let collected = Collected()
        withExtendedLifetime(collected) {
            CLibGRPC_call_auth_properties(call, Unmanaged.passUnretained(collected).toOpaque()) {
                context, name, value, length in
                guard let context, let name, let value else { return }
                let bytes = UnsafeRawBufferPointer(start: value, count: length)
                Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue().properties.append(
                    (String(cString: name), String(decoding: bytes, as: UTF8.self))
                )
            }
        }
        return collected.properties
    }
}

extension PeerIdentity {
    /// The identity in a call's auth properties; nil without a verified client certificate.
    init?(authProperties: [(String, String)]) {
        func values(_ name: String) -> [String] { authProperties.filter { $0.0 == name }.map(\.1) }
        let subject = values("x509_subject").first
        var sans = values("x509_subject_alternative_name")
        if sans.isEmpty {
            sans = ["peer_uri", "peer_dns", "peer_ip", "peer_email"].flatMap(values)
        }
        let pem = values("x509_pem_cert").first
        guard subject != nil || !sans.isEmpty || pem != nil else { return nil }
        self.init(
            subject: subject, commonName: values("x509_common_name").first, subjectAlternativeNames: sans,
            certificatePEM: pem
        )
    }
}
