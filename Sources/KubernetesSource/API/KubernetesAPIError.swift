/// Why a call to the Kubernetes API failed.
package enum KubernetesAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `410 Gone`: the resource version asked for is too old; list again.
    case gone(path: String, message: String)
    /// Any other non-success HTTP status.
    case status(path: String, code: Int, message: String)
    /// The request did not complete (connection refused, reset, timed out).
    case transport(path: String, reason: String)
    /// The response is not what the API promises.
    case decoding(path: String, reason: String)

    package var description: String {
        switch self {
        case .gone(let path, let message): "\(path): 410 Gone (\(message))"
        case .status(let path, let code, let message): "\(path): HTTP \(code) \(message)"
        case .transport(let path, let reason): "\(path): \(reason)"
        case .decoding(let path, let reason): "\(path): unexpected response: \(reason)"
        }
    }

    /// Whether the watch must start over from a fresh list.
    package var needsRelist: Bool {
        if case .gone = self { return true }
        return false
    }
}
