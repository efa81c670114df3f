import TrellisModel
/// Evidence as typed by a coordinator or read from a CSV row: text fields, not yet checked.
public struct EvidenceInput: Sendable, Hashable {
    public var trainee: String
    public var kind: String
    /// `module:ID`, `competency:ID`, or a bare id when it names only one of them.
    public var about: String?
    public var date: String?
    public var score: String?
    public var level: String?
    public var observer: String?
    public var minutes: String?
    /// Comma- or semicolon-separated competency ids.
    public var competencies: String?
    public var nextStep: String?
    public var hours: String?
    public var topic: String?
    public var provider: String?
    public var category: String?
    public var course: String?
    public var note: String?
    /// For a void row of an imported file: the record it cancels (a key of the same file, a key
    /// imported before, or a record id) and why. `trellis void` has its own command.
    public var voids: String?
    public var reason: String?
    /// Where field hours were worked.
    public var setting: String?

    public init(trainee: String, kind: String, about: String? = nil, date: String? = nil, score: String? = nil,
                level: String? = nil, observer: String? = nil, minutes: String? = nil, competencies: String? = nil,
                nextStep: String? = nil, hours: String? = nil, topic: String? = nil, provider: String? = nil,
                category: String? = nil, course: String? = nil, note: String? = nil, voids: String? = nil, reason: String? = nil,
                setting: String? = nil) {
        self.trainee = trainee
        self.kind = kind
        self.about = about
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
        self.note = note
        self.voids = voids
        self.reason = reason
        self.setting = setting
    }
}

/// Checks evidence against the curriculum and the trainees on record, and reports every
/// problem with the field and value at fault.
struct EvidenceValidator: Sendable {
    let modules: Set<String>
    let competencies: Set<String>
    let levels: [String]
    /// Each trainee's start date, by id.
    let trainees: [String: CalendarDate]
    let today: CalendarDate

    init(curriculum: Curriculum, trainees: [String: CalendarDate], today: CalendarDate) {
        self.modules = Set(curriculum.modules.map(\.id))
        self.competencies = Set(curriculum.framework.competencies.map(\.id))
        self.levels = curriculum.framework.scale.map(\.id)
        self.trainees = trainees
        self.today = today
    }

    enum Outcome {
        /// A checked record, ready to store (its id and who/when are added by the writer).
        case valid(EvidenceRecord)
        case invalid([TrackerError])
    }

