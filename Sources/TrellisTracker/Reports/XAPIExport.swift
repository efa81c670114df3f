import TrellisModel
import TrellisHashing
import Crypto
import Foundation

/// `trellis export --format xapi`: evidence as xAPI 1.0.3 statements, so records can move to a
/// Learning Record Store.
///
/// Statement ids are name-based UUIDs (version 5, RFC 4122) of the record id, so exporting
/// again gives the same ids, and record stores that accept only versions 1–5 take them (record
/// ids are version 7). The record id itself travels in the `record-id` extension. A voided
/// record becomes a `voided` statement whose `StatementRef` is the cancelled statement's id.
public struct XAPIExport: Sendable {
    /// Activity and custom-verb IRIs are built under this base, e.g. `https://training.example.org/xapi`.
    public let base: String
    public let curriculum: Curriculum
    /// Extension IRIs under `base`, built once rather than for every statement.
    let iri: ExtensionIRIs
    /// Each module's and competency's activity, and each kind's verb, built once.
    let moduleActivities, competencyActivities: [String: XAPIStatement.Activity]
    let verbs: [EvidenceKind: XAPIStatement.Verb]
    /// The lowest knowledge-check pass mark of the progression rules: a score at or above it
    /// is a `success`.
    let passScore: Int?

    struct ExtensionIRIs: Sendable {
        let recordID, recordedAt, recordedBy, sourceRecordedBy, sourceRecordedAt, reason, level, nextStep, category, provider, setting: String

        init(base: String) {
            func iri(_ name: String) -> String { base + "/extensions/" + name }
            (recordID, recordedAt, recordedBy) = (iri("record-id"), iri("recorded-at"), iri("recorded-by"))
            (sourceRecordedBy, sourceRecordedAt) = (iri("recorded-by-according-to-import"), iri("recorded-at-according-to-import"))
            (reason, level, nextStep, category, provider) = (iri("reason"), iri("proficiency-level"), iri("next-step"), iri("category"), iri("provider"))
            setting = iri("setting")
        }
    }

    /// - Throws: when `base` is not an absolute http(s) IRI with a host.
    public init(base: String, curriculum: Curriculum) throws {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, !trimmed.contains(" ") else {
            throw TrackerError("--base `\(base)` is not an absolute http(s) IRI",
                               remedy: "give the address your activities live under, e.g. --base https://training.example.org/xapi")
        }
        self.base = trimmed
        self.curriculum = curriculum
        self.iri = ExtensionIRIs(base: trimmed)
        moduleActivities = Dictionary(curriculum.modules.map { module in
            (module.id, XAPIStatement.Activity(id: "\(trimmed)/modules/\(module.id)", name: module.title, type: "http://adlnet.gov/expapi/activities/module"))
        }, uniquingKeysWith: { first, _ in first })
        competencyActivities = Dictionary(curriculum.framework.competencies.map { competency in
            (competency.id, Self.competencyActivity(competency.id, title: competency.title, base: trimmed))
        }, uniquingKeysWith: { first, _ in first })
        verbs = Dictionary(uniqueKeysWithValues: EvidenceKind.allCases.map { ($0, Self.verb($0, base: trimmed)) })
        passScore = curriculum.framework.progression?.rules.compactMap(\.knowledgeCheckMinScore).min()
    }

    static let adl = "http://adlnet.gov/expapi/verbs/"

    /// The namespace of Trellis's statement ids: a constant chosen once for Trellis. Changing it
    /// would change every exported statement id, so it never changes.
    static let namespace = UUID(uuidString: "3b8f6a2e-5d7c-5e1a-9f4b-2c6d8e0a1b3c")!

