import Hummingbird

/// Requires `Authorization: Bearer TOKEN` on every path but the exempt ones (`/healthz`, so a
/// supervisor can probe without the secret).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    let exempt: Set<String>
    let refused: @Sendable (APIError) -> Void

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !exempt.contains(request.uri.path) else { return try await next(request, context) }
        let given = request.headers[.authorization] ?? ""
        guard Self.equalInConstantTime(given, "Bearer " + token) else {
            var error = APIError(.unauthorized, field: "Authorization",
                                 message: given.isEmpty ? "required: Bearer token" : "wrong bearer token")
            error.headers[.wwwAuthenticate] = "Bearer"
            refused(error)
            throw error
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0 && x.count == y.count
    }
}
