/// A debounced batch of config changes: which resources were added, changed or removed, and the
/// snapshot in effect after them.
package struct ConfigChangeBatch: Sendable {
    /// The keys that changed (added, updated or deleted) since the previous batch.
    package let keys: Set<ConfigKey>
    /// The config in effect when the batch was delivered.
    package let snapshot: ConfigSnapshot

    /// A batch from its parts.
    package init(keys: Set<ConfigKey>, snapshot: ConfigSnapshot) {
        self.keys = keys
        self.snapshot = snapshot
    }

    /// The kinds that changed, so consumers can skip rebuilds that do not depend on them.
    package var kinds: Set<ConfigKind> { Set(keys.map(\.kind)) }

    /// Whether any resource of `kind` changed.
    package func contains(_ kind: ConfigKind) -> Bool { keys.contains { $0.kind == kind } }
}

/// How change events are debounced: a batch is delivered once no change arrived for `quietPeriod`,
/// or `maxDelay` after its first change, whichever comes first.
package struct DebounceConfiguration: Sendable, Hashable {
    /// How long the config must be quiet before a batch is delivered.
    package var quietPeriod: Duration
    /// The longest a change waits, however busy the config is.
    package var maxDelay: Duration

    /// A configuration from its parts.
    package init(quietPeriod: Duration, maxDelay: Duration) {
        self.quietPeriod = quietPeriod
        self.maxDelay = maxDelay
    }

    /// 100 ms quiet period, 1 s maximum delay (istiod uses 100 ms / 10 s for pushes).
    package static var defaults: DebounceConfiguration { .init(quietPeriod: .milliseconds(100), maxDelay: .seconds(1)) }

    /// When a batch whose first change came at `first` and latest at `last` is due.
    package func deadline(first: ContinuousClock.Instant, last: ContinuousClock.Instant) -> ContinuousClock.Instant {
        min(last + quietPeriod, first + maxDelay)
    }
}
