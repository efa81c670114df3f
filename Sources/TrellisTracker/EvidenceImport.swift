import TrellisModel
import Foundation

/// The evidence half of `trellis import`: every row is parsed, checked by the one
/// `EvidenceValidator` and fingerprinted (on all cores, in chunks), matched against what
/// earlier imports stored and earlier rows of the file, and written by the one
/// `EvidenceWriter`, all in one transaction that is rolled back if any row has a problem.
///
/// A row is *already present* only when its content is the same as a row imported before
/// (under its key, or — for files without a `key` column — by fingerprint). A known key
/// with different content is a conflict, reported by line; nothing is written then, as for
/// any other invalid row.
struct EvidenceImport {
    let tracker: Tracker
    let skipInvalid: Bool
    /// Check and plan every row as for an import, then roll the transaction back.
    var checkOnly = false

    /// Carries a check-only run's report out of the transaction it rolls back.
    private struct CheckedOnly: Error { var report: CSVImporter.Report }

    /// One row after parsing and checking.
    struct CheckedRow: Sendable {
        var line: Int
        var record: EvidenceRecord
        var key: String?
        /// Taken while checking, on all cores (a void's waits until its target is known).
        var fingerprint: EvidenceFingerprint?
        var sourceRecordedBy: String?
        var sourceRecordedAt: String?
    }

    private struct Chunk: Sendable {
        var rows: [CheckedRow] = []
        var problems: [TrackerError] = []
        var records = 0
        var parseError: TrackerError?
    }

    func run(_ data: Data, header: (names: [String], next: Int, line: Int)) async throws -> CSVImporter.Report {
        do {
            return try await write(data, header: header)
        } catch let checked as CheckedOnly {
            return checked.report
        }
    }

    private func write(_ data: Data, header: (names: [String], next: Int, line: Int)) async throws -> CSVImporter.Report {
        try await tracker.store.write { records in
            let validator = try await tracker.validator(records)
            var plan = ImportPlan(records, ledger: try await records.importLedger())
            let (now, actor) = (Timestamp.now(), tracker.actor)
            var problems: [TrackerError] = []
            var count = 0
            // Chunks arrive in file order while later ones are still being checked on the other
            // cores, and each is decided and written at once. Writing before the whole file is
            // checked loses nothing: a problem anywhere stops the writing, and the transaction
            // is rolled back at the end, so nothing is written unless every row is good.
            try await parse(data, header: header, validator: validator) { chunk in
                // A malformed file stops at its first broken record, as a sequential read would.
                if let error = chunk.parseError { throw error }
                count += chunk.records
                problems += chunk.problems
                try await plan.add(chunk.rows, problems: &problems)
                guard problems.isEmpty || skipInvalid else { return }
                try await plan.writeNew(at: now, by: actor)
            }
            try await plan.addVoids(problems: &problems)
            // By line; a line's own problems keep their order (the field order of the check).
            problems = problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
            guard problems.isEmpty || skipInvalid else {
                // Thrown from inside the transaction: whatever was written is rolled back.
                throw ImportFailure(report: CSVImporter.Report(kind: .evidence, rows: count, inserted: 0, alreadyPresent: plan.alreadyPresent,
                                                               problems: problems))
            }
            try await plan.writeNew(at: now, by: actor)
            let report = CSVImporter.Report(kind: .evidence, rows: count, inserted: plan.inserts.count, alreadyPresent: plan.alreadyPresent, problems: problems)
            // Thrown from inside the transaction, so everything written is rolled back.
            if checkOnly { throw CheckedOnly(report: report) }
            return report
        }
    }

    /// Parses and checks every record, 2,048 to a chunk, chunks on all cores (threads of
    /// their own, never the caller's), and hands the chunks to `each` in file order as they
    /// become ready.
    private func parse(_ data: Data, header: (names: [String], next: Int, line: Int), validator: EvidenceValidator,
                       each: (Chunk) async throws -> Void) async throws {
        let names = header.names
        let position = Columns(names)
        let starts = data.withUnsafeBytes { raw in CSVTable.recordStarts(raw.bindMemory(to: UInt8.self), from: header.next, line: header.line) }
        let total = starts.offsets.count, size = 2048
        let slots = ChunkSlots<Chunk>(count: (total + size - 1) / size)
        let parsers = DispatchGroup()
        DispatchQueue.global().async(group: parsers) {
            data.withUnsafeBytes { raw in
                // Read only while this closure runs: the parsers finish inside it.
                nonisolated(unsafe) let input = raw.bindMemory(to: UInt8.self)
                DispatchQueue.concurrentPerform(iterations: slots.count) { chunk in
                    var result = Chunk()
                    var fields: [String] = []
                    for record in (chunk * size)..<min(total, (chunk + 1) * size) where !slots.isCancelled {
                        var index = starts.offsets[record], line = starts.lines[record]
                        let recordLine = line
                        do throws(TrackerError) {
                            try CSVTable.parseRecord(input, at: &index, line: &line, into: &fields)
                        } catch {
                            result.parseError = error
                            break
                        }
                        if fields.count == 1 && fields[0].isEmpty { continue }
                        result.records += 1
                        switch check(fields, line: recordLine, names: names, position: position, validator: validator) {
                        case .success(let row): result.rows.append(row)
                        case .failure(let problems): result.problems.append(contentsOf: problems.errors)
                        }
                    }
                    slots.store(result, at: chunk)
                }
            }
        }
        var failure: (any Error)?
        do {
            for chunk in 0..<slots.count { try await each(await slots.take(chunk)) }
        } catch {
            slots.cancel()
            failure = error
        }
        // The parsers finish (early, after an error) before this returns or throws.
        await withCheckedContinuation { done in parsers.notify(queue: .global()) { done.resume() } }
        if let failure { throw failure }
    }

