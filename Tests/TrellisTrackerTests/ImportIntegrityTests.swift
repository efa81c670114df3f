import Foundation
import GRDB
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// An import never drops a change and never counts one event twice.
@Suite struct ImportIntegrityTests {
    static func importing(_ fixture: TrackerFixture, _ name: String, _ csv: String, skipInvalid: Bool = false) async throws -> CSVImporter.Report {
        try fixture.scratch.write(name, csv)
        return try await CSVImporter(tracker: fixture.tracker, skipInvalid: skipInvalid).importFile(fixture.scratch.path + "/" + name)
    }

    static func problems(_ fixture: TrackerFixture, _ name: String, _ csv: String) async throws -> [String] {
        do {
            _ = try await importing(fixture, name, csv)
            return []
        } catch let failure as ImportFailure {
            return failure.report.problems.map(\.description)
        }
    }

    @Test func aKnownKeyWithDifferentValuesIsAConflictAndWritesNothing() async throws {
        let fixture = try await TrackerFixture()
        let first = try await Self.importing(fixture, "a.csv", "key,trainee,kind,about,date,note\nb1,dana,module-completed,welcome,2026-01-05,n\n")
        #expect(first.inserted == 1)
        let changed = try await Self.problems(fixture, "b.csv", "key,trainee,kind,about,date,note\nb2,dana,module-completed,listening,2026-01-05,x\nb1,dana,module-completed,welcome,2026-01-05,different\n")
        #expect(changed.count == 1)
        #expect(changed.first?.hasPrefix("line 3: key `b1` was imported on ") == true)
        #expect(changed.first?.hasSuffix("with different values: note `n` → `different` — to correct a record, void it and import the correction under a new key") == true)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 1, "a conflict writes nothing, not even the good row")
        // Identical content under the same key is already present.
        let same = try await Self.importing(fixture, "a.csv", "key,trainee,kind,about,date,note\nb1,dana,module-completed,welcome,2026-01-05, n \n")
        #expect(same.inserted == 0 && same.alreadyPresent == 1)
    }

    @Test func theSameKeyTwiceInOneFileWithDifferentValuesIsAConflict() async throws {
        let fixture = try await TrackerFixture()
        let problems = try await Self.problems(fixture, "a.csv", "key,trainee,kind,about,date,note\nb1,dana,module-completed,welcome,2026-01-05,n\nb1,dana,module-completed,welcome,2026-01-05,different\n")
        #expect(problems == ["line 3: key `b1` appears on line 2 with different values: note `n` → `different` — keep one row per key; to correct a record, void it and import the correction under a new key"])
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
        let twice = try await Self.importing(fixture, "b.csv", "key,trainee,kind,about,date\nb1,dana,module-completed,welcome,2026-01-05\nb1,dana,module-completed,welcome,2026-01-05\n")
        #expect(twice.inserted == 1 && twice.alreadyPresent == 1)
    }

    @Test func theSameEventWrittenDifferentlyIsCountedOnce() async throws {
        let fixture = try await TrackerFixture()
        let first = try await Self.importing(fixture, "a.csv", "trainee,kind,date,observer,minutes,competencies,note\ndana,coaching-session,2026-01-05,Ana,45,listening-well;goal-setting,first\n")
        #expect(first.inserted == 1)
        // Other column order, spaces around values, competencies in another order.
        let reordered = try await Self.importing(fixture, "b.csv", "note,competencies,minutes,observer,date,kind,trainee\n first ,goal-setting; listening-well,45, Ana ,2026-01-05,coaching-session,dana\n")
        #expect(reordered.inserted == 0 && reordered.alreadyPresent == 1)
        let hours = try await Self.importing(fixture, "c.csv", "trainee,kind,date,hours,topic\nlee,continuing-education,2026-02-01,3,Ethics\n")
        #expect(hours.inserted == 1)
        let hoursAgain = try await Self.importing(fixture, "d.csv", "trainee,kind,date,hours,topic\nlee,continuing-education,2026-02-01,3.0,Ethics\nlee,continuing-education,2026-02-01,3.00,Ethics\n")
        #expect(hoursAgain.inserted == 0 && hoursAgain.alreadyPresent == 2)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 2)
        // A real difference is a new event.
        let other = try await Self.importing(fixture, "e.csv", "trainee,kind,date,hours,topic\nlee,continuing-education,2026-02-01,3.5,Ethics\n")
        #expect(other.inserted == 1)
    }

