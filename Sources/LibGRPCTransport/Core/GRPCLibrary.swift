internal import CLibGRPC

/// Pairs `grpc_init` with `grpc_shutdown`.
///
/// Core reference-counts initialisation itself; every server and channel calls `acquire()` when it
/// starts and `release()` once every grpc object it created is gone, so the library is shut down
/// exactly when the last user is done with it.
enum GRPCLibrary {
    static func acquire() {
        grpc_init()
    }

    /// Must be the last core call of its user. `grpc_shutdown` does not block: core finishes its own
    /// background cleanup after the last reference goes.
    static func release() {
        grpc_shutdown()
    }
}
