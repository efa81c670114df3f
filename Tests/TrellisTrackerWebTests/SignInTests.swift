import Foundation
import HTTPTypes
import Testing
import TrellisTracker
@testable import TrellisTrackerWeb

/// Signing in and out, throttling, session expiry and the one-time password link.
@Suite struct SignInTests {
    @Test func signInGivesANewServerSideSessionAndSignOutEndsIt() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            let before = try await browser.get("/trainees")
            #expect(before.status == .seeOther && before.location == "/sign-in", "not signed in: sent to sign in")
            let signedIn = try await browser.signIn("cody")
            #expect(signedIn.status == .seeOther && signedIn.location == "/")
            let token = try #require(browser.cookie("trellis_session"))
            #expect(token.count >= 22, "at least 128 random bits")
            let header = signedIn.headers[values: .setCookie].first { $0.hasPrefix("trellis_session=") } ?? ""
            #expect(header.contains("HttpOnly") && header.contains("SameSite=Lax") && !header.contains("Secure"), "\(header)")
            // The store keeps only the token's hash.
            #expect(try await web.store.read { try await $0.session(tokenHash: token) } == nil)
            #expect(try await web.store.read { try await $0.session(tokenHash: SecretToken.hash(token)) } != nil)
            #expect(try await browser.get("/trainees").status == .ok)
            let out = try await browser.post("/sign-out")
            #expect(out.status == .seeOther && out.location == "/sign-in")
            #expect(try await web.store.read { try await $0.session(tokenHash: SecretToken.hash(token)) } == nil, "ended on the server")
            browser.setCookie("trellis_session", token)
            #expect(try await browser.get("/trainees").location == "/sign-in", "the old cookie signs no one in")
        }
        let actions = try await web.audit().map { "\($0.action) \($0.outcome)" }
        #expect(actions.contains("sign-in ok") && actions.contains("sign-out ok"))
    }

    @Test func anUnknownLoginAndAWrongPasswordGetTheSameAnswerAndAreAudited() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            let wrong = try await browser.signIn("cody", password: "not the password at all")
            let unknown = try await browser.signIn("nobody", password: "not the password at all")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            let message = "The login or the password is not right."
            #expect(wrong.body.contains(message) && unknown.body.contains(message))
            #expect(browser.cookie("trellis_session") == nil)
        }
        let refused = try await web.audit(AuditFilter(action: "sign-in")).filter { $0.outcome == "refused" }
        #expect(refused.count == 2)
        let cody = try await web.accountID("cody")
        #expect(refused.contains { $0.actor == cody && $0.subject == "account:\(cody)" }, "a wrong password names the account")
        #expect(refused.contains { $0.actor == "-" && $0.subject.isEmpty }, "an unknown login names no one")
    }

    @Test func fiveFailuresLockTheLoginForAWhileEvenWithTheRightPassword() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            for _ in 0..<5 { #expect(try await browser.signIn("cody", password: "wrong wrong wrong").status == .unauthorized) }
            let locked = try await browser.signIn("cody")
            #expect(locked.status == .tooManyRequests && locked.body.contains("Too many tries"))
            #expect(try await browser.signIn("sue").status == .seeOther, "another login from the same address still works")
            web.clock.advance(by: 15 * 60 + 1)
            #expect(try await browser.signIn("cody").status == .seeOther, "the lock ends after the window")
        }
        #expect(try await web.audit(AuditFilter(action: "sign-in")).contains { $0.outcome == "throttled" })
    }

    @Test func sessionsEndAfterTheIdleAndTheAbsoluteTimeouts() async throws {
        let web = try await WebFixture { $0.signIn.idleTimeout = 600; $0.signIn.absoluteTimeout = 3600 }
        try await web.run { browser in
            try await browser.signIn("cody")
            web.clock.advance(by: 599)
            #expect(try await browser.get("/trainees").status == .ok, "used within the idle time")
            web.clock.advance(by: 601)
            #expect(try await browser.get("/trainees").location == "/sign-in", "idle too long")
            try await browser.signIn("cody")
            for _ in 0..<7 {
                web.clock.advance(by: 500)
                #expect(try await browser.get("/trainees").status == .ok)
            }
            web.clock.advance(by: 200)
            #expect(try await browser.get("/trainees").location == "/sign-in", "active, but past the absolute timeout")
        }
    }

    @Test func aPasswordLinkWorksOnceAndRefusesWeakPasswords() async throws {
        let web = try await WebFixture()
        let clock = web.clock
        let admin = AccountAdministration(store: web.store, actor: "cli:test", address: "cli", clock: { clock.now })
        let (_, token) = try await admin.add(login: "newcoach", name: "New Coach", role: .coach)
        try await web.run { browser in
            #expect(try await browser.get("/password?token=\(token)").status == .ok)
            let short = try await browser.post("/password", [("token", token), ("password", "short"), ("confirm", "short")])
            #expect(short.status == .unprocessableContent && short.body.contains("at least 12 characters"))
            let common = try await browser.post("/password", [("token", token), ("password", "password1234"), ("confirm", "password1234")])
            #expect(common.status == .unprocessableContent && common.body.contains("common passwords"))
            let mismatch = try await browser.post("/password", [("token", token), ("password", WebFixture.password), ("confirm", "other")])
            #expect(mismatch.status == .unprocessableContent)
            let good = try await browser.post("/password", [("token", token), ("password", WebFixture.password), ("confirm", WebFixture.password)])
            #expect(good.status == .ok && good.body.contains("Your password is set"))
            #expect(try await browser.get("/password?token=\(token)").status == .notFound, "spent")
            #expect(try await browser.signIn("newcoach").status == .seeOther)
        }
        let (_, late) = try await admin.resetPassword(login: "newcoach")
        web.clock.advance(by: 24 * 3600 + 1)
        try await web.run { browser in
            let page = try await browser.get("/password?token=\(late)")
            #expect(page.status == .notFound, "expired")
        }
    }

    @Test(arguments: [false, true])
    func forwardedHeadersAreBelievedOnlyWithTrustProxy(trusted: Bool) async throws {
        let web = try await WebFixture { $0.trustProxy = trusted }
        try await web.run { browser in
            browser.setExtraHeaders([HTTPField.Name("X-Forwarded-For")!: "203.0.113.9", HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let page = try await browser.signIn("cody")
            let cookie = page.headers[values: .setCookie].first { $0.hasPrefix("trellis_session=") } ?? ""
            #expect(cookie.contains("Secure") == trusted, "\(cookie)")
        }
        let signIn = try #require(try await web.audit(AuditFilter(action: "sign-in")).first)
        #expect((signIn.address == "203.0.113.9") == trusted, "\(signIn.address)")
    }

    @Test func passwordRules() {
        #expect(PasswordPolicy.problems("correct horse battery", login: "dana", name: "Dana Reyes").isEmpty)
        #expect(!PasswordPolicy.problems("aaaaaaaaaaaaaa", login: "x", name: "X").isEmpty)
        #expect(!PasswordPolicy.problems("abcabcabcabcabc", login: "x", name: "X").isEmpty)
        #expect(!PasswordPolicy.problems("dana.reyes2026!", login: "dana.reyes", name: "D").isEmpty, "contains the login")
        #expect(!PasswordPolicy.problems("Qwerty123456", login: "x", name: "X").isEmpty, "common, in any case")
    }
}
