import TrellisModel

/// Where the tracker keeps its records. The rules, validation, import, reports and exports
/// reach the records only through this interface, never a database's API, so a second
/// backend (PostgreSQL for multi-site programs) and the web tracker stand on the same code.
///
/// Every access is a unit of work in one transaction: a `write` is stored whole or, when its
/// work throws, not at all; a `read` sees one consistent state of the records. The interface
/// is `async` because a database server's client (postgres-nio) and the web tracker's server
/// (Hummingbird) are; a unit of work may await between its steps.
public protocol TrackerStore: Sendable {
    func read<T: Sendable>(_ work: (any TrackerReading) async throws -> T) async throws -> T
    func write<T: Sendable>(_ work: (any TrackerWriting) async throws -> T) async throws -> T
}

/// A store's own number for a stored evidence record (a row id): what an import's plan and a
/// void refer to within one unit of work. Never shown to people; records are named by `id`.
public typealias StoredRecordNumber = Int64

/// Which evidence records to read, each with its voids resolved (`voidedBy`).
public enum EvidenceSelection: Sendable, Hashable {
    case all
    case trainee(String)
    /// Several trainees' records in one read (a dashboard's), in the same order as for one.
    case trainees([String])
    case kind(EvidenceKind)
    case number(StoredRecordNumber)
}

/// A record to store, with what the store needs beside it.
public struct NewEvidence: Sendable {
    /// Its id, `recordedAt` and `recordedBy` set.
    public var record: EvidenceRecord
    /// For a void: the number of the record it cancels.
    public var voids: StoredRecordNumber?
    /// For an imported row: what the import knows about it.
    public var imported: ImportedRowInfo?

    public init(_ record: EvidenceRecord, voids: StoredRecordNumber? = nil, imported: ImportedRowInfo? = nil) {
        self.record = record
        self.voids = voids
        self.imported = imported
    }
}

/// What an import knows about a row beyond the record itself, stored with it.
public struct ImportedRowInfo: Sendable {
    public var key: String?
    public var fingerprint: EvidenceFingerprint
    public var sourceRecordedBy: String?
    public var sourceRecordedAt: String?
}

/// Everything reports need about every trainee at once, in one read: each trainee's
/// (non-voided) evidence reduced to what the progression rules read, resolved against the
/// current curriculum.
public struct ProgramFacts: Sendable {
    public var trainees: [Trainee]
    /// Per trainee, in the order of `trainees`.
    public var facts: [[ProgressEngine.Fact]]
    /// The day of each frozen completion record, by trainee id.
    public var completions: [String: CalendarDate]

    package init(trainees: [Trainee], facts: [[ProgressEngine.Fact]], completions: [String: CalendarDate]) {
        self.trainees = trainees
        self.facts = facts
        self.completions = completions
    }
}

/// What a store finds when it checks itself (`trellis tracker verify`).
public struct StoreFindings: Sendable {
    /// Damage the store's own checks found (SQLite: `integrity_check`, `foreign_key_check`).
    public var integrityProblems: [String]
    /// Trainees whose derived data (the fact digests reports read) disagrees with their evidence.
    public var staleTrainees: Int
    /// Every module and competency evidence refers to: how many records, for how many trainees.
    public var subjects: [(subject: EvidenceSubject, records: Int, trainees: Int)]
    /// Every observed-practice level evidence uses, with its number of records.
    public var levels: [(id: String, records: Int)]

    package init(integrityProblems: [String], staleTrainees: Int, subjects: [(subject: EvidenceSubject, records: Int, trainees: Int)],
                 levels: [(id: String, records: Int)]) {
        self.integrityProblems = integrityProblems
        self.staleTrainees = staleTrainees
        self.subjects = subjects
        self.levels = levels
    }
}

/// Reading, within one transaction.
public protocol TrackerReading: AccountReading {
    func trainee(_ id: String) async throws -> Trainee?
    /// Every trainee, by id.
    func trainees() async throws -> [Trainee]
    func history(of traineeID: String) async throws -> [Tracker.HistoryEntry]
    /// The day of a trainee's earliest evidence, if any.
    func earliestEvidenceDay(of traineeID: String) async throws -> CalendarDate?
    /// Records in the order the evidence happened, then when it was recorded.
    func evidence(_ selection: EvidenceSelection) async throws -> [EvidenceRecord]
    func recordNumber(ofID id: String) async throws -> StoredRecordNumber?
    /// What earlier imports stored about their rows.
    func importLedger() async throws -> ImportLedger
    /// A trainee's frozen completion record, as stored (JSON).
    func completionRecord(of traineeID: String) async throws -> String?
    func programFacts(_ engine: ProgressEngine) async throws -> ProgramFacts
    func findings() async throws -> StoreFindings
}

/// Writing, within one transaction. Evidence is only ever added: a record is cancelled by a
/// void, never changed or deleted.
public protocol TrackerWriting: TrackerReading, AccountWriting {
    func insert(_ trainee: Trainee, at time: String, by actor: String) async throws
    /// Stores the trainee's new details and, for each changed field, its old and new value.
    func update(_ trainee: Trainee, history: [(field: String, old: String?, new: String?)], at time: String, by actor: String) async throws
    /// Stores records, in order, and returns their numbers (an import stores a chunk at a time).
    @discardableResult
    func insert(_ evidence: [NewEvidence]) async throws -> [StoredRecordNumber]
    /// Stores a completion record unless the trainee has one already (the first one stands).
    func insertCompletion(of traineeID: String, completedOn: CalendarDate, frameworkVersion: String?, record: String,
                          frozenAt: String, frozenBy: String) async throws
    /// Recomputes what the store derives from the evidence; returns the number of trainees with evidence.
    func rebuildDerivedData() async throws -> Int
}
