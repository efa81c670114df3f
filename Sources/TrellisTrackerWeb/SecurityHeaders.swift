import HTTPTypes
import Hummingbird

/// The headers every response carries (OWASP ASVS 5.0, V3.4): nothing loads from elsewhere, no
/// page is framed, no address leaks in a referrer, and no page with personal data is cached,
/// by the browser or by a proxy. Only the stylesheet may be cached.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        if context.overHTTPS { response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000" }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
