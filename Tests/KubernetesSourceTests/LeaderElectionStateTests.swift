import Foundation
import KubernetesSource
import Testing

@Suite("LeaderElectionState: who holds the status Lease")
struct LeaderElectionStateTests {
    static let start = ContinuousClock.now
    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }
    static let wall = Date(timeIntervalSince1970: 1_700_000_000)

    static func replica(_ name: String) -> LeaderElectionState {
        LeaderElectionState(identity: name, leaseDuration: .seconds(15), renewDeadline: .seconds(10))
    }

    /// `state` reads `lease` at `t` and, when it decides to write, the write succeeds (as version `rv`).
    static func round(_ state: inout LeaderElectionState, _ lease: LeaseRecord?, t: Double, rv: String) -> LeaseRecord? {
        switch state.decide(lease, now: at(t), wallClock: wall + t) {
        case .follow: return lease
        case .create(var record), .update(var record):
            record.resourceVersion = rv
            state.wrote(record, now: at(t))
            return record
        }
    }

    @Test("the first replica creates the Lease and leads; the second follows while it is renewed")
    func oneLeader() throws {
        var a = Self.replica("a")
        var b = Self.replica("b")
        guard case .create(let created) = a.decide(nil, now: Self.at(0), wallClock: Self.wall) else { Issue.record("expected create"); return }
        #expect(created.holder == "a" && created.durationSeconds == 15 && created.transitions == 0)
        var lease = try #require(Self.round(&a, nil, t: 0, rv: "1"))
        #expect(a.isLeader(at: Self.at(1)))
        for t in stride(from: 2.0, through: 40.0, by: 2.0) {
            lease = try #require(Self.round(&b, lease, t: t, rv: "\(Int(t))"))
            #expect(!b.isLeader(at: Self.at(t)))
            lease = try #require(Self.round(&a, lease, t: t + 1, rv: "\(Int(t))r"))
            #expect(a.isLeader(at: Self.at(t + 1)))
        }
        #expect(lease.holder == "a" && lease.transitions == 0)
    }

    @Test("when the leader stops renewing, it stops leading at the renew deadline and the other takes over after the lease duration")
    func takeover() throws {
        var a = Self.replica("a")
        var b = Self.replica("b")
        let lease = try #require(Self.round(&a, nil, t: 0, rv: "1"))
        // b first sees the lease at t=1; a never renews again.
        #expect(b.decide(lease, now: Self.at(1), wallClock: Self.wall) == .follow(holder: "a"))
        #expect(a.isLeader(at: Self.at(9.9)))
        #expect(!a.isLeader(at: Self.at(10)))
        #expect(b.decide(lease, now: Self.at(15.9), wallClock: Self.wall) == .follow(holder: "a"))
        guard case .update(let taken) = b.decide(lease, now: Self.at(16), wallClock: Self.wall + 16) else { Issue.record("expected update"); return }
        #expect(taken.holder == "b" && taken.transitions == 1 && taken.resourceVersion == "1")
        #expect(taken.acquireTime == Self.wall + 16)
        b.wrote(taken, now: Self.at(16))
        #expect(b.isLeader(at: Self.at(16)))
        // a comes back, reads the new holder, and follows.
        #expect(a.decide(taken, now: Self.at(17), wallClock: Self.wall) == .follow(holder: "b"))
        #expect(!a.isLeader(at: Self.at(17)))
    }

    @Test("a released lease (no holder) is taken at once; a leader's own renewal keeps acquire time and transitions")
    func releasedAndRenewed() throws {
        var a = Self.replica("a")
        let released = LeaseRecord(holder: "", durationSeconds: 15, acquireTime: Self.wall, renewTime: Self.wall, transitions: 3, resourceVersion: "7")
        guard case .update(let taken) = a.decide(released, now: Self.at(0), wallClock: Self.wall + 1) else { Issue.record("expected update"); return }
        #expect(taken.holder == "a" && taken.transitions == 4)
        a.wrote(taken, now: Self.at(0))
        guard case .update(let renewed) = a.decide(taken, now: Self.at(2), wallClock: Self.wall + 3) else { Issue.record("expected update"); return }
        #expect(renewed.transitions == 4 && renewed.acquireTime == Self.wall + 1 && renewed.renewTime == Self.wall + 3)
    }

    @Test("releasing gives the lease up (no holder, one second) and stops leading; a follower has nothing to release")
    func release() throws {
        var a = Self.replica("a")
        var b = Self.replica("b")
        let lease = try #require(Self.round(&a, nil, t: 0, rv: "1"))
        _ = b.decide(lease, now: Self.at(1), wallClock: Self.wall)
        let follower = b.release(wallClock: Self.wall)
        #expect(follower == nil)
        let release = a.release(wallClock: Self.wall + 5)
        let released = try #require(release)
        #expect(released.holder == "" && released.durationSeconds == 1 && released.resourceVersion == "1" && released.transitions == 0)
        #expect(!a.isLeader(at: Self.at(2)))
        guard case .update(let taken) = b.decide(released, now: Self.at(6), wallClock: Self.wall + 6) else { Issue.record("expected update"); return }
        #expect(taken.holder == "b" && taken.transitions == 1)
    }
}
