import TrellisModel
/// The report's view of progress: for every trainee × competency only the level that counts,
/// the level earned and when it lapses — derived straight from a trainee's fact digest in one
/// pass, with fixed-size running minimums instead of evidence lists, so a report over
/// 400,000 cells allocates nothing per trainee or per cell.
///
/// It applies exactly the rules of `ProgressEngine.derive` — the engine transcripts call with
/// `detail: true` to explain each level; the levels it derives do not depend on `detail`.
/// `snapshotAgreesWithTranscripts` and `ProgressCellTests` check that they agree.
public struct ProgressCell: Sendable, Hashable {
    var level: Int8
    var earned: Int8
    public var lapsed: Bool
    var lapseDay: Int32

    /// Index of the level that counts now on the scale (-1 = none).
    public var levelRank: Int { Int(level) }
    /// Index of the level earned by evidence, before any lapse (-1 = none).
    public var earnedRank: Int { Int(earned) }
    /// When the earned level lapses (or lapsed).
    public var lapsesOn: CalendarDate? { lapseDay == .min ? nil : CalendarDate(dayNumber: Int(lapseDay)) }
    public var lapseDayNumber: Int? { lapseDay == .min ? nil : Int(lapseDay) }
}

extension ProgressEngine {
    /// The progression rules, prepared for `CellDeriver`.
    struct QuickRules: Sendable {
        struct Level: Sendable {
            var modules: CompetencyFramework.LevelRule.ModuleRequirement
            var threshold: Int?
            var observedRank: Int?
            var signoff: Bool
            var coaching: Int
        }
        /// One per level of the scale, nil where the level has no rule.
        var levels: [Level?]
        /// Distinct knowledge-check minimum scores.
        var thresholds: [Double]
        /// The most coaching sessions any rule asks for.
        var coachingSlots: Int
        var lapseMonths: Int
    }

    var quickRules: QuickRules {
        var thresholds: [Double] = []
        var coachingSlots = 0
        var levels: [QuickRules.Level?] = []
        for (rank, rule) in rules.enumerated() {
            guard let rule else { levels.append(nil); continue }
            var threshold: Int?
            if let minimum = rule.knowledgeCheckMinScore {
                let value = Double(minimum)
                if let index = thresholds.firstIndex(of: value) { threshold = index } else { threshold = thresholds.count; thresholds.append(value) }
            }
            coachingSlots = max(coachingSlots, rule.coachingSessions)
            levels.append(.init(modules: rule.modules, threshold: threshold, observedRank: observedRanks[rank],
                                signoff: rule.supervisorSignoff, coaching: max(0, rule.coachingSessions)))
        }
        return QuickRules(levels: levels, thresholds: thresholds, coachingSlots: coachingSlots,
                          lapseMonths: framework.progression?.lapseAfterMonths ?? 0)
    }
}

/// Derives one trainee's `ProgressCell`s from their fact digest. Reused from one trainee to the
/// next: every buffer is allocated once.
struct CellDeriver {
    let engine: ProgressEngine
    let rules: ProgressEngine.QuickRules
    /// Resolution of the database's numbers (see `FactDigest`).
    let subjectOf: [ProgressEngine.Fact.Subject?]
    let rankOfLevel: [Int?]
    let competencyOf: [Int]
    let today: Int

    private let competencies: Int, scale: Int, thresholdCount: Int, slots: Int
    private var completed: [Int]
    private var scoreFirst: [Int]
    private var observedFirst: [Int]
    private var signoffFirst: [Int]
    private var coachCount: [Int]
    private var coachDays: [Int]
    private var lastRenewal: [Int]
    private var mark: [Int]
    private var stamp = 0
    private var targets: [Int] = []
    /// Lapse day for a renewal day, remembered (many cells share renewal days).
    private var lapseCache: [Int: Int] = [:]

    /// Per trainee, after `derive`.
    private(set) var modulesCompleted = 0
    private(set) var lastCoaching: Int?

    init(engine: ProgressEngine, subjectOf: [ProgressEngine.Fact.Subject?], rankOfLevel: [Int?], competencyOf: [Int], today: CalendarDate) {
        self.engine = engine
        rules = engine.quickRules
        self.subjectOf = subjectOf
        self.rankOfLevel = rankOfLevel
        self.competencyOf = competencyOf
        self.today = today.dayNumber
        competencies = engine.competencyIDs.count
        scale = engine.framework.scale.count
        thresholdCount = rules.thresholds.count
        slots = rules.coachingSlots
        completed = Array(repeating: .max, count: engine.moduleIDs.count)
        scoreFirst = Array(repeating: .max, count: competencies * thresholdCount)
        observedFirst = Array(repeating: .max, count: competencies * scale)
        signoffFirst = Array(repeating: .max, count: competencies)
        coachCount = Array(repeating: 0, count: competencies)
        coachDays = Array(repeating: .max, count: competencies * slots)
        lastRenewal = Array(repeating: .min, count: competencies)
        mark = Array(repeating: 0, count: competencies)
        targets.reserveCapacity(competencies)
    }

    private mutating func reset() {
        for i in completed.indices { completed[i] = .max }
        for i in scoreFirst.indices { scoreFirst[i] = .max }
        for i in observedFirst.indices { observedFirst[i] = .max }
        for i in signoffFirst.indices { signoffFirst[i] = .max }
        for i in coachCount.indices { coachCount[i] = 0 }
        for i in coachDays.indices { coachDays[i] = .max }
        for i in lastRenewal.indices { lastRenewal[i] = .min }
    }

