internal import Mesh
import Synchronization

/// The objects that do not decode, per resource, passed on whole on every change.
final class ProblemBoard: Sendable {
    private let problems = Mutex<[APIResource: [ValidationError]]>([:])
    private let report: @Sendable ([ValidationError]) -> Void

    init(report: @escaping @Sendable ([ValidationError]) -> Void) {
        self.report = report
    }

    func set(_ errors: [ValidationError], for resource: APIResource) {
        let all = problems.withLock { problems -> [ValidationError]? in
            if problems[resource, default: []] == errors { return nil }
            problems[resource] = errors
            return problems.keys.sorted { $0.description < $1.description }.flatMap { problems[$0]! }
        }
        if let all { report(all) }
    }
}
