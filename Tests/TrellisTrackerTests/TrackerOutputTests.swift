import Foundation
import GRDB
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

@Suite(.serialized) struct TrackerOutputTests {
    /// A small program with known evidence, for golden output.
    private func program() async throws -> TrackerFixture {
        let fixture = try await TrackerFixture(today: CalendarDate("2026-11-23")!)
        try await fixture.recordCompetentListening(on: "2025-06-01")
        try await fixture.record("dana", "module-completed", "planning", date: "2026-02-01")
        try await fixture.record("dana", "continuing-education", date: "2026-03-01", hours: "4", topic: "Ethics refresher", category: "ethics")
        try await fixture.record("lee", "module-completed", "welcome", date: "2026-10-01")
        try await fixture.record("lee", "coaching-session", date: "2026-11-01", observer: "Ana", minutes: "40", competencies: "listening-well")
        return fixture
    }

    private func golden(_ name: String, _ actual: String) throws {
        let path = "\(Fixtures.golden)/\(name)"
        if ProcessInfo.processInfo.environment["TRELLIS_UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
        }
        #expect(actual == (try String(contentsOfFile: path, encoding: .utf8)), "differs from \(path)")
    }

    @Test func progressAndReportMatchGoldenOutput() async throws {
        let fixture = try await program()
        let environment = ["TRELLIS_DB": fixture.databasePath]
        let common = ["--curriculum", Fixtures.valid, "--today", "2026-11-23"]
        let progress = try runTrellis(["progress", "dana"] + common, environment: environment)
        #expect(progress.status == 0, "\(progress.error)")
        try golden("progress.txt", progress.output)
        let report = try runTrellis(["report", "--within", "60d"] + common, environment: environment)
        #expect(report.status == 0, "\(report.error)")
        try golden("report.txt", report.output)
        let csv = try runTrellis(["report", "--format", "csv"] + common, environment: environment)
        try golden("report.csv", csv.output)
    }

    @Test func reportCountsLevelsAndAlerts() async throws {
        let fixture = try await program()
        let report = await ProgramReport(snapshot: try fixture.tracker.snapshot(), credentials: fixture.tracker.curriculum.credentials, withinDays: 400)
        let dana = try #require(report.trainees.first { $0.id == "dana" })
        #expect(dana.modulesCompleted == 3 && dana.competenciesAtTarget == 1 && dana.percentComplete == 80)
        #expect(dana.credentialHours == 4 && dana.credentialDeadline == CalendarDate("2026-12-31"))
        let listening = try #require(report.competencies.first { $0.id == "listening-well" })
        #expect(listening.levels == ["aware": 1, "competent": 1] && listening.none == 0 && listening.percentAtTarget == 50)
        // Continuing education on 2026-03-01 renewed every competency: listening-well lapses on 2027-03-01, inside 400 days.
        #expect(report.alerts.map(\.kind) == [.credentialShort, .lapsing])
        #expect(report.alerts.first?.detail == "6 of 10 hours still needed")
        #expect(report.cohorts.map(\.cohort) == ["fall"])
        #expect(report.educationHoursByYear.map(\.hours) == [4])
    }