    /// - Parameter allowVoid: true for an import, whose void rows name the record they cancel in
    ///   `voids` (resolved by the importer, which knows the file's keys); `record` refuses voids.
    func check(_ input: EvidenceInput, allowVoid: Bool = false) -> Outcome {
        var problems: [TrackerError] = []
        func fail(_ field: String, _ value: String, _ problem: String, _ remedy: String) {
            problems.append(.field(field, value, problem, remedy: remedy))
        }
        func text(_ value: String?) -> String? {
            guard let trimmed = value?.trimmingWhitespace, !trimmed.isEmpty else { return nil }
            return trimmed
        }

        let traineeID = input.trainee.trimmingWhitespace
        let trainee = trainees[traineeID]
        if trainee == nil {
            fail("trainee", traineeID, "is not on record", "add them first with `trellis trainee add` or import trainees.csv")
        }
        guard let kind = EvidenceKind(name: input.kind.trimmingWhitespace), kind != .void || allowVoid else {
            fail("kind", input.kind, "is not an evidence kind",
                 "use one of \(EvidenceKind.recordable.map(\.name).joined(separator: ", "))")
            return .invalid(problems)
        }
        // A value the kind has no place for would be dropped without a word: refuse it instead.
        for (field, value) in [("score", input.score), ("level", input.level), ("minutes", input.minutes),
                               ("competencies", input.competencies), ("hours", input.hours), ("voids", input.voids), ("reason", input.reason),
                               ("setting", input.setting)] {
            guard let written = text(value), !kind.uses(field) else { continue }
            let users = EvidenceKind.allCases.filter { $0.uses(field) }.map(\.name).joined(separator: ", ")
            fail(field, written, "does not apply to \(kind.name)", "leave it empty; it is used by \(users)")
        }

        var date = today
        if let written = text(input.date) {
            if let parsed = CalendarDate(written) {
                date = parsed
                if parsed > today {
                    fail("date", written, "is in the future", "record evidence on or after the day it happened")
                } else if let start = trainee, parsed < start {
                    fail("date", written, "is before the trainee's start date \(start)",
                         "check the date, or correct the start date with `trellis trainee edit`")
                }
            } else {
                fail("date", written, "is not a date", "write dates as YYYY-MM-DD")
            }
        }

        var subject: EvidenceSubject?
        if let about = text(input.about) {
            subject = resolveSubject(about, preferModule: kind == .moduleCompleted, problems: &problems)
        } else if [.moduleCompleted, .knowledgeCheck, .observedPractice, .supervisorSignoff].contains(kind) {
            fail("about", "", "is required for \(kind.name)", "name the module or competency, e.g. `module:engage` or `competency:role-clarity`")
        }
        if kind == .moduleCompleted, let chosen = subject, chosen.kind != .module {
            fail("about", chosen.description, "must be a module for module-completed", "name a module id from Curriculum/modules")
        }

        var record = EvidenceRecord(id: "", traineeID: traineeID, kind: kind, subject: subject, date: date)
        record.note = text(input.note)
        record.observer = text(input.observer)
        record.nextStep = text(input.nextStep)
        record.topic = text(input.topic)
        record.provider = text(input.provider)
        record.category = text(input.category)?.lowercased()
        record.course = text(input.course)
        record.setting = text(input.setting)
        func readCompetencies() {
            for id in (input.competencies ?? "").split(whereSeparator: { $0 == "," || $0 == ";" }).map({ $0.trimmingWhitespace }) where !id.isEmpty {
                if competencies.contains(id) { record.competencies.append(id) } else {
                    fail("competencies", id, "is not a competency in the framework", "use ids from Curriculum/competencies.yml")
                }
            }
        }
        func readHours() {
            if let written = text(input.hours) {
                if let hours = Double(written), hours.isFinite, hours > 0, hours <= 1000 { record.hours = hours } else {
                    fail("hours", written, "is not a positive number of hours", "write hours such as 1.5 (never negative)")
                }
            } else {
                fail("hours", "", "is required for \(kind.name)", "give the hours, e.g. 1.5")
            }
        }

        switch kind {
        case .knowledgeCheck:
            if let written = text(input.score) {
                if let score = Double(written), score.isFinite {
                    if (0...100).contains(score) { record.score = score } else {
                        fail("score", written, "is out of range: a score is from 0 to 100", "write the percentage, e.g. 85")
                    }
                } else {
                    fail("score", written, "is not a number", "write the percentage from 0 to 100, e.g. 85")
                }
            } else {
                fail("score", "", "is required for knowledge-check", "give the score from 0 to 100")
            }
        case .observedPractice:
            if let written = text(input.level) {
                if levels.contains(written) { record.level = written } else {
                    fail("level", written, "is not on the proficiency scale", "use one of \(levels.joined(separator: ", "))")
                }
            } else {
                fail("level", "", "is required for observed-practice", "rate the practice on the scale: \(levels.joined(separator: ", "))")
            }
            if record.observer == nil { fail("observer", "", "is required for observed-practice", "name the coach who observed") }
        case .coachingSession:
            if let written = text(input.minutes) {
                if let minutes = Int(written), minutes > 0, minutes <= 24 * 60 { record.minutes = minutes } else {
                    fail("minutes", written, "is not a positive number of minutes", "write the session length in minutes, e.g. 45")
                }
            } else {
                fail("minutes", "", "is required for coaching-session", "write the session length in minutes")
            }
            if record.observer == nil { fail("observer", "", "is required for coaching-session", "name the coach or supervisor") }
            readCompetencies()
        case .supervisorSignoff:
            if record.observer == nil { fail("observer", "", "is required for supervisor-signoff", "name the supervisor who signed off") }
        case .reflection:
            if record.note == nil { fail("note", "", "is required for reflection", "summarize the reflection in a sentence or two") }
        case .continuingEducation:
            readHours()
            if record.topic == nil { fail("topic", "", "is required for continuing-education", "name the course or topic") }
        case .void:
            if let target = text(input.voids) { record.voids = target } else {
                fail("voids", "", "is required for void", "give the key or id of the record this void cancels")
            }
            if let reason = text(input.reason) { record.reason = reason } else {
                fail("reason", "", "is required for void", "say why the record is cancelled")
            }
        case .fieldHours:
            readHours()
            if record.setting == nil { fail("setting", "", "is required for field-hours", "say where the hours were worked, e.g. \"Family Resource Center\"") }
            if record.observer == nil { fail("observer", "", "is required for field-hours", "name the supervisor of the field work") }
            readCompetencies()
        case .moduleCompleted:
            break
        }
        guard problems.isEmpty, trainee != nil else { return .invalid(problems) }
        return .valid(record)
    }

    func resolveSubject(_ written: String, preferModule: Bool, problems: inout [TrackerError]) -> EvidenceSubject? {
        if written.hasPrefix("module:") {
            let id = String(written.dropFirst(7))
            if modules.contains(id) { return EvidenceSubject(.module, id) }
            problems.append(.field("about", written, "is not a module in the curriculum", remedy: "use a module id from Curriculum/modules"))
            return nil
        }
        if written.hasPrefix("competency:") {
            let id = String(written.dropFirst(11))
            if competencies.contains(id) { return EvidenceSubject(.competency, id) }
            problems.append(.field("about", written, "is not a competency in the framework", remedy: "use an id from Curriculum/competencies.yml"))
            return nil
        }
        switch (modules.contains(written), competencies.contains(written)) {
        case (true, false): return EvidenceSubject(.module, written)
        case (false, true): return EvidenceSubject(.competency, written)
        case (true, true):
            if preferModule { return EvidenceSubject(.module, written) }
            problems.append(.field("about", written, "is both a module and a competency",
                                   remedy: "write `module:\(written)` or `competency:\(written)`"))
            return nil
        case (false, false):
            problems.append(.field("about", written, "is neither a module nor a competency in the curriculum",
                                   remedy: "use a module id (Curriculum/modules) or a competency id (Curriculum/competencies.yml)"))
            return nil
        }
    }
}
