import TrellisModel
import Foundation

/// The tracker's operations, checked against the current curriculum.
///
/// Every write happens in one transaction and records when and by whom.
public struct Tracker: Sendable {
    /// Where the records are kept (`TrellisTrackerSQLite` provides the SQLite store).
    public let store: any TrackerStore
    public let curriculum: Curriculum
    public var today: CalendarDate
    /// Who is writing: recorded on every change.
    public var actor: String

    public init(store: any TrackerStore, curriculum: Curriculum, today: CalendarDate = .today(), actor: String) {
        self.store = store
        self.curriculum = curriculum
        self.today = today
        self.actor = actor
    }

    /// `--by`, else `$TRELLIS_USER`, else `$USER`.
    public static func defaultActor(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["TRELLIS_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? "unknown"
    }

    // MARK: - Trainees

    public static func checkTraineeID(_ id: String) throws {
        let allowed = id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard !id.isEmpty, allowed, !id.hasPrefix("-") else {
            throw TrackerError.field("trainee id", id, "is not a valid id", remedy: "use letters, digits, '.', '_' or '-', e.g. dana-r or T0042")
        }
    }

    public func addTrainee(_ trainee: Trainee) async throws {
        try Tracker.checkTraineeID(trainee.id)
        guard !trainee.name.trimmingWhitespace.isEmpty else { throw TrackerError.field("name", trainee.name, "is empty", remedy: "give the trainee's name") }
        if let credential = trainee.credential { try checkCredential(credential) }
        if let program = trainee.program { try checkProgram(program) }
        let now = Timestamp.now()
        try await store.write { records in
            if try await records.trainee(trainee.id) != nil {
                throw TrackerError.field("trainee", trainee.id, "already exists", remedy: "use `trellis trainee edit \(trainee.id)` to change their details")
            }
            try await records.insert(trainee, at: now, by: actor)
        }
    }

    /// Changes the given fields (nil value = clear the field) and keeps the old values in history.
    @discardableResult
    public func editTrainee(_ id: String, changes: [(field: String, value: String?)]) async throws -> Trainee {
        guard !changes.isEmpty else { throw TrackerError("nothing to change", remedy: "give at least one field, e.g. --cohort 2026-spring") }
        let now = Timestamp.now()
        return try await store.write { records in
            guard var trainee = try await records.trainee(id) else { throw unknownTrainee(id) }
            var history: [(field: String, old: String?, new: String?)] = []
            for (field, value) in changes {
                let old = Trainee.value(of: field, in: trainee)
                try trainee.set(field, to: value)
                if let credential = trainee.credential, field == "credential" { try checkCredential(credential) }
                if let program = trainee.program, field == "program" { try checkProgram(program) }
                history.append((field, old, Trainee.value(of: field, in: trainee)))
            }
            if let earliest = try await records.earliestEvidenceDay(of: id), trainee.startDate > earliest {
                throw TrackerError.field("start_date", trainee.startDate.description, "is after evidence recorded on \(earliest)",
                                         remedy: "choose a start date on or before the trainee's earliest evidence")
            }
            try await records.update(trainee, history: history, at: now, by: actor)
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

    public func trainees(_ filter: TraineeFilter = TraineeFilter()) async throws -> [Trainee] {
        try await store.read { records in
            try await records.trainees().filter { trainee in
                (filter.cohort == nil || trainee.cohort == filter.cohort) &&
                    (filter.site == nil || trainee.site == filter.site) &&
                    (filter.status == nil || trainee.status == filter.status)
            }
        }
    }

    /// A report filtered by a cohort nobody is in would be empty without a word: refuse the
    /// filter instead, naming the cohorts there are.
    public func checkCohort(_ cohort: String?) async throws {
        guard let cohort else { return }
        let cohorts = Set(try await trainees().compactMap(\.cohort)).sorted()
        guard cohorts.contains(cohort) else {
            throw TrackerError("no trainees in cohort `\(cohort)`",
                               remedy: cohorts.isEmpty ? "no trainee has a cohort yet; set one with `trellis trainee edit ID --cohort C`" : "cohorts: \(cohorts.joined(separator: ", "))")
        }
    }

    public func trainee(_ id: String) async throws -> Trainee {
        guard let trainee = try await store.read({ try await $0.trainee(id) }) else { throw unknownTrainee(id) }
        return trainee
    }

    public struct HistoryEntry: Sendable, Hashable {
        public var field: String
        public var oldValue: String?
        public var newValue: String?
        public var changedAt: String
        public var changedBy: String

        package init(field: String, oldValue: String?, newValue: String?, changedAt: String, changedBy: String) {
            (self.field, self.oldValue, self.newValue, self.changedAt, self.changedBy) = (field, oldValue, newValue, changedAt, changedBy)
        }
    }

    public func history(of id: String) async throws -> [HistoryEntry] {
        try await store.read { try await $0.history(of: id) }
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

    func checkProgram(_ id: String) throws {
        let known = curriculum.framework.completionSets.map(\.id)
        guard known.contains(id) else {
            throw TrackerError.field("program", id, "is not a completion set in competencies.yml",
                                     remedy: "use one of \(known.joined(separator: ", "))")
        }
    }

    // MARK: - Evidence

    func validator(_ records: any TrackerReading) async throws -> EvidenceValidator {
        let starts = Dictionary(try await records.trainees().map { ($0.id, $0.startDate) }, uniquingKeysWith: { first, _ in first })
        return EvidenceValidator(curriculum: curriculum, trainees: starts, today: today)
    }

    /// The validator for one record: it needs only that trainee's start date, not every
    /// trainee's (10,000 rows read per record, at a program's size).
    func validator(_ records: any TrackerReading, for traineeID: String) async throws -> EvidenceValidator {
        let trainee = try await records.trainee(traineeID.trimmingWhitespace)
        return EvidenceValidator(curriculum: curriculum, trainees: trainee.map { [$0.id: $0.startDate] } ?? [:], today: today)
    }

    /// Records one piece of evidence and returns it with its new id.
    public func record(_ input: EvidenceInput) async throws -> EvidenceRecord {
        try await store.write { records in
            switch try await validator(records, for: input.trainee).check(input) {
            case .invalid(let problems):
                guard problems.count > 1 else { throw problems[0] }
                var combined = TrackerError(problems.map(\.description).joined(separator: "; "))
                combined.parts = problems
                throw combined
            case .valid(var record):
                record.id = RecordIDGenerator().next()
                record.recordedAt = Timestamp.now()
                record.recordedBy = actor
                try await records.insert([NewEvidence(record)])
                return record
            }
        }
    }

    /// Cancels a record. A void cannot itself be voided (re-record instead) and a record is voided once.
    public func void(_ evidenceID: String, reason: String) async throws -> EvidenceRecord {
        let reason = reason.trimmingWhitespace
        guard !reason.isEmpty else { throw TrackerError("a void needs a reason", remedy: "say why, e.g. --reason \"recorded for the wrong trainee\"") }
        return try await store.write { records in
            guard let number = try await records.recordNumber(ofID: evidenceID), let target = try await records.evidence(.number(number)).first else {
                throw TrackerError.field("evidence", evidenceID, "does not exist", remedy: "copy the id from `trellis progress TRAINEE --explain` or `trellis export`")
            }
            if target.kind == .void {
                throw TrackerError.field("evidence", evidenceID, "is itself a void and cannot be voided", remedy: "record the evidence again instead")
            }
            if let existing = target.voidedBy {
                throw TrackerError.field("evidence", evidenceID, "is already voided (by \(existing))", remedy: "nothing to do; record corrected evidence if needed")
            }
            let record = EvidenceRecord(id: RecordIDGenerator().next(), traineeID: target.traineeID, kind: .void, subject: nil,
                                        date: today, voids: evidenceID, reason: reason, recordedAt: Timestamp.now(), recordedBy: actor)
            try await records.insert([NewEvidence(record, voids: number)])
            return record
        }
    }

    /// A trainee's evidence, voids included, ordered by when it happened (then when recorded).
    public func evidence(of traineeID: String) async throws -> [EvidenceRecord] {
        try await store.read { records in
            guard try await records.trainee(traineeID) != nil else { throw unknownTrainee(traineeID) }
            return try await records.evidence(.trainee(traineeID))
        }
    }
}
