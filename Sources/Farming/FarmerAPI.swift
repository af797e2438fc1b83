import Foundation
import Hummingbird
import NIOCore
import PoSpace

/// The HTTP routes (described by `docs/openapi.yaml`):
///
/// - `POST /v1/signage-points`, `POST /v1/qualities`, `POST /v1/proofs`: JSON in, JSON out
/// - `GET /v1/plots`: every plot file and its status
/// - `GET /healthz`: liveness, never blocked by plot lookups, never behind the token
/// - `GET /metrics`: Prometheus text
public enum FarmerAPI {
    public static func router(farmer: Farmer, configuration: FarmerConfiguration) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let metrics = farmer.metrics
        let maxBody = configuration.maxBodyBytes
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MethodNotAllowedMiddleware(allowed: [
            "/v1/signage-points": [.post], "/v1/qualities": [.post], "/v1/proofs": [.post],
            "/v1/plots": [.get], "/healthz": [.get], "/metrics": [.get],
        ]))
        if let token = configuration.bearerToken {
            router.add(middleware: BearerTokenMiddleware(token: token, exempt: ["/healthz"]) { error in
                metrics.errorCounter(error.kind).increment()
            })
        }

        router.post("/v1/signage-points") { request, _ in
            let point = try await decode(SignagePoint.self, from: request, limit: maxBody, metrics: metrics)
            return try JSONResponse.make(await farmer.answer(point))
        }
        router.post("/v1/qualities") { request, _ in
            let body = try await decode(QualitiesRequest.self, from: request, limit: maxBody, metrics: metrics)
            return try JSONResponse.make(await farmer.qualities(for: body.challenge))
        }
        router.post("/v1/proofs") { request, _ in
            let body = try await decode(ProofRequest.self, from: request, limit: maxBody, metrics: metrics)
            do {
                return try JSONResponse.make(try await farmer.proof(plotID: body.plotID, challenge: body.challenge, index: body.index))
            } catch let error as APIError {
                metrics.errorCounter(error.kind).increment()
                throw error
            }
        }
        router.get("/v1/plots") { _, _ in
            try JSONResponse.make(PlotList(plots: farmer.registry.all))
        }
        router.get("/healthz") { _, _ in
            struct Health: Encodable { let status: String; let plots_ok: Int }
            return try JSONResponse.make(Health(status: "ok", plots_ok: farmer.registry.all.count { $0.status == .ok }))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.text())))
        }
        return router
    }

    /// Reads the body up to `limit` bytes and decodes it, turning every failure into a 4xx that names the field.
    private static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int,
                                             metrics: FarmerMetrics) async throws -> T {
        do {
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                throw APIError(.contentTooLarge, field: "body", message: "larger than the \(limit)-byte limit")
            }
            return try RequestFields.decode(type, from: Data(buffer.readableBytesView))
        } catch let error as APIError {
            metrics.errorCounter(error.kind).increment()
            throw error
        }
    }
}

/// `GET /v1/plots`.
struct PlotList: Encodable {
    let plots: [PlotRecord]
}

extension PlotRecord: Encodable {
    enum CodingKeys: String, CodingKey {
        case path, status, error, plotID = "plot_id", k, bytes, formatVersion = "format_version"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encode(plotID?.hex, forKey: .plotID)
        try c.encode(k, forKey: .k)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(formatVersion, forKey: .formatVersion)
    }
}
