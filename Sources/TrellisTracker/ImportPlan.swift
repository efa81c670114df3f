import TrellisModel

/// Decides, row by row in file order, what an evidence import writes: a new record, nothing
/// (the same content is already stored, or appears earlier in the file), or a conflict (a
/// known key with different content). Voids are decided last, once every record of the file
/// they may cancel is known. The caller writes only while no row has a problem, and rolls the
/// transaction back if one has.
struct ImportPlan {
    struct Insert {
        /// Index into `rows`.
        var row: Int
        /// The record's new id (given when decided: a void of the file may name it).
        var id: String
        var fingerprint: EvidenceFingerprint
        /// For a void: the stored record it cancels, or the earlier insert of this plan.
        var voids: VoidTarget?
    }

    enum VoidTarget {
        case stored(StoredRecordNumber)
        case planned(index: Int)
    }

    /// A key seen in this file: the row it was first seen on, and where that row went.
    private struct SeenKey {
        /// Index into `rows`.
        var row: Int
        var fingerprint: EvidenceFingerprint
        var insert: Int?
        var storedNo: StoredRecordNumber?
    }

    private enum Match {
        case new
        case present(storedNo: StoredRecordNumber?)
        case conflict(TrackerError)
    }

    private let records: any TrackerWriting
    private let ledger: ImportLedger
    /// Every checked row of the file so far, in file order.
    private var rows: [EvidenceImport.CheckedRow] = []
    /// Rows of kind `void`, decided by `addVoids`.
    private var voidRows: [Int] = []
    private let ids = RecordIDGenerator()
    private(set) var inserts: [Insert] = []
    /// How many of `inserts` are written, and their record numbers.
    private var numbers: [StoredRecordNumber] = []
    private(set) var alreadyPresent = 0
    private var keys: [String: SeenKey] = [:]
    private var unkeyed: Set<EvidenceFingerprint> = []
    /// Records cancelled by a void of this file (by id), and the void's line.
    private var voidedHere: [String: Int] = [:]

    init(_ records: any TrackerWriting, ledger: ImportLedger) {
        self.records = records
        self.ledger = ledger
    }

    /// Decides the next rows of the file (voids wait for `addVoids`).
    mutating func add(_ more: [EvidenceImport.CheckedRow], problems: inout [TrackerError]) async throws {
        let start = rows.count
        rows.append(contentsOf: more)
        for index in start..<rows.count {
            if rows[index].record.kind == .void { voidRows.append(index); continue }
            try await place(index, fingerprint: rows[index].fingerprint ?? EvidenceFingerprint(rows[index].record), voids: nil, problems: &problems)
        }
    }

    /// Decides the file's voids, once all its records are known.
    mutating func addVoids(problems: inout [TrackerError]) async throws {
        for index in voidRows { try await addVoid(index, problems: &problems) }
        voidRows = []
    }

    /// A void row: its `voids` names a key of this file, a key imported before, or a record id.
    private mutating func addVoid(_ index: Int, problems: inout [TrackerError]) async throws {
        let row = rows[index]
        let reference = row.record.voids ?? ""
        func problem(_ text: String, _ remedy: String) {
            problems.append(TrackerError("voids `\(reference)` \(text)", remedy: remedy, line: row.line))
        }
        let target: (id: String, kind: EvidenceKind, traineeID: String, voidedBy: String?, place: VoidTarget)
        if let seen = keys[reference], let planned = seen.insert {
            let record = rows[seen.row].record
            target = (inserts[planned].id, record.kind, record.traineeID, nil, .planned(index: planned))
        } else if let no = try await storedNumber(reference), let stored = try await records.evidence(.number(no)).first {
            target = (stored.id, stored.kind, stored.traineeID, stored.voidedBy, .stored(no))
        } else {
            return problem("names no record in this file or in the tracker",
                           "give the key of a row of this file or of an earlier import, or a record id from `trellis export`")
        }
        guard target.kind != .void else { return problem("is itself a void and cannot be voided", "record the evidence again instead") }
        guard target.traineeID == row.record.traineeID else {
            return problem("is a record of another trainee", "check the trainee column of the void row")
        }
        let fingerprint = EvidenceFingerprint(row.record, voidsID: target.id)
        let before = inserts.count
        try await place(index, fingerprint: fingerprint, voids: target.place, problems: &problems)
        guard inserts.count > before else { return }
        if let voidedBy = target.voidedBy {
            inserts.removeLast()
            return problem("is already voided (by \(voidedBy))", "a record is voided once; remove this row")
        }
        if let line = voidedHere[target.id] {
            inserts.removeLast()
            return problem("is already voided on line \(line)", "a record is voided once; remove one of the rows")
        }
        voidedHere[target.id] = row.line
    }

