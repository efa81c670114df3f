import TrellisCore
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

    struct ExtensionIRIs: Sendable {
        let recordID, recordedAt, recordedBy, sourceRecordedBy, sourceRecordedAt, reason, level, nextStep, category, provider: String

        init(base: String) {
            func iri(_ name: String) -> String { base + "/extensions/" + name }
            (recordID, recordedAt, recordedBy) = (iri("record-id"), iri("recorded-at"), iri("recorded-by"))
            (sourceRecordedBy, sourceRecordedAt) = (iri("recorded-by-according-to-import"), iri("recorded-at-according-to-import"))
            (reason, level, nextStep, category, provider) = (iri("reason"), iri("proficiency-level"), iri("next-step"), iri("category"), iri("provider"))
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
    }

    static let adl = "http://adlnet.gov/expapi/verbs/"

    /// The namespace of Trellis's statement ids: a constant chosen once for Trellis. Changing it
    /// would change every exported statement id, so it never changes.
    static let namespace = UUID(uuidString: "3b8f6a2e-5d7c-5e1a-9f4b-2c6d8e0a1b3c")!

    /// The version 5 UUID of `name` in `namespace` (RFC 4122, section 4.3).
    static func uuid5(_ name: String, namespace: UUID = XAPIExport.namespace) -> UUID {
        var bytes = withUnsafeBytes(of: namespace.uuid) { Array($0) }
        bytes += Array(name.utf8)
        var hash = Array(Insecure.SHA1.hash(data: bytes).prefix(16))
        hash[6] = (hash[6] & 0x0F) | 0x50
        hash[8] = (hash[8] & 0x3F) | 0x80
        return UUID(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                           hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]))
    }

    func verb(_ kind: EvidenceKind) -> XAPIStatement.Verb {
        let (id, display): (String, String) = switch kind {
        case .moduleCompleted: (Self.adl + "completed", "completed")
        case .knowledgeCheck: (Self.adl + "scored", "scored")
        case .observedPractice: (base + "/verbs/demonstrated", "demonstrated in observed practice")
        case .coachingSession: (Self.adl + "attended", "attended")
        case .supervisorSignoff: (base + "/verbs/signed-off", "was signed off for")
        case .reflection: (Self.adl + "commented", "reflected on")
        case .continuingEducation: (Self.adl + "completed", "completed")
        case .void: (Self.adl + "voided", "voided")
        }
        return XAPIStatement.Verb(id: id, display: .init(display))
    }

    /// The statements as one JSON array. Statements are encoded in chunks on all cores and the
    /// chunks' arrays spliced into one: a statement has three times the values of a record, and
    /// on one core a million of them took 115 s against 32 s for `--format json`.
    public func json(records: [EvidenceRecord], trainees: [String: Trainee]) throws -> Data {
        let size = 4096
        let chunks = Array(stride(from: 0, to: records.count, by: size)).concurrentMap { start -> Result<Data, EncodingFailure> in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let statements = records[start..<min(records.count, start + size)].map { statement(for: $0, trainee: trainees[$0.traineeID]) }
            do { return .success(try encoder.encode(statements)) } catch { return .failure(EncodingFailure(message: "\(error)")) }
        }
        // Each chunk is `[\n  {…},\n  {…}\n]`: keep what is between the brackets.
        var output = Data("[\n".utf8)
        for (index, chunk) in chunks.enumerated() {
            let array = try chunk.get()
            if index > 0 { output.append(contentsOf: Array(",\n".utf8)) }
            output.append(array.dropFirst(2).dropLast(2))
        }
        output.append(contentsOf: Array((chunks.isEmpty ? "]" : "\n]").utf8))
        return output
    }

    struct EncodingFailure: Error, Sendable { var message: String }

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

    func statement(for record: EvidenceRecord, trainee: Trainee?) -> XAPIStatement {
        var extensions = [iri.recordID: record.id, iri.recordedAt: record.recordedAt,
                          iri.recordedBy: record.recordedBy]
        if let source = record.sourceRecordedBy { extensions[iri.sourceRecordedBy] = source }
        if let source = record.sourceRecordedAt { extensions[iri.sourceRecordedAt] = source }
        var statement = XAPIStatement(id: Self.uuid5(record.id).uuidString.lowercased(), actor: actor(trainee, id: record.traineeID),
                                      verb: verb(record.kind), object: .statementRef(""), timestamp: "\(record.date)T12:00:00Z")
        if record.kind == .void {
            statement.object = .statementRef(Self.uuid5(record.voids ?? "").uuidString.lowercased())
            if let reason = record.reason { extensions[iri.reason] = reason }
            statement.context = XAPIStatement.Context(language: nil, extensions: extensions)
            return statement
        }
        statement.object = .activity(activity(for: record))
        var result = XAPIStatement.Result()
        if let score = record.score {
            result.score = .init(raw: score, min: 0, max: 100, scaled: score / 100)
            if let threshold = curriculum.framework.progression?.rules.compactMap(\.knowledgeCheckMinScore).min() {
                result.success = score >= Double(threshold)
            }
        }
        if let minutes = record.minutes { result.duration = Self.duration(seconds: minutes * 60) }
        if let hours = record.hours { result.duration = Self.duration(seconds: Int((hours * 3600).rounded())) }
        if record.kind == .moduleCompleted || record.kind == .continuingEducation { result.completion = true }
        if let level = record.level { extensions[iri.level] = level }
        result.response = record.note ?? record.nextStep
        if result != XAPIStatement.Result() { statement.result = result }
        var context = XAPIStatement.Context(language: "en-US", extensions: extensions)
        if let observer = record.observer { context.instructor = XAPIStatement.Agent(name: observer, account: .init(homePage: base, name: observer)) }
        if !record.competencies.isEmpty { context.contextActivities = .init(other: record.competencies.map(competencyActivity)) }
        if let nextStep = record.nextStep { context.extensions[iri.nextStep] = nextStep }
        if let category = record.category { context.extensions[iri.category] = category }
        if let provider = record.provider { context.extensions[iri.provider] = provider }
        statement.context = context
        return statement
    }

    func activity(for record: EvidenceRecord) -> XAPIStatement.Activity {
        if let subject = record.subject {
            switch subject.kind {
            case .module:
                return .init(id: "\(base)/modules/\(subject.id)", name: curriculum.module(subject.id)?.title ?? subject.id,
                             type: "http://adlnet.gov/expapi/activities/module")
            case .competency:
                return competencyActivity(subject.id)
            }
        }
        if record.kind == .continuingEducation {
            return .init(id: "\(base)/courses/\(Self.courseID(record.courseKey))", name: record.topic ?? "Continuing education",
                         type: "http://adlnet.gov/expapi/activities/course")
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

    func competencyActivity(_ id: String) -> XAPIStatement.Activity {
        .init(id: "\(base)/competencies/\(id)", name: curriculum.framework.competency(id)?.title ?? id,
              type: "http://adlnet.gov/expapi/activities/objective")
    }
}
