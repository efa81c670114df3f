import Foundation
import GRDB
import Testing
@testable import TrellisCore

/// The bulk import path (`TrackerDatabase.bulkWrite`: a rollback journal instead of the WAL
/// while a large import runs, when no other connection is open). Real imports take it from
/// 8 MB; these tests lower the thresholds with `$TRELLIS_BULK_IMPORT_MIN_BYTES` and
/// `$TRELLIS_BULK_IMPORT_MIN_ROWS` (or the importer's settings) so small files take it too.
@Suite(.serialized) struct TrackerBulkImportTests {
    /// Every evidence file takes the bulk path, and 100 rows are enough to rebuild the indexes.
    static let bulkEnvironment = [CSVImporter.bulkMinimumBytesVariable: "0", CSVImporter.bulkMinimumRowsVariable: "100", "TRELLIS_TIMING": "1"]

    static func reflections(_ count: Int, from first: Int = 0, header: Bool = true) -> String {
        var csv = header ? "trainee,kind,about,date,note\n" : ""
        for index in first..<(first + count) { csv += "dana,reflection,,2026-01-05,note \(index)\n" }
        return csv
    }

    /// The database file and SQLite's companions (-journal, -wal, -shm) that exist now, with their modes.
    static func databaseFiles(_ fixture: TrackerFixture) throws -> [String: Int] {
        let name = (fixture.databasePath as NSString).lastPathComponent
        var files: [String: Int] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture.scratch.path) where file.hasPrefix(name) {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.scratch.path + "/" + file)
            files[String(file.dropFirst(name.count))] = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        return files
    }

    /// The journal mode stored in the file, as a connection that does not ask for one sees it.
    static func storedJournalMode(_ path: String) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
    }

    @Test func killedBulkImportLeavesNothingPartial() throws {
        let fixture = try TrackerFixture()
        try fixture.record("dana", "module-completed", "welcome", date: "2026-01-02")
        // The import must have the database to itself to leave WAL mode.
        try fixture.tracker.database.closeConnection()
        try fixture.scratch.write("e.csv", TrackerBulkImportTests.reflections(2000))
        let file = fixture.scratch.path + "/e.csv"
        let environment = TrackerBulkImportTests.bulkEnvironment.merging(["TRELLIS_DB": fixture.databasePath]) { _, new in new }

        // Killed after 1,000 of 2,000 inserts: past the indexes it drops, before it rebuilds them.
        let killed = try runTrellis(["import", file, "--curriculum", Fixtures.valid],
                                    environment: environment.merging(["TRELLIS_FAILPOINT_KILL_IMPORT_AFTER_ROWS": "1000"]) { _, new in new })
        #expect(killed.signal, "the import must have been killed part-way: \(killed.error)")
        #expect(killed.error.contains("journal: delete"), "the import must have taken the bulk path: \(killed.error)")
        // It died mid-transaction with a rollback journal: a hot journal is left, as private as the database.
        let afterKill = try TrackerBulkImportTests.databaseFiles(fixture)
        #expect(afterKill["-journal"] != nil, "a killed bulk import leaves a hot journal: \(afterKill)")
        #expect(afterKill.values.allSatisfy { $0 == 0o600 }, "database and journal files must be readable by their owner only: \(afterKill)")

        // The next open rolls the hot journal back and returns to WAL mode.
        let verify = try runTrellis(["tracker", "verify", "--curriculum", Fixtures.valid], environment: ["TRELLIS_DB": fixture.databasePath])
        #expect(verify.status == 0, "verify after the kill: \(verify.output)\(verify.error)")
        #expect(verify.output.contains("The database is intact"))
        #expect(try TrackerBulkImportTests.storedJournalMode(fixture.databasePath) == "wal")
        let afterOpen = try TrackerBulkImportTests.databaseFiles(fixture)
        #expect(afterOpen["-journal"] == nil, "the hot journal must be rolled back: \(afterOpen)")
        #expect(afterOpen.values.allSatisfy { $0 == 0o600 }, "database files must be readable by their owner only: \(afterOpen)")
        do {
            let database = try TrackerDatabase.open(at: fixture.databasePath)
            defer { try? database.closeConnection() }
            #expect(try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM evidence") } == 1)
            let indexes = try database.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'evidence' ORDER BY name") }
            #expect(indexes.contains("evidence_import_key") && indexes.contains("evidence_by_trainee"), "dropped indexes must be back: \(indexes)")
        }

        // And the same import then completes, on the bulk path, and leaves the database in WAL mode.
        let again = try runTrellis(["import", file, "--curriculum", Fixtures.valid], environment: environment)
        #expect(again.status == 0, "\(again.error)")
        #expect(again.error.contains("journal: delete"))
        #expect(try TrackerBulkImportTests.storedJournalMode(fixture.databasePath) == "wal")
        let database = try TrackerDatabase.open(at: fixture.databasePath)
        defer { try? database.closeConnection() }
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM evidence") } == 2001)
        #expect(try TrackerVerifier(tracker: Tracker(database: database, curriculum: fixture.tracker.curriculum, today: fixture.tracker.today, actor: "tester")).verify() == [])
        #expect(try TrackerBulkImportTests.databaseFiles(fixture).values.allSatisfy { $0 == 0o600 })
    }

    @Test func anotherConnectionKeepsTheImportInWALMode() throws {
        let fixture = try TrackerFixture()
        try fixture.record("dana", "module-completed", "welcome", date: "2026-01-02")
        // The fixture's connection stays open (and has read), as another coordinator's would.
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)
        try fixture.scratch.write("e.csv", TrackerBulkImportTests.reflections(2000))
        let file = fixture.scratch.path + "/e.csv"
        let environment = TrackerBulkImportTests.bulkEnvironment.merging(["TRELLIS_DB": fixture.databasePath]) { _, new in new }

        let killed = try runTrellis(["import", file, "--curriculum", Fixtures.valid],
                                    environment: environment.merging(["TRELLIS_FAILPOINT_KILL_IMPORT_AFTER_ROWS": "1000"]) { _, new in new })
        #expect(killed.signal)
        #expect(killed.error.contains("journal: wal"), "with another connection open the import must stay in WAL mode: \(killed.error)")
        #expect(try TrackerBulkImportTests.databaseFiles(fixture)["-journal"] == nil)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)

        let completed = try runTrellis(["import", file, "--curriculum", Fixtures.valid], environment: environment)
        #expect(completed.status == 0, "\(completed.error)")
        #expect(completed.error.contains("journal: wal"))
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 2001)
        #expect(try fixture.tracker.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
        #expect(try TrackerBulkImportTests.databaseFiles(fixture).values.allSatisfy { $0 == 0o600 })
    }

    /// While a bulk import holds the database in rollback-journal mode, another process that
    /// opens it (here to record one piece of evidence) waits for the import instead of failing.
    @Test func anotherProcessWaitsForABulkImport() throws {
        let fixture = try TrackerFixture()
        let environment = ["TRELLIS_DB": fixture.databasePath, "TRELLIS_USER": "proc"]
        let finished = DispatchGroup()
        let outcome = Outcome()
        var importEnded = Date()
        let journal = try fixture.tracker.database.bulkWrite { db -> String? in
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode")
            try db.execute(sql: "DELETE FROM trainee_facts")  // a write, as an import's would be
            DispatchQueue.global().async(group: finished) {
                let result = try? runTrellis(["record", "lee", "reflection", "--note", "during the import", "--date", "2026-01-05",
                                              "--curriculum", Fixtures.valid], environment: environment)
                outcome.set(result.map { ($0.status, $0.error) }, ended: Date())
            }
            Thread.sleep(forTimeInterval: 1.5)
            importEnded = Date()
            return journal
        }
        finished.wait()
        #expect(journal == "delete", "the test needs the bulk path's rollback journal")
        let (result, ended) = outcome.value
        #expect(result?.status == 0, "the other process must wait, then succeed: \(result?.error ?? "did not run")")
        #expect(ended > importEnded, "the other process must have waited for the import to finish")
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)
        #expect(try TrackerBulkImportTests.storedJournalMode(fixture.databasePath) == "wal")
        #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
    }

    /// A bad row, or a broken record, found while the bulk import holds the database in
    /// rollback-journal mode: nothing is written and the database is back in WAL mode.
    /// `reportsJournal`: a bad row fails with an `ImportFailure`, whose report names the journal
    /// the transaction ran with; a broken record stops the read with a bare `TrackerError`,
    /// which carries no report and so cannot say which path it took.
    @Test(arguments: [
        ("ghost,reflection,,2026-01-05,x\n", "e.csv:1002: trainee `ghost` is not on record", true),
        ("dana,reflection,,2026-01-05,\"never closed\n", "e.csv:1002: a quoted field is never closed", false),
    ])
    func bulkImportWithABadRowWritesNothing(tail: String, problem: String, reportsJournal: Bool) throws {
        let fixture = try TrackerFixture()
        try fixture.record("dana", "module-completed", "welcome", date: "2026-01-02")
        try fixture.scratch.write("e.csv", TrackerBulkImportTests.reflections(1000) + tail + TrackerBulkImportTests.reflections(1000, from: 1000, header: false))
        var importer = CSVImporter(tracker: fixture.tracker, environment: [:])
        importer.bulkMinimumBytes = 0
        importer.bulkMinimumRows = 100
        var messages: [String] = []
        var journal: String?
        do {
            _ = try importer.importFile(fixture.scratch.path + "/e.csv")
            Issue.record("an import with a bad row must fail")
        } catch let failure as ImportFailure {
            messages = failure.report.problems.map { $0.located(in: "e.csv") }
            journal = failure.report.journal
        } catch let error as TrackerError {
            messages = [error.located(in: "e.csv")]
        }
        #expect(messages.count == 1 && messages.allSatisfy { $0.contains(problem) }, "\(messages)")
        if reportsJournal {
            #expect(journal == "delete", "the import must have taken the bulk path")
        } else {
            #expect(journal == nil, "a broken record is thrown before any report exists")
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)
        #expect(try fixture.tracker.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
        #expect(try TrackerBulkImportTests.databaseFiles(fixture).values.allSatisfy { $0 == 0o600 })

        // The same rows without the bad one go in on the bulk path.
        try fixture.scratch.write("good.csv", TrackerBulkImportTests.reflections(1500))
        let report = try importer.importFile(fixture.scratch.path + "/good.csv")
        #expect(report.inserted == 1500 && report.journal == "delete")
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1501)
        #expect(try fixture.tracker.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
    }
}

private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var result: (status: Int32, error: String)?
    private var ended = Date.distantPast
    func set(_ result: (Int32, String)?, ended: Date) { lock.lock(); self.result = result; self.ended = ended; lock.unlock() }
    var value: ((status: Int32, error: String)?, Date) { lock.lock(); defer { lock.unlock() }; return (result, ended) }
}
