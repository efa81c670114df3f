import Foundation
import GRDB
import GRDBSQLite

/// The tracker's operations, checked against the current curriculum.
///
/// Every write happens in one transaction and records when and by whom.
public struct Tracker: Sendable {
    public let database: TrackerDatabase
    public let curriculum: Curriculum
    public var today: CalendarDate
    /// Who is writing: recorded on every change.
    public var actor: String

    public init(database: TrackerDatabase, curriculum: Curriculum, today: CalendarDate = .today(), actor: String) {
        self.database = database
        self.curriculum = curriculum
        self.today = today
        self.actor = actor
    }

    /// `--by`, else `$TRELLIS_USER`, else `$USER`.
    public static func defaultActor(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["TRELLIS_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? "unknown"
    }

    // MARK: - Trainees

    static func checkTraineeID(_ id: String) throws {
        let allowed = id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard !id.isEmpty, allowed, !id.hasPrefix("-") else {
            throw TrackerError.field("trainee id", id, "is not a valid id", remedy: "use letters, digits, '.', '_' or '-', e.g. dana-r or T0042")
        }
    }

    public func addTrainee(_ trainee: Trainee) throws {
        try Tracker.checkTraineeID(trainee.id)
        guard !trainee.name.trimmingWhitespace.isEmpty else { throw TrackerError.field("name", trainee.name, "is empty", remedy: "give the trainee's name") }
        if let credential = trainee.credential { try checkCredential(credential) }
        let now = Timestamp.now()
        try database.write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM trainee WHERE id = ?", arguments: [trainee.id]) != nil {
                throw TrackerError.field("trainee", trainee.id, "already exists", remedy: "use `trellis trainee edit \(trainee.id)` to change their details")
            }
            try TraineeRows.insert(trainee, at: now, by: actor, into: db)
        }
    }

    /// Changes the given fields (nil value = clear the field) and keeps the old values in history.
    @discardableResult
    public func editTrainee(_ id: String, changes: [(field: String, value: String?)]) throws -> Trainee {
        guard !changes.isEmpty else { throw TrackerError("nothing to change", remedy: "give at least one field, e.g. --cohort 2026-spring") }
        let now = Timestamp.now()
        return try database.write { db in
            guard var trainee = try TraineeRows.fetch(id, db) else { throw unknownTrainee(id) }
            var history: [(String, String?, String?)] = []
            for (field, value) in changes {
                let old = TraineeRows.value(of: field, in: trainee)
                try trainee.set(field, to: value)
                if let credential = trainee.credential, field == "credential" { try checkCredential(credential) }
                history.append((field, old, TraineeRows.value(of: field, in: trainee)))
            }
            if let earliest = try Int.fetchOne(db, sql: "SELECT MIN(occurred_day) FROM evidence WHERE trainee_no = (SELECT no FROM trainee WHERE id = ?)", arguments: [id]),
               trainee.startDate.dayNumber > earliest {
                throw TrackerError.field("start_date", trainee.startDate.description, "is after evidence recorded on \(CalendarDate(dayNumber: earliest))",
                                         remedy: "choose a start date on or before the trainee's earliest evidence")
            }
            try TraineeRows.update(trainee, at: now, by: actor, history: history, in: db)
            return trainee
        }
    }

    public struct TraineeFilter: Sendable {
        public var cohort: String?
        public var site: String?
        public var status: Trainee.Status?
        public init(cohort: String? = nil, site: String? = nil, status: Trainee.Status? = nil) {
            self.cohort = cohort
            self.site = site
            self.status = status
        }
    }

    public func trainees(_ filter: TraineeFilter = TraineeFilter()) throws -> [Trainee] {
        try database.read { db in
            try TraineeRows.fetchAll(db).filter { trainee in
                (filter.cohort == nil || trainee.cohort == filter.cohort) &&
                    (filter.site == nil || trainee.site == filter.site) &&
                    (filter.status == nil || trainee.status == filter.status)
            }
        }
    }

    public func trainee(_ id: String) throws -> Trainee {
        guard let trainee = try database.read({ try TraineeRows.fetch(id, $0) }) else { throw unknownTrainee(id) }
        return trainee
    }

    public struct HistoryEntry: Sendable, Hashable {
        public var field: String
        public var oldValue: String?
        public var newValue: String?
        public var changedAt: String
        public var changedBy: String
    }

    public func history(of id: String) throws -> [HistoryEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.field, h.old_value, h.new_value, h.changed_at, h.changed_by FROM trainee_history h
                JOIN trainee t ON t.no = h.trainee_no WHERE t.id = ? ORDER BY h.no
                """, arguments: [id]).map {
                HistoryEntry(field: $0[0], oldValue: $0[1], newValue: $0[2], changedAt: $0[3], changedBy: $0[4])
            }
        }
    }

    func unknownTrainee(_ id: String) -> TrackerError {
        .field("trainee", id, "is not on record", remedy: "see `trellis trainee list`, or add them with `trellis trainee add`")
    }

    func checkCredential(_ id: String) throws {
        let known = curriculum.credentials.map(\.id)
        guard known.contains(id) else {
            throw TrackerError.field("credential", id, "is not defined in credentials.yml",
                                     remedy: known.isEmpty ? "define credential rules in \(curriculum.directory)/credentials.yml" : "use one of \(known.joined(separator: ", "))")
        }
    }

    // MARK: - Evidence

    func validator(_ db: Database) throws -> EvidenceValidator {
        var facts: [String: EvidenceValidator.TraineeFacts] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, no, start_day FROM trainee") {
            facts[row[0]] = .init(no: row[1], startDate: CalendarDate(dayNumber: row[2]))
        }
        return EvidenceValidator(curriculum: curriculum, trainees: facts, today: today)
    }

    /// Records one piece of evidence and returns it with its new id.
    public func record(_ input: EvidenceInput) throws -> EvidenceRecord {
        try database.write { db in
            switch try validator(db).check(input) {
            case .invalid(let problems):
                throw problems.count == 1 ? problems[0] : TrackerError(problems.map(\.description).joined(separator: "; "))
            case .valid(let checked):
                let writer = try EvidenceWriter(db)
                var record = checked.record
                record.id = RecordIDGenerator().next()
                record.recordedAt = Timestamp.now()
                record.recordedBy = actor
                _ = try writer.insert(record, traineeNo: checked.traineeNo, importKey: nil)
                try writer.finish()
                return record
            }
        }
    }

    /// Cancels a record. A void cannot itself be voided (re-record instead) and a record is voided once.
    public func void(_ evidenceID: String, reason: String) throws -> EvidenceRecord {
        let reason = reason.trimmingWhitespace
        guard !reason.isEmpty else { throw TrackerError("a void needs a reason", remedy: "say why, e.g. --reason \"recorded for the wrong trainee\"") }
        return try database.write { db in
            guard let target = try Row.fetchOne(db, sql: """
                SELECT e.no, e.kind, e.trainee_no, t.id, (SELECT v.id FROM evidence v WHERE v.voids_no = e.no)
                FROM evidence e JOIN trainee t ON t.no = e.trainee_no WHERE e.id = ?
                """, arguments: [evidenceID]) else {
                throw TrackerError.field("evidence", evidenceID, "does not exist", remedy: "copy the id from `trellis progress TRAINEE --explain` or `trellis export`")
            }
            if EvidenceKind(rawValue: target[1]) == .void {
                throw TrackerError.field("evidence", evidenceID, "is itself a void and cannot be voided", remedy: "record the evidence again instead")
            }
            if let existing: String = target[4] {
                throw TrackerError.field("evidence", evidenceID, "is already voided (by \(existing))", remedy: "nothing to do; record corrected evidence if needed")
            }
            let record = EvidenceRecord(id: RecordIDGenerator().next(), traineeID: target[3], kind: .void, subject: nil,
                                        date: today, voids: evidenceID, reason: reason, recordedAt: Timestamp.now(), recordedBy: actor)
            try EvidenceWriter(db).insert(record, traineeNo: target[2], importKey: nil, voids: (target[0], EvidenceKind(rawValue: target[1])!))
            // The cancelled record no longer counts: recompute that trainee's fact digest.
            try FactDigest.rebuild(traineeNo: target[2], db)
            return record
        }
    }

    /// A trainee's evidence, voids included, ordered by when it happened (then when recorded).
    public func evidence(of traineeID: String) throws -> [EvidenceRecord] {
        try database.read { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM trainee WHERE id = ?", arguments: [traineeID]) != nil else { throw unknownTrainee(traineeID) }
            return try EvidenceRows.fetch(db, whereClause: "t.id = ?", arguments: [traineeID])
        }
    }
}

/// Inserts evidence rows, interning module, competency and level ids as small integers, and
/// keeps each trainee's fact digest (`FactDigest`) in step: call `finish()` before the
/// transaction ends.
///
/// Values are bound straight to SQLite's prepared statement: an import of a million rows
/// spends its time in SQLite, not in boxing arguments.
final class EvidenceWriter {
    private let db: Database
    private var subjectNos: [EvidenceSubject: Int64] = [:]
    private var levelNos: [String: Int64] = [:]
    private let insertStatement: Statement
    private var competencyStatement: Statement?
    /// Facts added per trainee since the last `finish()`.
    private var digestAdditions: [Int64: [UInt8]] = [:]

    /// - Parameter checkImportKeys: false when the caller has already removed rows whose import
    ///   key is stored (a bulk import that rebuilds the key index afterwards).
    init(_ db: Database, checkImportKeys: Bool = true) throws {
        self.db = db
        for row in try Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject") {
            subjectNos[EvidenceSubject(EvidenceSubject.Kind(rawValue: row[1]) ?? .module, row[2])] = row[0]
        }
        for row in try Row.fetchAll(db, sql: "SELECT no, id FROM level") { levelNos[row[1]] = row[0] }
        insertStatement = try db.makeStatement(sql: """
            INSERT INTO evidence (id, trainee_no, kind, subject_no, occurred_day, score, level_no, observer, minutes, next_step,
              hours, topic, provider, category, course, voids_no, voids_kind, reason, note, recorded_at, recorded_by, import_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """ + (checkImportKeys ? " ON CONFLICT (import_key) DO NOTHING" : ""))
    }

    func subjectNo(_ subject: EvidenceSubject) throws -> Int64 {
        if let no = subjectNos[subject] { return no }
        try db.execute(sql: "INSERT INTO subject (kind, id) VALUES (?, ?)", arguments: [subject.kind.rawValue, subject.id])
        let no = db.lastInsertedRowID
        subjectNos[subject] = no
        return no
    }

    func levelNo(_ level: String) throws -> Int64 {
        if let no = levelNos[level] { return no }
        try db.execute(sql: "INSERT INTO level (id) VALUES (?)", arguments: [level])
        let no = db.lastInsertedRowID
        levelNos[level] = no
        return no
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    @inline(__always)
    private func bind(_ index: Int32, _ value: String?) {
        let statement = insertStatement.sqliteStatement
        guard var value else { sqlite3_bind_null(statement, index); return }
        value.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), EvidenceWriter.transient)
            }
        }
    }

    @inline(__always)
    private func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(insertStatement.sqliteStatement, index, value) } else { sqlite3_bind_null(insertStatement.sqliteStatement, index) }
    }

    @inline(__always)
    private func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(insertStatement.sqliteStatement, index, value) } else { sqlite3_bind_null(insertStatement.sqliteStatement, index) }
    }

    /// Returns false when a row with the same import key is already stored.
    @discardableResult
    func insert(_ record: EvidenceRecord, traineeNo: Int64, importKey: Int64?, voids: (no: Int64, kind: EvidenceKind)? = nil) throws -> Bool {
        let subjectNumber = try record.subject.map(subjectNo)
        let levelNumber = try record.level.map(levelNo)
        let competencyNos = try Set(record.competencies).map { try subjectNo(EvidenceSubject(.competency, $0)) }.sorted()
        return try insert(id: record.id, traineeNo: traineeNo, kind: record.kind, subjectNo: subjectNumber, day: record.date.dayNumber,
                          score: record.score, levelNo: levelNumber, observer: record.observer, minutes: record.minutes,
                          nextStep: record.nextStep, hours: record.hours, topic: record.topic, provider: record.provider,
                          category: record.category, course: record.course, voids: voids, reason: record.reason, note: record.note,
                          recordedAt: record.recordedAt, recordedBy: record.recordedBy, importKey: importKey, competencyNos: competencyNos)
    }

    /// The insert itself, on already-interned numbers (the import's path).
    /// - Parameter id: the record's id; nil to take the next one from `ids` (bound without making a String).
    func insert(id: String?, generatedBy ids: RecordIDGenerator? = nil, traineeNo: Int64, kind: EvidenceKind, subjectNo: Int64?, day: Int, score: Double?, levelNo: Int64?,
                observer: String?, minutes: Int?, nextStep: String?, hours: Double?, topic: String?, provider: String?,
                category: String?, course: String?, voids: (no: Int64, kind: EvidenceKind)?, reason: String?, note: String?,
                recordedAt: String, recordedBy: String, importKey: Int64?, competencyNos: [Int64]) throws -> Bool {
        let statement = insertStatement.sqliteStatement
        if let id {
            bind(1, id)
        } else {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { buffer in
                (ids ?? RecordIDGenerator()).next(into: buffer.baseAddress!)
                _ = buffer.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(statement, 1, $0.baseAddress, 36, EvidenceWriter.transient)
                }
            }
        }
        bind(2, traineeNo)
        bind(3, Int64(kind.rawValue))
        bind(4, subjectNo)
        bind(5, Int64(day))
        bind(6, score)
        bind(7, levelNo)
        bind(8, observer)
        bind(9, minutes.map(Int64.init))
        bind(10, nextStep)
        bind(11, hours)
        bind(12, topic)
        bind(13, provider)
        bind(14, category)
        bind(15, course)
        bind(16, voids?.no)
        bind(17, voids.map { Int64($0.kind.rawValue) })
        bind(18, reason)
        bind(19, note)
        bind(20, recordedAt)
        bind(21, recordedBy)
        bind(22, importKey)
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        guard sqlite3_changes(db.sqliteConnection) > 0 else { return false }
        if !competencyNos.isEmpty {
            let evidenceNo = sqlite3_last_insert_rowid(db.sqliteConnection)
            if competencyStatement == nil {
                competencyStatement = try db.makeStatement(sql: "INSERT INTO evidence_competency (evidence_no, subject_no) VALUES (?, ?)")
            }
            let raw = competencyStatement!.sqliteStatement
            for competency in competencyNos {
                sqlite3_bind_int64(raw, 1, evidenceNo)
                sqlite3_bind_int64(raw, 2, competency)
                let code = sqlite3_step(raw)
                sqlite3_reset(raw)
                guard code == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
        }
        if kind != .void {
            let packed = FactDigest.Packed(day: Int32(truncatingIfNeeded: day), subjectNo: Int32(truncatingIfNeeded: subjectNo ?? 0),
                                           levelNo: Int32(truncatingIfNeeded: levelNo ?? 0), kind: UInt8(kind.rawValue), score: score,
                                           competencySubjectNos: kind == .coachingSession ? competencyNos.map { Int32(truncatingIfNeeded: $0) } : [])
            FactDigest.append(packed, to: &digestAdditions[traineeNo, default: []])
        }
        return true
    }

    /// Writes the fact digests of everything inserted so far.
    func finish() throws {
        try FactDigest.append(digestAdditions, db)
        digestAdditions = [:]
    }
}
