import TrellisModel
/// Evidence as CSV in the import format, so that an export can be imported again (into the
/// same tracker, where every row is already present, or into an empty one).
///
/// `key` is the key a row was imported with, else the record's id; a void's `voids` names
/// its target the same way. `recorded_by` and `recorded_at` are who recorded the row as far as
/// Trellis knows: the imported file's values when the row came from one (kept as provenance),
/// else the person who recorded it here.
public enum EvidenceCSV {
    public static let columns = CSVImporter.evidenceColumns

    public static func render(_ records: [EvidenceRecord]) -> String {
        let keys = Dictionary(records.map { ($0.id, $0.exportKey) }, uniquingKeysWith: { first, _ in first })
        let rows = records.map { record in
            [record.exportKey]
                + EvidenceField.allCases.map { field in
                    // A void names what it cancels by that record's key, as the file it came from did.
                    (field == .voids ? record.voids.map { keys[$0] ?? $0 } : field.text(of: record)) ?? ""
                }
                + [record.sourceRecordedBy ?? record.recordedBy, record.sourceRecordedAt ?? record.recordedAt]
        }
        return TextTable(header: columns, rows: rows).csv()
    }
}

extension Tracker {
    /// Every record of every trainee, in the order the evidence happened.
    public func allEvidence() async throws -> [EvidenceRecord] {
        try await store.read { try await $0.evidence(.all) }
    }

    /// What an export writes, read in one unit of work so records and trainees agree: every
    /// record that happened on or after `since`, and every trainee by id.
    public func exportable(since: CalendarDate?) async throws -> (records: [EvidenceRecord], trainees: [String: Trainee]) {
        try await store.read { records in
            let evidence = try await records.evidence(.all).filter { since == nil || $0.date >= since! }
            let trainees = Dictionary(try await records.trainees().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return (evidence, trainees)
        }
    }
}