    @Test func snapshotAgreesWithTranscripts() async throws {
        let fixture = try await program()
        let snapshot = try await fixture.tracker.snapshot()
        for row in snapshot.rows {
            let transcript = try await fixture.tracker.transcript(row.trainee.id)
            #expect(row.progress.map(\.levelRank) == transcript.entries.map(\.progress.levelRank))
            #expect(row.progress.map(\.earnedRank) == transcript.entries.map { entry in
                entry.progress.earnedLevel.flatMap { fixture.tracker.curriculum.framework.levelIndex($0) } ?? -1
            })
            #expect(row.progress.map(\.lapsed) == transcript.entries.map(\.progress.lapsed))
            #expect(row.progress.map(\.lapsesOn) == transcript.entries.map(\.progress.lapsesOn))
        }
    }

    @Test func coachingReportFlagsTraineesWithoutRecentCoaching() async throws {
        let fixture = try await program()
        let report = try await fixture.tracker.coachingReport(from: CalendarDate("2026-01-01")!, to: CalendarDate("2026-11-23")!, gapWeeks: 4)
        #expect(report.sessions.map(\.traineeID) == ["lee"])
        #expect(report.minutesByCoach == ["Ana": 40])
        #expect(report.gaps.map(\.traineeID) == ["dana"], "dana's last coaching was in 2025")
        #expect(report.gaps.first?.lastCoaching == CalendarDate("2025-06-01"))
    }

    /// Everything dana needs to complete the fixture program by 2025-07-04.
    private func complete(_ fixture: TrackerFixture) async throws {
        try await fixture.recordCompetentListening(on: "2025-06-01")
        try await fixture.record("dana", "module-completed", "planning", date: "2025-07-01")
        try await fixture.record("dana", "knowledge-check", "planning", date: "2025-07-01", score: "90")
        try await fixture.record("dana", "observed-practice", "competency:goal-setting", date: "2025-07-02", level: "competent", observer: "Ana")
        try await fixture.record("dana", "supervisor-signoff", "competency:goal-setting", date: "2025-07-03", observer: "Kai Moana")
        try await fixture.record("dana", "coaching-session", date: "2025-07-04", observer: "Ana", minutes: "30", competencies: "goal-setting")
    }

    @Test func certificateOnlyForCompletedTrainees() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2025-12-01")!)
        await #expect(throws: TrackerError.self) { try await fixture.tracker.certificate("dana") }
        try await fixture.recordCompetentListening(on: "2025-06-01")
        do {
            _ = try await fixture.tracker.certificate("dana")
            Issue.record("goal-setting is not competent yet")
        } catch let error as TrackerError {
            #expect(error.message.contains("modules not completed: planning"))
            #expect(error.message.contains("1 competency is below Competent: goal-setting"))
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM completion") == 0)
        try await complete(fixture)
        let certificate = try await fixture.tracker.certificate("dana")
        #expect(certificate.signatories == ["Kai Moana", "Sam Lee"])
        #expect(certificate.completedOn == CalendarDate("2025-07-04"))
        #expect(certificate.current.hasPrefix("still complete"))
        let html = certificate.html()
        #expect(html.contains("Dana Rivera completed <strong>Fixture Training</strong> with Test Program on 2025-07-04"))
        #expect(html.contains("<th scope=\"row\">Sets goals with parents</th><td>Planning</td><td>Competent</td><td>2025-07-04</td>"))
        let goalSetting = try #require(certificate.record.competencies.first { $0.id == "goal-setting" })
        #expect(!goalSetting.evidence.isEmpty, "the evidence behind each level is kept")
        #expect(try fixture.count("SELECT COUNT(*) FROM completion") == 1)
    }

    /// Completion is a fact as of its date: a lapse later neither takes it back nor blocks a record.
    @Test func aCompletionStandsAfterALaterLapse() async throws {
        // Never issued before the lapse: the completion is found on the day it happened.
        let late = try await TrackerFixture(today: CalendarDate("2026-11-23")!)
        try await complete(late)
        await #expect(try late.tracker.transcript("dana").entries.contains { $0.progress.lapsed }, "the fixture's competencies lapse after 12 months")
        let found = try await late.tracker.certificate("dana")
        #expect(found.completedOn == CalendarDate("2025-07-04"))
        #expect(found.current.contains("(lapsed)") && found.current.hasSuffix("the completion on 2025-07-04 stands"), "\(found.current)")
        // Reports show the completion beside today's (lower) percentage.
        let report = await ProgramReport(snapshot: try late.tracker.snapshot(), credentials: [], withinDays: 30)
        let dana = try #require(report.trainees.first { $0.id == "dana" })
        #expect(dana.completedOn == CalendarDate("2025-07-04") && dana.percentComplete < 100)

        // Issued on the day, then reproduced unchanged a year later, and never rewritten.
        let early = try await TrackerFixture(today: CalendarDate("2025-07-10")!)
        try await complete(early)
        let issued = try await early.tracker.certificate("dana")
        var later = early.tracker
        later.today = CalendarDate("2026-11-23")!
        let again = try await later.certificate("dana")
        #expect(again.record == issued.record)
        #expect(again.current.contains("lapsed"))
        let queue = try DatabaseQueue(path: early.databasePath)
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE completion SET completed_day = 0") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM completion") } }
    }

    @Test func xapiStatementsFollowTheSpecification() async throws {
        let fixture = try await TrackerFixture()
        let completed = try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        try await fixture.record("lee", "knowledge-check", "welcome", date: "2026-01-06", score: "85")
        _ = try await fixture.tracker.void(completed.id, reason: "wrong date")
        try await fixture.record("lee", "continuing-education", date: "2026-01-07", hours: "1.25", topic: "!!!")
        try await fixture.record("lee", "continuing-education", date: "2026-01-07", hours: "2", topic: "???")
        let export = try XAPIExport(base: "https://training.example.org/xapi/", curriculum: fixture.tracker.curriculum)
        let trainees = await Dictionary(uniqueKeysWithValues: try fixture.tracker.trainees().map { ($0.id, $0) })
        let data = try await exported(export, records: try fixture.tracker.allEvidence(), trainees: trainees)
        let statements = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(statements.count == 5)
        let first = statements[0]
        let id = try #require(first["id"] as? String)
        // RFC 4122 version 5 (name-based), stable across exports; the record id is an extension.
        #expect(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil, "\(id)")
        #expect(id == XAPIExport.uuid5(completed.id).uuidString.lowercased())
        // "Clients SHOULD NOT set the Statement version" (xAPI 1.0.3, 2.4.10); the store sets it.
        #expect(statements.allSatisfy { $0["version"] == nil })
        #expect(((first["context"] as? [String: Any])?["extensions"] as? [String: String])?["https://training.example.org/xapi/extensions/record-id"] == completed.id)
        #expect((first["actor"] as? [String: Any])?["mbox"] as? String == "mailto:dana@example.org")
        #expect(((first["verb"] as? [String: Any])?["id"] as? String) == "http://adlnet.gov/expapi/verbs/completed")
        #expect(((first["object"] as? [String: Any])?["id"] as? String) == "https://training.example.org/xapi/modules/welcome")
        let scored = statements[1]
        #expect(((scored["actor"] as? [String: Any])?["account"] as? [String: String]) == ["homePage": "https://training.example.org/xapi", "name": "lee"])
        let score = (scored["result"] as? [String: Any])?["score"] as? [String: Double]
        #expect(score?["scaled"] == 0.85 && score?["raw"] == 85)
        #expect((scored["result"] as? [String: Any])?["success"] as? Bool == true)
        let void = try #require(statements.first { ($0["verb"] as? [String: Any])?["id"] as? String == "http://adlnet.gov/expapi/verbs/voided" })
        #expect((void["object"] as? [String: String]) == ["objectType": "StatementRef", "id": id])
        let courses = statements.filter { ($0["result"] as? [String: Any])?["duration"] != nil }
        #expect(courses.map { ($0["result"] as? [String: Any])?["duration"] as? String } == ["PT1H15M", "PT2H"])
        let courseIDs = courses.compactMap { ($0["object"] as? [String: Any])?["id"] as? String }
        #expect(Set(courseIDs).count == 2, "courses whose names slug alike keep their own ids: \(courseIDs)")
        // Exporting again gives the same statements.
        await #expect(try exported(export, records: try fixture.tracker.allEvidence(), trainees: trainees) == data)
    }

    @Test(arguments: ["", "not a url", "ftp://example.org/x", "https://", "/relative/path"])
    func anInvalidBaseIRIIsRefused(base: String) async throws {
        let fixture = try await TrackerFixture(addTrainees: false)
        #expect(throws: TrackerError.self) { try XAPIExport(base: base, curriculum: fixture.tracker.curriculum) }
    }

    /// The exports are encoded in chunks on all cores and written as they are done: the
    /// spliced text is byte for byte what one `JSONEncoder` call writes for the whole array,
    /// across several batches of chunks, for one element and for none.
    @Test(arguments: [0, 1, JSONArrayStream.chunkSize, JSONArrayStream.chunkSize * JSONArrayStream.chunksInFlight * 2 + 7])
    func aStreamedArrayIsWhatOneEncoderWrites(count: Int) throws {
        let values = (0..<count).map { ["n": $0, "square": $0 * $0] }
        var pieces: [Data] = []
        try JSONArrayStream.write(values, as: { $0 }, to: { pieces.append($0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let whole = try encoder.encode(values)
        #expect(pieces.reduce(Data(), +) == (count == 0 ? Data("[\n]".utf8) : whole))
        #expect(pieces.count >= min(count, 2), "written in pieces, not built whole")
    }

    /// Statements spliced from several chunks are one valid array, in order.
    @Test func manyStatementsSpliceIntoOneArray() async throws {
        let fixture = try await TrackerFixture(addTrainees: false)
        let export = try XAPIExport(base: "https://training.example.org/xapi", curriculum: fixture.tracker.curriculum)
        let records = (0..<9000).map { EvidenceRecord(id: "r\($0)", traineeID: "t", kind: .reflection, subject: nil, date: CalendarDate("2026-01-05")!, note: "n\($0)") }
        let statements = try #require(try JSONSerialization.jsonObject(with: try exported(export, records: records, trainees: [:])) as? [[String: Any]])
        #expect(statements.count == 9000)
        #expect(statements.map { ($0["result"] as? [String: Any])?["response"] as? String } == records.map(\.note))
        #expect((try JSONSerialization.jsonObject(with: try exported(export, records: [], trainees: [:])) as? [Any])?.isEmpty == true)
    }

    @Test func durationsKeepTheirValue() {
        #expect(XAPIExport.duration(seconds: 4500) == "PT1H15M")
        #expect(XAPIExport.duration(seconds: 2700) == "PT45M")
        #expect(XAPIExport.duration(seconds: 3600) == "PT1H")
        #expect(XAPIExport.duration(seconds: 3630) == "PT1H0M30S")
        #expect(XAPIExport.duration(seconds: 0) == "PT0S")
    }

    @Test func dashboardIsPrivateAndStaysOutOfThePublicSite() async throws {
        let fixture = try await program()
        let snapshot = try await fixture.tracker.snapshot()
        let report = ProgramReport(snapshot: snapshot, credentials: [], withinDays: 30)
        let folder = fixture.scratch.path + "/dashboard"
        try Dashboard.write(report: report, snapshot: snapshot, to: folder, siteOutput: fixture.scratch.path + "/_site")
        let page = folder + "/index.html"
        #expect((try FileManager.default.attributesOfItem(atPath: page)[.posixPermissions] as? Int) == 0o600)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("Dana Rivera") && html.contains("<td class=\"cell l1\" title=\"listening-well: Competent\">2</td>"))
        #expect(throws: TrackerError.self) {
            try Dashboard.write(report: report, snapshot: snapshot, to: fixture.scratch.path + "/_site/trainee/private", siteOutput: fixture.scratch.path + "/_site")
        }
    }
}

/// An export's statements as one `Data`, collected from the pieces it writes.
private func exported(_ export: XAPIExport, records: [EvidenceRecord], trainees: [String: Trainee]) throws -> Data {
    var data = Data()
    try export.write(records: records, trainees: trainees) { data.append($0) }
    return data
}
