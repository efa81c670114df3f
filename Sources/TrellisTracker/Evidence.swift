import TrellisModel
/// The kinds of evidence a coordinator records. Stored as small integers (the order here
/// is part of the database format: append new kinds, never reorder).
public enum EvidenceKind: Int, Sendable, Hashable, CaseIterable {
    case moduleCompleted = 0
    case knowledgeCheck = 1
    case observedPractice = 2
    case coachingSession = 3
    case supervisorSignoff = 4
    case reflection = 5
    case continuingEducation = 6
    /// Cancels an earlier record; never itself voided.
    case void = 7
    /// Supervised practice in the field (a practicum): hours, where, and the supervisor.
    case fieldHours = 8

    public var name: String {
        switch self {
        case .moduleCompleted: "module-completed"
        case .knowledgeCheck: "knowledge-check"
        case .observedPractice: "observed-practice"
        case .coachingSession: "coaching-session"
        case .supervisorSignoff: "supervisor-signoff"
        case .reflection: "reflection"
        case .continuingEducation: "continuing-education"
        case .void: "void"
        case .fieldHours: "field-hours"
        }
    }

    public init?(name: String) {
        guard let kind = EvidenceKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    /// Whether a record of this kind has a place for the value of an input field (only the
    /// fields that some kinds ignore are listed; text fields such as `note` fit every kind).
    func uses(_ field: String) -> Bool {
        switch field {
        case "score": self == .knowledgeCheck
        case "level": self == .observedPractice
        case "minutes": self == .coachingSession
        case "competencies": self == .coachingSession || self == .fieldHours
        case "hours": self == .continuingEducation || self == .fieldHours
        case "setting": self == .fieldHours
        case "voids", "reason": self == .void
        default: true
        }
    }

    /// Kinds recorded with `trellis record` or imported (voids have their own command).
    public static var recordable: [EvidenceKind] { allCases.filter { $0 != .void } }
}

/// In JSON a kind is its name (`"coaching-session"`), never the stored number.
extension EvidenceKind: Codable {
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = EvidenceKind(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown evidence kind `\(name)`"))
        }
        self = kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// What a piece of evidence is about: a module or a competency of the curriculum.
public struct EvidenceSubject: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable { case module, competency }
    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.rawValue):\(id)" }
}

/// One evidence record. Records are never changed or deleted; a mistake is cancelled by a
/// `void` record pointing at it, as xAPI voids statements.
public struct EvidenceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var traineeID: String
    public var kind: EvidenceKind
    public var subject: EvidenceSubject?
    /// When it happened (not when it was recorded).
    public var date: CalendarDate
    /// Knowledge-check score, 0–100.
    public var score: Double?
    /// Observed-practice proficiency level id from the framework's scale.
    public var level: String?
    /// The observer (observed practice), coach (coaching session), signatory (sign-off) or
    /// supervisor (field hours).
    public var observer: String?
    public var minutes: Int?
    /// Competencies worked on in a coaching session or practised in field hours.
    public var competencies: [String]
    public var nextStep: String?
    public var hours: Double?
    public var topic: String?
    public var provider: String?
    /// Continuing-education category, e.g. `ethics`, for per-category credential minimums.
    public var category: String?
    /// Course identifier for "no double credit"; defaults to topic + provider.
    public var course: String?
    /// For a void: the record it cancels, and why.
    public var voids: String?
    public var reason: String?
    public var note: String?
    /// Where field hours were worked, e.g. `Family Resource Center, North`.
    public var setting: String?
    public var recordedAt: String
    public var recordedBy: String
    /// Set when the record is cancelled by a void (derived when reading, never stored on the record).
    public var voidedBy: String?
    /// The `key` an imported row had in its file.
    public var importKey: String?
    /// Who recorded it, and when, *according to the imported file*: provenance, never a verified
    /// signature (`recordedBy` is whoever ran the import).
    public var sourceRecordedBy: String?
    public var sourceRecordedAt: String?

    /// The key a CSV export writes: the import key it came in with, else the record's id.
    public var exportKey: String { importKey ?? id }

    public init(id: String, traineeID: String, kind: EvidenceKind, subject: EvidenceSubject?, date: CalendarDate,
                score: Double? = nil, level: String? = nil, observer: String? = nil, minutes: Int? = nil,
                competencies: [String] = [], nextStep: String? = nil, hours: Double? = nil, topic: String? = nil,
                provider: String? = nil, category: String? = nil, course: String? = nil, voids: String? = nil,
                reason: String? = nil, note: String? = nil, setting: String? = nil, recordedAt: String = "", recordedBy: String = "",
                voidedBy: String? = nil, importKey: String? = nil, sourceRecordedBy: String? = nil, sourceRecordedAt: String? = nil) {
        self.id = id
        self.traineeID = traineeID
        self.kind = kind
        self.subject = subject
        self.date = date
        self.score = score
        self.level = level
        self.observer = observer
        self.minutes = minutes
        self.competencies = competencies
        self.nextStep = nextStep
        self.hours = hours
        self.topic = topic
        self.provider = provider
        self.category = category
        self.course = course
        self.voids = voids
        self.reason = reason
        self.note = note
        self.setting = setting
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.voidedBy = voidedBy
        self.importKey = importKey
        self.sourceRecordedBy = sourceRecordedBy
        self.sourceRecordedAt = sourceRecordedAt
    }

    /// The key under which continuing education counts once per period.
    public var courseKey: String {
        if let course, !course.isEmpty { return course.lowercased() }
        return [topic ?? "", provider ?? ""].map { $0.lowercased().trimmingWhitespace }.joined(separator: "|")
    }
}
