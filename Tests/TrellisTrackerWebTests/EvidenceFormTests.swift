import Foundation
import HTTPTypes
import Testing
import TrellisModel
import TrellisTracker
@testable import TrellisTrackerWeb

/// Recording from the browser: validation field by field, attribution to the signed-in
/// person, the sign-off queue, reflections, and the audit entry each write leaves.
@Suite struct EvidenceFormTests {
    @Test func aCoachsObservationIsValidatedFieldByFieldAndRecordedAsTheirs() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cody")
            _ = try await browser.get("/trainees/dana/observation")
            let empty = try await browser.post("/trainees/dana/observation", [("date", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Choose the competency you observed.") && empty.body.contains("Choose the level of the practice you saw."))
            let future = try await browser.post("/trainees/dana/observation", [("date", "2027-01-01"), ("competency", "listening-well"), ("level", "competent")])
            #expect(future.status == .unprocessableContent && future.body.contains("id=\"date-error\""), "a date after today is refused beside the date field")
            #expect(future.body.contains("value=\"2027-01-01\""), "what was typed is kept")
            let saved = try await browser.post("/trainees/dana/observation",
                                               [("date", "2026-11-20"), ("competency", "listening-well"), ("level", "competent"), ("note", "<b>kind</b>")])
            #expect(saved.status == .seeOther)
            let page = try await browser.get("/trainees/dana")
            #expect(!page.body.contains("<b>kind</b>"), "values are escaped")
        }
        let records = try await web.tracker.tracker.evidence(of: "dana")
        #expect(records.count == 1)
        #expect(records[0].observer == "cody" && records[0].recordedBy == "cody", "the signed-in coach, never a typed name")
        let entries = try await web.audit(AuditFilter(action: "record-observed-practice"))
        let cody = try await web.accountID("cody")
        #expect(entries.count == 1 && entries[0].subject == "trainee:dana" && entries[0].actor == cody)
        #expect(!entries[0].subject.contains("Dana"), "the audit log names records by id, not by name")
    }

    @Test func aCoordinatorEntersAPaperFormForANamedObserver() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cora")
            _ = try await browser.get("/trainees/dana/coaching")
            let missing = try await browser.post("/trainees/dana/coaching", [("date", "2026-11-20"), ("minutes", "45")])
            #expect(missing.status == .unprocessableContent && missing.body.contains("Name the coach or supervisor"))
            let saved = try await browser.post("/trainees/dana/coaching", [("date", "2026-11-20"), ("minutes", "45"), ("observer", "Ana Coach"),
                                                                             ("competencies", "listening-well"), ("competencies", "goal-setting")])
            #expect(saved.status == .seeOther)
            let page = try await browser.get("/trainees/dana")
            #expect(page.body.contains("entered by cora for Ana Coach"))
        }
        let record = try #require(try await web.tracker.tracker.evidence(of: "dana").first)
        #expect(record.observer == "Ana Coach" && record.recordedBy == "cora" && Set(record.competencies) == ["listening-well", "goal-setting"])
    }

    @Test func theSignOffQueueListsWhatWaitsOnlyForTheSupervisor() async throws {
        let web = try await WebFixture()
        let fixture = web.tracker
        for module in ["welcome", "listening"] { try await fixture.record("dana", "module-completed", module, date: "2026-10-01") }
        try await fixture.record("dana", "knowledge-check", "listening", date: "2026-10-01", score: "80")
        try await fixture.record("dana", "coaching-session", date: "2026-10-02", observer: "Ana", minutes: "30", competencies: "listening-well")
        let tracker = fixture.tracker
        try await web.run { browser in
            try await browser.signIn("sue")
            #expect(try await browser.get("/sign-offs").body.contains("Nothing waits for your sign-off"), "no observation yet")
            _ = try await tracker.record(EvidenceInput(trainee: "dana", kind: "observed-practice", about: "competency:listening-well", date: "2026-10-03",
                                                       level: "competent", observer: "Ana"))
            let queue = try await browser.get("/sign-offs")
            #expect(queue.body.contains("Listens well") && queue.body.contains("observed by Ana"))
            let signed = try await browser.post("/trainees/dana/sign-off", [("competency", "listening-well"), ("return", "queue")])
            #expect(signed.status == .seeOther && signed.location == "/sign-offs?signed=1")
            #expect(try await browser.get("/sign-offs").body.contains("Nothing waits for your sign-off"))
        }
        let signoff = try #require(try await fixture.tracker.evidence(of: "dana").first { $0.kind == .supervisorSignoff })
        #expect(signoff.observer == "sue" && signoff.recordedBy == "sue")
        #expect(try await fixture.progress("dana", "listening-well").level == "competent", "the web and the CLI's records meet in one engine")
    }

    @Test func aTraineeSeesOnlyTheirOwnProgressAndAddsAReflection() async throws {
        let web = try await WebFixture()
        try await web.tracker.record("lee", "module-completed", "welcome", date: "2026-10-01")
        try await web.run { browser in
            try await browser.signIn("dana")
            let me = try await browser.get("/me")
            #expect(me.status == .ok && me.body.contains("Dana Rivera") && !me.body.contains("Lee Kim"))
            #expect(try await browser.post("/me/reflections", [("note", "")]).status == .unprocessableContent)
            let saved = try await browser.post("/me/reflections", [("note", "Waiting before I answered helped."), ("competency", "listening-well")])
            #expect(saved.status == .seeOther)
            let explained = try await browser.get("/me/explain/listening-well")
            #expect(explained.status == .ok && explained.body.contains("Listens well") && explained.body.contains("Not yet"), "the --explain view")
        }
        let reflection = try #require(try await web.tracker.tracker.evidence(of: "dana").first)
        #expect(reflection.kind == .reflection && reflection.recordedBy == "dana")
        #expect(try await web.audit(AuditFilter(action: "view-trainee")).allSatisfy { $0.subject == "trainee:dana" })
    }
}
