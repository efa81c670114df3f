import TrellisModel
/// Derives each competency's level for a trainee from evidence, by the rules in
/// `competencies.yml` (`progression`). Nothing about progress is stored: change the
/// rules or void a record and every level follows.
///
/// Evidence about a module counts toward every competency the module builds; evidence about
/// a competency counts toward that competency. A level needs its own rule and every lower one.
public struct ProgressEngine: Sendable {
    /// One piece of (non-voided) evidence, reduced to what the rules read.
    public struct Fact: Sendable {
        public enum Subject: Sendable, Hashable {
            case module(Int)
            case competency(Int)
            case none
        }
        public var kind: EvidenceKind
        public var subject: Subject
        public var day: Int
        public var score: Double?
        public var levelRank: Int?
        /// Competency indexes a coaching session worked on (or field hours practised).
        public var competencies: [Int]
        /// Which record this is (an index the caller understands), for explanations.
        public var reference: Int
        /// Field hours' hours.
        public var hours: Double?
        /// Who observed practice, lowercased: observations by different observers are told apart.
        public var observer: String?
        /// A continuing-education category, lowercased: it says what the entry renews.
        public var category: String?

        /// An observer or category as the rules compare them: trimmed and lowercased.
        package static func label(_ text: String) -> String { text.trimmingWhitespace.lowercased() }

        package init(kind: EvidenceKind, subject: Subject, day: Int, score: Double?, levelRank: Int?, competencies: [Int], reference: Int,
                     hours: Double? = nil, observer: String? = nil, category: String? = nil) {
            (self.kind, self.subject, self.day, self.score) = (kind, subject, day, score)
            (self.levelRank, self.competencies, self.reference) = (levelRank, competencies, reference)
            (self.hours, self.observer, self.category) = (hours, observer, category)
        }
    }

    public struct Requirement: Sendable, Hashable, Codable {
        /// The rule in words, e.g. "observed practice rated Competent or higher".
        public var rule: String
        public var met: Bool
        /// The day it was first met.
        public var metOn: CalendarDate?
        /// The evidence that met it (caller's references), in explanations only.
        public var evidence: [Int]
        /// Whether this is the rule's supervisor sign-off (the web tracker's sign-off queue
        /// lists levels that wait on nothing else). Not part of the JSON a transcript exports.
        public var isSupervisorSignoff = false

        enum CodingKeys: String, CodingKey { case rule, met, metOn, evidence }
    }

    public struct LevelCheck: Sendable, Hashable, Codable {
        public var level: String
        public var met: Bool
        public var requirements: [Requirement]
    }

    public struct CompetencyProgress: Sendable, Hashable, Codable {
        public var competencyID: String
        /// The level that counts now (after any lapse); nil when none is reached.
        public var level: String?
        /// The level earned by evidence, before any lapse.
        public var earnedLevel: String?
        public var earnedOn: CalendarDate?
        public var lapsed: Bool
        /// When the earned level lapses (or lapsed) without continuing education or coaching.
        public var lapsesOn: CalendarDate?
        /// The coaching session or continuing education that last renewed it (caller's reference),
        /// when that set `lapsesOn`: the `--explain` answer to "what kept this current".
        public var renewedBy: Int?
        public var nextLevel: String?
        /// What is still missing for the next level (or to restore a lapsed one), in words.
        public var missing: [String]
        /// Every level checked, with its requirements: the `--explain` view.
        public var checks: [LevelCheck]
        /// Index of `level` on the scale (-1 = none); cheap for reports.
        public var levelRank: Int
    }

    public let framework: CompetencyFramework
    public let competencyIDs: [String]
    public let competencyIndex: [String: Int]
    public let moduleIDs: [String]
    public let moduleIndex: [String: Int]
    let moduleTitles: [String]
    /// For each module index, the competencies it builds.
    let competenciesOfModule: [[Int]]
    /// For each competency index, the modules that build it.
    let modulesOfCompetency: [[Int]]
    let rules: [CompetencyFramework.LevelRule?]
    /// Each rule's required observed-practice level as a rank on the scale, looked up once.
    let observedRanks: [Int?]
    /// For each continuing-education category (lowercased), the competency indexes it renews;
    /// nil when the framework maps none (then uncategorised education renews everything).
    let renewedByCategory: [String: [Int]]?

