import Foundation
import HTTPTypes
import Testing
import TrellisTracker
@testable import TrellisTrackerWeb

/// Deny by default: every role against every route. dana is on site North, assigned to the
/// coach cody and the supervisor sue; lee is on site South and assigned to no one.
@Suite struct AccessMatrixTests {
    /// Each route and the roles that get a page (200); everyone else gets 404 (never a hint
    /// that the trainee exists).
    static let pages: [(path: String, allowed: Set<String>)] = [
        ("/trainees", ["cora", "sue", "cody"]),
        ("/trainees/dana", ["cora", "sue", "cody"]),
        ("/trainees/lee", []),
        ("/trainees/nobody", []),
        ("/trainees/dana/observation", ["cora", "sue", "cody"]),
        ("/trainees/dana/coaching", ["cora", "sue", "cody"]),
        ("/trainees/lee/observation", []),
        ("/sign-offs", ["sue"]),
        ("/me", ["dana"]),
        ("/admin/accounts", ["admin"]),
        ("/admin/audit", ["admin"]),
        ("/admin/audit.csv", ["admin"]),
        ("/trainees/new", ["cora"]),
        ("/trainees/dana/edit", ["cora"]),
        ("/trainees/lee/edit", []),
        ("/reports", ["cora"]),
        ("/reports/trainees.csv", ["cora"]),
        ("/reports/trainees.json", ["cora"]),
        ("/due", ["cora"]),
        ("/import", ["cora"]),
        ("/trainees/dana/explain/listening-well", ["cora", "sue", "cody"]),
        ("/trainees/lee/explain/listening-well", []),
        ("/trainees/dana/explain/no-such-competency", []),
        ("/me/explain/listening-well", ["dana"]),
    ]

    static let logins = ["admin", "cora", "sue", "cody", "dana"]

    @Test(arguments: logins)
    func everyRoleAgainstEveryPage(login: String) async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn(login)
            for (path, allowed) in Self.pages {
                let page = try await browser.get(path)
                let expected: HTTPResponse.Status = allowed.contains(login) ? .ok : .notFound
                #expect(page.status == expected, "\(login) GET \(path)")
                #expect(page.headers[.cacheControl] == "no-store", "\(path): personal pages are never cached")
            }
        }
    }

    /// Each state-changing route, with a valid form, and the roles it accepts (a 303 after the write).
    static let writes: [(path: String, fields: [(String, String)], allowed: Set<String>)] = [
        ("/trainees/dana/observation", [("date", "2026-11-20"), ("competency", "listening-well"), ("level", "aware"), ("observer", "Paper Form")],
         ["cora", "sue", "cody"]),
        ("/trainees/lee/observation", [("date", "2026-11-20"), ("competency", "listening-well"), ("level", "aware"), ("observer", "Paper Form")], []),
        ("/trainees/dana/coaching", [("date", "2026-11-20"), ("minutes", "30"), ("observer", "Paper Form")], ["cora", "sue", "cody"]),
        ("/trainees/dana/sign-off", [("competency", "goal-setting")], ["sue"]),
        ("/trainees/lee/sign-off", [("competency", "goal-setting")], []),
        ("/me/reflections", [("note", "I practised reflecting feelings.")], ["dana"]),
        ("/admin/accounts", [("login", "extra"), ("name", "Extra Person"), ("role", "coach")], ["admin"]),
        ("/admin/accounts/cody/disable", [], ["admin"]),
        ("/trainees/new", [("id", "T9"), ("name", "New Trainee"), ("site", "North"), ("start_date", "2026-11-01")], ["cora"]),
        ("/trainees/dana/edit", [("name", "Dana R. Rivera"), ("site", "North"), ("start_date", "2025-01-01")], ["cora"]),
        ("/trainees/lee/edit", [("name", "Lee K"), ("site", "South"), ("start_date", "2025-01-01")], []),
    ]

    @Test(arguments: logins)
    func everyRoleAgainstEveryWrite(login: String) async throws {
        for (path, fields, allowed) in Self.writes {
            let web = try await WebFixture()
            let evidenceBefore = try await web.tracker.tracker.evidence(of: "dana").count + (try await web.tracker.tracker.evidence(of: "lee").count)
            try await web.run { browser in
                try await browser.signIn(login)
                _ = try await browser.get("/")
                let response = try await browser.post(path, fields)
                if allowed.contains(login) {
                    #expect([.seeOther, .ok].contains(response.status), "\(login) POST \(path): \(response.status)")
                } else {
                    #expect(response.status == .notFound, "\(login) POST \(path): \(response.status)")
                }
            }
            let evidenceAfter = try await web.tracker.tracker.evidence(of: "dana").count + (try await web.tracker.tracker.evidence(of: "lee").count)
            if !allowed.contains(login) { #expect(evidenceAfter == evidenceBefore, "\(login) POST \(path) wrote nothing") }
        }
    }

    @Test func aPostWithoutTheFormTokenIsRefusedAndWritesNothing() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cody")
            let fields = [("date", "2026-11-20"), ("competency", "listening-well"), ("level", "aware")]
            #expect(try await browser.post("/trainees/dana/observation", fields, csrf: .some(nil)).status == .forbidden)
            #expect(try await browser.post("/trainees/dana/observation", fields, csrf: "forged-token").status == .forbidden)
            #expect(try await browser.post("/sign-in", [("login", "cody"), ("password", WebFixture.password)], csrf: .some(nil)).status == .forbidden)
        }
        #expect(try await web.tracker.tracker.evidence(of: "dana").isEmpty)
    }

    @Test func removingAnAssignmentEndsTheAccessAndTheSessionsAtOnce() async throws {
        let web = try await WebFixture()
        let store = web.store
        try await web.run { browser in
            try await browser.signIn("cody")
            #expect(try await browser.get("/trainees/dana").status == .ok)
            try await AccountAdministration(store: store, actor: "cli:test", address: "cli").unassign(login: "cody", .trainee("dana"))
            #expect(try await browser.get("/trainees/dana").location == "/sign-in", "the session ended")
            try await browser.signIn("cody")
            #expect(try await browser.get("/trainees/dana").status == .notFound, "and the access with it")
        }
    }

    @Test func headersAndMalformedRequests() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            let page = try await browser.get("/sign-in")
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(try await browser.get("/no/such/page").status == .notFound)
            try await browser.signIn("cody")
            let malformed = try await browser.send("/trainees/dana/observation", method: .post, body: "a=%ZZ&_csrf=\(browser.csrf ?? "")")
            #expect(malformed.status == .badRequest)
            let css = try await browser.get("/static/tracker.css")
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }
}
