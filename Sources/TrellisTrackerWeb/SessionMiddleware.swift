import Hummingbird
import TrellisTracker

/// Finds who is signed in from the session cookie (the session lives in the store) and reads
/// what they may reach; an expired session is ended and the cookie cleared.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let cookieName = "trellis_session"
    let signIn: SignIn

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return try await next(request, context) }
        if let (session, account) = try await signIn.session(token: token) {
            let assignments = try await signIn.store.read { try await $0.assignments(of: account.id) }
            context.visitor = Visitor(account: account, session: session, token: token, assignments: assignments)
            return try await next(request, context)
        }
        var response = try await next(request, context)
        response.setCookie(Self.expired(secure: context.overHTTPS))
        return response
    }

    static func cookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func expired(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