    /// The evidence fields are defined once (`EvidenceField`): the CSV columns, in the format's
    /// order, and the fingerprint's fields, whose names and order stored fingerprints depend on.
    @Test func theEvidenceFieldsAreTheFormatsColumns() {
        let fields = ["trainee", "kind", "about", "date", "score", "level", "observer", "minutes", "competencies", "next_step",
                      "hours", "topic", "provider", "category", "course", "note", "voids", "reason"]
        // Fields added later (field hours' `setting`) come after the first eighteen.
        #expect(EvidenceField.allCases.map(\.name) == fields + ["setting"])
        #expect(CSVImporter.evidenceColumns == ["key"] + fields + ["setting", "recorded_by", "recorded_at"])
        let record = EvidenceRecord(id: "r", traineeID: "dana", kind: .coachingSession, subject: nil, date: CalendarDate("2026-01-05")!,
                                    minutes: 30, competencies: ["b", "a", "b"], hours: 3.0, note: "n")
        // A later field joins a fingerprint only when it has a value, so stored fingerprints stay valid.
        #expect(EvidenceFingerprint.fields(of: record).map(\.name) == fields)
        var worked = record
        worked.setting = "Family Resource Center"
        #expect(EvidenceFingerprint.fields(of: worked).map(\.name) == fields + ["setting"])
        #expect(EvidenceFingerprint(worked) != EvidenceFingerprint(record))
        #expect(EvidenceFingerprint.fields(of: record).first { $0.name == "competencies" }?.value == "a;b")
        #expect(EvidenceFingerprint.fields(of: record).first { $0.name == "hours" }?.value == "3")
    }

    @Test func fingerprintsAreTakenOverNormalisedValues() {
        let a = EvidenceRecord(id: "1", traineeID: "dana", kind: .continuingEducation, subject: nil, date: CalendarDate("2026-01-05")!, hours: 3, topic: "Ethics")
        var b = a
        b.id = "2"; b.recordedBy = "someone else"; b.recordedAt = "2026-12-01T00:00:00Z"
        #expect(EvidenceFingerprint(a) == EvidenceFingerprint(b))
        b.hours = 3.25
        #expect(EvidenceFingerprint(a) != EvidenceFingerprint(b))
        #expect(EvidenceFingerprint(bytes: EvidenceFingerprint(a).bytes) == EvidenceFingerprint(a))
        // Field framing: moving text from one field to the next gives another fingerprint.
        var c = a, d = a
        c.topic = "ab"; c.provider = "c"
        d.topic = "a"; d.provider = "bc"
        #expect(EvidenceFingerprint(c) != EvidenceFingerprint(d))
    }

    @Test func headerFaultsGetSpecificErrors() async throws {
        let fixture = try await TrackerFixture()
        await #expect(try Self.problems(fixture, "a.csv", "trainee,kind,note,note\ndana,reflection,a,b\n")
            == ["line 1: column `note` appears twice in the header — keep one `note` column"])
        await #expect(throws: TrackerError("the header is one column separated by semicolons (`trainee;kind;date`)",
                                     remedy: "save the file as CSV with commas (in a spreadsheet: CSV UTF-8, comma-delimited), or replace the semicolons with commas", line: 1)) {
            try await Self.importing(fixture, "b.csv", "trainee;kind;date\ndana;reflection;2026-01-05\n")
        }
        await #expect(throws: TrackerError("a trainees file needs an `id` column", remedy: "rename column `trainee_id` to `id`", line: 1)) {
            try await Self.importing(fixture, "c.csv", "trainee_id,name,start_date\nx,X,2026-01-01\n")
        }
        await #expect(try Self.problems(fixture, "d.csv", "trainee,kind,date,Start Date\ndana,reflection,2026-01-05,x\n".lowercased()).contains {
            $0.contains("unknown column `start date`")
        })
    }

    @Test func nulBytesAndValuesAKindHasNoPlaceForAreRejected() async throws {
        let fixture = try await TrackerFixture()
        await #expect(try Self.problems(fixture, "a.csv", "trainee,kind,date,note\ndana,reflection,2026-01-05,a\u{0}b\n")
            == ["line 2: the `note` field contains a NUL byte — remove the control character; save the file as plain UTF-8 text"])
        await #expect(try Self.problems(fixture, "b.csv", "trainee,kind,about,date,score\ndana,module-completed,welcome,2026-01-05,80\n")
            == ["line 2: score `80` does not apply to module-completed — leave it empty; it is used by knowledge-check"])
        await #expect(try Self.problems(fixture, "c.csv", "trainee,kind,about,date,score\ndana,knowledge-check,welcome,2026-01-05,-5\n")
            == ["line 2: score `-5` is out of range: a score is from 0 to 100 — write the percentage, e.g. 85"])
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
    }

    @Test func voidRowsCancelRecordsOfTheFileOrStoredOnes() async throws {
        let fixture = try await TrackerFixture()
        let stored = try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        let report = try await Self.importing(fixture, "a.csv", """
            key,trainee,kind,about,date,voids,reason
            v1,dana,void,,2026-01-06,\(stored.id),wrong module
            m1,dana,module-completed,listening,2026-01-05,,
            v2,dana,void,,2026-01-06,m1,wrong trainee

            """)
        #expect(report.inserted == 3)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence WHERE kind = 7") == 2)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence e WHERE kind != 7 AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.voids_no = e.no)") == 0)
        await #expect(try TrackerVerifier(tracker: fixture.tracker).verify() == [])
        // Voiding again, or voiding a void, or naming nothing, is reported by line.
        let problems = try await Self.problems(fixture, "b.csv", """
            trainee,kind,date,voids,reason
            dana,void,2026-01-07,m1,again
            dana,void,2026-01-07,v1,void a void
            dana,void,2026-01-07,nothing,no such record

            """)
        #expect(problems.count == 3)
        #expect(problems[0].hasPrefix("line 2: voids `m1` is already voided (by "))
        #expect(problems[1].hasPrefix("line 3: voids `v1` is itself a void"))
        #expect(problems[2].hasPrefix("line 4: voids `nothing` names no record"))
    }

    @Test func theImporterIsTheWriterAndTheFilesRecorderIsProvenance() async throws {
        let fixture = try await TrackerFixture()
        _ = try await Self.importing(fixture, "a.csv", "trainee,kind,about,date,recorded_by,recorded_at\ndana,module-completed,welcome,2026-01-05,Sam Lee,2026-01-05T10:00:00Z\n")
        let record = try await fixture.tracker.evidence(of: "dana")[0]
        #expect(record.recordedBy == "tester")
        #expect(record.sourceRecordedBy == "Sam Lee" && record.sourceRecordedAt == "2026-01-05T10:00:00Z")
        // The same row with another recorder is the same event.
        let again = try await Self.importing(fixture, "b.csv", "trainee,kind,about,date,recorded_by\ndana,module-completed,welcome,2026-01-05,Someone Else\n")
        #expect(again.alreadyPresent == 1)
    }

    /// Export, import into an empty tracker, export again: the same evidence, voids included.
    @Test func exportImportExportRoundTrips() async throws {
        let source = try await TrackerFixture()
        try await source.recordCompetentListening()
        let wrong = try await source.record("lee", "continuing-education", date: "2026-02-01", hours: "1.25", topic: "=HYPERLINK(\"http://x\")", category: "ethics")
        _ = try await source.tracker.void(wrong.id, reason: "entered twice")
        _ = try await Self.importing(source, "p.csv", "key,trainee,kind,about,date,note,recorded_by\nk7,dana,reflection,,2026-03-01,'quoted start,Sam Lee\n")
        let first = await EvidenceCSV.render(try source.tracker.allEvidence())

        let target = try await TrackerFixture()
        try target.scratch.write("export.csv", first)
        let imported = try await CSVImporter(tracker: target.tracker).importFile(target.scratch.path + "/export.csv")
        #expect(imported.inserted == 9 && imported.problems.isEmpty)
        let second = await EvidenceCSV.render(try target.tracker.allEvidence())
        #expect(second == first)
        #expect(first.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "a formula is neutralised in the export: \(first)")
        await #expect(try target.tracker.evidence(of: "lee").first?.topic == "=HYPERLINK(\"http://x\")", "and read back as it was")
        await #expect(try target.tracker.evidence(of: "dana").last?.note == "'quoted start")
        // Importing the export into the tracker it came from adds nothing.
        try source.scratch.write("export.csv", first)
        let again = try await CSVImporter(tracker: source.tracker).importFile(source.scratch.path + "/export.csv")
        #expect(again.inserted == 0 && again.alreadyPresent == 9)
    }
}

