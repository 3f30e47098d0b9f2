internal import CLibGRPC

/// An encoded message held in memory that core can send without copying, any number of times and
/// to any number of calls.
///
/// Building a payload copies the bytes once into a reference-counted core slice; each send then
/// only takes a reference. Use it when the same bytes go to many streams (an xDS response pushed
/// to every proxy of a kind) or are sent repeatedly.
public final class Payload: Sendable {
    // A grpc_slice is a small value type; its refcounted storage is thread-safe and immutable.
    private nonisolated(unsafe) let slice: grpc_slice

    /// The number of bytes.
    public let count: Int

    /// A payload holding a copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        slice = bytes.withUnsafeBytes { CLibGRPC_slice_from_bytes($0.baseAddress, $0.count) }
        count = bytes.count
    }

    deinit {
        withUnsafePointer(to: slice) { CLibGRPC_slice_unref($0) }
    }

    /// Adds a SEND_MESSAGE of this payload to a batch; the batch takes its own reference.
    func addSend(to batch: UnsafeMutablePointer<CLibGRPC_batch>) {
        withUnsafePointer(to: slice) { CLibGRPC_batch_add_send_slice(batch, $0) }
    }
}
