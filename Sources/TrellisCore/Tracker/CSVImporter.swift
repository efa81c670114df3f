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
        public var wroteAnything: Bool { inserted > 0 }
    }

    public var tracker: Tracker
    public var skipInvalid: Bool

    public init(tracker: Tracker, skipInvalid: Bool = false) {
        self.tracker = tracker
        self.skipInvalid = skipInvalid
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
        let table = try CSVTable.parse(data)
        let kind = try requested ?? CSVImporter.detectKind(table.header)
        let known = kind == .trainees ? CSVImporter.traineeColumns : CSVImporter.evidenceColumns
        var problems: [TrackerError] = []
        for column in table.header where !known.contains(column) {
            problems.append(TrackerError("unknown column `\(column)`", remedy: "the columns are: \(known.joined(separator: ", "))", line: 1))
        }
        let required = kind == .trainees ? ["id", "name", "start_date"] : ["trainee", "kind"]
        for column in required where !table.header.contains(column) {
            problems.append(TrackerError("the header has no `\(column)` column", remedy: "add it; the columns are: \(known.joined(separator: ", "))", line: 1))
        }
        if !problems.isEmpty { throw ImportFailure(report: Report(kind: kind, rows: table.records.count, inserted: 0, alreadyPresent: 0, problems: problems)) }
        let report = kind == .trainees ? try importTrainees(table) : try importEvidence(table)
        if !report.problems.isEmpty, !skipInvalid { throw ImportFailure(report: report) }
        return report
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

    private func importEvidence(_ table: CSVTable) throws -> Report {
        let column = columns(table)
        let header = table.header
        let failAfter = ProcessInfo.processInfo.environment["TRELLIS_FAILPOINT_KILL_IMPORT_AFTER_ROWS"].flatMap(Int.init)
        return try tracker.database.write { db in
            let validator = try tracker.validator(db)
            let skipInvalid = self.skipInvalid
            // Rows are checked on all cores (checking reads only); results keep file order.
            let outcomes = table.records.concurrentMap { record -> RowOutcome in
                if record.fields.count != header.count {
                    return .invalid([TrackerError("has \(record.fields.count) fields but the header has \(header.count)",
                                                  remedy: "check for a missing or extra comma; quote fields that contain commas", line: record.line)])
                }
                func value(_ name: String) -> String? {
                    guard let index = column[name] else { return nil }
                    let text = record.fields[index]
                    return text.isEmpty ? nil : text
                }
                if value("date") == nil {
                    return .invalid([TrackerError("the date is empty", remedy: "give the day the evidence happened, as YYYY-MM-DD", line: record.line)])
                }
                let input = EvidenceInput(
                    trainee: value("trainee") ?? "", kind: value("kind") ?? "", about: value("about"), date: value("date"),
                    score: value("score"), level: value("level"), observer: value("observer"), minutes: value("minutes"),
                    competencies: value("competencies"), nextStep: value("next_step"), hours: value("hours"), topic: value("topic"),
                    provider: value("provider"), category: value("category"), course: value("course"), note: value("note"))
                switch validator.check(input) {
                case .invalid(let errors):
                    return .invalid(errors.map { error in
                        var located = error
                        located.line = record.line
                        return located
                    })
                case .valid(let checked):
                    let key = value("key").map { CSVImporter.fingerprint(["key:" + $0.trimmingWhitespace], header: ["key"]) }
                        ?? CSVImporter.fingerprint(record.fields, header: header)
                    return .valid(checked, key: key, recordedBy: value("recorded_by")?.trimmingWhitespace)
                }
            }
            var problems: [TrackerError] = []
            var valid: [(checked: EvidenceValidator.Checked, key: Int64, recordedBy: String?)] = []
            valid.reserveCapacity(outcomes.count)
            for outcome in outcomes {
                switch outcome {
                case .invalid(let errors): problems += errors
                case .valid(let checked, let key, let recordedBy): valid.append((checked, key, recordedBy))
                }
            }
            if !problems.isEmpty && !skipInvalid {
                return Report(kind: .evidence, rows: table.records.count, inserted: 0, alreadyPresent: 0, problems: problems)
            }
            // A large import touches index pages all over the file; a bigger page cache keeps them
            // in memory instead of spilling to the write-ahead log mid-transaction.
            if valid.count > 10_000 { try db.execute(sql: "PRAGMA cache_size = -262144") }
            let writer = try EvidenceWriter(db)
            let ids = RecordIDGenerator()
            let now = Timestamp.now()
            var inserted = 0, present = 0
            for (index, item) in valid.enumerated() {
                var record = item.checked.record
                record.id = ids.next()
                record.recordedAt = now
                record.recordedBy = item.recordedBy ?? tracker.actor
                if try writer.insert(record, traineeNo: item.checked.traineeNo, importKey: item.key) { inserted += 1 } else { present += 1 }
                // Test hook: die mid-transaction, to prove a crash leaves nothing partial.
                if let failAfter, index + 1 == failAfter { kill(getpid(), SIGKILL) }
            }
            return Report(kind: .evidence, rows: table.records.count, inserted: inserted, alreadyPresent: present, problems: problems)
        }
    }

    /// A row's key: FNV-1a (64 bits) over its columns and values, except who recorded it (which
    /// does not make it a different event); or over the `key` column when the file has one.
    /// Stored as an integer, whose index SQLite maintains far faster than text.
    static func fingerprint(_ fields: [String], header: [String]) -> Int64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for (name, value) in zip(header, fields) where name != "recorded_by" {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            hash = (hash ^ 0x1F) &* 0x100000001b3
            for byte in value.trimmingWhitespace.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            hash = (hash ^ 0x1E) &* 0x100000001b3
        }
        return Int64(bitPattern: hash)
    }
}

/// The result of checking one evidence row.
private enum RowOutcome: Sendable {
    case valid(EvidenceValidator.Checked, key: Int64, recordedBy: String?)
    case invalid([TrackerError])
}

/// An import that wrote nothing because some rows were invalid; the report lists them all.
public struct ImportFailure: Error, Sendable {
    public var report: CSVImporter.Report
}
