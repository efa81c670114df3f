import TrellisModel
import Foundation
import GRDB

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

    /// A report filtered by a cohort nobody is in would be empty without a word: refuse the
    /// filter instead, naming the cohorts there are.
    public func checkCohort(_ cohort: String?) throws {
        guard let cohort else { return }
        let cohorts = Set(try trainees().compactMap(\.cohort)).sorted()
        guard cohorts.contains(cohort) else {
            throw TrackerError("no trainees in cohort `\(cohort)`",
                               remedy: cohorts.isEmpty ? "no trainee has a cohort yet; set one with `trellis trainee edit ID --cohort C`" : "cohorts: \(cohorts.joined(separator: ", "))")
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
                try writer.insert(record, traineeNo: checked.traineeNo)
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
            // The cancelled record no longer counts: `finish` recomputes that trainee's fact digest.
            let writer = try EvidenceWriter(db)
            try writer.insert(record, traineeNo: target[2], voids: (target[0], EvidenceKind(rawValue: target[1])!))
            try writer.finish()
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
