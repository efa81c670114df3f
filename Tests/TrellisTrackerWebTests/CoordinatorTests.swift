import Foundation
import HTTPTypes
import Testing
import TrellisModel
import TrellisTracker
@testable import TrellisTrackerWeb

/// A coordinator's pages: trainees on their own sites only, edits kept in history, voids with a
/// reason, the report and its downloads over their sites, completion records.
@Suite struct CoordinatorTests {
    @Test func aCoordinatorAddsTraineesOnlyToTheirOwnSites() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cora")
            _ = try await browser.get("/trainees/new")
            let bad = try await browser.post("/trainees/new", [("id", "-bad"), ("name", ""), ("email", "nope"), ("start_date", "2026-13-40"), ("site", "North")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("id=\"email-error\"") && bad.body.contains("id=\"start_date-error\""), "each field's own message")
            let elsewhere = try await browser.post("/trainees/new", [("id", "T7"), ("name", "Pat Doe"), ("site", "South"), ("start_date", "2026-11-01")])
            #expect(elsewhere.status == .unprocessableContent && elsewhere.body.contains("only to your own sites"))
            let added = try await browser.post("/trainees/new", [("id", "T7"), ("name", "Pat Doe"), ("site", "North"), ("start_date", "2026-11-01")])
            #expect(added.status == .seeOther && added.location == "/trainees/T7")
            let again = try await browser.post("/trainees/new", [("id", "T7"), ("name", "Pat Doe"), ("site", "North"), ("start_date", "2026-11-01")])
            #expect(again.status == .unprocessableContent && again.body.contains("already exists"))
        }
        let trainee = try await web.tracker.tracker.trainee("T7")
        #expect(trainee.site == "North" && trainee.name == "Pat Doe")
        #expect(try await web.audit(AuditFilter(action: "add-trainee")).map(\.subject) == ["trainee:T7"])
    }

    @Test func theDashboardShowsEachTraineesProgressAndFiltersByCohort() async throws {
        let web = try await WebFixture()
        try await web.tracker.record("dana", "module-completed", "welcome", date: "2026-10-01")
        try await web.tracker.tracker.addTrainee(Trainee(id: "kim", name: "Kim Ode", cohort: "spring", site: "North", startDate: CalendarDate("2025-01-01")!))
        try await web.run { browser in
            try await browser.signIn("cora")
            let all = try await browser.get("/trainees")
            #expect(all.body.contains("Competencies at target") && all.body.contains("<td>1/3</td>") && all.body.contains("Kim Ode"))
            let fall = try await browser.get("/trainees?cohort=fall")
            #expect(fall.body.contains("Dana Rivera") && !fall.body.contains("Kim Ode"))
        }
    }

    @Test func anEditWritesOnlyWhatChangedAndKeepsHistory() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cora")
            let form = try await browser.get("/trainees/dana/edit")
            #expect(form.body.contains("value=\"Dana Rivera\""))
            let moved = try await browser.post("/trainees/dana/edit", [("name", "Dana Rivera"), ("site", "South"), ("start_date", "2025-01-01"), ("email", "dana@example.org"),
                                                                       ("cohort", "fall"), ("supervisor", "Sam Lee"), ("credential", "yearly-10"), ("status", "active")])
            #expect(moved.status == .unprocessableContent, "not to a site that is not hers")
            let saved = try await browser.post("/trainees/dana/edit", [("name", "Dana Rivera"), ("site", "North"), ("start_date", "2025-01-01"), ("email", "dana@example.org"),
                                                                       ("cohort", "spring"), ("supervisor", "Sam Lee"), ("credential", "yearly-10"), ("status", "active")])
            #expect(saved.status == .seeOther)
        }
        let history = try await web.tracker.tracker.history(of: "dana")
        #expect(history.map(\.field) == ["cohort"] && history[0].oldValue == "fall" && history[0].newValue == "spring" && history[0].changedBy == "cora")
    }

    @Test func aVoidNeedsAReasonAndTheTraineesOwnRecord() async throws {
        let web = try await WebFixture()
        let record = try await web.tracker.record("dana", "module-completed", "welcome", date: "2026-10-01")
        let other = try await web.tracker.record("lee", "module-completed", "welcome", date: "2026-10-01")
        try await web.run { browser in
            try await browser.signIn("cora")
            _ = try await browser.get("/trainees/dana")
            let noReason = try await browser.post("/trainees/dana/void", [("evidence", record.id), ("reason", "")])
            #expect(noReason.status == .unprocessableContent && noReason.body.contains("Nothing was voided: a void needs a reason."))
            #expect(try await browser.post("/trainees/dana/void", [("evidence", other.id), ("reason", "wrong")]).status == .notFound,
                    "another trainee's record, through dana's page")
            #expect(try await browser.post("/trainees/dana/void", [("evidence", record.id), ("reason", "wrong trainee")]).status == .seeOther)
            #expect(try await browser.get("/trainees/dana").body.contains("(voided)"))
        }
        #expect(try await web.tracker.tracker.evidence(of: "lee").allSatisfy { $0.voidedBy == nil })
        #expect(try await web.audit(AuditFilter(action: "void-evidence")).map(\.subject) == ["evidence:\(record.id)"])
    }

    @Test func theReportAndItsDownloadsCoverOnlyTheirSites() async throws {
        let web = try await WebFixture()
        // A name a spreadsheet would run as a formula.
        try await web.tracker.tracker.addTrainee(Trainee(id: "evil", name: "=HYPERLINK(\"http://x\")", site: "North", startDate: CalendarDate("2025-01-01")!))
        try await web.run { browser in
            try await browser.signIn("cora")
            let page = try await browser.get("/reports")
            #expect(page.body.contains("Dana Rivera") && !page.body.contains("Lee Kim"))
            let csv = try await browser.get("/reports/trainees.csv")
            #expect(csv.headers[.contentDisposition]?.contains("trainees.csv") == true)
            #expect(csv.body.contains("dana") && !csv.body.contains("Lee Kim"))
            #expect(csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "formula neutralised")
            let json = try await browser.get("/reports/trainees.json")
            let rows = try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [[String: Any]]
            #expect(Set(rows?.compactMap { $0["id"] as? String } ?? []) == ["dana", "evil"])
            #expect(try await browser.get("/reports/trainees.xml").status == .notFound)
            let certificate = try await browser.get("/trainees/dana/certificate")
            #expect(certificate.status == .unprocessableContent && certificate.body.contains("no completion record yet"))
        }
        #expect(try await web.audit(AuditFilter(action: "export-report-csv")).count == 1)
    }
}