    public init(curriculum: Curriculum) {
        framework = curriculum.framework
        competencyIDs = framework.competencies.map(\.id)
        competencyIndex = Dictionary(competencyIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let modules = curriculum.modulesInTrackOrder.isEmpty ? curriculum.modules : curriculum.modulesInTrackOrder
        moduleIDs = modules.map(\.id)
        moduleTitles = modules.map(\.title)
        moduleIndex = Dictionary(moduleIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let competencyIndex = self.competencyIndex
        competenciesOfModule = modules.map { module in Array(Set(module.competencies.compactMap { competencyIndex[$0] })).sorted() }
        var modulesOf = Array(repeating: [Int](), count: competencyIDs.count)
        for (moduleNumber, competencies) in competenciesOfModule.enumerated() {
            for competency in competencies { modulesOf[competency].append(moduleNumber) }
        }
        modulesOfCompetency = modulesOf
        let progression = framework.progression
        rules = framework.scale.map { level in progression?.rules.first { $0.levelID == level.id } }
        let framework = self.framework
        observedRanks = rules.map { rule in rule?.observedPractice.flatMap { framework.levelIndex($0) } }
        renewedByCategory = progression?.renewal.map { map in
            Dictionary(map.map { ($0.lowercased(), $1.compactMap { competencyIndex[$0] }) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Evidence gathered for one competency of one trainee.
    private struct Gathered {
        var scores: [(score: Double, day: Int, reference: Int)] = []
        var observed: [(rank: Int, day: Int, reference: Int, observer: String?)] = []
        var signoffs: [(day: Int, reference: Int)] = []
        var coaching: [(day: Int, reference: Int)] = []
        var lastRenewal: (day: Int, reference: Int)?
    }

    /// Derives every competency's progress for one trainee.
    /// - Parameter detail: also explain each level and list what is missing (for transcripts).
    public func derive(_ facts: [Fact], today: CalendarDate, detail: Bool) -> [CompetencyProgress] {
        derive(facts[...], today: today, detail: detail)
    }

    public func derive(_ facts: ArraySlice<Fact>, today: CalendarDate, detail: Bool) -> [CompetencyProgress] {
        var completed = Array(repeating: (day: Int, reference: Int)?.none, count: moduleIDs.count)
        var gathered = Array(repeating: Gathered(), count: competencyIDs.count)
        var renewsAll: (day: Int, reference: Int)?

        func targets(_ subject: Fact.Subject) -> [Int] {
            switch subject {
            case .module(let module): competenciesOfModule[module]
            case .competency(let competency): [competency]
            case .none: []
            }
        }
        func renew(_ competency: Int, _ fact: Fact) {
            if (gathered[competency].lastRenewal?.day ?? .min) < fact.day { gathered[competency].lastRenewal = (fact.day, fact.reference) }
        }
        for fact in facts {
            switch fact.kind {
            case .moduleCompleted:
                if case .module(let module) = fact.subject, (completed[module]?.day ?? .max) > fact.day {
                    completed[module] = (fact.day, fact.reference)
                }
            case .knowledgeCheck:
                if let score = fact.score { for c in targets(fact.subject) { gathered[c].scores.append((score, fact.day, fact.reference)) } }
            case .observedPractice:
                if let rank = fact.levelRank {
                    for c in targets(fact.subject) { gathered[c].observed.append((rank, fact.day, fact.reference, fact.observer)) }
                }
            case .supervisorSignoff:
                for c in targets(fact.subject) { gathered[c].signoffs.append((fact.day, fact.reference)) }
            case .coachingSession:
                for c in Set(targets(fact.subject) + fact.competencies) {
                    gathered[c].coaching.append((fact.day, fact.reference))
                    renew(c, fact)
                }
            case .continuingEducation:
                if case .none = fact.subject {
                    if let renewedByCategory {
                        // Only what the category covers; an unmapped or missing category renews nothing.
                        for c in fact.category.flatMap({ renewedByCategory[$0] }) ?? [] { renew(c, fact) }
                    } else if (renewsAll?.day ?? .min) < fact.day {
                        renewsAll = (fact.day, fact.reference)
                    }
                } else {
                    for c in targets(fact.subject) { renew(c, fact) }
                }
            case .reflection, .void, .fieldHours:
                break
            }
        }
        return competencyIDs.indices.map { competency in
            evaluate(competency, gathered[competency], completed: completed, renewsAll: renewsAll, today: today, detail: detail)
        }
    }

    private func evaluate(_ competency: Int, _ evidence: Gathered, completed: [(day: Int, reference: Int)?],
                          renewsAll: (day: Int, reference: Int)?, today: CalendarDate, detail: Bool) -> CompetencyProgress {
        let scale = framework.scale
        var checks: [LevelCheck] = []
        var earnedRank = -1
        var earnedDay: Int?
        var allMetSoFar = true
        var runningDay = Int.min
        // Check every level while explaining; otherwise stop at the first unmet one (reports).
        for (rank, level) in scale.enumerated() {
            guard let rule = rules[rank] else {
                if detail { checks.append(LevelCheck(level: level.id, met: false, requirements: [Requirement(rule: "no progression rule for this level in competencies.yml", met: false, metOn: nil, evidence: [])])) }
                allMetSoFar = false
                if !detail { break } else { continue }
            }
            let met: Bool
            if detail {
                let requirements = self.requirements(rule, competency: competency, evidence: evidence, completed: completed, detail: true)
                met = requirements.allSatisfy(\.met)
                checks.append(LevelCheck(level: level.id, met: met && allMetSoFar, requirements: requirements))
                if met { for requirement in requirements { if let day = requirement.metOn?.dayNumber { runningDay = max(runningDay, day) } } }
            } else {
                let result = quickCheck(rule, observedRank: observedRanks[rank], competency: competency, evidence: evidence, completed: completed)
                met = result.met
                if met, let day = result.day { runningDay = max(runningDay, day) }
            }
            if met && allMetSoFar {
                earnedRank = rank
                earnedDay = runningDay == .min ? nil : runningDay
            } else {
                allMetSoFar = false
                if !detail { break }
            }
        }

        var levelRank = earnedRank
        var lapsesOn: CalendarDate?
        var lapsed = false
        var renewedBy: Int?
        let months = framework.progression?.lapseAfterMonths ?? 0
        if months > 0, earnedRank > 0, let earnedDay {
            let latest = [evidence.lastRenewal, renewsAll].compactMap { $0 }.max { $0.day < $1.day }
            if let latest, latest.day > earnedDay { renewedBy = latest.reference }
            let renewal = max(earnedDay, latest?.day ?? .min)
            let lapse = CalendarDate(dayNumber: renewal).adding(months: months)
            lapsesOn = lapse
            if today >= lapse {
                lapsed = true
                levelRank = earnedRank - 1
            }
        }
        var missing: [String] = []
        var nextLevel: String?
        if detail {
            if lapsed {
                missing.append("record continuing education that covers this competency, or a coaching session on it, to restore \(scale[earnedRank].name)")
            }
            if earnedRank + 1 < scale.count {
                nextLevel = scale[earnedRank + 1].id
                for check in checks[0...(earnedRank + 1)] where !check.met {
                    missing += check.requirements.filter { !$0.met }.map(\.rule)
                }
            }
        }
        return CompetencyProgress(
            competencyID: competencyIDs[competency], level: levelRank >= 0 ? scale[levelRank].id : nil,
            earnedLevel: earnedRank >= 0 ? scale[earnedRank].id : nil, earnedOn: earnedDay.map(CalendarDate.init(dayNumber:)),
            lapsed: lapsed, lapsesOn: lapsesOn, renewedBy: renewedBy, nextLevel: nextLevel, missing: missing.uniqued(),
            checks: checks, levelRank: levelRank)
    }

    /// The same rules as `requirements`, without building explanations: reports evaluate
    /// hundreds of thousands of competency levels and must not allocate for each.
    private func quickCheck(_ rule: CompetencyFramework.LevelRule, observedRank: Int?, competency: Int, evidence: Gathered,
                            completed: [(day: Int, reference: Int)?]) -> (met: Bool, day: Int?) {
        var day = Int.min
        let modules = modulesOfCompetency[competency]
        switch rule.modules {
        case .none: break
        case .all:
            for module in modules {
                guard let done = completed[module] else { return (false, nil) }
                day = max(day, done.day)
            }
        case .any:
            var first = Int.max
            for module in modules { if let done = completed[module] { first = min(first, done.day) } }
            if first == .max { return (false, nil) }
            day = max(day, first)
        }
        if let minimum = rule.knowledgeCheckMinScore {
            var first = Int.max
            for score in evidence.scores where score.score >= Double(minimum) { first = min(first, score.day) }
            if first == .max { return (false, nil) }
            day = max(day, first)
        }
        if let rank = observedRank {
            guard let met = Self.observations(evidence.observed, rank: rank, count: rule.observationsMin, observers: rule.observersMin) else {
                return (false, nil)
            }
            day = max(day, met.day)
        }
        if rule.supervisorSignoff {
            var first = Int.max
            for signoff in evidence.signoffs { first = min(first, signoff.day) }
            if first == .max { return (false, nil) }
            day = max(day, first)
        }
        if rule.coachingSessions > 0 {
            guard evidence.coaching.count >= rule.coachingSessions else { return (false, nil) }
            day = max(day, evidence.coaching.map(\.day).sorted()[rule.coachingSessions - 1])
        }
        return (true, day == .min ? nil : day)
    }

    private func requirements(_ rule: CompetencyFramework.LevelRule, competency: Int, evidence: Gathered,
                              completed: [(day: Int, reference: Int)?], detail: Bool) -> [Requirement] {
        var result: [Requirement] = []
        /// `met` carries the day it was first met (nil when met without evidence, e.g. no module builds it).
        func add(_ text: @autoclosure () -> String, _ met: (day: Int?, references: [Int])?, signoff: Bool = false) {
            result.append(Requirement(rule: detail ? text() : "", met: met != nil,
                                      metOn: met?.day.map { CalendarDate(dayNumber: $0) },
                                      evidence: detail ? (met?.references ?? []) : [], isSupervisorSignoff: signoff))
        }
        let modules = modulesOfCompetency[competency]
        switch rule.modules {
        case .none: break
        case .all:
            let done = modules.compactMap { completed[$0] }
            let missing = modules.filter { completed[$0] == nil }.map { moduleTitles[$0] }
            add(missing.isEmpty ? "complete every module that builds it" : "complete \(missing.map { "“\($0)”" }.joined(separator: ", "))",
                done.count == modules.count ? (done.map(\.day).max(), done.map(\.reference)) : nil)
        case .any:
            let first = modules.compactMap { completed[$0] }.min { $0.day < $1.day }
            add(modules.isEmpty ? "complete a module that builds it (none does yet)" : "complete one of \(modules.map { "“\(moduleTitles[$0])”" }.joined(separator: ", "))",
                first.map { ($0.day, [$0.reference]) })
        }
        if let minimum = rule.knowledgeCheckMinScore {
            let passing = evidence.scores.filter { $0.score >= Double(minimum) }.min { $0.day < $1.day }
            add("a knowledge check scored \(minimum) or more", passing.map { ($0.day, [$0.reference]) })
        }
        if let required = rule.observedPractice, let rank = framework.levelIndex(required) {
            let (count, observers) = (rule.observationsMin, rule.observersMin)
            let level = framework.scale[rank].name
            let text = count <= 1 && observers <= 1 ? "observed practice rated \(level) or higher"
                : "\(max(count, observers)) observations rated \(level) or higher" + (observers > 1 ? ", by \(observers) different observers" : "")
            add(text, Self.observations(evidence.observed, rank: rank, count: count, observers: observers).map { ($0.day, $0.references) })
        }
        if rule.supervisorSignoff {
            let signoff = evidence.signoffs.min { $0.day < $1.day }
            add("a supervisor sign-off", signoff.map { ($0.day, [$0.reference]) }, signoff: true)
        }
        if rule.coachingSessions > 0 {
            let sessions = evidence.coaching.sorted { $0.day < $1.day }
            let needed = rule.coachingSessions
            let noun = needed == 1 ? "coaching session" : "coaching sessions"
            let text = sessions.count >= needed ? "\(needed) \(noun) on it" : "\(needed) \(noun) on it (\(needed - sessions.count) more)"
            add(text, sessions.count >= needed ? (sessions[needed - 1].day, sessions.prefix(needed).map(\.reference)) : nil)
        }
        return result
    }
}

extension ProgressEngine {
    /// The first day on which `count` observations rated `rank` or higher, by `observers`
    /// different observers, had been made, and the observations that made it; nil when they
    /// have not. An observation without an observer counts toward `count` but is no one.
    static func observations(_ observed: [(rank: Int, day: Int, reference: Int, observer: String?)], rank: Int,
                             count: Int, observers: Int) -> (day: Int, references: [Int])? {
        var qualifying = observed.filter { $0.rank >= rank }
        guard qualifying.count >= max(count, observers) else { return nil }
        if count <= 1 && observers <= 1 {
            let first = qualifying.min { $0.day < $1.day }!
            return (first.day, [first.reference])
        }
        qualifying.sort { $0.day < $1.day }
        var seen = Set<String>()
        for (index, observation) in qualifying.enumerated() {
            if let observer = observation.observer { seen.insert(observer) }
            if index + 1 >= count, seen.count >= observers {
                return (observation.day, qualifying[...index].map(\.reference))
            }
        }
        return nil
    }

    /// Hours of supervised field work among `facts`.
    public func fieldHours(_ facts: ArraySlice<Fact>) -> Double {
        facts.reduce(0) { $0 + ($1.kind == .fieldHours ? $1.hours ?? 0 : 0) }
    }
}

extension Array where Element: Hashable {
    /// Removes repeats, keeping the first occurrence's order.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
