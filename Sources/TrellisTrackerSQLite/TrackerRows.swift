import TrellisModel
import TrellisTracker
import GRDB

/// A row of the `trainee` table, read and written through GRDB's record protocols: columns by
/// name, never by position.
struct TraineeRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "trainee"

    var no: Int64?
    var id: String
    var name: String
    var email: String?
    var cohort: String?
    var site: String?
    var supervisor: String?
    var startDay: Int
    var status: String
    var credential: String?
    var program: String?
    var createdAt: String
    var createdBy: String
    var updatedAt: String
    var updatedBy: String

    enum CodingKeys: String, CodingKey {
        case no, id, name, email, cohort, site, supervisor, status, credential, program
        case startDay = "start_day", createdAt = "created_at", createdBy = "created_by", updatedAt = "updated_at", updatedBy = "updated_by"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
    }

    var trainee: Trainee {
        Trainee(id: id, name: name, email: email, cohort: cohort, site: site, supervisor: supervisor,
                startDate: CalendarDate(dayNumber: startDay), status: Trainee.Status(rawValue: status) ?? .active, credential: credential,
                program: program)
    }

}

/// Reading and writing trainees.
enum TraineeRows {
    static func fetch(_ id: String, _ db: Database) throws -> Trainee? {
        try TraineeRow.filter(TraineeRow.Columns.id == id).fetchOne(db)?.trainee
    }

    static func fetchAll(_ db: Database) throws -> [Trainee] {
        try TraineeRow.order(TraineeRow.Columns.id).fetchAll(db).map(\.trainee)
    }

    /// Every trainee with their row number, in id order.
    static func fetchAllWithNumbers(_ db: Database) throws -> [(trainee: Trainee, no: Int64)] {
        try TraineeRow.order(TraineeRow.Columns.id).fetchAll(db).map { ($0.trainee, $0.no ?? 0) }
    }

    static func insert(_ trainee: Trainee, at now: String, by actor: String, into db: Database) throws {
        let row = TraineeRow(no: nil, id: trainee.id, name: trainee.name, email: trainee.email, cohort: trainee.cohort, site: trainee.site,
                             supervisor: trainee.supervisor, startDay: trainee.startDate.dayNumber, status: trainee.status.rawValue,
                             credential: trainee.credential, program: trainee.program, createdAt: now, createdBy: actor, updatedAt: now, updatedBy: actor)
        try row.insert(db)
    }

    static func update(_ trainee: Trainee, at now: String, by actor: String, history: [(field: String, old: String?, new: String?)], in db: Database) throws {
        guard var row = try TraineeRow.filter(TraineeRow.Columns.id == trainee.id).fetchOne(db) else { return }
        (row.name, row.email, row.cohort, row.site, row.supervisor) = (trainee.name, trainee.email, trainee.cohort, trainee.site, trainee.supervisor)
        (row.startDay, row.status, row.credential, row.program, row.updatedAt, row.updatedBy) =
            (trainee.startDate.dayNumber, trainee.status.rawValue, trainee.credential, trainee.program, now, actor)
        try row.update(db)
        for (field, old, new) in history where old != new {
            try db.execute(sql: """
                INSERT INTO trainee_history (trainee_no, field, old_value, new_value, changed_at, changed_by)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [row.no, field, old, new, now, actor])
        }
    }
}

/// Reading full evidence records (for transcripts, explanations and exports).
enum EvidenceRows {
    /// Where the free text of a record is: in `evidence_text` (schema v5 on), or in columns of
    /// `evidence` itself (what migrations before v5 read, when there was no `setting` either).
    enum TextPlace { case textTable, evidenceColumns }

    static func fetch(_ db: Database, whereClause: String, arguments: StatementArguments, text: TextPlace = .textTable) throws -> [EvidenceRecord] {
        var competencies: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT ec.evidence_no, s.id FROM evidence_competency ec JOIN subject s ON s.no = ec.subject_no
            JOIN evidence e ON e.no = ec.evidence_no JOIN trainee t ON t.no = e.trainee_no WHERE \(whereClause)
            ORDER BY s.id
            """, arguments: arguments) {
            competencies[row["evidence_no"], default: []].append(row["id"])
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.id, t.id AS trainee_id, e.kind, s.kind AS subject_kind, s.id AS subject_id, e.occurred_day, e.score,
                   l.id AS level_id, e.observer, e.minutes, \(text == .textTable ? "x" : "e").next_step, e.hours, e.topic, e.provider,
                   e.category, e.course, target.id AS voids_id, \(text == .textTable ? "x" : "e").reason, \(text == .textTable ? "x" : "e").note,
                   e.recorded_at, e.recorded_by, voider.id AS voided_by, e.no, e.row_key, e.source_recorded_by, e.source_recorded_at,
                   \(text == .textTable ? "e.setting" : "NULL AS setting")
            FROM evidence e
            JOIN trainee t ON t.no = e.trainee_no
            \(text == .textTable ? "LEFT JOIN evidence_text x ON x.evidence_no = e.no" : "")
            LEFT JOIN subject s ON s.no = e.subject_no
            LEFT JOIN level l ON l.no = e.level_no
            LEFT JOIN evidence target ON target.no = e.voids_no
            LEFT JOIN evidence voider ON voider.voids_no = e.no
            WHERE \(whereClause)
            ORDER BY e.occurred_day, e.recorded_at, e.no
            """, arguments: arguments)
        // A cursor, not `fetchAll`: a million rows are decoded as they are read, without a
        // million intermediate `Row` copies.
        var records: [EvidenceRecord] = []
        while let row = try rows.next() {
            let subjectKind: String? = row["subject_kind"]
            records.append(EvidenceRecord(
                id: row["id"], traineeID: row["trainee_id"], kind: EvidenceKind(rawValue: row["kind"]) ?? .reflection,
                subject: subjectKind.flatMap(EvidenceSubject.Kind.init(rawValue:)).map { EvidenceSubject($0, row["subject_id"]) },
                date: CalendarDate(dayNumber: row["occurred_day"]), score: row["score"], level: row["level_id"], observer: row["observer"],
                minutes: row["minutes"], competencies: competencies[row["no"]] ?? [], nextStep: row["next_step"], hours: row["hours"],
                topic: row["topic"], provider: row["provider"], category: row["category"], course: row["course"], voids: row["voids_id"],
                reason: row["reason"], note: row["note"], setting: row["setting"], recordedAt: row["recorded_at"], recordedBy: row["recorded_by"],
                voidedBy: row["voided_by"], importKey: row["row_key"], sourceRecordedBy: row["source_recorded_by"],
                sourceRecordedAt: row["source_recorded_at"]))
        }
        return records
    }
}

