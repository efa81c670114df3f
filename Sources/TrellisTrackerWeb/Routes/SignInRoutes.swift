import Hummingbird
import TrellisTracker

/// Signing in and out, setting a password from a one-time link, the home page and the stylesheet.
extension TrackerWebApp {
    func addSignInRoutes(_ router: Router<WebRequestContext>) {
        router.get("/") { _, context in
            let visitor = try context.signedIn()
            return switch visitor.account.role {
            case .admin: redirect(to: "/admin/accounts")
            case .coordinator, .coach: redirect(to: "/trainees")
            case .supervisor: redirect(to: "/sign-offs")
            case .trainee: redirect(to: "/me")
            }
        }

        router.get("/static/tracker.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(bytes: pages.stylesheet)))
        }

        router.get("/sign-in") { _, context in
            if context.visitor != nil { return redirect(to: "/") }
            return signInPage(context, status: .ok, error: nil)
        }

        router.post("/sign-in") { request, context in
            var request = request
            let form = try await request.form(context)
            let outcome = try await signIn.signIn(login: form["login"] ?? "", password: form.raw("password") ?? "", address: context.clientAddress)
            switch outcome {
            case .signedIn(_, _, let token):
                var response = redirect(to: "/")
                response.setCookie(SessionMiddleware.cookie(token, secure: context.overHTTPS))
                return response
            case .refused:
                return signInPage(context, status: .unauthorized, error: "The login or the password is not right. Check both and try again.", login: form["login"])
            case .throttled:
                return signInPage(context, status: .tooManyRequests,
                                  error: "Too many tries. Wait 15 minutes and try again, or ask your administrator to reset your password.", login: form["login"])
            }
        }

        router.post("/sign-out") { _, context in
            if let visitor = context.visitor { try await signIn.signOut(token: visitor.token, address: context.clientAddress) }
            var response = redirect(to: "/sign-in")
            response.setCookie(SessionMiddleware.expired(secure: context.overHTTPS))
            return response
        }

        router.get("/password") { request, context in
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            guard let (_, account) = try await signIn.passwordLink(token) else { return invalidLinkPage(context) }
            return passwordPage(context, token: token, login: account.login, status: .ok, errors: [])
        }

        router.post("/password") { request, context in
            var request = request
            let form = try await request.form(context)
            let token = form.raw("token") ?? ""
            guard let (_, account) = try await signIn.passwordLink(token) else { return invalidLinkPage(context) }
            let password = form.raw("password") ?? ""
            guard password == form.raw("confirm") else {
                return passwordPage(context, token: token, login: account.login, status: .unprocessableContent, errors: ["The two passwords are not the same."])
            }
            let problems = try await signIn.setPassword(token: token, password: password, address: context.clientAddress)
            guard problems.isEmpty else { return passwordPage(context, token: token, login: account.login, status: .unprocessableContent, errors: problems) }
            return pages.page("password-set", title: "Password set", visitor: nil)
        }
    }

    private func signInPage(_ context: WebRequestContext, status: HTTPResponse.Status, error: String?, login: String? = nil) -> Response {
        let (token, cookie) = CSRFMiddleware.formCookie(secure: context.overHTTPS)
        var response = pages.page("sign-in", title: "Sign in", visitor: nil, status: status, ["csrf": token, "error": shown(error), "login": login ?? ""])
        response.setCookie(cookie)
        return response
    }

    private func passwordPage(_ context: WebRequestContext, token: String, login: String, status: HTTPResponse.Status, errors: [String]) -> Response {
        let (csrf, cookie) = CSRFMiddleware.formCookie(secure: context.overHTTPS)
        var response = pages.page("password", title: "Set your password", visitor: nil, status: status,
                                  ["csrf": csrf, "token": token, "login": login, "errors": errors, "hasErrors": !errors.isEmpty,
                                   "minimum": PasswordPolicy.minimumLength])
        response.setCookie(cookie)
        return response
    }

    private func invalidLinkPage(_ context: WebRequestContext) -> Response {
        pages.page("error", title: "Link not valid", visitor: nil, status: .notFound,
                   ["code": 404, "message": "This link is not valid any more: it was used, it is more than a day old, or a newer one was made. Ask your program's administrator for a new link."])
    }
}
