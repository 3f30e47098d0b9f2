/// Exponential backoff with jitter for reconnecting: `initial`, doubling up to `maximum`, each delay
/// scaled by a random factor in `1 ± jitter`.
package struct Backoff: Sendable, Hashable {
    /// The first delay.
    package var initial: Duration
    /// The longest delay.
    package var maximum: Duration
    /// Growth per attempt.
    package var multiplier: Double
    /// Relative jitter (0.2 = ±20 %).
    package var jitter: Double
    private var attempt = 0

    /// A backoff from its parts.
    package init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30), multiplier: Double = 2, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The next delay; `random` gives a value in 0..<1 (injectable for tests).
    package mutating func next(random: () -> Double = { Double.random(in: 0..<1) }) -> Duration {
        let base = min(seconds(initial) * pow(multiplier, attempt), seconds(maximum))
        attempt += 1
        let factor = 1 + jitter * (2 * random() - 1)
        return .nanoseconds(Int64(max(0, base * factor) * 1e9))
    }

    /// Starts over after a successful connection.
    package mutating func reset() { attempt = 0 }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<min(exponent, 64)).reduce(1.0) { value, _ in value * base }
    }
}