/// A database made by Trellis before schema v3 (64-bit row keys) keeps its idempotence.
@Suite struct ImportMigrationTests {
    static let fixtures = Fixtures.root + "/tracker-v2"

    static func upgradedFixture() async throws -> TrackerFixture {
        let fixture = try await TrackerFixture(addTrainees: false)
        let path = fixture.scratch.path + "/old.sqlite"
        let old = try DatabaseQueue(path: path)
        // The dump has its own BEGIN TRANSACTION … COMMIT.
        try await old.writeWithoutTransaction { try $0.execute(sql: String(contentsOfFile: fixtures + "/v2.sql", encoding: .utf8)) }
        try old.close()
        chmod(path, 0o600)
        let database = try TrackerDatabase.open(at: path)
        return TrackerFixture(scratch: fixture.scratch, database: database, curriculum: fixture.tracker.curriculum, today: fixture.tracker.today)
    }

    @Test func filesImportedBeforeTheUpgradeAreStillPresent() async throws {
        let fixture = try await Self.upgradedFixture()
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 5)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence WHERE import_key IS NOT NULL AND fingerprint IS NOT NULL") == 5)
        for file in ["old.csv", "keyed.csv"] {
            let report = try await CSVImporter(tracker: fixture.tracker).importFile(Self.fixtures + "/" + file)
            #expect(report.inserted == 0 && report.alreadyPresent > 0, "\(file): \(report)")
        }
        // Written differently (3.0 hours, columns reordered): still the same events.
        try fixture.scratch.write("reordered.csv", "hours,topic,category,date,kind,trainee\n3.0,Ethics,ethics,2026-02-01,continuing-education,lee\n")
        await #expect(try CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/reordered.csv").alreadyPresent == 1)
        // The legacy key `b1` with a changed note is a conflict.
        try fixture.scratch.write("changed.csv", "key,trainee,kind,about,date,note\nb1,dana,module-completed,listening,2026-01-08,different\n")
        await #expect(throws: ImportFailure.self) { try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/changed.csv") }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 5)
    }

    @Test func theLegacyRowKeyIsTheOneOldTrellisStored() async throws {
        let fixture = try await Self.upgradedFixture()
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence WHERE import_key = \(LegacyRowKey.of(key: "b1"))") == 1)
    }
}
