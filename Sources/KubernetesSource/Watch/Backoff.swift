/// Exponential backoff between failed attempts: `initial`, doubling up to `maximum`, each delay
/// jittered down by up to `jitter` of itself so replicas do not retry in step.
package struct Backoff: Sendable {
    /// The first delay.
    package var initial: Duration
    /// The longest delay.
    package var maximum: Duration
    /// The share of each delay that is random, 0...1.
    package var jitter: Double
    private var failures = 0

    /// A backoff from its parts.
    package init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before the next attempt, counting this failure.
    package mutating func next() -> Duration {
        let exponent = min(failures, 30)
        failures += 1
        var delay = initial * (1 << exponent)
        if delay > maximum { delay = maximum }
        guard jitter > 0 else { return delay }
        return delay * (1 - Double.random(in: 0...jitter))
    }

    /// An attempt succeeded: start from `initial` again.
    package mutating func reset() {
        failures = 0
    }
}
