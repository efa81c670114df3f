import TrellisModel
import Foundation

/// `trellis import`: trainees or evidence from CSV, checked whole before anything is written.
///
/// Nothing is written unless every row is valid (or `skipInvalid` is set, which writes the
/// valid rows and reports the rest). All rows go in one transaction. Importing the same file
/// again adds nothing, and a row that claims to be one already stored (same trainee id, same
/// evidence key) but differs from it is a conflict, reported by line (`EvidenceImport`).
///
/// Cells that a Trellis export neutralised against spreadsheet formulas (a leading `'`, see
/// `CSVField`) are read back as they were.
public struct CSVImporter: Sendable {
    public enum FileKind: String, Sendable, CaseIterable {
        case trainees, evidence
    }

    public static let traineeColumns = ["id", "name", "email", "cohort", "site", "supervisor", "start_date", "status", "credential", "program"]
    /// `key`, the evidence fields (`EvidenceField`), then who recorded the row and when.
    public static let evidenceColumns = ["key"] + EvidenceField.allCases.map(\.name) + ["recorded_by", "recorded_at"]

    public struct Report: Sendable {
        public var kind: FileKind
        public var rows: Int
        public var inserted: Int
        public var alreadyPresent: Int
        /// Every invalid row, with its line number.
        public var problems: [TrackerError]
    }

    public var tracker: Tracker
    public var skipInvalid: Bool
    public init(tracker: Tracker, skipInvalid: Bool = false) {
        self.tracker = tracker
        self.skipInvalid = skipInvalid
    }

    /// Which kind of file this is, from its header.
    public static func detectKind(_ header: [String]) throws -> FileKind {
        if header.count == 1, header[0].contains(";") {
            throw TrackerError("the header is one column separated by semicolons (`\(header[0])`)",
                               remedy: "save the file as CSV with commas (in a spreadsheet: CSV UTF-8, comma-delimited), or replace the semicolons with commas",
                               line: 1)
        }
        if header.contains("kind") && header.contains("trainee") { return .evidence }
        if header.contains("id") && header.contains("name") { return .trainees }
        if header.contains("name"), let column = header.first(where: { suggestion(for: $0, .trainees) == "id" }) {
            throw TrackerError("a trainees file needs an `id` column", remedy: "rename column `\(column)` to `id`", line: 1)
        }
        if header.contains("kind"), let column = header.first(where: { suggestion(for: $0, .evidence) == "trainee" }) {
            throw TrackerError("an evidence file needs a `trainee` column", remedy: "rename column `\(column)` to `trainee`", line: 1)
        }
        throw TrackerError("cannot tell whether this is a trainees or an evidence file from its header",
                           remedy: "trainees.csv starts with `\(traineeColumns.joined(separator: ","))`; evidence.csv with `\(evidenceColumns.joined(separator: ","))`",
                           line: 1)
    }

