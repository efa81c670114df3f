import TrellisModel
/// A trainee's continuing-education hours counted against their credential's renewal rule
/// for the period that contains a given day.
public struct CredentialLedger: Sendable, Hashable, Codable {
    public struct Category: Sendable, Hashable, Codable {
        public var category: String
        public var required: Double
        public var counted: Double
        public var short: Double { max(0, required - counted) }
    }

    public var traineeID: String
    public var credentialID: String
    public var periodStart: CalendarDate
    /// The last day of the period: hours must be in by then.
    public var deadline: CalendarDate
    public var requiredHours: Double
    public var countedHours: Double
    public var categories: [Category]
    /// Records that did not count because the same course already counted this period.
    public var doubleCredits: [String]

    public var shortHours: Double { max(0, requiredHours - countedHours) }
    public var isShort: Bool { shortHours > 0 || categories.contains { $0.short > 0 } }

    public init(rule: CredentialRule, trainee: Trainee, education: [EvidenceRecord], on day: CalendarDate) {
        let period = rule.period(containing: day, traineeStart: trainee.startDate)
        traineeID = trainee.id
        credentialID = rule.id
        periodStart = period.start
        deadline = period.end.adding(days: -1)
        requiredHours = rule.totalHours
        var counted = 0.0
        var byCategory: [String: Double] = [:]
        var seenCourses = Set<String>()
        var doubles: [String] = []
        for record in education.sorted(by: { ($0.date, $0.id) < ($1.date, $1.id) })
        where record.kind == .continuingEducation && record.voidedBy == nil && record.date >= period.start && record.date < period.end {
            if rule.noDoubleCredit, !seenCourses.insert(record.courseKey).inserted {
                doubles.append(record.id)
                continue
            }
            let hours = record.hours ?? 0
            counted += hours
            if let category = record.category { byCategory[category, default: 0] += hours }
        }
        countedHours = counted
        doubleCredits = doubles
        categories = rule.minimumHours.keys.sorted().map {
            Category(category: $0, required: rule.minimumHours[$0] ?? 0, counted: byCategory[$0] ?? 0)
        }
    }
}
