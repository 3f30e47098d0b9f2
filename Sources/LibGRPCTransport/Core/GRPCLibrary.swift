internal import CLibGRPC
#if canImport(Glibc)
import Glibc
#endif

/// Pairs `grpc_init` with `grpc_shutdown`.
///
/// Core reference-counts initialisation itself; every server and channel calls `acquire()` when it
/// starts and `release()` once every grpc object it created is gone, so the library is shut down
/// exactly when the last user is done with it.
enum GRPCLibrary {
    static func acquire() {
        boundedReads
        grpc_init()
    }

    /// Opts out of gRPC 1.51's default-on `tcp_read_chunks` experiment, once, before the first
    /// `grpc_init` (core reads `GRPC_EXPERIMENTS` on first use; an operator's own setting wins).
    ///
    /// Under that experiment a connection's read buffer follows an estimate of its recent reads that
    /// doubles after one large read and shrinks by 1 % per read, and the buffer's unused space stays
    /// with the idle connection. Envoy's SotW EDS ACK lists every cluster (about 70 KB at 1,400) and
    /// follows every EDS push, so each proxy's connection kept 128–256 KiB and grew with every edit.
    /// Without it, one read allocates at most `GRPCServer.Configuration.maxReadChunkBytes`.
    private static let boundedReads: Void = {
        if getenv("GRPC_EXPERIMENTS") == nil { setenv("GRPC_EXPERIMENTS", "-tcp_read_chunks", 0) }
    }()

    /// Must be the last core call of its user. `grpc_shutdown` does not block: core finishes its own
    /// background cleanup after the last reference goes.
    static func release() {
        grpc_shutdown()
    }
}