    /// The statement id of a record: its version 5 UUID, in lowercase (the specification's
    /// advice for values that are not case sensitive).
    static func statementID(_ recordID: String) -> String {
        withUnsafeBytes(of: uuid5(recordID).uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var end = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 { text[end] = UInt8(ascii: "-"); end += 1 }
                    for digit in [byte >> 4, byte & 0x0F] {
                        text[end] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                        end += 1
                    }
                }
                return end
            }
        }
    }

    /// The version 5 UUID of `name` in `namespace` (RFC 4122, section 4.3).
    static func uuid5(_ name: String, namespace: UUID = XAPIExport.namespace) -> UUID {
        var hasher = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { hasher.update(bufferPointer: $0) }
        var name = name
        name.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var hash = Array(hasher.finalize().prefix(16))
        hash[6] = (hash[6] & 0x0F) | 0x50
        hash[8] = (hash[8] & 0x3F) | 0x80
        return UUID(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                           hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]))
    }

    static func verb(_ kind: EvidenceKind, base: String) -> XAPIStatement.Verb {
        let (id, display): (String, String) = switch kind {
        case .moduleCompleted: (Self.adl + "completed", "completed")
        case .knowledgeCheck: (Self.adl + "scored", "scored")
        case .observedPractice: (base + "/verbs/demonstrated", "demonstrated in observed practice")
        case .coachingSession: (Self.adl + "attended", "attended")
        case .supervisorSignoff: (base + "/verbs/signed-off", "was signed off for")
        case .reflection: (Self.adl + "commented", "reflected on")
        case .continuingEducation: (Self.adl + "completed", "completed")
        case .void: (Self.adl + "voided", "voided")
        case .fieldHours: (base + "/verbs/practised-in-the-field", "practised in the field")
        }
        return XAPIStatement.Verb(id: id, display: display)
    }

    /// The statements as one JSON array, written to `output` in pieces (see `JSONArrayStream`).
    public func write(records: [EvidenceRecord], trainees: [String: Trainee], to output: (Data) throws -> Void) throws {
        let actors = trainees.mapValues { actor($0, id: $0.id) }
        try JSONArrayStream.write(records, as: { statement(for: $0, actor: actors[$0.traineeID] ?? actor(nil, id: $0.traineeID)) }, to: output)
    }

    func actor(_ trainee: Trainee?, id: String) -> XAPIStatement.Agent {
        if let email = trainee?.email { return XAPIStatement.Agent(name: trainee?.name, mbox: "mailto:" + email) }
        return XAPIStatement.Agent(name: trainee?.name, account: .init(homePage: base, name: id))
    }

    /// `PT1H15M`, `PT45M`, `PT1H0M30S`: whole seconds, so 1.25 hours is never rounded to 1.2.
    static func duration(seconds: Int) -> String {
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        var text = "PT"
        if hours > 0 { text += "\(hours)H" }
        if minutes > 0 || (hours > 0 && rest > 0) { text += "\(minutes)M" }
        if rest > 0 || seconds == 0 { text += "\(rest)S" }
        return text
    }

    func statement(for record: EvidenceRecord, actor: XAPIStatement.Agent) -> XAPIStatement {
        var extensions = [(iri.recordID, record.id), (iri.recordedAt, record.recordedAt), (iri.recordedBy, record.recordedBy)]
        if let source = record.sourceRecordedBy { extensions.append((iri.sourceRecordedBy, source)) }
        if let source = record.sourceRecordedAt { extensions.append((iri.sourceRecordedAt, source)) }
        var statement = XAPIStatement(id: Self.statementID(record.id), actor: actor,
                                      verb: verbs[record.kind]!, object: .statementRef(""), timestamp: "\(record.date)T12:00:00Z")
        if record.kind == .void {
            statement.object = .statementRef(Self.statementID(record.voids ?? ""))
            if let reason = record.reason { extensions.append((iri.reason, reason)) }
            statement.context = XAPIStatement.Context(language: nil, extensions: extensions)
            return statement
        }
        statement.object = .activity(activity(for: record))
        var result = XAPIStatement.Result()
        if let score = record.score {
            result.score = .init(raw: score, min: 0, max: 100, scaled: score / 100)
            if let passScore { result.success = score >= Double(passScore) }
        }
        if let minutes = record.minutes { result.duration = Self.duration(seconds: minutes * 60) }
        if let hours = record.hours { result.duration = Self.duration(seconds: Int((hours * 3600).rounded())) }
        if record.kind == .moduleCompleted || record.kind == .continuingEducation { result.completion = true }
        if let level = record.level { extensions.append((iri.level, level)) }
        result.response = record.note ?? record.nextStep
        if result != XAPIStatement.Result() { statement.result = result }
        var context = XAPIStatement.Context(language: "en-US", extensions: extensions)
        if let observer = record.observer { context.instructor = XAPIStatement.Agent(name: observer, account: .init(homePage: base, name: observer)) }
        if !record.competencies.isEmpty { context.other = record.competencies.map(competencyActivity) }
        if let nextStep = record.nextStep { context.extensions.append((iri.nextStep, nextStep)) }
        if let category = record.category { context.extensions.append((iri.category, category)) }
        if let provider = record.provider { context.extensions.append((iri.provider, provider)) }
        if let setting = record.setting { context.extensions.append((iri.setting, setting)) }
        statement.context = context
        return statement
    }

    func activity(for record: EvidenceRecord) -> XAPIStatement.Activity {
        if let subject = record.subject {
            switch subject.kind {
            case .module:
                return moduleActivities[subject.id] ?? .init(id: "\(base)/modules/\(subject.id)", name: subject.id,
                                                             type: "http://adlnet.gov/expapi/activities/module")
            case .competency:
                return competencyActivity(subject.id)
            }
        }
        if record.kind == .continuingEducation {
            return .init(id: "\(base)/courses/\(Self.courseID(record.courseKey))", name: record.topic ?? "Continuing education",
                         type: "http://adlnet.gov/expapi/activities/course")
        }
        if record.kind == .fieldHours {
            // The practicum is one activity; where it happened is the `setting` extension.
            return .init(id: "\(base)/field-hours", name: "Supervised field hours", type: "http://adlnet.gov/expapi/activities/performance")
        }
        return .init(id: "\(base)/\(record.kind.name)", name: record.kind.name, type: "http://adlnet.gov/expapi/activities/meeting")
    }

    /// A readable slug of the course key plus 12 hex digits of its SHA-256: the same course
    /// always gets the same id, and two courses whose names slug alike (`!!!` and `???`) do not
    /// share one.
    static func courseID(_ key: String) -> String {
        let slug = HeadingSlugger.slugify(key.replacingOccurrences(of: "|", with: " "))
        let hash = String(ContentDigest.of(key).description.prefix(12))
        return slug.isEmpty ? hash : "\(slug)-\(hash)"
    }

    /// A competency's activity; one the framework no longer defines is named by its id.
    func competencyActivity(_ id: String) -> XAPIStatement.Activity {
        competencyActivities[id] ?? Self.competencyActivity(id, title: id, base: base)
    }

    static func competencyActivity(_ id: String, title: String, base: String) -> XAPIStatement.Activity {
        .init(id: "\(base)/competencies/\(id)", name: title, type: "http://adlnet.gov/expapi/activities/objective")
    }
}
