import TrellisModel
import TrellisTracker
import Foundation
import GRDB

/// `TrackerStore` on one SQLite file (`TrackerDatabase`): each unit of work is one SQLite
/// transaction on the file's one connection. Units of work on that connection take turns
/// (`TrackerDatabase.gate`, shared by every store over it);
/// other processes wait on SQLite's lock (`BEGIN IMMEDIATE` for writes, with a busy timeout).
public struct SQLiteTrackerStore: TrackerStore {
    public let database: TrackerDatabase

    public init(_ database: TrackerDatabase) { self.database = database }

    public func read<T: Sendable>(_ work: (any TrackerReading) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN DEFERRED TRANSACTION") { try await work($0) }
    }

    public func write<T: Sendable>(_ work: (any TrackerWriting) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN IMMEDIATE TRANSACTION") { transaction in
            let result = try await work(transaction)
            try transaction.finish()
            return result
        }
    }

    private func transaction<T>(begin: String, _ work: (SQLiteTransaction) async throws -> T) async throws -> T {
        await database.gate.enter()
        do {
            try database.access { try $0.execute(sql: begin) }
            let transaction = SQLiteTransaction(database)
            do {
                let result = try await work(transaction)
                transaction.end()
                try database.access { try $0.execute(sql: "COMMIT TRANSACTION") }
                await database.gate.leave()
                return result
            } catch {
                transaction.end()
                try? database.access { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK TRANSACTION") } }
                throw error
            }
        } catch {
            await database.gate.leave()
            throw error
        }
    }
}

/// Lets one unit of work at a time use the connection, in the order they asked.
actor TransactionGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// One unit of work's view of the database: each step is one access to the connection,
/// inside the transaction its store opened. It lives only within that unit of work.
final class SQLiteTransaction: TrackerWriting {
    private let database: TrackerDatabase
    private var writer: EvidenceWriter?
    /// Trainee row numbers by id, read once per transaction (an import looks one up per row).
    private var traineeNumbers: [String: Int64]?
    private var inserted = 0
    private var cacheRaised = false

    init(_ database: TrackerDatabase) { self.database = database }

    func access<T>(_ work: (Database) throws -> T) throws -> T { try database.access(work) }

    /// Writes what the records added so far imply (the fact digests): before the commit.
    func finish() throws { if let writer { try access { _ in try writer.finish() } } }

    /// Restores the connection's settings for the next transaction, and lets go of the
    /// evidence writer's prepared statements on the connection's own queue, while this unit of
    /// work still holds the gate. (Released later, with this object, they were finalized on
    /// whatever thread dropped it, at the same moment as the next unit of work used the
    /// connection: GRDB opens it without SQLite's own mutex. The web tracker crashed that way
    /// under concurrent writes.)
    func end() {
        if cacheRaised { try? access { try $0.execute(sql: "PRAGMA cache_size = -2000") } }
        if writer != nil { try? access { _ in writer = nil } }
    }

    // MARK: Reading

    func trainee(_ id: String) throws -> Trainee? { try access { try TraineeRows.fetch(id, $0) } }

    func trainees() throws -> [Trainee] { try access { try TraineeRows.fetchAll($0) } }

    func history(of traineeID: String) throws -> [Tracker.HistoryEntry] {
        try access { db in try Row.fetchAll(db, sql: """
            SELECT h.field, h.old_value, h.new_value, h.changed_at, h.changed_by FROM trainee_history h
            JOIN trainee t ON t.no = h.trainee_no WHERE t.id = ? ORDER BY h.no
            """, arguments: [traineeID]).map {
            Tracker.HistoryEntry(field: $0["field"], oldValue: $0["old_value"], newValue: $0["new_value"],
                                 changedAt: $0["changed_at"], changedBy: $0["changed_by"])
        } }
    }

    func earliestEvidenceDay(of traineeID: String) throws -> CalendarDate? {
        try access { db in
            try Int.fetchOne(db, sql: "SELECT MIN(occurred_day) FROM evidence WHERE trainee_no = (SELECT no FROM trainee WHERE id = ?)",
                             arguments: [traineeID]).map(CalendarDate.init(dayNumber:))
        }
    }

    func evidence(_ selection: EvidenceSelection) throws -> [EvidenceRecord] {
        try access { db in try Self.evidence(selection, db) }
    }

    private static func evidence(_ selection: EvidenceSelection, _ db: Database) throws -> [EvidenceRecord] {
        switch selection {
        case .all: try EvidenceRows.fetch(db, whereClause: "1", arguments: [])
        case .trainee(let id): try EvidenceRows.fetch(db, whereClause: "t.id = ?", arguments: [id])
        case .trainees(let ids):
            ids.isEmpty ? [] : try EvidenceRows.fetch(db, whereClause: "t.id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))",
                                                      arguments: StatementArguments(ids))
        case .kind(let kind): try EvidenceRows.fetch(db, whereClause: "e.kind = ?", arguments: [kind.rawValue])
        case .number(let number): try EvidenceRows.fetch(db, whereClause: "e.no = ?", arguments: [number])
        }
    }

    func recordNumber(ofID id: String) throws -> StoredRecordNumber? {
        try access { try Int64.fetchOne($0, sql: "SELECT no FROM evidence WHERE id = ?", arguments: [id]) }
    }

    func importLedger() throws -> ImportLedger {
        try access { db in try Self.importLedger(db) }
    }