    private mutating func place(_ index: Int, fingerprint: EvidenceFingerprint, voids: VoidTarget?,
                                problems: inout [TrackerError]) async throws {
        let row = rows[index]
        switch try await match(row, fingerprint) {
        case .conflict(let error):
            problems.append(error)
        case .present(let storedNo):
            alreadyPresent += 1
            if let key = row.key, keys[key] == nil {
                keys[key] = SeenKey(row: index, fingerprint: fingerprint, insert: nil, storedNo: storedNo)
            }
        case .new:
            if let key = row.key {
                keys[key] = SeenKey(row: index, fingerprint: fingerprint, insert: inserts.count, storedNo: nil)
            } else {
                unkeyed.insert(fingerprint)
            }
            inserts.append(Insert(row: index, id: ids.next(), fingerprint: fingerprint, voids: voids))
        }
    }

    private func match(_ row: EvidenceImport.CheckedRow, _ fingerprint: EvidenceFingerprint) async throws -> Match {
        guard let key = row.key else {
            return ledger.unkeyed.contains(fingerprint) || unkeyed.contains(fingerprint) ? .present(storedNo: nil) : .new
        }
        let correct = "to correct a record, void it and import the correction under a new key"
        if let seen = keys[key] {
            if seen.fingerprint == fingerprint { return .present(storedNo: seen.storedNo) }
            let changes = EvidenceFingerprint.differences(stored: rows[seen.row].record, storedVoidsID: nil, incoming: row.record, incomingVoidsID: nil)
            return .conflict(TrackerError("key `\(key)` appears on line \(rows[seen.row].line) with different values: \(changes)",
                                          remedy: "keep one row per key; \(correct)", line: row.line))
        }
        guard let no = try await storedNo(forKey: key) else { return .new }
        guard let stored = try await records.evidence(.number(no)).first else { return .new }
        let storedFingerprint = EvidenceFingerprint(stored)
        if storedFingerprint == fingerprint { return .present(storedNo: no) }
        let incomingVoids = row.record.kind == .void ? try await voidsID(row.record.voids) : nil
        let changes = EvidenceFingerprint.differences(stored: stored, storedVoidsID: nil, incoming: row.record, incomingVoidsID: incomingVoids)
        return .conflict(TrackerError("key `\(key)` was imported on \(stored.recordedAt.prefix(10)) with different values: \(changes)",
                                      remedy: correct, line: row.line))
    }

    /// The stored record a key names: a key imported before (since schema v3, or before it by
    /// its 64-bit key), or a record id (the key an export writes for a record not imported).
    private func storedNo(forKey key: String) async throws -> StoredRecordNumber? {
        if let entry = ledger.byKey[key] { return entry.evidenceNo }
        if key.utf8.count == 36, let no = try await records.recordNumber(ofID: key) { return no }
        if ledger.hasLegacyRows, let entry = ledger.byLegacyKey[LegacyRowKey.of(key: key)] { return entry.evidenceNo }
        return nil
    }

    private func voidsID(_ reference: String?) async throws -> String? {
        guard let reference else { return nil }
        if let seen = keys[reference], let planned = seen.insert { return inserts[planned].id }
        guard let no = try await storedNumber(reference) else { return reference }
        return try await records.evidence(.number(no)).first?.id
    }

    /// The stored record a void's reference names: a key of this file already present, or one `storedNo` finds.
    private func storedNumber(_ reference: String) async throws -> StoredRecordNumber? {
        if let known = keys[reference]?.storedNo { return known }
        return try await storedNo(forKey: reference)
    }

    /// Writes the inserts decided since the last call, in file order, with the importer as writer:
    /// as few calls to the store as there are voids of records in the same batch, plus one.
    mutating func writeNew(at now: String, by actor: String) async throws {
        numbers.reserveCapacity(inserts.count)
        var batch: [NewEvidence] = []
        for position in numbers.count..<inserts.count {
            let insert = inserts[position], row = rows[insert.row]
            // A void of a record in this batch needs that record's number first.
            if case .planned(let index) = insert.voids, index >= numbers.count {
                numbers += try await records.insert(batch)
                batch = []
            }
            var record = row.record
            record.id = insert.id
            record.recordedAt = now
            record.recordedBy = actor
            let voids: StoredRecordNumber? = switch insert.voids {
            case .stored(let no): no
            case .planned(let index): numbers[index]
            case nil: nil
            }
            batch.append(NewEvidence(record, voids: voids, imported: ImportedRowInfo(
                key: row.key, fingerprint: insert.fingerprint, sourceRecordedBy: row.sourceRecordedBy, sourceRecordedAt: row.sourceRecordedAt)))
        }
        numbers += try await records.insert(batch)
    }
}
