import Foundation
import GRDB

/// `trellis import`: trainees or evidence from CSV, checked whole before anything is written.
///
/// Nothing is written unless every row is valid (or `skipInvalid` is set, which writes the
/// valid rows and reports the rest). All rows go in one transaction. Importing the same file
/// again adds nothing: each row has a key (its `key` column, or a fingerprint of its
/// contents) and rows already stored are skipped.
public struct CSVImporter: Sendable {
    public enum FileKind: String, Sendable, CaseIterable {
        case trainees, evidence
    }

    public static let traineeColumns = ["id", "name", "email", "cohort", "site", "supervisor", "start_date", "status", "credential"]
    public static let evidenceColumns = ["key", "trainee", "kind", "about", "date", "score", "level", "observer", "minutes",
                                         "competencies", "next_step", "hours", "topic", "provider", "category", "course", "note", "recorded_by"]

    public struct Report: Sendable {
        public var kind: FileKind
        public var rows: Int
        public var inserted: Int
        public var alreadyPresent: Int
        /// Every invalid row, with its line number.
        public var problems: [TrackerError]
        /// The journal mode the evidence was written with (`wal`, or `delete` for a bulk import
        /// that had the database to itself); nil for trainees files.
        var journal: String? = nil
        public var wroteAnything: Bool { inserted > 0 }
    }

    public var tracker: Tracker
    public var skipInvalid: Bool
    /// Imports of at least this many rows (and at least as many as are stored) rebuild the
    /// import-key and trainee indexes once instead of updating them row by row.
    ///
    /// Tests lower it with `$TRELLIS_BULK_IMPORT_MIN_ROWS` (a whole number; read once, at `init`)
    /// to exercise the index rebuild — and a kill part-way through it — on a small file.
    var bulkMinimumRows = 50_000
    /// Evidence files of at least this many bytes are imported with `TrackerDatabase.bulkWrite`
    /// (a rollback journal instead of the write-ahead log, when no other connection has the
    /// database open); smaller files with `write`. 8 MB is about 100,000 rows.
    ///
    /// Tests lower it with `$TRELLIS_BULK_IMPORT_MIN_BYTES` (a whole number of bytes; `0` sends
    /// every evidence file down the bulk path; read once, at `init`) to kill a bulk import
    /// part-way without generating a large file. Not meant for normal use.
    var bulkMinimumBytes = 8 << 20

    /// Test overrides of the bulk thresholds (see `bulkMinimumRows` and `bulkMinimumBytes`).
    static let bulkMinimumRowsVariable = "TRELLIS_BULK_IMPORT_MIN_ROWS"
    static let bulkMinimumBytesVariable = "TRELLIS_BULK_IMPORT_MIN_BYTES"

    public init(tracker: Tracker, skipInvalid: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.tracker = tracker
        self.skipInvalid = skipInvalid
        if let rows = environment[CSVImporter.bulkMinimumRowsVariable].flatMap(Int.init), rows >= 0 { bulkMinimumRows = rows }
        if let bytes = environment[CSVImporter.bulkMinimumBytesVariable].flatMap(Int.init), bytes >= 0 { bulkMinimumBytes = bytes }
    }

    /// Which kind of file this is, from its header.
    public static func detectKind(_ header: [String]) throws -> FileKind {
        if header.contains("kind") && header.contains("trainee") { return .evidence }
        if header.contains("id") && header.contains("name") { return .trainees }
        throw TrackerError("cannot tell whether this is a trainees or an evidence file from its header",
                           remedy: "trainees.csv starts with `\(traineeColumns.joined(separator: ","))`; evidence.csv with `\(evidenceColumns.joined(separator: ","))`",
                           line: 1)
    }

