public import EnvoyAPI

/// Percentages (0–100, fractional) as Envoy's fractions, shared by the plugins.
public enum Percentages {
    /// `percent` (clamped to 0–100) as a runtime fraction over a million, so 0.0001 % steps survive.
    public static func runtimeFraction(_ percent: Double) -> Envoy_Config_Core_V3_RuntimeFractionalPercent {
        var fraction = Envoy_Config_Core_V3_RuntimeFractionalPercent()
        fraction.defaultValue.numerator = UInt32((min(max(percent, 0), 100) * 10_000).rounded())
        fraction.defaultValue.denominator = .million
        return fraction
    }
}
