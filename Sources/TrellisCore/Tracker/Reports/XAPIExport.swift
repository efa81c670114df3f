import Foundation

/// `trellis export --format xapi`: evidence as xAPI 1.0.3 statements, so records can move to a
/// Learning Record Store. Voided records are exported as `voided` statements that reference
/// the statement they cancel (the evidence id is the statement id).
public struct XAPIExport: Sendable {
    /// Activity and custom-verb IRIs are built under this base, e.g. `https://training.example.org/xapi`.
    public var base: String
    public var curriculum: Curriculum

    public init(base: String, curriculum: Curriculum) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.curriculum = curriculum
    }

    static let adl = "http://adlnet.gov/expapi/verbs/"

    func verb(_ kind: EvidenceKind) -> (id: String, display: String) {
        switch kind {
        case .moduleCompleted: (Self.adl + "completed", "completed")
        case .knowledgeCheck: (Self.adl + "scored", "scored")
        case .observedPractice: (base + "/verbs/demonstrated", "demonstrated in observed practice")
        case .coachingSession: (Self.adl + "attended", "attended")
        case .supervisorSignoff: (base + "/verbs/signed-off", "was signed off for")
        case .reflection: (Self.adl + "commented", "reflected on")
        case .continuingEducation: (Self.adl + "completed", "completed")
        case .void: (Self.adl + "voided", "voided")
        }
    }

    public func statements(records: [EvidenceRecord], trainees: [String: Trainee]) -> [[String: Any]] {
        records.map { statement(for: $0, trainee: trainees[$0.traineeID]) }
    }

    public func json(records: [EvidenceRecord], trainees: [String: Trainee]) throws -> Data {
        try JSONSerialization.data(withJSONObject: statements(records: records, trainees: trainees),
                                   options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    func actor(_ trainee: Trainee?, id: String) -> [String: Any] {
        var actor: [String: Any] = ["objectType": "Agent"]
        if let trainee { actor["name"] = trainee.name }
        if let email = trainee?.email {
            actor["mbox"] = "mailto:" + email
        } else {
            actor["account"] = ["homePage": base, "name": id]
        }
        return actor
    }

    func statement(for record: EvidenceRecord, trainee: Trainee?) -> [String: Any] {
        let verb = verb(record.kind)
        var statement: [String: Any] = [
            "id": record.id,
            "version": "1.0.3",
            "actor": actor(trainee, id: record.traineeID),
            "verb": ["id": verb.id, "display": ["en-US": verb.display]],
            "timestamp": "\(record.date)T12:00:00Z",
        ]
        var extensions: [String: Any] = ["\(base)/extensions/recorded-at": record.recordedAt, "\(base)/extensions/recorded-by": record.recordedBy]
        if record.kind == .void {
            statement["object"] = ["objectType": "StatementRef", "id": record.voids ?? ""]
            if let reason = record.reason { extensions["\(base)/extensions/reason"] = reason }
            statement["context"] = ["platform": "Trellis", "extensions": extensions]
            return statement
        }
        statement["object"] = activity(for: record)
        var result: [String: Any] = [:]
        if let score = record.score {
            result["score"] = ["raw": score, "min": 0, "max": 100, "scaled": score / 100]
            if let threshold = curriculum.framework.progression?.rules.compactMap(\.knowledgeCheckMinScore).min() {
                result["success"] = score >= Double(threshold)
            }
        }
        if let minutes = record.minutes { result["duration"] = "PT\(minutes)M" }
        if let hours = record.hours { result["duration"] = "PT\(HoursText.format(hours))H" }
        if record.kind == .moduleCompleted || record.kind == .continuingEducation { result["completion"] = true }
        if let level = record.level { extensions["\(base)/extensions/proficiency-level"] = level }
        if let note = record.note ?? record.nextStep { result["response"] = note }
        if !result.isEmpty { statement["result"] = result }
        var context: [String: Any] = ["platform": "Trellis", "language": "en-US"]
        if let observer = record.observer { context["instructor"] = ["objectType": "Agent", "name": observer, "account": ["homePage": base, "name": observer]] }
        if !record.competencies.isEmpty {
            context["contextActivities"] = ["other": record.competencies.map { competencyActivity($0) }]
        }
        if let nextStep = record.nextStep { extensions["\(base)/extensions/next-step"] = nextStep }
        if let category = record.category { extensions["\(base)/extensions/category"] = category }
        if let provider = record.provider { extensions["\(base)/extensions/provider"] = provider }
        context["extensions"] = extensions
        statement["context"] = context
        return statement
    }

    func activity(for record: EvidenceRecord) -> [String: Any] {
        if let subject = record.subject {
            switch subject.kind {
            case .module:
                let title = curriculum.module(subject.id)?.title ?? subject.id
                return ["objectType": "Activity", "id": "\(base)/modules/\(subject.id)",
                        "definition": ["name": ["en-US": title], "type": "http://adlnet.gov/expapi/activities/module"]]
            case .competency:
                return competencyActivity(subject.id)
            }
        }
        if record.kind == .continuingEducation {
            let slug = HeadingSlugger.slugify(record.courseKey.replacingOccurrences(of: "|", with: " "))
            return ["objectType": "Activity", "id": "\(base)/courses/\(slug)",
                    "definition": ["name": ["en-US": record.topic ?? "Continuing education"], "type": "http://adlnet.gov/expapi/activities/course"]]
        }
        return ["objectType": "Activity", "id": "\(base)/\(record.kind.name)",
                "definition": ["name": ["en-US": record.kind.name], "type": "http://adlnet.gov/expapi/activities/meeting"]]
    }

    func competencyActivity(_ id: String) -> [String: Any] {
        let title = curriculum.framework.competency(id)?.title ?? id
        return ["objectType": "Activity", "id": "\(base)/competencies/\(id)",
                "definition": ["name": ["en-US": title], "type": "http://adlnet.gov/expapi/activities/objective"]]
    }
}
