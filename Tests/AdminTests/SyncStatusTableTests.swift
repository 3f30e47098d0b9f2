import Admin
import Testing

@Suite("/debug/syncz rendering")
struct SyncStatusTableTests {
    @Test("a type's state follows the last sent, ACKed and NACKed nonces")
    func states() {
        let synced = ProxySyncStatus.TypeStatus(typeURL: "t", sentVersion: "1", sentNonce: "4", ackedVersion: "1", ackedNonce: "4")
        let stale = ProxySyncStatus.TypeStatus(typeURL: "t", sentVersion: "2", sentNonce: "5", ackedVersion: "1", ackedNonce: "4")
        let nacked = ProxySyncStatus.TypeStatus(
            typeURL: "t", sentVersion: "2", sentNonce: "5", ackedVersion: "1", ackedNonce: "4", nackMessage: "no", nackNonce: "5"
        )
        let none = ProxySyncStatus.TypeStatus(typeURL: "t", sentVersion: "", sentNonce: nil, ackedVersion: "", ackedNonce: nil)
        #expect(synced.state == "SYNCED")
        #expect(stale.state == "STALE")
        #expect(nacked.state == "NACKED")
        #expect(none.state == "NOT SENT")
    }

    @Test("the text table has one row per stream and lists NACK messages")
    func text() {
        let text = SyncStatusTable.text(Sample.rows)
        let lines = text.split(separator: "\n")
        #expect(lines[0].hasPrefix("NAME"))
        #expect(lines[0].contains("CDS") && lines[0].contains("LDS") && lines[0].contains("EDS") && lines[0].contains("RDS"))
        #expect(lines[1].contains(Sample.node) && lines[1].contains("SotW") && lines[1].contains("SYNCED (abc123)"))
        #expect(lines[1].contains("NACKED (def456)"))
        #expect(lines[2].contains("Delta") && lines[2].contains("NOT SENT"))
        #expect(text.contains("Listener NACK (nonce 3): listener rejected: bad filter"))
    }

    @Test("the JSON form carries node id, stream kind and per-type versions")
    func json() {
        let json = SyncStatusTable.json(Sample.rows).text
        #expect(json.contains("\"node_id\": \"\(Sample.node)\""))
        #expect(json.contains("\"stream\": \"SotW\""))
        #expect(json.contains("\"acked_version\": \"abc123\""))
        #expect(json.contains("\"nack_message\": \"listener rejected: bad filter\""))
        #expect(json.contains("\"stream\": \"Delta\""))
    }
}
