package import EnvoyAPI
internal import SwiftProtobuf

/// Percentages as Envoy's fractions, as istiod converts them (`translatePercentToFractionalPercent`,
/// `translateIntegerToFractionalPercent`), shared by the plugins.
package enum Percentages {
    /// An Istio `Percent` (a double, 0–100, clamped) as a fraction of a million, so 0.0001 % steps
    /// survive: 12.5 → 125000/MILLION.
    package static func million(_ percent: Double) -> Envoy_Type_V3_FractionalPercent {
        var fraction = Envoy_Type_V3_FractionalPercent()
        fraction.numerator = UInt32((min(max(percent, 0), 100) * 10_000).rounded())
        fraction.denominator = .million
        return fraction
    }

    /// A deprecated integer percentage as a fraction of a hundred.
    package static func hundred(_ percent: UInt32) -> Envoy_Type_V3_FractionalPercent {
        var fraction = Envoy_Type_V3_FractionalPercent()
        fraction.numerator = min(percent, 100)
        fraction.denominator = .hundred
        return fraction
    }

    /// `percent` as a runtime fraction over a million (see ``million(_:)``).
    package static func runtimeFraction(_ percent: Double) -> Envoy_Config_Core_V3_RuntimeFractionalPercent {
        var fraction = Envoy_Config_Core_V3_RuntimeFractionalPercent()
        fraction.defaultValue = million(percent)
        return fraction
    }
}
