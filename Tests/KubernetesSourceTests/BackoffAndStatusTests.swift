import KubernetesSource
import Mesh
import Testing

@Suite("Backoff and status conditions")
struct BackoffAndStatusTests {
    @Test("backoff doubles up to its maximum and starts over after a success")
    func backoff() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(350), jitter: 0)
        #expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()] == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
        var jittered = Backoff(initial: .seconds(1), maximum: .seconds(1), jitter: 0.5)
        let delay = jittered.next()
        #expect(delay <= .seconds(1) && delay >= .milliseconds(500))
    }

    @Test("a rejected condition lists every problem with its field")
    func rejected() {
        let key = ConfigKey(kind: .metaRouter, namespace: "demo", name: "r")
        let condition = StatusCondition.rejected([
            ValidationError(source: "k8s", key: key, field: "spec.hosts", reason: "exactly one host is required"),
            ValidationError(source: "k8s", key: key, field: "", reason: "at least one of routes is required"),
        ], generation: 3)
        #expect(!condition.status)
        #expect(condition.reason == "Rejected")
        #expect(condition.message == "spec.hosts: exactly one host is required\nat least one of routes is required")
        #expect(condition.observedGeneration == 3)
        #expect(StatusCondition.accepted(generation: 3) == StatusCondition(status: true, reason: "Accepted", message: "", observedGeneration: 3))
    }
}
