import TrellisModel

/// The fields of a piece of evidence as people write them: the columns of `evidence.csv`
/// (import and export), the fields of `EvidenceInput`, and the values an event's fingerprint
/// is taken over. Defined once here, in that order.
///
/// The order and the names are part of the stored data: every fingerprint is a digest of
/// these fields in this order (`EvidenceFingerprint`). Append a new field at the end; never
/// reorder or rename one. A field added after the first eighteen joins a fingerprint only
/// when it has a value (`isInEveryFingerprint`), so the fingerprints of records stored
/// before it existed stay as they were.
public enum EvidenceField: Int, CaseIterable, Sendable {
    case trainee, kind, about, date, score, level, observer, minutes, competencies, nextStep, hours, topic, provider,
         category, course, note, voids, reason, setting

    /// The fields of the first fingerprint layout: always part of it, absent or not.
    var isInEveryFingerprint: Bool { rawValue <= EvidenceField.reason.rawValue }

    /// The CSV column and fingerprint name.
    public var name: String { Self.names[rawValue] }

    private static let names = ["trainee", "kind", "about", "date", "score", "level", "observer", "minutes", "competencies",
                                "next_step", "hours", "topic", "provider", "category", "course", "note", "voids", "reason", "setting"]

    /// The field of a record as text, in the one form export writes and fingerprints read:
    /// numbers canonical (`3`, `1.25`), competencies sorted and joined with `;`, absent as nil.
    /// `voids` is the id of the cancelled record as the record holds it.
    func text(of record: EvidenceRecord) -> String? {
        func number(_ value: Double?) -> String? { value.map(EvidenceFingerprint.canonical) }
        return switch self {
        case .trainee: record.traineeID
        case .kind: record.kind.name
        case .about: record.subject?.description
        case .date: record.date.description
        case .score: number(record.score)
        case .level: record.level
        case .observer: record.observer
        case .minutes: record.minutes.map(String.init)
        case .competencies: record.competencies.isEmpty ? nil : Set(record.competencies).sorted().joined(separator: ";")
        case .nextStep: record.nextStep
        case .hours: number(record.hours)
        case .topic: record.topic
        case .provider: record.provider
        case .category: record.category
        case .course: record.course
        case .note: record.note
        case .voids: record.voids
        case .reason: record.reason
        case .setting: record.setting
        }
    }
}

extension EvidenceInput {
    /// The input whose fields have the given values (nil when empty or absent).
    init(_ value: (EvidenceField) -> String?) {
        self.init(trainee: value(.trainee) ?? "", kind: value(.kind) ?? "", about: value(.about), date: value(.date),
                  score: value(.score), level: value(.level), observer: value(.observer), minutes: value(.minutes),
                  competencies: value(.competencies), nextStep: value(.nextStep), hours: value(.hours), topic: value(.topic),
                  provider: value(.provider), category: value(.category), course: value(.course), note: value(.note),
                  voids: value(.voids), reason: value(.reason), setting: value(.setting))
    }
}
