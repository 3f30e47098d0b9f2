/// Routes admin requests by exact path to handlers. Handlers are synchronous and quick: they read
/// copies of state and encode them.
package struct AdminRouter: Sendable {
    /// A handler: request in, response out.
    package typealias Handler = @Sendable (AdminRequest) -> AdminResponse

    private struct Route: Sendable {
        var summary: String
        var handler: Handler
    }

    private var routes: [String: Route] = [:]

    /// An empty router (`/` lists the routes).
    package init() {}

    /// Registers `handler` for GET (and HEAD) on `path`, replacing any earlier one.
    package mutating func get(_ path: String, summary: String, _ handler: @escaping Handler) {
        routes[path] = Route(summary: summary, handler: handler)
    }

    /// The registered paths, sorted.
    package var paths: [String] { routes.keys.sorted() }

    /// Answers `request`: 404 for unknown paths, 405 for methods other than GET and HEAD, an index at `/`.
    package func respond(to request: AdminRequest) -> AdminResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .error("method \(request.method) not allowed", status: 405)
        }
        if let route = routes[request.path] {
            return route.handler(request)
        }
        if request.path == "/" {
            let lines = routes.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value.summary)" }
            return .text("Aeraki admin endpoint\n\n" + lines.joined(separator: "\n") + "\n")
        }
        return .error("no such path: \(request.path)", status: 404)
    }
}
