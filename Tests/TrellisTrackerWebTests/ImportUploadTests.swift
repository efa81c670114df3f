import Foundation
import HTTPTypes
import Testing
import TrellisModel
import TrellisTracker
@testable import TrellisTrackerWeb

/// The CSV upload: checked line by line first with nothing written, imported only on
/// confirmation and then all or nothing, and only for the coordinator's own sites.
@Suite struct ImportUploadTests {
    static let header = "trainee,kind,about,date,score,level,observer"

    @Test func aFileIsCheckedFirstAndImportedOnlyOnConfirmation() async throws {
        let web = try await WebFixture()
        let tracker = web.tracker.tracker
        try await web.run { browser in
            try await browser.signIn("cora")
            _ = try await browser.get("/import")
            let bad = try await browser.upload("/import", file: "\(Self.header)\ndana,module-completed,welcome,2026-10-01,,,\ndana,observed-practice,competency:listening-well,2026-10-02,,superb,Ana\n")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("<td>3</td>") && bad.body.contains("superb"), "the problem names its line and value")
            #expect(try await tracker.evidence(of: "dana").isEmpty, "nothing written by a check")

            let good = try await browser.upload("/import", file: "\(Self.header)\ndana,module-completed,welcome,2026-10-01,,,\ndana,observed-practice,competency:listening-well,2026-10-02,,competent,Ana\n")
            #expect(good.status == .ok && good.body.contains("It would add 2"))
            #expect(try await tracker.evidence(of: "dana").isEmpty, "still nothing until confirmed")

            let csv = try #require(TestClient.hidden("csv", in: good)), digest = try #require(TestClient.hidden("digest", in: good))
            let tampered = Data("\(Self.header)\ndana,module-completed,listening,2026-10-01,,,\n".utf8).base64EncodedString()
            #expect(try await browser.post("/import/confirm", [("csv", tampered), ("digest", digest)]).status == .badRequest)
            #expect(try await tracker.evidence(of: "dana").isEmpty)

            let done = try await browser.post("/import/confirm", [("csv", csv), ("digest", digest)])
            #expect(done.status == .ok && done.body.contains("Imported: 2 added"))
            let again = try await browser.post("/import/confirm", [("csv", csv), ("digest", digest)])
            #expect(again.body.contains("0 added, 2 already on record"), "a second confirmation counts nothing twice")
        }
        let records = try await tracker.evidence(of: "dana")
        #expect(records.count == 2 && records.allSatisfy { $0.recordedBy == "cora" })
        #expect(try await web.audit(AuditFilter(action: "import")).count == 2)
        #expect(try await web.audit(AuditFilter(action: "check-import")).count == 2)
    }

    @Test func rowsOutsideTheCoordinatorsSitesAreRefusedByLine() async throws {
        let web = try await WebFixture()
        try await web.run { browser in
            try await browser.signIn("cora")
            _ = try await browser.get("/import")
            let evidence = try await browser.upload("/import", file: "\(Self.header)\ndana,module-completed,welcome,2026-10-01,,,\nlee,module-completed,welcome,2026-10-01,,,\n")
            #expect(evidence.status == .unprocessableContent && evidence.body.contains("Trainee “lee” is not on your sites"))
            #expect(TestClient.hidden("digest", in: evidence) == nil, "no way to confirm")
            let trainees = try await browser.upload("/import", file: "id,name,site,start_date\nT8,Pat Doe,South,2026-11-01\n")
            #expect(trainees.status == .unprocessableContent && trainees.body.contains("Site “South” is not one of your sites"))
            #expect(try await browser.upload("/import", file: "\(Self.header)\n", csrf: .some(nil)).status == .forbidden)
            #expect(try await browser.send("/import", method: .post, body: "garbage", contentType: "multipart/form-data; boundary=x").status == .badRequest,
                    "a body that is not multipart is a 400")
        }
        #expect(try await web.tracker.tracker.evidence(of: "dana").isEmpty)
        #expect(try await web.tracker.tracker.trainees().map(\.id).sorted() == ["dana", "lee"])
    }
}
