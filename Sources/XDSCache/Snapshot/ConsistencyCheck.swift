/// Checks that a snapshot's EDS and RDS sets match what its clusters and listeners refer to.
///
/// Problems are reported, never enforced: a control plane warns and keeps serving.
package enum ConsistencyCheck {
    /// One mismatch between references and resources.
    package struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The type URL whose set does not match.
        package var typeURL: String
        /// Names referred to but missing from the set.
        package var missing: [String]
        /// Names in the set that nothing refers to.
        package var unreferenced: [String]

        package var description: String {
            "\(typeURL): missing \(missing), unreferenced \(unreferenced)"
        }
    }

    /// The mismatches in `snapshot`; empty when it is consistent.
    package static func problems(in snapshot: Snapshot) -> [Problem] {
        var problems: [Problem] = []
        let edsRefs = Set(snapshot.resources(TypeURL.cluster).items.values.compactMap(\.edsServiceName))
        if let problem = compare(TypeURL.endpoint, refs: edsRefs, in: snapshot) { problems.append(problem) }
        let rdsRefs = Set(snapshot.resources(TypeURL.listener).items.values.flatMap(\.routeReferences))
        if let problem = compare(TypeURL.route, refs: rdsRefs, in: snapshot) { problems.append(problem) }
        return problems
    }

    private static func compare(_ typeURL: String, refs: Set<String>, in snapshot: Snapshot) -> Problem? {
        let have = Set(snapshot.resources(typeURL).items.keys)
        guard have != refs else { return nil }
        return Problem(
            typeURL: typeURL,
            missing: refs.subtracting(have).sorted(),
            unreferenced: have.subtracting(refs).sorted()
        )
    }
}
