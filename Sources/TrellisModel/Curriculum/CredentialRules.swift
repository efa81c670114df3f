/// `credentials.yml`: how peer credentials are renewed. Rules differ by state and change,
/// so they are configuration kept beside the competency framework, not code.
public struct CredentialRule: Sendable, Hashable, Identifiable {
    public var id: String
    public var title: String
    /// Length of a renewal period.
    public var periodMonths: Int
    /// Where periods start: nil = each trainee's start date; a date = fixed calendar deadlines.
    public var anchor: CalendarDate?
    public var totalHours: Double
    /// Minimum hours per continuing-education category (e.g. `ethics: 3`).
    public var minimumHours: [String: Double]
    /// The same course counts once per period.
    public var noDoubleCredit: Bool
    public var location: SourceLocation

    /// The renewal period that contains `date`: [start, end), with `end` the first day of the next.
    public func period(containing date: CalendarDate, traineeStart: CalendarDate) -> (start: CalendarDate, end: CalendarDate) {
        let origin = anchor ?? traineeStart
        var months = (date.year - origin.year) * 12 + (date.month - origin.month)
        if date.day < origin.day { months -= 1 }
        var index = Int((Double(months) / Double(periodMonths)).rounded(.down))
        var start = origin.adding(months: index * periodMonths)
        while start > date { index -= 1; start = origin.adding(months: index * periodMonths) }
        while origin.adding(months: (index + 1) * periodMonths) <= date { index += 1; start = origin.adding(months: index * periodMonths) }
        return (start, origin.adding(months: (index + 1) * periodMonths))
    }

    public init(id: String, title: String, periodMonths: Int, anchor: CalendarDate? = nil, totalHours: Double, minimumHours: [String: Double], noDoubleCredit: Bool, location: SourceLocation) {
        self.id = id
        self.title = title
        self.periodMonths = periodMonths
        self.anchor = anchor
        self.totalHours = totalHours
        self.minimumHours = minimumHours
        self.noDoubleCredit = noDoubleCredit
        self.location = location
    }
}
