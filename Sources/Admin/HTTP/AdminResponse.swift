/// One HTTP response from the admin endpoint.
package struct AdminResponse: Sendable {
    /// The status code.
    package var status: Int
    /// The `Content-Type`.
    package var contentType: String
    /// The body.
    package var body: [UInt8]

    /// A response from its parts.
    package init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A `text/plain` response.
    package static func text(_ text: String, status: Int = 200) -> AdminResponse {
        AdminResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// An `application/json` response from already-encoded JSON.
    package static func json(_ bytes: [UInt8], status: Int = 200) -> AdminResponse {
        AdminResponse(status: status, contentType: "application/json", body: bytes)
    }

    /// A JSON error body `{"error": message}`.
    package static func error(_ message: String, status: Int) -> AdminResponse {
        json(JSONText.object(["error": .string(message)]).bytes, status: status)
    }

    /// The reason phrase for `status`.
    var reason: String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}
