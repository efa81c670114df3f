import Hummingbird
import TrellisTracker

/// Refuses (403) every state-changing request that does not carry the form token: the signed-in
/// session's own, or, for the sign-in and set-password forms, the token of the `trellis_form`
/// cookie the form was served with (a double-submit token). Deny by default: a route cannot
/// forget the check, because the check is not in the routes.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let fieldName = "_csrf"
    static let formCookieName = "trellis_form"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        var context = context
        let form = try await request.form(context)
        context.form = form
        let expected = context.visitor?.session.csrfToken ?? request.cookies[Self.formCookieName]?.value
        guard let expected, !expected.isEmpty, let sent = form.raw(Self.fieldName), SecretToken.equal(sent, expected) else {
            throw HTTPError(.forbidden, message: "This form has expired or did not come from this site. Go back, reload the page and send it again.")
        }
        return try await next(request, context)
    }

    /// A fresh token for a form shown before sign-in, and the cookie that carries it.
    static func formCookie(secure: Bool) -> (token: String, cookie: Cookie) {
        let token = SecretToken.make()
        return (token, Cookie(name: formCookieName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
    }
}
