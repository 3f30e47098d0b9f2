import XDSCache

/// Which response last carried each name a client holds, kept compact for CSDS: one response most
/// held names were last sent in (the baseline), plus the few names sent since. Past ``limit`` such
/// names the latest response becomes the baseline (their nonces then read as that response's).
///
/// Shared by the SotW and delta state machines, which know what the client holds; this only says
/// when it was sent.
struct SentRecords: Sendable {
    private struct Record: Sendable {
        var nonce: UInt64
        var responseVersion: String
        var time: Double
    }

    private var baseline: Record?
    private var since: [String: Record] = [:]
    private static let limit = 256

    /// Records a response with `nonce` for the set with version `responseVersion` that carried
    /// `names`; `carriesAllHeld` when it carried every name the client holds.
    mutating func record(
        _ names: some Sequence<String>, carriesAllHeld: Bool, nonce: UInt64, responseVersion: String, time: Double
    ) {
        let record = Record(nonce: nonce, responseVersion: responseVersion, time: time)
        guard !carriesAllHeld, baseline != nil else {
            baseline = record
            since.removeAll()
            return
        }
        for name in names { since[name] = record }
        if since.count > Self.limit {
            baseline = record
            since.removeAll()
        }
    }

    /// Forgets what was recorded for `name` alone (the client no longer holds it).
    mutating func forget(_ name: String) {
        since[name] = nil
    }

    /// What was sent of `resource`, held by the client at its version; nil before any response.
    func entry(for resource: PreparedResource) -> SentEntry? {
        guard let record = since[resource.name] ?? baseline else { return nil }
        return SentEntry(version: resource.version, responseVersion: record.responseVersion, nonce: record.nonce, time: record.time)
    }
}
