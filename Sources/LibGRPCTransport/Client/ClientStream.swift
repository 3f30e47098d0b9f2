internal import CLibGRPC
import Synchronization

/// The client side of one RPC, valid inside `GRPCChannel.withStream`'s closure.
///
/// Requests go out with `send`, one at a time (callers wait their turn: backpressure); responses
/// come in with `receive()` or the `responses` sequence. The RPC ends with a status: `receive()`
/// returns nil after an OK status and throws `RPCError` for any other.
public final class ClientStream: Sendable {
    private let handle: CallHandle
    private let status: StatusPromise
    private let sendLane = SendLane()
    private let receiveState = Mutex(ReceiveState())

    private struct ReceiveState {
        var initialMetadataRequested = false
        var initialMetadata: Metadata?
    }

    init(handle: CallHandle, status: StatusPromise) {
        self.handle = handle
        self.status = status
    }

    /// Sends one request message.
    /// - Throws: `RPCError` carrying the RPC's final status when the RPC has already ended.
    public func send(_ message: [UInt8]) async throws {
        let delivered = await sendLane.withTurn {
            await withTaskCancellationHandler {
                await handle.run { batch in
                    message.withUnsafeBytes { CLibGRPC_batch_add_send_message(batch, $0.baseAddress, $0.count) }
                }
            } onCancel: {
                handle.cancel()
            }?.success ?? false
        }
        if !delivered { throw endedError() }
    }

    /// Half-closes: tells the server no more requests will come.
    public func finishSending() async throws {
        let delivered = await sendLane.withTurn {
            await handle.run { CLibGRPC_batch_add_send_close_from_client($0) }?.success ?? false
        }
        if !delivered { throw endedError() }
    }

    /// Receives the next response; nil when the server ended the RPC with OK.
    /// - Throws: `RPCError` with the RPC's status when it ended otherwise.
    public func receive() async throws -> [UInt8]? {
        let wantsHeaders = receiveState.withLock { state -> Bool in
            defer { state.initialMetadataRequested = true }
            return !state.initialMetadataRequested
        }
        let tag = await withTaskCancellationHandler {
            await handle.run { batch in
                if wantsHeaders { CLibGRPC_batch_add_recv_initial_metadata(batch) }
                CLibGRPC_batch_add_recv_message(batch)
            }
        } onCancel: {
            handle.cancel()
        }
        if let tag, tag.success, wantsHeaders {
            let headers = tag.receivedInitialMetadata
            receiveState.withLock { $0.initialMetadata = headers }
        }
        if let tag, tag.success, let message = tag.receivedMessage { return message }
        let (final, trailing) = await status.value()
        guard final.code == .ok else { throw RPCError(status: final, metadata: trailing) }
        return nil
    }

    /// The responses, until the RPC ends; throws `RPCError` when it ends with a non-OK status.
    public var responses: Responses { Responses(stream: self) }

    /// The initial metadata the server sent, once the first response (or the end) was received.
    public var initialMetadata: Metadata? { receiveState.withLock { $0.initialMetadata } }

    /// Waits for the RPC's status and trailing metadata.
    public func finalStatus() async -> (status: Status, trailingMetadata: Metadata) {
        await status.value()
    }

    /// Cancels the RPC; pending and later operations fail with `CANCELLED`.
    public func cancel() {
        handle.cancel()
    }

    /// The error for a send on an RPC that has ended. Core delivers the status only once every
    /// response has been read, so this must not wait for it: it reports the status when it is
    /// already known, and otherwise says that `receive()` will.
    private func endedError() -> RPCError {
        guard let (final, trailing) = status.current else {
            return RPCError(code: .cancelled, message: "the RPC ended before this message was sent; receive() reports its status")
        }
        if final.code == .ok {
            return RPCError(code: .failedPrecondition, message: "the RPC already ended with OK", metadata: trailing)
        }
        return RPCError(status: final, metadata: trailing)
    }

    /// The responses of a client stream.
    public struct Responses: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        fileprivate let stream: ClientStream

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(stream: stream)
        }

        /// Receives one response per `next()`.
        public struct AsyncIterator: AsyncIteratorProtocol {
            fileprivate let stream: ClientStream

            public mutating func next() async throws -> [UInt8]? {
                try await stream.receive()
            }
        }
    }
}
