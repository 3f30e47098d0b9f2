/// An opaque core handle (`grpc_server*`, `grpc_channel*`) that may cross isolation domains.
///
/// @unchecked Sendable: core's server and channel APIs are thread-safe; what makes each use safe
/// is the owner's state machine, which only hands the pointer out while the object is alive.
struct CorePointer: @unchecked Sendable {
    let raw: OpaquePointer
}
