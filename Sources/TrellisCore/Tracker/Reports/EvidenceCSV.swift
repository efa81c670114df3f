/// Evidence as CSV in the import format (plus id, void columns and who/when), so an export
/// can be read back by people and spreadsheets.
public enum EvidenceCSV {
    public static let columns = ["id", "trainee", "kind", "about", "date", "score", "level", "observer", "minutes", "competencies",
                                 "next_step", "hours", "topic", "provider", "category", "course", "note", "voids", "reason",
                                 "voided_by", "recorded_at", "recorded_by"]

    public static func render(_ records: [EvidenceRecord]) -> String {
        func number(_ value: Double?) -> String { value.map(HoursText.format) ?? "" }
        let rows = records.map { record in
            [record.id, record.traineeID, record.kind.name, record.subject?.description ?? "", record.date.description,
             number(record.score), record.level ?? "", record.observer ?? "", record.minutes.map(String.init) ?? "",
             record.competencies.joined(separator: ";"), record.nextStep ?? "", number(record.hours), record.topic ?? "",
             record.provider ?? "", record.category ?? "", record.course ?? "", record.note ?? "", record.voids ?? "",
             record.reason ?? "", record.voidedBy ?? "", record.recordedAt, record.recordedBy]
        }
        return TextTable(header: columns, rows: rows).csv()
    }
}

extension Tracker {
    /// Every record of every trainee, in the order the evidence happened.
    public func allEvidence() throws -> [EvidenceRecord] {
        try database.read { db in try EvidenceRows.fetch(db, whereClause: "1", arguments: []) }
    }
}
