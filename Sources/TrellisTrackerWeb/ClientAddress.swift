import Hummingbird
import HTTPTypes
import NIOCore

/// Where a request came from and whether over HTTPS. The `X-Forwarded-For` and
/// `X-Forwarded-Proto` headers are believed only with `--trust-proxy`, since any client can
/// send them.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let trustProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = context.remoteAddress?.ipAddress ?? "-"
        if trustProxy {
            if let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces),
               !forwarded.isEmpty {
                context.clientAddress = String(forwarded.prefix(64))
            }
            context.overHTTPS = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        } else {
            context.overHTTPS = request.uri.scheme == .https
        }
        return try await next(request, context)
    }
}
