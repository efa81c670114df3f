import Foundation
import GRDB
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

@Suite struct TrackerDatabaseTests {
    @Test func databaseIsReadableByItsOwnerOnly() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.databasePath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: fixture.databasePath + suffix) {
            let mode = try FileManager.default.attributesOfItem(atPath: fixture.databasePath + suffix)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(suffix) must not be readable by others")
        }
        #expect(throws: TrackerError.self) { try TrackerDatabase.create(at: fixture.databasePath) }
    }

    /// An export written in pieces replaces its file only once all of it is written: a
    /// failure part way leaves the previous file as it was, and no temporary file behind.
    @Test func aPrivateFileIsReplacedWhole() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/exports/statements.json"
        try PrivateFile.write(to: path) { write in
            try write(Data("[1,".utf8))
            try write(Data("2]".utf8))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[1,2]")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: scratch.path + "/exports")[.posixPermissions] as? Int) == 0o700)
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try PrivateFile.write(to: path) { write in
                try write(Data("[3,".utf8))
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[1,2]")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/exports") == ["statements.json"])
    }

    @Test func refusesToCreateInsideAnUnignoredGitWorkTree() throws {
        let scratch = try ScratchDirectory()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "init", "-q", scratch.path]
        try git.run()
        git.waitUntilExit()
        #expect(throws: TrackerError.self) { try TrackerDatabase.create(at: scratch.path + "/data/tracker.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/data/tracker.sqlite"))
        // Ignoring the database alone is not enough: SQLite's -wal and -shm files sit beside it.
        try scratch.write(".gitignore", "*.sqlite\n")
        #expect(throws: TrackerError.self) { try TrackerDatabase.create(at: scratch.path + "/data/tracker.sqlite") }
        try scratch.write(".gitignore", "*.sqlite\n*.sqlite-wal\n*.sqlite-shm\n*.sqlite-journal\n")
        _ = try TrackerDatabase.create(at: scratch.path + "/data/tracker.sqlite")
    }

    /// What people wrote about one trainee (notes, next steps, void reasons) can be erased on
    /// request while the facts of the record, and so their progress, stay; nothing else can
    /// be changed, and nobody else's text goes.
    @Test func oneTraineesFreeTextCanBeErasedAndNothingElse() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening()
        let reflection = try await fixture.tracker.record(EvidenceInput(trainee: "dana", kind: "reflection", date: "2026-01-05",
                                                                       note: "talked about my own hospital stay"))
        _ = try await fixture.tracker.void(reflection.id, reason: "Dana asked for it to be removed")
        _ = try await fixture.tracker.record(EvidenceInput(trainee: "lee", kind: "reflection", date: "2026-01-05", note: "Lee's note"))
        let before = try await fixture.progress("dana", "listening-well")
        let queue = try DatabaseQueue(path: fixture.databasePath)
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE evidence_text SET note = 'x'") } }
        try await queue.write { db in
            try db.execute(sql: """
                DELETE FROM evidence_text WHERE evidence_no IN
                  (SELECT e.no FROM evidence e JOIN trainee t ON t.no = e.trainee_no WHERE t.id = 'dana')
                """)
        }
        let dana = try await fixture.tracker.evidence(of: "dana")
        #expect(dana.count == 8, "every record of the trainee stays")
        #expect(dana.allSatisfy { $0.note == nil && $0.nextStep == nil && $0.reason == nil })
        #expect(try await fixture.progress("dana", "listening-well") == before)
        #expect(try await fixture.tracker.evidence(of: "lee").map(\.note) == ["Lee's note"])
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM evidence") } }
    }

    @Test func evidenceIsAppendOnly() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        let queue = try DatabaseQueue(path: fixture.databasePath)
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE evidence SET occurred_day = 0") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM evidence") } }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1)

        // The database itself refuses to void a void, whatever kind the void claims to cancel.
        let record = try await fixture.tracker.evidence(of: "dana")[0]
        let void = try await fixture.tracker.void(record.id, reason: "test")
        let voidNo = try await queue.read { try Int64.fetchOne($0, sql: "SELECT no FROM evidence WHERE id = ?", arguments: [void.id])! }
        for claimedKind in [7, 0] {
            #expect(throws: DatabaseError.self) {
                try queue.write { db in
                    try db.execute(sql: "PRAGMA foreign_keys = ON")
                    try db.execute(sql: """
                        INSERT INTO evidence (id, trainee_no, kind, occurred_day, voids_no, voids_kind, recorded_at, recorded_by)
                        VALUES ('x\(claimedKind)', 1, 7, 20000, ?, ?, 'now', 'me')
                        """, arguments: [voidNo, claimedKind])
                }
            }
        }
    }

    @Test func badInputNamesTheFieldAndValue() async throws {
        let fixture = try await TrackerFixture()
        func message(_ input: EvidenceInput) async -> String {
            do { _ = try await fixture.tracker.record(input); return "" } catch { return "\(error)" }
        }
        await #expect(message(EvidenceInput(trainee: "nobody", kind: "module-completed", about: "welcome", date: "2026-01-01")).contains("trainee `nobody` is not on record"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "module-completed", about: "nowhere", date: "2026-01-01")).contains("about `nowhere` is neither a module nor a competency"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "observed-practice", about: "competency:nope", date: "2026-01-01", level: "competent", observer: "A")).contains("about `competency:nope` is not a competency"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "observed-practice", about: "welcome", date: "2026-01-01", level: "expert", observer: "A")).contains("level `expert` is not on the proficiency scale"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "module-completed", about: "welcome", date: "2027-01-01")).contains("date `2027-01-01` is in the future"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "module-completed", about: "welcome", date: "2024-12-31")).contains("date `2024-12-31` is before the trainee's start date 2025-01-01"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "continuing-education", date: "2026-01-01", hours: "-2", topic: "x")).contains("hours `-2` is not a positive number of hours"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "knowledge-check", about: "welcome", date: "2026-01-01", score: "101")).contains("score `101` is out of range: a score is from 0 to 100"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "graduated", date: "2026-01-01")).contains("kind `graduated` is not an evidence kind"))
        await #expect(message(EvidenceInput(trainee: "dana", kind: "module-completed", about: "welcome", date: "2026-13-01")).contains("date `2026-13-01` is not a date"))
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
    }

    @Test func voidsCancelOnceAndAreNeverVoided() async throws {
        let fixture = try await TrackerFixture()
        let record = try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        await #expect(try fixture.progress("dana", "listening-well").level == "aware")
        let void = try await fixture.tracker.void(record.id, reason: "wrong trainee")
        await #expect(try fixture.progress("dana", "listening-well").level == nil)
        await #expect(throws: TrackerError.self) { try await fixture.tracker.void(record.id, reason: "again") }
        await #expect(throws: TrackerError.self) { try await fixture.tracker.void(void.id, reason: "undo") }
        await #expect(throws: TrackerError.self) { try await fixture.tracker.void("no-such-id", reason: "x") }
        await #expect(throws: TrackerError.self) { try await fixture.tracker.void(record.id, reason: "  ") }
        let stored = try await fixture.tracker.evidence(of: "dana")
        #expect(stored.count == 2, "the original stays on file")
        #expect(stored.first { $0.id == record.id }?.voidedBy == void.id)
        #expect(stored.first { $0.id == void.id }?.reason == "wrong trainee")
    }

    @Test func recordsAreOrderedByWhenTheyHappenedAndKeepWhoAndWhen() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "listening", date: "2026-03-01")
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-01")
        let records = try await fixture.tracker.evidence(of: "dana")
        #expect(records.map(\.date.description) == ["2026-01-01", "2026-03-01"])
        #expect(records.allSatisfy { $0.recordedBy == "tester" && $0.recordedAt.hasSuffix("Z") })
    }

    @Test func traineeEditsKeepHistory() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.tracker.editTrainee("dana", changes: [("cohort", "spring"), ("status", "paused")])
        let trainee = try await fixture.tracker.trainee("dana")
        #expect(trainee.cohort == "spring" && trainee.status == .paused)
        let history = try await fixture.tracker.history(of: "dana")
        #expect(history.map(\.field) == ["cohort", "status"])
        #expect(history.first?.oldValue == "fall" && history.first?.changedBy == "tester")
        await #expect(throws: TrackerError.self) { try await fixture.tracker.editTrainee("dana", changes: [("status", "retired")]) }
        await #expect(try fixture.tracker.trainees(.init(cohort: "fall")).map(\.id) == ["lee"])
        await #expect(try fixture.tracker.trainees(.init(status: .paused)).map(\.id) == ["dana"])
        await #expect(throws: TrackerError.self) { try await fixture.tracker.addTrainee(Trainee(id: "dana", name: "Again", startDate: CalendarDate("2026-01-01")!)) }
    }

    @Test func verifyReportsEvidenceTheCurriculumNoLongerHas() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "observed-practice", "competency:goal-setting", date: "2026-01-05", level: "competent", observer: "A")
        await #expect(try TrackerVerifier(tracker: fixture.tracker).verify().isEmpty)
        let scratch = try ScratchDirectory()
        let changed = try scratch.copyOfValidCurriculum()
        let framework = try String(contentsOfFile: changed + "/competencies.yml", encoding: .utf8)
        try framework.replacingOccurrences(of: "goal-setting", with: "planning-goals").write(toFile: changed + "/competencies.yml", atomically: true, encoding: .utf8)
        let (curriculum, _) = CurriculumLoader(directory: changed).load()
        let findings = try await TrackerVerifier(tracker: Tracker(store: SQLiteTrackerStore(fixture.database), curriculum: curriculum, actor: "t")).verify()
        #expect(findings.count == 1)
        #expect(findings.first?.contains("competency `goal-setting`, which is not in the curriculum") == true)
    }

    /// A row that refers to a missing row (written past SQLite's foreign-key checks) is named
    /// by `tracker verify`, as are levels the scale no longer has.
    @Test func verifyNamesBrokenReferencesAndUnknownLevels() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "observed-practice", "competency:goal-setting", date: "2026-01-05", level: "competent", observer: "A")
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO evidence_competency (evidence_no, subject_no) SELECT no, 999 FROM evidence")
            try db.execute(sql: "UPDATE level SET id = 'expert'")
        }
        try queue.close()
        let findings = try await TrackerVerifier(tracker: fixture.tracker).verify()
        #expect(findings.contains("integrity: a row in evidence_competency refers to a missing row in subject"), "\(findings)")
        #expect(findings.contains { $0.hasPrefix("orphaned: 1 observed-practice record(s) use level `expert`") }, "\(findings)")
    }

    @Test func backupIsACompletePrivateCopy() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening()
        let destination = fixture.scratch.path + "/backup.sqlite"
        try fixture.database.backup(to: destination)
        #expect((try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int) == 0o600)
        let copy = try TrackerDatabase.open(at: destination)
        #expect(try copy.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM evidence") } == 6)
        #expect(throws: TrackerError.self) { try fixture.database.backup(to: destination) }
    }

    @Test func fullDiskLeavesTheDatabaseAsItWas() async throws {
        let fixture = try await TrackerFixture()
        let before = try fixture.count("SELECT COUNT(*) FROM evidence")
        var csv = "trainee,kind,about,date,note\n"
        for index in 0..<3000 { csv += "dana,reflection,,2026-01-05,\(String(repeating: "reflection text ", count: 20)) \(index)\n" }
        try fixture.scratch.write("big.csv", csv)
        let pages = try fixture.database.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        try fixture.database.limitPageCount(pages + 20)
        await #expect(throws: TrackerError.self) { try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/big.csv") }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == before)
    }
}