    private struct Problems: Error { var errors: [TrackerError] }

    /// Where each import column is in this file's header (looked up once, not per row).
    private struct Columns: Sendable {
        /// By `EvidenceField.rawValue`.
        let fields: [Int?]
        let key, recordedBy, recordedAt: Int?

        init(_ names: [String]) {
            fields = EvidenceField.allCases.map { names.firstIndex(of: $0.name) }
            (key, recordedBy, recordedAt) = (names.firstIndex(of: "key"), names.firstIndex(of: "recorded_by"), names.firstIndex(of: "recorded_at"))
        }
    }

    private func check(_ fields: [String], line: Int, names: [String], position c: Columns,
                       validator: EvidenceValidator) -> Result<CheckedRow, Problems> {
        func located(_ error: TrackerError) -> Problems {
            var error = error
            error.line = line
            return Problems(errors: [error])
        }
        guard fields.count == names.count else {
            return .failure(located(TrackerError("has \(fields.count) fields but the header has \(names.count)",
                                                 remedy: "check for a missing or extra comma; quote fields that contain commas")))
        }
        if let column = fields.firstIndex(where: { $0.utf8.contains(0) }) {
            return .failure(located(TrackerError("the `\(names[column])` field contains a NUL byte",
                                                 remedy: "remove the control character; save the file as plain UTF-8 text")))
        }
        func value(_ column: Int?) -> String? {
            guard let column, !fields[column].isEmpty else { return nil }
            let text = CSVField.unescape(fields[column]).trimmingWhitespace
            return text.isEmpty ? nil : text
        }
        guard let date = value(c.fields[EvidenceField.date.rawValue]) else {
            return .failure(located(TrackerError("the date is empty", remedy: "give the day the evidence happened, as YYYY-MM-DD")))
        }
        let input = EvidenceInput { field in field == .date ? date : value(c.fields[field.rawValue]) }
        switch validator.check(input, allowVoid: true) {
        case .invalid(let errors):
            return .failure(Problems(errors: errors.map { var error = $0; error.line = line; return error }))
        case .valid(let record):
            return .success(CheckedRow(line: line, record: record, key: value(c.key),
                                       fingerprint: record.kind == .void ? nil : EvidenceFingerprint(record),
                                       sourceRecordedBy: value(c.recordedBy), sourceRecordedAt: value(c.recordedAt)))
        }
    }
}

/// Chunks handed from the parsing threads to the writing task: each slot is filled once and
/// taken once, and `take` waits, without holding a thread, until its slot is filled.
private final class ChunkSlots<Value: Sendable>: @unchecked Sendable {
    let count: Int
    private var slots: [Value?]
    private var waiters: [CheckedContinuation<Value, Never>?]
    private let lock = NSLock()
    private var cancelled = false

    init(count: Int) {
        self.count = count
        slots = Array(repeating: nil, count: count)
        waiters = Array(repeating: nil, count: count)
    }

    func store(_ chunk: Value, at index: Int) {
        lock.lock()
        if let waiter = waiters[index] {
            waiters[index] = nil
            lock.unlock()
            waiter.resume(returning: chunk)
        } else {
            slots[index] = chunk
            lock.unlock()
        }
    }

    func take(_ index: Int) async -> Value {
        await withCheckedContinuation { waiter in
            lock.lock()
            if let chunk = slots[index] {
                slots[index] = nil
                lock.unlock()
                waiter.resume(returning: chunk)
            } else {
                waiters[index] = waiter
                lock.unlock()
            }
        }
    }

    /// Parsers stop early once the writer has stopped (an error ended the import).
    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
}
