import TrellisModel
import TrellisTracker
import Foundation
import GRDB

/// The one way evidence reaches the SQLite database, for `record`, `void` and `import` alike.
///
/// It interns module, competency and level ids as small integers, stores what an import knows
/// about a row (its key, fingerprint and the file's provenance) with the row, and keeps
/// each trainee's fact digest (`FactDigest`) in step: call `finish()` before the transaction
/// ends.
final class EvidenceWriter {
    private let db: Database
    private var subjectNos: [EvidenceSubject: Int64] = [:]
    private var levelNos: [String: Int64] = [:]
    private let insertEvidence: Statement
    private let insertCompetency: Statement
    /// A record's free text goes to `evidence_text`, which erasure can clear (schema v5).
    private let insertText: Statement
    /// Facts added per trainee since the last `finish()`.
    private var digestAdditions: [Int64: [UInt8]] = [:]
    /// Trainees whose digest must be recomputed (a void cancelled one of their records).
    private var voidedTrainees: Set<Int64> = []
    private var labels: FactDigest.Labels

    init(_ db: Database) throws {
        self.db = db
        for row in try Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject") {
            subjectNos[EvidenceSubject(EvidenceSubject.Kind(rawValue: row["kind"]) ?? .module, row["id"])] = row["no"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT no, id FROM level") { levelNos[row["id"]] = row["no"] }
        labels = try FactDigest.Labels(db, adding: true)
        insertEvidence = try db.makeStatement(sql: """
            INSERT INTO evidence (id, trainee_no, kind, subject_no, occurred_day, score, level_no, observer, minutes,
              hours, topic, provider, category, course, voids_no, voids_kind, recorded_at, recorded_by,
              row_key, fingerprint, source_recorded_by, source_recorded_at, setting)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertText = try db.makeStatement(sql: "INSERT INTO evidence_text (evidence_no, note, next_step, reason) VALUES (?, ?, ?, ?)")
        insertCompetency = try db.makeStatement(sql: "INSERT INTO evidence_competency (evidence_no, subject_no) VALUES (?, ?)")
    }

    private func subjectNo(_ subject: EvidenceSubject) throws -> Int64 {
        if let no = subjectNos[subject] { return no }
        try db.execute(sql: "INSERT INTO subject (kind, id) VALUES (?, ?)", arguments: [subject.kind.rawValue, subject.id])
        subjectNos[subject] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    private func levelNo(_ level: String) throws -> Int64 {
        if let no = levelNos[level] { return no }
        try db.execute(sql: "INSERT INTO level (id) VALUES (?)", arguments: [level])
        levelNos[level] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// Stores `record` (its id, `recordedAt` and `recordedBy` already set) and returns its row number.
    /// - Parameters:
    ///   - voids: for a void, the row number and kind of the record it cancels.
    ///   - imported: for an imported row, what the import knows about it.
    @discardableResult
    func insert(_ record: EvidenceRecord, traineeNo: Int64, voids: (no: Int64, kind: EvidenceKind)? = nil, imported: ImportedRowInfo? = nil) throws -> Int64 {
        let subject = try record.subject.map(subjectNo)
        let level = try record.level.map(levelNo)
        let competencies = try Set(record.competencies).map { try subjectNo(EvidenceSubject(.competency, $0)) }.sorted()
        // The argument list matches the statement by construction: skip GRDB's per-row check.
        insertEvidence.setUncheckedArguments([
            record.id, traineeNo, record.kind.rawValue, subject, record.date.dayNumber, record.score, level, record.observer,
            record.minutes, record.hours, record.topic, record.provider, record.category, record.course,
            voids?.no, voids?.kind.rawValue, record.recordedAt, record.recordedBy,
            imported?.key, imported.map { Data($0.fingerprint.bytes) }, imported?.sourceRecordedBy, imported?.sourceRecordedAt,
            record.setting,
        ])
        try insertEvidence.execute()
        let evidenceNo = db.lastInsertedRowID
        if record.note != nil || record.nextStep != nil || record.reason != nil {
            try insertText.execute(arguments: [evidenceNo, record.note, record.nextStep, record.reason])
        }
        for competency in competencies {
            try insertCompetency.execute(arguments: [evidenceNo, competency])
        }
        if record.kind == .void {
            voidedTrainees.insert(traineeNo)
        } else {
            let label = FactDigest.label(kind: record.kind, observer: record.observer, category: record.category)
            let fact = FactDigest.Packed(day: Int32(truncatingIfNeeded: record.date.dayNumber), subjectNo: Int32(truncatingIfNeeded: subject ?? 0),
                                         levelNo: Int32(truncatingIfNeeded: level ?? 0), kind: UInt8(record.kind.rawValue),
                                         labelNo: try labels.number(label, db),
                                         amount: FactDigest.amount(kind: record.kind, score: record.score, hours: record.hours),
                                         competencySubjectNos: record.kind == .coachingSession ? competencies.map { Int32(truncatingIfNeeded: $0) } : [])
            FactDigest.append(fact, to: &digestAdditions[traineeNo, default: []])
        }
        return evidenceNo
    }

    /// Writes the fact digests of everything inserted so far.
    func finish() throws {
        try FactDigest.append(digestAdditions, db)
        for traineeNo in voidedTrainees.sorted() { try FactDigest.rebuild(traineeNo: traineeNo, db) }
        digestAdditions = [:]
        voidedTrainees = []
    }
}