    /// The known column an unknown header name most likely means (`Start Date` → `start_date`,
    /// `trainee_id` → `id` in a trainees file and `trainee` in an evidence file).
    static func suggestion(for column: String, _ kind: FileKind) -> String? {
        let known = kind == .trainees ? traineeColumns : evidenceColumns
        let name = column.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 }.reduce(into: "") { $0.append($1) }
        let candidates = kind == .trainees
            ? [name, name.hasPrefix("trainee_") ? String(name.dropFirst(8)) : name, ["trainee_id", "traineeid", "trainee"].contains(name) ? "id" : name]
            : [name, ["trainee_id", "traineeid", "trainee_no", "id"].contains(name) ? "trainee" : name, name == "evidence_kind" || name == "type" ? "kind" : name]
        return candidates.first { $0 != column && known.contains($0) }
    }

    public func importFile(_ path: String, as requested: FileKind? = nil) async throws -> Report {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrackerError("cannot read \(path)", remedy: "check the file name")
        }
        return try await importData(data, as: requested)
    }

    /// Imports a file's bytes (an upload), all or nothing.
    /// - Parameter checkOnly: check every row exactly as an import would, in a transaction that
    ///   is then rolled back: the report says what would be added (`inserted`) and every
    ///   problem by line, and nothing is written. The web tracker shows it before asking to confirm.
    public func importData(_ data: Data, as requested: FileKind? = nil, checkOnly: Bool = false) async throws -> Report {
        let header = try data.withUnsafeBytes { try CSVTable.header($0.bindMemory(to: UInt8.self)) }
        let kind = try requested ?? CSVImporter.detectKind(header.names)
        let problems = CSVImporter.headerProblems(header.names, kind)
        if kind == .evidence, problems.isEmpty {
            let report = try await EvidenceImport(tracker: tracker, skipInvalid: skipInvalid, checkOnly: checkOnly).run(data, header: header)
            if !report.problems.isEmpty, !skipInvalid { throw ImportFailure(report: report) }
            return report
        }
        let table = try CSVTable.parse(data)
        if !problems.isEmpty { throw ImportFailure(report: Report(kind: kind, rows: table.records.count, inserted: 0, alreadyPresent: 0, problems: problems)) }
        let report = try await importTrainees(table, checkOnly: checkOnly)
        if !report.problems.isEmpty, !skipInvalid { throw ImportFailure(report: report) }
        return report
    }

    static func headerProblems(_ header: [String], _ kind: FileKind) -> [TrackerError] {
        let known = kind == .trainees ? CSVImporter.traineeColumns : CSVImporter.evidenceColumns
        var problems: [TrackerError] = []
        var seen = Set<String>()
        for column in header where !seen.insert(column).inserted {
            problems.append(TrackerError("column `\(column)` appears twice in the header", remedy: "keep one `\(column)` column", line: 1))
        }
        for column in header where !known.contains(column) {
            let remedy = suggestion(for: column, kind).map { "rename column `\(column)` to `\($0)`" } ?? "the columns are: \(known.joined(separator: ", "))"
            problems.append(TrackerError("unknown column `\(column)`", remedy: remedy, line: 1))
        }
        let required = kind == .trainees ? ["id", "name", "start_date"] : ["trainee", "kind"]
        for column in required where !header.contains(column) {
            problems.append(TrackerError("the header has no `\(column)` column", remedy: "add it; the columns are: \(known.joined(separator: ", "))", line: 1))
        }
        return problems
    }

    private func columns(_ table: CSVTable) -> [String: Int] {
        Dictionary(table.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func importTrainees(_ table: CSVTable, checkOnly: Bool) async throws -> Report {
        let column = columns(table)
        var problems: [TrackerError] = []
        var valid: [Trainee] = []
        var alreadyPresent = 0
        var seen = Set<String>()
        let existing = Dictionary(try await tracker.trainees().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in table.records {
            func value(_ name: String) -> String? {
                guard let index = column[name], index < record.fields.count else { return nil }
                let text = CSVField.unescape(record.fields[index]).trimmingWhitespace
                return text.isEmpty ? nil : text
            }
            if record.fields.count != table.header.count {
                problems.append(TrackerError("has \(record.fields.count) fields but the header has \(table.header.count)",
                                             remedy: "check for a missing or extra comma; quote fields that contain commas", line: record.line))
                continue
            }
            do {
                let id = value("id") ?? ""
                try Tracker.checkTraineeID(id)
                guard let startText = value("start_date") else {
                    throw TrackerError.field("start_date", "", "is required", remedy: "write the start date as YYYY-MM-DD")
                }
                var trainee = Trainee(id: id, name: "", startDate: CalendarDate(year: 2000, month: 1, day: 1)!)
                for field in ["name", "email", "cohort", "site", "supervisor", "status", "credential", "program"] {
                    if let text = value(field) { try trainee.set(field, to: text) }
                }
                try trainee.set("start_date", to: startText)
                if trainee.name.isEmpty { throw TrackerError.field("name", "", "is required", remedy: "give the trainee's name") }
                if let credential = trainee.credential, !tracker.curriculum.credentials.contains(where: { $0.id == credential }) {
                    throw TrackerError.field("credential", credential, "is not defined in credentials.yml", remedy: "use a credential id from credentials.yml")
                }
                if let program = trainee.program { try tracker.checkProgram(program) }
                guard seen.insert(id).inserted else {
                    throw TrackerError.field("id", id, "appears twice in this file", remedy: "keep one row per trainee")
                }
                if let stored = existing[id] {
                    if stored == trainee { alreadyPresent += 1; continue }
                    throw TrackerError.field("trainee", id, "already exists with different details",
                                             remedy: "use `trellis trainee edit \(id)` to change them")
                }
                valid.append(trainee)
            } catch var error as TrackerError {
                error.line = record.line
                problems.append(error)
            }
        }
        if !problems.isEmpty && !skipInvalid {
            return Report(kind: .trainees, rows: table.records.count, inserted: 0, alreadyPresent: alreadyPresent, problems: problems)
        }
        if checkOnly { return Report(kind: .trainees, rows: table.records.count, inserted: valid.count, alreadyPresent: alreadyPresent, problems: problems) }
        let now = Timestamp.now()
        try await tracker.store.write { records in
            for trainee in valid { try await records.insert(trainee, at: now, by: tracker.actor) }
        }
        return Report(kind: .trainees, rows: table.records.count, inserted: valid.count, alreadyPresent: alreadyPresent, problems: problems)
    }
}


/// An import that wrote nothing because some rows were invalid; the report lists them all.
public struct ImportFailure: Error, Sendable {
    public var report: CSVImporter.Report
}
