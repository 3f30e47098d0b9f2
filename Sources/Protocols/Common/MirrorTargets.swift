package import EnvoyAPI
package import MeshAPI
internal import SwiftProtobuf

/// The mirror destinations of a VirtualService HTTP route, as istiod reads them: the legacy
/// `mirror` with `mirrorPercentage` (a fraction of a million), the deprecated `mirrorPercent` (of a
/// hundred), or 100 % when neither is given (an explicit 0 means no mirror); then every `mirrors[]`
/// entry with its own percentage.
package enum MirrorTargets {
    /// One mirror: where, and how much of the traffic.
    package struct Target: Sendable {
        /// The destination.
        package var destination: Istio_Networking_V1alpha3_Destination
        /// The share of requests mirrored.
        package var fraction: Envoy_Type_V3_FractionalPercent
    }

    /// The mirrors of `http`, in order.
    package static func of(_ http: Istio_Networking_V1alpha3_HTTPRoute) -> [Target] {
        var targets: [Target] = []
        if http.hasMirror {
            let fraction: Envoy_Type_V3_FractionalPercent
            if http.hasMirrorPercentage {
                fraction = Percentages.million(http.mirrorPercentage.value)
            } else if http.hasMirrorPercent {
                fraction = Percentages.hundred(http.mirrorPercent.value)
            } else {
                fraction = Percentages.hundred(100)
            }
            if fraction.numerator > 0 { targets.append(Target(destination: http.mirror, fraction: fraction)) }
        }
        for mirror in http.mirrors {
            let fraction = mirror.hasPercentage ? Percentages.million(mirror.percentage.value) : Percentages.hundred(100)
            targets.append(Target(destination: mirror.destination, fraction: fraction))
        }
        return targets
    }
}
