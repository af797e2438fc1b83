import Hummingbird

/// A request the farmer refuses: the HTTP status, the field at fault, and what it must hold.
/// The body is `{"error": {"field": …, "message": …}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// The request field at fault (`sp_hash`, `body`, `Authorization`, …).
    public let field: String
    public let message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status = .badRequest, field: String, message: String) {
        self.status = status
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }

    /// The metric label for this refusal.
    var kind: String {
        switch status {
        case .unauthorized: "unauthorized"
        case .contentTooLarge: "body_too_large"
        case .notFound: "not_found"
        default: "bad_request"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(ErrorBody(error: .init(field: field, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// `{"error": {"field": …, "message": …}}`.
private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let field: String
        let message: String
    }

    let error: Detail
}
