import Hummingbird

/// Answers 405 with an `Allow` header for a known path asked with a method it does not take
/// (the router alone would say 404, as if the path did not exist).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods each path takes.
    let allowed: [String: Set<HTTPRequest.Method>]

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if let methods = allowed[request.uri.path], !methods.contains(request.method) {
            var error = APIError(.methodNotAllowed, field: "method",
                                 message: "\(request.uri.path) takes \(methods.map(\.rawValue).sorted().joined(separator: ", "))")
            error.headers[.allow] = methods.map(\.rawValue).sorted().joined(separator: ", ")
            throw error
        }
        return try await next(request, context)
    }
}