    private static func importLedger(_ db: Database) throws -> ImportLedger {
        var ledger = ImportLedger()
        let rows = try Row.fetchCursor(db, sql: "SELECT no, row_key, fingerprint, import_key FROM evidence WHERE fingerprint IS NOT NULL")
        while let row = try rows.next() {
            guard let fingerprint = EvidenceFingerprint(bytes: [UInt8](row["fingerprint"] as Data)) else { continue }
            ledger.add(row["no"], key: row["row_key"], fingerprint: fingerprint, legacyKey: row["import_key"])
        }
        return ledger
    }

    func completionRecord(of traineeID: String) throws -> String? {
        try access { db in
            try String.fetchOne(db, sql: "SELECT c.record FROM completion c JOIN trainee t ON t.no = c.trainee_no WHERE t.id = ?",
                                arguments: [traineeID])
        }
    }

    func programFacts(_ engine: ProgressEngine) throws -> ProgramFacts {
        try access { try FactDigest.programFacts(engine, $0) }
    }

    func findings() throws -> StoreFindings {
        try access { db in try Self.findings(db) }
    }

    private static func findings(_ db: Database) throws -> StoreFindings {
        var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
            problems.append("a row in \(row["table"] as String) refers to a missing row in \(row["parent"] as String)")
        }
        let subjects = try Row.fetchAll(db, sql: """
            SELECT s.kind, s.id, COUNT(e.no) AS records, COUNT(DISTINCT e.trainee_no) AS trainees FROM subject s
            JOIN (SELECT no, trainee_no, subject_no FROM evidence UNION ALL
                  SELECT ec.evidence_no, e2.trainee_no, ec.subject_no FROM evidence_competency ec JOIN evidence e2 ON e2.no = ec.evidence_no) e
              ON e.subject_no = s.no
            GROUP BY s.no ORDER BY s.kind, s.id
            """).map { row in
            (subject: EvidenceSubject(EvidenceSubject.Kind(rawValue: row["kind"]) ?? .module, row["id"]),
             records: row["records"] as Int, trainees: row["trainees"] as Int)
        }
        let levels = try Row.fetchAll(db, sql: "SELECT l.id, COUNT(e.no) AS records FROM level l JOIN evidence e ON e.level_no = l.no GROUP BY l.no ORDER BY l.id")
            .map { (id: $0["id"] as String, records: $0["records"] as Int) }
        return StoreFindings(integrityProblems: problems, staleTrainees: try FactDigest.staleTrainees(db).count, subjects: subjects, levels: levels)
    }

    // MARK: Writing

    func insert(_ trainee: Trainee, at time: String, by actor: String) throws {
        try access { db in
            try TraineeRows.insert(trainee, at: time, by: actor, into: db)
            traineeNumbers?[trainee.id] = db.lastInsertedRowID
        }
    }

    func update(_ trainee: Trainee, history: [(field: String, old: String?, new: String?)], at time: String, by actor: String) throws {
        try access { try TraineeRows.update(trainee, at: time, by: actor, history: history, in: $0) }
    }

    @discardableResult
    func insert(_ evidence: [NewEvidence]) throws -> [StoredRecordNumber] {
        try access { db in
            if traineeNumbers == nil {
                traineeNumbers = Dictionary(try Row.fetchAll(db, sql: "SELECT id, no FROM trainee").map { ($0["id"], $0["no"]) },
                                            uniquingKeysWith: { first, _ in first })
            }
            if writer == nil { writer = try EvidenceWriter(db) }
            var numbers: [StoredRecordNumber] = []
            numbers.reserveCapacity(evidence.count)
            for new in evidence {
                guard let traineeNo = traineeNumbers?[new.record.traineeID] else {
                    throw TrackerError.field("trainee", new.record.traineeID, "is not on record", remedy: "add them first with `trellis trainee add`")
                }
                let target = try new.voids.map { number -> (no: Int64, kind: EvidenceKind) in
                    let kind = try Int.fetchOne(db, sql: "SELECT kind FROM evidence WHERE no = ?", arguments: [number]).flatMap(EvidenceKind.init(rawValue:))
                    return (number, kind ?? .void)
                }
                inserted += 1
                // A large import touches index pages all over the file; a larger page cache (up to
                // 256 MB, for this transaction only) keeps them in memory instead of spilling them to
                // the write-ahead log and writing them again. A/B on the benchmark's 1,000,000 rows
                // (2 runs each): 34.8 / 30.8 s without it, 18.5 / 21.1 s with it (Benchmarks/README.md).
                if !cacheRaised, inserted > 10_000 {
                    try db.execute(sql: "PRAGMA cache_size = -262144")
                    cacheRaised = true
                }
                numbers.append(try writer!.insert(new.record, traineeNo: traineeNo, voids: target, imported: new.imported))
            }
            return numbers
        }
    }

    func insertCompletion(of traineeID: String, completedOn: CalendarDate, frameworkVersion: String?, record: String,
                          frozenAt: String, frozenBy: String) throws {
        try access { db in
            try db.execute(sql: """
                INSERT INTO completion (trainee_no, completed_day, framework_version, record, frozen_at, frozen_by)
                SELECT no, ?, ?, ?, ?, ? FROM trainee WHERE id = ? ON CONFLICT (trainee_no) DO NOTHING
                """, arguments: [completedOn.dayNumber, frameworkVersion, record, frozenAt, frozenBy, traineeID])
        }
    }

    func rebuildDerivedData() throws -> Int { try access { try FactDigest.rebuildAll($0) } }
}