    /// Derives the cells of one trainee into `output` (one per competency, framework order).
    mutating func derive(digest: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<ProgressCell>) {
        reset()
        var renewsAll = Int.min
        var lastCoaching = Int.min
        FactDigest.forEach(digest) { day, subjectNo, levelNo, kindNumber, score, competencyBytes in
            guard let kind = EvidenceKind(rawValue: Int(kindNumber)) else { return }
            var module = -1
            targets.removeAll(keepingCapacity: true)
            if subjectNo != 0 {
                guard subjectNo > 0, subjectNo < subjectOf.count, let known = subjectOf[subjectNo] else { return }
                switch known {
                case .module(let index):
                    module = index
                    targets.append(contentsOf: engine.competenciesOfModule[index])
                case .competency(let index): targets.append(index)
                case .none: break
                }
            }
            switch kind {
            case .moduleCompleted:
                if module >= 0, completed[module] > day { completed[module] = day }
            case .knowledgeCheck:
                guard let score else { return }
                for t in 0..<thresholdCount where score >= rules.thresholds[t] {
                    for c in targets where scoreFirst[c * thresholdCount + t] > day { scoreFirst[c * thresholdCount + t] = day }
                }
            case .observedPractice:
                guard levelNo > 0, levelNo < rankOfLevel.count, let rank = rankOfLevel[levelNo] else { return }
                for c in targets where observedFirst[c * scale + rank] > day { observedFirst[c * scale + rank] = day }
            case .supervisorSignoff:
                for c in targets where signoffFirst[c] > day { signoffFirst[c] = day }
            case .coachingSession:
                lastCoaching = max(lastCoaching, day)
                stamp += 1
                for c in targets { mark[c] = stamp }
                for offset in stride(from: 0, to: competencyBytes.count, by: 4) {
                    let no = Int(Int32(littleEndian: competencyBytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    if no > 0, no < competencyOf.count, competencyOf[no] >= 0, mark[competencyOf[no]] != stamp {
                        mark[competencyOf[no]] = stamp
                        targets.append(competencyOf[no])
                    }
                }
                for c in targets {
                    coachCount[c] += 1
                    // Keep the `slots` earliest days, sorted.
                    if slots > 0 {
                        let base = c * slots
                        if day < coachDays[base + slots - 1] {
                            var i = base + slots - 1
                            while i > base, coachDays[i - 1] > day { coachDays[i] = coachDays[i - 1]; i -= 1 }
                            coachDays[i] = day
                        }
                    }
                    if lastRenewal[c] < day { lastRenewal[c] = day }
                }
            case .continuingEducation:
                if subjectNo == 0 {
                    renewsAll = max(renewsAll, day)
                } else {
                    for c in targets where lastRenewal[c] < day { lastRenewal[c] = day }
                }
            case .reflection, .void:
                break
            }
        }
        modulesCompleted = completed.reduce(0) { $0 + ($1 == .max ? 0 : 1) }
        self.lastCoaching = lastCoaching == .min ? nil : lastCoaching
        for c in 0..<competencies { output[c] = evaluate(c, renewsAll: renewsAll) }
    }

    private mutating func evaluate(_ c: Int, renewsAll: Int) -> ProgressCell {
        var earnedRank = -1
        var earnedDay = Int.min
        var runningDay = Int.min
        levels: for rank in 0..<scale {
            guard let rule = rules.levels[rank] else { break }
            var day = Int.min
            switch rule.modules {
            case .none: break
            case .all:
                for module in engine.modulesOfCompetency[c] {
                    let done = completed[module]
                    if done == .max { break levels }
                    day = max(day, done)
                }
            case .any:
                var first = Int.max
                for module in engine.modulesOfCompetency[c] { first = min(first, completed[module]) }
                if first == .max { break levels }
                day = max(day, first)
            }
            if let t = rule.threshold {
                let first = scoreFirst[c * thresholdCount + t]
                if first == .max { break levels }
                day = max(day, first)
            }
            if let required = rule.observedRank {
                var first = Int.max
                for r in required..<scale { first = min(first, observedFirst[c * scale + r]) }
                if first == .max { break levels }
                day = max(day, first)
            }
            if rule.signoff {
                let first = signoffFirst[c]
                if first == .max { break levels }
                day = max(day, first)
            }
            if rule.coaching > 0 {
                guard coachCount[c] >= rule.coaching else { break levels }
                day = max(day, coachDays[c * slots + rule.coaching - 1])
            }
            runningDay = max(runningDay, day)
            earnedRank = rank
            earnedDay = runningDay
        }
        var levelRank = earnedRank
        var lapseDay = Int.min
        var lapsed = false
        if rules.lapseMonths > 0, earnedRank > 0, earnedDay != .min {
            let renewal = max(earnedDay, lastRenewal[c], renewsAll)
            let lapse: Int
            if let known = lapseCache[renewal] {
                lapse = known
            } else {
                lapse = CalendarDate(dayNumber: renewal).adding(months: rules.lapseMonths).dayNumber
                lapseCache[renewal] = lapse
            }
            lapseDay = lapse
            if today >= lapse {
                lapsed = true
                levelRank = earnedRank - 1
            }
        }
        return ProgressCell(level: Int8(truncatingIfNeeded: levelRank), earned: Int8(truncatingIfNeeded: earnedRank), lapsed: lapsed,
                            lapseDay: lapseDay == .min ? .min : Int32(clamping: lapseDay))
    }
}
