import TrellisModel
import GRDB

/// Reading and writing trainee rows.
enum TraineeRows {
    static let columns = "id, name, email, cohort, site, supervisor, start_day, status, credential"

    static func decode(_ row: Row) -> Trainee {
        Trainee(id: row[0], name: row[1], email: row[2], cohort: row[3], site: row[4], supervisor: row[5],
                startDate: CalendarDate(dayNumber: row[6]), status: Trainee.Status(rawValue: row[7]) ?? .active, credential: row[8])
    }

    static func fetch(_ id: String, _ db: Database) throws -> Trainee? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM trainee WHERE id = ?", arguments: [id]).map(decode)
    }

    static func fetchAll(_ db: Database) throws -> [Trainee] {
        try Row.fetchAll(db, sql: "SELECT \(columns) FROM trainee ORDER BY id").map(decode)
    }

    static func insert(_ trainee: Trainee, at now: String, by actor: String, into db: Database) throws {
        try db.execute(sql: """
            INSERT INTO trainee (id, name, email, cohort, site, supervisor, start_day, status, credential,
                                 created_at, created_by, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [trainee.id, trainee.name, trainee.email, trainee.cohort, trainee.site, trainee.supervisor,
                             trainee.startDate.dayNumber, trainee.status.rawValue, trainee.credential, now, actor, now, actor])
    }

    static func update(_ trainee: Trainee, at now: String, by actor: String, history: [(String, String?, String?)], in db: Database) throws {
        try db.execute(sql: """
            UPDATE trainee SET name = ?, email = ?, cohort = ?, site = ?, supervisor = ?, start_day = ?, status = ?,
                               credential = ?, updated_at = ?, updated_by = ? WHERE id = ?
            """, arguments: [trainee.name, trainee.email, trainee.cohort, trainee.site, trainee.supervisor,
                             trainee.startDate.dayNumber, trainee.status.rawValue, trainee.credential, now, actor, trainee.id])
        for (field, old, new) in history where old != new {
            try db.execute(sql: """
                INSERT INTO trainee_history (trainee_no, field, old_value, new_value, changed_at, changed_by)
                VALUES ((SELECT no FROM trainee WHERE id = ?), ?, ?, ?, ?, ?)
                """, arguments: [trainee.id, field, old, new, now, actor])
        }
    }

    static func value(of field: String, in trainee: Trainee) -> String? {
        switch field {
        case "name": trainee.name
        case "email": trainee.email
        case "cohort": trainee.cohort
        case "site": trainee.site
        case "supervisor": trainee.supervisor
        case "start_date": trainee.startDate.description
        case "status": trainee.status.rawValue
        case "credential": trainee.credential
        default: nil
        }
    }
}

/// Reading full evidence records (for transcripts, explanations and exports).
enum EvidenceRows {
    static func fetch(_ db: Database, whereClause: String, arguments: StatementArguments) throws -> [EvidenceRecord] {
        var competencies: [Int64: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT ec.evidence_no, s.id FROM evidence_competency ec JOIN subject s ON s.no = ec.subject_no
            JOIN evidence e ON e.no = ec.evidence_no JOIN trainee t ON t.no = e.trainee_no WHERE \(whereClause)
            ORDER BY s.id
            """, arguments: arguments) {
            competencies[row[0], default: []].append(row[1])
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.id, t.id, e.kind, s.kind, s.id, e.occurred_day, e.score, l.id, e.observer, e.minutes, e.next_step,
                   e.hours, e.topic, e.provider, e.category, e.course, target.id, e.reason, e.note, e.recorded_at,
                   e.recorded_by, voider.id, e.no, e.row_key, e.source_recorded_by, e.source_recorded_at
            FROM evidence e
            JOIN trainee t ON t.no = e.trainee_no
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
            let subjectKind: String? = row[3]
            records.append(EvidenceRecord(
                id: row[0], traineeID: row[1], kind: EvidenceKind(rawValue: row[2]) ?? .reflection,
                subject: subjectKind.flatMap(EvidenceSubject.Kind.init(rawValue:)).map { EvidenceSubject($0, row[4]) },
                date: CalendarDate(dayNumber: row[5]), score: row[6], level: row[7], observer: row[8], minutes: row[9],
                competencies: competencies[row[22]] ?? [], nextStep: row[10], hours: row[11], topic: row[12],
                provider: row[13], category: row[14], course: row[15], voids: row[16], reason: row[17], note: row[18],
                recordedAt: row[19], recordedBy: row[20], voidedBy: row[21], importKey: row[23],
                sourceRecordedBy: row[24], sourceRecordedAt: row[25]))
        }
        return records
    }
}

