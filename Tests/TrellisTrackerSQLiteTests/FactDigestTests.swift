import Foundation
import GRDB
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// The per-trainee fact digests that reports read must always agree with the evidence.
@Suite struct FactDigestTests {
    let header = "trainee,kind,about,date,score,level,observer,minutes,competencies,hours,topic,category\n"
    let rows = """
        dana,module-completed,welcome,2026-01-05,,,,,,,,
        dana,knowledge-check,listening,2026-01-06,80,,,,,,,
        dana,coaching-session,,2026-01-07,,,Ana,30,listening-well,,,
        lee,continuing-education,,2026-02-01,,,,,,2,Ethics,ethics
        lee,module-completed,welcome,2026-02-02,,,,,,,,
        """

    func stale(_ fixture: TrackerFixture) throws -> [Int64] {
        try fixture.database.read { try FactDigest.staleTrainees($0) }
    }

    @Test func recordVoidAndImportKeepDigestsInStep() async throws {
        let fixture = try await TrackerFixture()
        let first = try await fixture.record("dana", "module-completed", "listening", date: "2026-01-02")
        try await fixture.record("lee", "observed-practice", "competency:listening-well", date: "2026-01-03", level: "aware", observer: "Ana")
        #expect(try stale(fixture) == [])
        _ = try await fixture.tracker.void(first.id, reason: "wrong module")
        #expect(try stale(fixture) == [])
        try fixture.scratch.write("e.csv", header + rows)
        await #expect(try CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv").inserted == 5)
        #expect(try stale(fixture) == [])
        await #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
    }