    public func importFile(_ path: String, as requested: FileKind? = nil) throws -> Report {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrackerError("cannot read \(path)", remedy: "check the file name")
        }
        let header = try data.withUnsafeBytes { try CSVTable.header($0.bindMemory(to: UInt8.self)) }
        let kind = try requested ?? CSVImporter.detectKind(header.names)
        let problems = CSVImporter.headerProblems(header.names, kind)
        // A clean evidence file is parsed and checked on all cores, in chunks, without holding
        // every row's fields at once; anything else goes through the whole-table path.
        if kind == .evidence, problems.isEmpty {
            let report = try importEvidence(data, header: header)
            if !report.problems.isEmpty, !skipInvalid { throw ImportFailure(report: report) }
            return report
        }
        let table = try CSVTable.parse(data)
        if !problems.isEmpty { throw ImportFailure(report: Report(kind: kind, rows: table.records.count, inserted: 0, alreadyPresent: 0, problems: problems)) }
        let report = try importTrainees(table)
        if !report.problems.isEmpty, !skipInvalid { throw ImportFailure(report: report) }
        return report
    }

    static func headerProblems(_ header: [String], _ kind: FileKind) -> [TrackerError] {
        let known = kind == .trainees ? CSVImporter.traineeColumns : CSVImporter.evidenceColumns
        var problems: [TrackerError] = []
        for column in header where !known.contains(column) {
            problems.append(TrackerError("unknown column `\(column)`", remedy: "the columns are: \(known.joined(separator: ", "))", line: 1))
        }
        let required = kind == .trainees ? ["id", "name", "start_date"] : ["trainee", "kind"]
        for column in required where !header.contains(column) {
            problems.append(TrackerError("the header has no `\(column)` column", remedy: "add it; the columns are: \(known.joined(separator: ", "))", line: 1))
        }
        return problems
    }

    private func columns(_ table: CSVTable) -> [String: Int] {
        Dictionary(table.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func importTrainees(_ table: CSVTable) throws -> Report {
        let column = columns(table)
        var problems: [TrackerError] = []
        var valid: [Trainee] = []
        var alreadyPresent = 0
        var seen = Set<String>()
        let existing = Dictionary(try tracker.trainees().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in table.records {
            func value(_ name: String) -> String? {
                guard let index = column[name], index < record.fields.count else { return nil }
                let text = record.fields[index].trimmingWhitespace
                return text.isEmpty ? nil : text
            }
            if record.fields.count != table.header.count {
                problems.append(TrackerError("has \(record.fields.count) fields but the header has \(table.header.count)",
                                             remedy: "check for a missing or extra comma; quote fields that contain commas", line: record.line))
                continue
            }
            do {
                let id = value("id") ?? ""
                try Tracker.checkTraineeID(id)
                guard let startText = value("start_date") else {
                    throw TrackerError.field("start_date", "", "is required", remedy: "write the start date as YYYY-MM-DD")
                }
                var trainee = Trainee(id: id, name: "", startDate: CalendarDate(year: 2000, month: 1, day: 1)!)
                for field in ["name", "email", "cohort", "site", "supervisor", "status", "credential"] {
                    if let text = value(field) { try trainee.set(field, to: text) }
                }
                try trainee.set("start_date", to: startText)
                if trainee.name.isEmpty { throw TrackerError.field("name", "", "is required", remedy: "give the trainee's name") }
                if let credential = trainee.credential, !tracker.curriculum.credentials.contains(where: { $0.id == credential }) {
                    throw TrackerError.field("credential", credential, "is not defined in credentials.yml", remedy: "use a credential id from credentials.yml")
                }
                guard seen.insert(id).inserted else {
                    throw TrackerError.field("id", id, "appears twice in this file", remedy: "keep one row per trainee")
                }
                if let stored = existing[id] {
                    if stored == trainee { alreadyPresent += 1; continue }
                    throw TrackerError.field("trainee", id, "already exists with different details",
                                             remedy: "use `trellis trainee edit \(id)` to change them")
                }
                valid.append(trainee)
            } catch var error as TrackerError {
                error.line = record.line
                problems.append(error)
            }
        }
        if !problems.isEmpty && !skipInvalid {
            return Report(kind: .trainees, rows: table.records.count, inserted: 0, alreadyPresent: alreadyPresent, problems: problems)
        }
        let now = Timestamp.now()
        try tracker.database.write { db in
            for trainee in valid { try TraineeRows.insert(trainee, at: now, by: tracker.actor, into: db) }
        }
        return Report(kind: .trainees, rows: table.records.count, inserted: valid.count, alreadyPresent: alreadyPresent, problems: problems)
    }

    /// A checked evidence row, reduced to what is stored.
    struct PendingRow {
        var line: Int32
        var kind: EvidenceKind
        var day: Int32
        /// Index into the subject catalogue (-1: none); level index on the scale (-1: none).
        var subject: Int32
        var level: Int16
        var traineeNo: Int64
        var key: Int64
        var score: Double?
        var minutes: Int?
        var hours: Double?
        var observer: String?
        var nextStep: String?
        var topic: String?
        var provider: String?
        var category: String?
        var course: String?
        var note: String?
        var recordedBy: String?
        /// Catalogue indexes of the competencies a coaching session worked on.
        var competencies: [Int32]
    }

    /// What one chunk of records gave.
    struct ChunkResult {
        var rows: [PendingRow] = []
        var problems: [TrackerError] = []
        var records = 0
        var parseError: TrackerError?
    }

    private func importEvidence(_ data: Data, header: (names: [String], next: Int, line: Int)) throws -> Report {
        let failAfter = ProcessInfo.processInfo.environment["TRELLIS_FAILPOINT_KILL_IMPORT_AFTER_ROWS"].flatMap(Int.init)
        let names = header.names
        func position(_ name: String) -> Int? { names.firstIndex(of: name) }
        let columns = (key: position("key"), trainee: position("trainee"), kind: position("kind"), about: position("about"),
                       date: position("date"), score: position("score"), level: position("level"), observer: position("observer"),
                       minutes: position("minutes"), competencies: position("competencies"), nextStep: position("next_step"),
                       hours: position("hours"), topic: position("topic"), provider: position("provider"),
                       category: position("category"), course: position("course"), note: position("note"),
                       recordedBy: position("recorded_by"))
        // Every module and competency, numbered: rows carry these small numbers, not strings.
        let catalogue = tracker.curriculum.modules.map { EvidenceSubject(.module, $0.id) }
            + tracker.curriculum.framework.competencies.map { EvidenceSubject(.competency, $0.id) }
        let catalogueIndex = Dictionary(catalogue.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        let levels = tracker.curriculum.framework.scale.map(\.id)
        let fastColumns = FastEvidenceRow.Columns(
            key: columns.key, trainee: columns.trainee, kind: columns.kind, about: columns.about, date: columns.date, score: columns.score,
            level: columns.level, observer: columns.observer, minutes: columns.minutes, competencies: columns.competencies,
            nextStep: columns.nextStep, hours: columns.hours, topic: columns.topic, provider: columns.provider, category: columns.category,
            course: columns.course, note: columns.note, recordedBy: columns.recordedBy)

        var clock = timeval(), cpu = rusage()
        func phase(_ name: String) {
            guard ProcessInfo.processInfo.environment["TRELLIS_TIMING"] != nil else { return }
            var now = timeval(), used = rusage()
            gettimeofday(&now, nil); getrusage(RUSAGE_SELF.rawValue, &used)
            if clock.tv_sec != 0 {
                func seconds(_ a: timeval, _ b: timeval) -> Double { Double(a.tv_sec - b.tv_sec) + Double(a.tv_usec - b.tv_usec) / 1e6 }
                let cpuSeconds = seconds(used.ru_utime, cpu.ru_utime) + seconds(used.ru_stime, cpu.ru_stime)
                FileHandle.standardError.write("\(name): \(String(format: "%.2f", seconds(now, clock))) s wall, \(String(format: "%.2f", cpuSeconds)) s CPU\n".data(using: .utf8)!)
            }
            clock = now; cpu = used
        }
        phase("start")
        defer { phase("commit") }
        // A large file is one large transaction: see `bulkWrite`.
        let large = data.count >= bulkMinimumBytes
        return try (large ? tracker.database.bulkWrite : tracker.database.write) { db in
            // The journal this transaction is written with: `delete` when `bulkWrite` could
            // switch away from the write-ahead log, else `wal`.
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() ?? "?"
            if ProcessInfo.processInfo.environment["TRELLIS_TIMING"] != nil {
                FileHandle.standardError.write("journal: \(journal)\n".data(using: .utf8)!)
            }
            let validator = try tracker.validator(db)
            let fast = FastEvidenceRow(header: names, columns: fastColumns, validator: validator, catalogue: catalogue,
                                        catalogueIndex: catalogueIndex, levels: levels)
            let results: [ChunkResult] = data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let starts = CSVTable.recordStarts(bytes, from: header.next, line: header.line)
                let total = starts.offsets.count
                let chunkSize = 2048
                let chunks = (total + chunkSize - 1) / chunkSize
                let slots = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunks)
                slots.initialize(repeating: ChunkResult())
                defer { slots.deinitialize(); slots.deallocate() }
                nonisolated(unsafe) let output = slots
                nonisolated(unsafe) let input = bytes
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var result = ChunkResult()
                    var fields: [String] = []
                    var ranges: [Range<Int>] = []
                    result.rows.reserveCapacity(chunkSize)
                    for record in (chunk * chunkSize)..<min(total, (chunk + 1) * chunkSize) {
                        var index = starts.offsets[record], line = starts.lines[record]
                        let recordLine = line
                        if let row = fast.check(input, from: index, line: line, fields: &ranges) {
                            result.records += 1
                            result.rows.append(row)
                            continue
                        }
                        do throws(TrackerError) {
                            try CSVTable.parseRecord(input, at: &index, line: &line, into: &fields)
                        } catch {
                            result.parseError = error
                            break
                        }
                        if fields.count == 1 && fields[0].isEmpty { continue }
                        result.records += 1
                        if fields.count != names.count {
                            result.problems.append(TrackerError("has \(fields.count) fields but the header has \(names.count)",
                                                                remedy: "check for a missing or extra comma; quote fields that contain commas", line: recordLine))
                            continue
                        }
                        func value(_ column: Int?) -> String? {
                            guard let column else { return nil }
                            let text = fields[column]
                            return text.isEmpty ? nil : text
                        }
                        let date = value(columns.date)
                        if date == nil {
                            result.problems.append(TrackerError("the date is empty", remedy: "give the day the evidence happened, as YYYY-MM-DD", line: recordLine))
                            continue
                        }
                        let input = EvidenceInput(
                            trainee: value(columns.trainee) ?? "", kind: value(columns.kind) ?? "", about: value(columns.about), date: date,
                            score: value(columns.score), level: value(columns.level), observer: value(columns.observer),
                            minutes: value(columns.minutes), competencies: value(columns.competencies), nextStep: value(columns.nextStep),
                            hours: value(columns.hours), topic: value(columns.topic), provider: value(columns.provider),
                            category: value(columns.category), course: value(columns.course), note: value(columns.note))
                        switch validator.check(input) {
                        case .invalid(let errors):
                            for error in errors {
                                var located = error
                                located.line = recordLine
                                result.problems.append(located)
                            }
                        case .valid(let checked):
                            let key = value(columns.key).map { CSVImporter.fingerprint([CSVImporter.keyPrefix + $0.trimmingWhitespace], header: ["key"]) }
                                ?? CSVImporter.fingerprint(fields, header: names)
                            let record = checked.record
                            result.rows.append(PendingRow(
                                line: Int32(truncatingIfNeeded: recordLine), kind: record.kind, day: Int32(truncatingIfNeeded: record.date.dayNumber),
                                subject: record.subject.flatMap { catalogueIndex[$0] } ?? -1,
                                level: record.level.flatMap { levels.firstIndex(of: $0) }.map(Int16.init) ?? -1,
                                traineeNo: checked.traineeNo, key: key, score: record.score, minutes: record.minutes, hours: record.hours,
                                observer: record.observer, nextStep: record.nextStep, topic: record.topic, provider: record.provider,
                                category: record.category, course: record.course, note: record.note,
                                recordedBy: value(columns.recordedBy)?.trimmingWhitespace,
                                competencies: record.competencies.compactMap { catalogueIndex[EvidenceSubject(.competency, $0)] }))
                        }
                    }
                    output[chunk] = result
                }
                return Array(slots)
            }
            phase("parse+check")
            // A malformed file stops at its first broken record, as a sequential read would.
            if let broken = results.first(where: { $0.parseError != nil }) { throw broken.parseError! }
            let rows = results.reduce(0) { $0 + $1.records }
            let problems = results.flatMap(\.problems)
            let validCount = results.reduce(0) { $0 + $1.rows.count }
            if !problems.isEmpty && !skipInvalid {
                return Report(kind: .evidence, rows: rows, inserted: 0, alreadyPresent: 0, problems: problems, journal: journal)
            }

            // A large import touches index pages all over the file; a bigger page cache keeps them
            // in memory instead of spilling to the write-ahead log mid-transaction.
            if validCount > 10_000 { try db.execute(sql: "PRAGMA cache_size = -262144") }
            // When the import is at least as large as what is stored, the two indexes it would
            // update at random (import keys, trainee and day) are dropped and rebuilt once at the
            // end, inside this same transaction: a crash or a failed check still leaves them as
            // they were. Keys already stored are then skipped here instead of by the index.
            let stored = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(no), 0) FROM evidence") ?? 0
            let bulk = validCount >= bulkMinimumRows && validCount >= stored
            var seenKeys = Set<Int64>()
            if bulk {
                seenKeys.reserveCapacity(validCount + stored)
                for key in try Int64.fetchAll(db, sql: "SELECT import_key FROM evidence WHERE import_key IS NOT NULL") { seenKeys.insert(key) }
                try db.execute(sql: "DROP INDEX evidence_import_key; DROP INDEX evidence_by_trainee")
            }
            let writer = try EvidenceWriter(db, checkImportKeys: !bulk)
            var subjectNos = [Int64](repeating: -1, count: catalogue.count)
            func subjectNo(_ index: Int32) throws -> Int64 {
                if subjectNos[Int(index)] < 0 { subjectNos[Int(index)] = try writer.subjectNo(catalogue[Int(index)]) }
                return subjectNos[Int(index)]
            }
            var levelNos = [Int64](repeating: -1, count: levels.count)
            func levelNo(_ index: Int16) throws -> Int64 {
                if levelNos[Int(index)] < 0 { levelNos[Int(index)] = try writer.levelNo(levels[Int(index)]) }
                return levelNos[Int(index)]
            }
            let ids = RecordIDGenerator()
            let now = Timestamp.now()
            let actor = tracker.actor
            var inserted = 0, present = 0, written = 0
            for chunk in results {
                for row in chunk.rows {
                    if bulk, !seenKeys.insert(row.key).inserted { present += 1; continue }
                    let competencyNos = try Set(row.competencies).map(subjectNo).sorted()
                    let added = try writer.insert(
                        id: nil, generatedBy: ids, traineeNo: row.traineeNo, kind: row.kind, subjectNo: row.subject >= 0 ? try subjectNo(row.subject) : nil,
                        day: Int(row.day), score: row.score, levelNo: row.level >= 0 ? try levelNo(row.level) : nil, observer: row.observer,
                        minutes: row.minutes, nextStep: row.nextStep, hours: row.hours, topic: row.topic, provider: row.provider,
                        category: row.category, course: row.course, voids: nil, reason: nil, note: row.note, recordedAt: now,
                        recordedBy: row.recordedBy ?? actor, importKey: row.key, competencyNos: competencyNos)
                    if added { inserted += 1 } else { present += 1 }
                    written += 1
                    // Test hook: die mid-transaction, to prove a crash leaves nothing partial.
                    if let failAfter, written == failAfter { kill(getpid(), SIGKILL) }
                }
            }
            phase("insert")
            if bulk {
                try db.execute(sql: """
                    CREATE UNIQUE INDEX evidence_import_key ON evidence (import_key);
                    CREATE INDEX evidence_by_trainee ON evidence (trainee_no, occurred_day);
                    """)
            }
            phase("indexes")
            try writer.finish()
            phase("digests")
            return Report(kind: .evidence, rows: rows, inserted: inserted, alreadyPresent: present, problems: problems, journal: journal)
        }
    }

    /// A row's key: FNV-1a (64 bits) over its columns and values, except who recorded it (which
    /// does not make it a different event); or over the `key` column when the file has one.
    /// Stored as an integer, whose index SQLite maintains far faster than text.
    static func fingerprint(_ fields: [String], header: [String]) -> Int64 {
        var hasher = FNV1a()
        for (name, value) in zip(header, fields) where name != "recorded_by" {
            var utf8 = value.utf8
            if let first = utf8.first, let last = utf8.last, first <= 0x20 || first >= 0x80 || last <= 0x20 || last >= 0x80 {
                utf8 = value.trimmingWhitespace.utf8
            }
            hasher.mixField(name: name.utf8, value: utf8)
        }
        return hasher.key
    }

    /// What a `key` column's value is prefixed with before it is hashed (under the name `key`).
    static let keyPrefix = "key:"
}


/// An import that wrote nothing because some rows were invalid; the report lists them all.
public struct ImportFailure: Error, Sendable {
    public var report: CSVImporter.Report
}
