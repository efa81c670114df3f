import Hummingbird
import TrellisTracker

/// Who may reach which trainee's records: assignments are the authority. Deny by default:
/// anything not granted here is refused.
extension Visitor {
    func mayReach(_ trainee: Trainee) -> Bool {
        switch account.role {
        case .admin: false
        case .coordinator: assignments.contains { $0.scope == .allSites || (trainee.site != nil && $0.scope == .site(trainee.site!)) }
        case .supervisor, .coach: assignments.contains { $0.scope == .trainee(trainee.id) }
        case .trainee: account.traineeID == trainee.id
        }
    }

    /// Refuses (404, as for a page that is not there) a visitor whose role is not one of `roles`.
    func require(_ roles: Account.Role...) throws {
        guard roles.contains(account.role) else { throw notFound() }
    }
}

extension WebRequestContext {
    /// The signed-in visitor; a request without one is sent to sign in (see `SignInRequired`).
    func signedIn() throws -> Visitor {
        guard let visitor else { throw SignInRequired() }
        return visitor
    }
}

/// Thrown by a page that needs a signed-in visitor; `SignInRedirectMiddleware` answers it.
struct SignInRequired: Error {}

/// Sends a visitor who is not signed in to the sign-in page (a GET) or refuses the request.
struct SignInRedirectMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is SignInRequired {
            guard request.method == .get else { throw HTTPError(.forbidden, message: "Sign in first.") }
            return redirect(to: "/sign-in")
        }
    }
}
