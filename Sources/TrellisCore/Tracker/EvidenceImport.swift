import Foundation
import GRDB

/// The evidence half of `trellis import`: every row is parsed, checked by the one
/// `EvidenceValidator` and fingerprinted (on all cores, in chunks), then matched against
/// what earlier imports stored, and only then written, in one transaction, by the one
/// `EvidenceWriter`.
///
/// A row is *already present* only when its content is the same as a row imported before
/// (under its key, or — for files without a `key` column — by fingerprint). A known key
/// with different content is a conflict, reported by line; nothing is written then, as for
/// any other invalid row.
struct EvidenceImport {
    let tracker: Tracker
    let skipInvalid: Bool

    /// One row after parsing and checking.
    struct CheckedRow: Sendable {
        var line: Int
        var traineeNo: Int64
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

    func run(_ data: Data, header: (names: [String], next: Int, line: Int)) throws -> CSVImporter.Report {
        try tracker.database.write { db in
            let validator = try tracker.validator(db)
            var chunks = parse(data, header: header, validator: validator)
            // A malformed file stops at its first broken record, as a sequential read would.
            if let broken = chunks.first(where: { $0.parseError != nil }) { throw broken.parseError! }
            var problems = chunks.flatMap(\.problems)
            let count = chunks.reduce(0) { $0 + $1.records }
            // One array of rows, each chunk released as soon as it is copied.
            var rows: [CheckedRow] = []
            rows.reserveCapacity(chunks.reduce(0) { $0 + $1.rows.count })
            for index in chunks.indices {
                rows.append(contentsOf: chunks[index].rows)
                chunks[index].rows = []
            }
            var plan = try ImportPlan(db, ledger: ImportLedger(db), rows: rows)
            try plan.decide(problems: &problems)
            // By line; a line's own problems keep their order (the field order of the check).
            problems = problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
            guard problems.isEmpty || skipInvalid else {
                return CSVImporter.Report(kind: .evidence, rows: count, inserted: 0, alreadyPresent: plan.alreadyPresent, problems: problems)
            }
            // A large import touches index pages all over the file; a larger page cache (up to
            // 256 MB, for this transaction only) keeps them in memory instead of spilling them
            // to the write-ahead log and writing them again. A/B on the benchmark's 1,000,000
            // rows (2 runs each): 34.8 / 30.8 s without it, 18.5 / 21.1 s with it (Benchmarks/README.md).
            if plan.inserts.count > 10_000 { try db.execute(sql: "PRAGMA cache_size = -262144") }
            defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
            try plan.write(db, at: Timestamp.now(), by: tracker.actor)
            return CSVImporter.Report(kind: .evidence, rows: count, inserted: plan.inserts.count, alreadyPresent: plan.alreadyPresent, problems: problems)
        }
    }

    /// Parses and checks every record, 2,048 to a chunk, chunks on all cores.
    private func parse(_ data: Data, header: (names: [String], next: Int, line: Int), validator: EvidenceValidator) -> [Chunk] {
        let names = header.names
        let position = Columns(names)
        return data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let starts = CSVTable.recordStarts(bytes, from: header.next, line: header.line)
            let total = starts.offsets.count, size = 2048
            nonisolated(unsafe) let input = bytes
            return Array(0..<(total + size - 1) / size).concurrentMap { chunk in
                var result = Chunk()
                var fields: [String] = []
                for record in (chunk * size)..<min(total, (chunk + 1) * size) {
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
                return result
            }
        }
    }

    private struct Problems: Error { var errors: [TrackerError] }

    /// Where each import column is in this file's header (looked up once, not per row).
    private struct Columns: Sendable {
        let key, trainee, kind, about, date, score, level, observer, minutes, competencies, nextStep, hours, topic,
            provider, category, course, note, voids, reason, recordedBy, recordedAt: Int?

        init(_ names: [String]) {
            func at(_ name: String) -> Int? { names.firstIndex(of: name) }
            (key, trainee, kind, about, date, score, level) = (at("key"), at("trainee"), at("kind"), at("about"), at("date"), at("score"), at("level"))
            (observer, minutes, competencies, nextStep, hours) = (at("observer"), at("minutes"), at("competencies"), at("next_step"), at("hours"))
            (topic, provider, category, course, note) = (at("topic"), at("provider"), at("category"), at("course"), at("note"))
            (voids, reason, recordedBy, recordedAt) = (at("voids"), at("reason"), at("recorded_by"), at("recorded_at"))
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
        guard let date = value(c.date) else {
            return .failure(located(TrackerError("the date is empty", remedy: "give the day the evidence happened, as YYYY-MM-DD")))
        }
        let input = EvidenceInput(
            trainee: value(c.trainee) ?? "", kind: value(c.kind) ?? "", about: value(c.about), date: date,
            score: value(c.score), level: value(c.level), observer: value(c.observer), minutes: value(c.minutes),
            competencies: value(c.competencies), nextStep: value(c.nextStep), hours: value(c.hours), topic: value(c.topic),
            provider: value(c.provider), category: value(c.category), course: value(c.course), note: value(c.note),
            voids: value(c.voids), reason: value(c.reason))
        switch validator.check(input, allowVoid: true) {
        case .invalid(let errors):
            return .failure(Problems(errors: errors.map { var error = $0; error.line = line; return error }))
        case .valid(let checked):
            let record = checked.record
            return .success(CheckedRow(line: line, traineeNo: checked.traineeNo, record: record, key: value(c.key),
                                       fingerprint: record.kind == .void ? nil : EvidenceFingerprint(record),
                                       sourceRecordedBy: value(c.recordedBy), sourceRecordedAt: value(c.recordedAt)))
        }
    }
}
