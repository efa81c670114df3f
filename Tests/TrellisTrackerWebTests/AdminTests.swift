import Foundation
import HTTPTypes
import Testing
import TrellisTracker
@testable import TrellisTrackerSQLite
@testable import TrellisTrackerWeb

/// An administrator's pages: accounts, assignments and the audit log.
@Suite struct AdminTests {
    @Test func anAdminInvitesAnAccountAndAssignsIt() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("admin")
            _ = try await browser.get("/admin/accounts")
            let bad = try await browser.post("/admin/accounts", [("login", "Bad Login!"), ("name", "X"), ("role", "coach")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("is not a valid login"))
            let added = try await browser.post("/admin/accounts", [("login", "ana"), ("name", "Ana Coach"), ("role", "coach")])
            #expect(added.status == .ok && added.body.contains("/password?token="))
            #expect(try await browser.post("/admin/accounts/ana/assign", [("trainee", "lee")]).status == .seeOther)
            #expect(try await browser.post("/admin/accounts/ana/assign", [("site", "North")]).status == .unprocessableContent, "a coach gets trainees, not sites")
            #expect(try await browser.get("/admin/accounts").body.contains("trainee lee"))
            #expect(try await browser.post("/admin/accounts/ana/role", [("role", "supervisor")]).status == .seeOther)
            #expect(try await browser.post("/admin/accounts/dana/role", [("role", "coach")]).status == .unprocessableContent,
                    "a trainee's account keeps its role: it is linked to a trainee record")
        }
        let ana = try #require(try await web.store.read { try await $0.account(login: "ana") })
        #expect(ana.role == .supervisor)
        #expect(try await web.store.read { try await $0.assignments(of: ana.id) } == [Assignment(accountID: ana.id, scope: .trainee("lee"))])
        #expect(try await web.audit(AuditFilter(action: "add-account")).contains { $0.subject == "account:\(ana.id)" && $0.actor != "cli:test" })
    }

    @Test func disablingAnAccountEndsItsSessions() async throws {
        let web = try await WebFixture()
        let store = web.store
        try await web.run { coach in
            try await coach.signIn("cody")
            #expect(try await coach.get("/trainees").status == .ok)
            try await AccountAdministration(store: store, actor: "cli:test", address: "cli").setDisabled(login: "cody", true)
            #expect(try await coach.get("/trainees").location == "/sign-in")
            #expect(try await coach.signIn("cody").status == .unauthorized)
        }
    }

    @Test func theAuditLogFiltersAndExportsSafeCSV() async throws {
        let web = try await WebFixture()
        // A value a spreadsheet would run, as an attacker might type it for a login.
        try await web.store.write { try await $0.append(AuditEntry(at: "2026-11-23T10:00:00Z", actor: "=HYPERLINK(\"http://x\")", action: "sign-in", outcome: "refused")) }
        try await web.run { browser in
            try await browser.signIn("admin")
            let filtered = try await browser.get("/admin/audit?action=sign-in")
            #expect(filtered.status == .ok && filtered.body.contains("sign-in") && !filtered.body.contains("add-account"))
            let csv = try await browser.get("/admin/audit.csv?action=sign-in")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "formula neutralised")
        }
        let exports = try await web.audit(AuditFilter(action: "export-audit-log"))
        #expect(exports.count == 1)
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        let web = try await WebFixture()
        #expect(throws: (any Error).self) { try web.tracker.database.access { db in try db.execute(sql: "DELETE FROM audit_log") } }
        let count = try web.tracker.count("SELECT COUNT(*) FROM audit_log")
        #expect(count > 0)
        #expect(throws: (any Error).self) {
            try web.tracker.database.access { db in try db.execute(sql: "UPDATE audit_log SET actor = 'someone else'") }
        }
    }
}