    @Test func reimportStaysIdempotentAndAKeyIsStoredOnce() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "listening", date: "2026-01-02")
        try fixture.scratch.write("e.csv", header + rows + "\n" + rows.split(separator: "\n")[0] + "\n")
        let importer = CSVImporter(tracker: fixture.tracker)
        let first = try await importer.importFile(fixture.scratch.path + "/e.csv")
        #expect(first.inserted == 5 && first.alreadyPresent == 1)
        let again = try await importer.importFile(fixture.scratch.path + "/e.csv")
        #expect(again.inserted == 0 && again.alreadyPresent == 6)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 6)
        #expect(try stale(fixture) == [])
        // A key is stored once, and what an import stored is append-only like the rest.
        try fixture.scratch.write("k.csv", "key,trainee,kind,about,date\nk1,dana,module-completed,welcome,2026-01-03\n")
        _ = try await importer.importFile(fixture.scratch.path + "/k.csv")
        let queue = try DatabaseQueue(path: fixture.databasePath)
        #expect(throws: (any Error).self) {
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO evidence (id, trainee_no, kind, occurred_day, recorded_at, recorded_by, row_key)
                    SELECT 'dup', trainee_no, kind, occurred_day, 'now', 'me', row_key FROM evidence WHERE row_key = 'k1'
                    """)
            }
        }
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "UPDATE evidence SET row_key = 'k2' WHERE row_key = 'k1'") }
        }
    }

    @Test func repairRecomputesADamagedDigest() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-02")
        try await DatabaseQueue(path: fixture.databasePath).write { try $0.execute(sql: "UPDATE trainee_facts SET facts = x''") }
        #expect(try stale(fixture).count == 1)
        let verifier = TrackerVerifier(tracker: fixture.tracker)
        await #expect(try verifier.verify().contains { $0.hasPrefix("stale:") })
        try await verifier.repairDigests()
        await #expect(try verifier.verify() == [])
    }

    @Test func aVersion1DatabaseIsMigratedWithItsEvidence() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/old.sqlite"
        let queue = try DatabaseQueue(path: path)
        try TrackerSchema.migrator.migrate(queue, upTo: "v1: trainees and append-only evidence")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO trainee (no, id, name, start_day, status, created_at, created_by, updated_at, updated_by)
                VALUES (1, 'dana', 'Dana', 20000, 'active', 'now', 'me', 'now', 'me');
                INSERT INTO subject (no, kind, id) VALUES (1, 'module', 'welcome'), (2, 'competency', 'listening-well');
                INSERT INTO evidence (no, id, trainee_no, kind, subject_no, occurred_day, recorded_at, recorded_by, import_key)
                VALUES (1, 'a', 1, 0, 1, 20100, 'now', 'me', 42), (2, 'b', 1, 3, NULL, 20101, 'now', 'me', NULL);
                INSERT INTO evidence_competency (evidence_no, subject_no) VALUES (2, 2);
                INSERT INTO evidence (no, id, trainee_no, kind, occurred_day, voids_no, voids_kind, reason, recorded_at, recorded_by)
                VALUES (3, 'c', 1, 7, 20102, 1, 0, 'mistake', 'now', 'me');
                """)
        }
        try queue.close()
        chmod(path, 0o600)
        let database = try TrackerDatabase.open(at: path)
        try database.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evidence") == 3)
            // Only the coaching session counts: the module completion is voided. Its fact is
            // read back field by field (comparing with `staleTrainees` would only check the
            // migration's digest code against itself).
            let blob = try #require(try Data.fetchOne(db, sql: "SELECT facts FROM trainee_facts WHERE trainee_no = 1"))
            #expect(blob.count == FactDigest.fixedSize + 4)
            var facts: [(day: Int, subjectNo: Int, levelNo: Int, kind: UInt8, score: Double?, competencies: [Int32])] = []
            blob.withUnsafeBytes { bytes in
                FactDigest.forEach(bytes) { day, subjectNo, levelNo, kind, labelNo, score, competencies in
                    #expect(labelNo == 0, "a coaching session has no label")
                    let nos = (0..<competencies.count / 4).map {
                        Int32(littleEndian: competencies.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))
                    }
                    facts.append((day, subjectNo, levelNo, kind, score, nos))
                }
            }
            #expect(facts.count == 1)
            let fact = try #require(facts.first)
            #expect(fact.day == 20101)
            #expect(fact.kind == UInt8(EvidenceKind.coachingSession.rawValue))
            #expect(fact.subjectNo == 0, "a coaching session has no subject")
            #expect(fact.levelNo == 0 && fact.score == nil)
            #expect(fact.competencies == [2], "the coached competency is subject 2, listening-well")
        }
        // Voids are still checked by the database: not a void, not twice, not a missing record.
        let writer = try DatabaseQueue(path: path)
        for (voids, kind) in [(3, 7), (2, 0), (99, 0)] as [(Int, Int)] {
            #expect(throws: DatabaseError.self) {
                try writer.write { db in
                    try db.execute(sql: """
                        INSERT INTO evidence (id, trainee_no, kind, occurred_day, voids_no, voids_kind, reason, recorded_at, recorded_by)
                        VALUES ('v\(voids)', 1, 7, 20103, ?, ?, 'x', 'now', 'me')
                        """, arguments: [voids, kind])
                }
            }
        }
        #expect(throws: DatabaseError.self) {
            try writer.write { try $0.execute(sql: "INSERT INTO evidence (id, trainee_no, kind, occurred_day, voids_no, voids_kind, reason, recorded_at, recorded_by) VALUES ('v1', 1, 7, 20103, 1, 0, 'again', 'now', 'me')") }
        }
    }

    /// Plain rows take the importer's fast path and the rest the general one; both must store
    /// the same thing and compute the same row key.
    @Test func fastAndGeneralImportPathsAgree() async throws {
        let fixture = try await TrackerFixture()
        try fixture.scratch.write("e.csv", header + """
            dana,continuing-education,,2026-01-05,,,,,,2,Ethics course,ethics
            lee,continuing-education,,2026-01-05,,,,,,2,Ethics course,Ethics
            dana,coaching-session,,2026-01-07,,,Ana,30,listening-well;listening-well,,,
            lee,coaching-session,,2026-01-07,,,Ana,30, listening-well ,,,
            dana,observed-practice,competency:listening-well,2026-01-08,,aware,"Ana",,,,,
            lee,observed-practice,competency:listening-well,2026-01-08,,aware,Ana,,,,,
            """)
        let first = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
        #expect(first.inserted == 6)
        let dana = try await fixture.tracker.evidence(of: "dana"), lee = try await fixture.tracker.evidence(of: "lee")
        #expect(dana.map(\.category) == lee.map(\.category))
        #expect(dana.map(\.competencies) == lee.map(\.competencies))
        #expect(dana.map(\.observer) == lee.map(\.observer))
        #expect(dana.map(\.level) == lee.map(\.level))
        // The same rows written another way (quoted, or padded where the importer trims) are the same rows.
        try fixture.scratch.write("same.csv", header + """
            "dana",continuing-education,,2026-01-05,,,,,,2,Ethics course,ethics
            lee,continuing-education,,2026-01-05,,,,,,2,Ethics course,Ethics
            dana,coaching-session,,2026-01-07,,,Ana,30,listening-well;listening-well,,,
            dana,observed-practice,competency:listening-well,2026-01-08,,aware,Ana,,,,,
            """)
        let again = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/same.csv")
        #expect(again.inserted == 0 && again.alreadyPresent == 4)
        #expect(try stale(fixture) == [])
    }
}
