import Foundation
import GRDB
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// An import is one transaction: killed at any moment, it leaves all of its rows or none.
/// The kill comes from outside, as a real crash would, with no hook in the importer: the
/// test waits until the import has started writing (SQLite's write-ahead log grows past its
/// header) and sends SIGKILL.
@Suite(.serialized) struct ImportCrashTests {
    static func reflections(_ count: Int) -> String {
        var csv = "trainee,kind,about,date,note\n"
        for index in 0..<count { csv += "dana,reflection,,2026-01-05,note \(index) with enough text to fill pages quickly\n" }
        return csv
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func importKilledWhileWritingLeavesNothingPartial() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-02")
        let rows = 60_000
        try fixture.scratch.write("e.csv", ImportCrashTests.reflections(rows))
        let wal = fixture.databasePath + "-wal"
        let before = ImportCrashTests.fileSize(wal)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try trellisBinary())
        process.arguments = ["import", fixture.scratch.path + "/e.csv", "--curriculum", Fixtures.valid]
        process.environment = ProcessInfo.processInfo.environment.merging(["TRELLIS_DB": fixture.databasePath]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date(timeIntervalSinceNow: 120)
        // More than a few pages in the log: the transaction is writing rows that are not yet committed.
        while process.isRunning, ImportCrashTests.fileSize(wal) < before + 64 * 4096, Date() < deadline { usleep(1000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import finished before it could be killed; use a larger file")

        let reflections = try fixture.count("SELECT COUNT(*) FROM evidence WHERE kind = 5")
        #expect(reflections == 0, "a killed import must leave none of its rows, found \(reflections)")
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)
        await #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])

        // The same file imports whole afterwards.
        let again = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
        #expect(again.inserted == rows)
    }

    /// A bad row anywhere, even the last, writes nothing.
    @Test(arguments: [
        ("dana,reflection,,2026-01-05,\n", "note `` is required for reflection"),
        ("dana,reflection,,2026-13-05,x\n", "date `2026-13-05` is not a date"),
    ])
    func aBadLastRowWritesNothing(tail: String, problem: String) async throws {
        let fixture = try await TrackerFixture()
        try fixture.scratch.write("e.csv", ImportCrashTests.reflections(3000) + tail)
        do {
            _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
            Issue.record("the import must fail")
        } catch let failure as ImportFailure {
            #expect(failure.report.problems.map(\.message) == [problem])
            #expect(failure.report.problems.map(\.line) == [3002])
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
    }
}
