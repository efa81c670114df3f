import Yams

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
}

enum CredentialRulesParser {
    static let fields = ["id", "title", "period_months", "anchor", "total_hours", "minimum_hours", "no_double_credit"]

    static func parse(_ text: String, path: String, diagnostics: inout [Diagnostic]) -> [CredentialRule] {
        var reader = YAMLReader(path: path)
        defer { diagnostics += reader.diagnostics }
        guard let root = reader.parse(text), let mapping = reader.mapping(root, what: "credentials.yml") else { return [] }
        reader.reportUnknownKeys(in: mapping, known: ["credentials"], what: "credentials.yml")
        guard let list = mapping["credentials"]?.sequence else {
            reader.error(root, "credentials.yml needs `credentials:`, a list of renewal rules", remedy: "add `credentials:` with items `- id: …`")
            return []
        }
        var rules: [CredentialRule] = []
        var seen = Set<String>()
        for node in list {
            guard let fields = reader.mapping(node, what: "a credential rule") else { continue }
            reader.reportUnknownKeys(in: fields, known: self.fields, what: "a credential rule")
            let id = reader.string(fields, "id", required: true, what: "a credential rule") ?? ""
            if !seen.insert(id).inserted { reader.error(fields["id"], "duplicate credential id `\(id)`", remedy: "give each rule its own id") }
            let what = "credential `\(id)`"
            var anchor: CalendarDate?
            if let anchorNode = fields["anchor"], anchorNode.string != "start_date" {
                anchor = reader.date(fields, "anchor", what: what)
            }
            var minimums: [String: Double] = [:]
            if let node = fields["minimum_hours"] {
                if let categories = node.mapping {
                    for (key, value) in categories {
                        guard let category = key.string, let hours = value.float, hours >= 0 else {
                            reader.error(value, "each `minimum_hours` entry must be `<category>: <hours>`", remedy: "write e.g. `ethics: 3`")
                            continue
                        }
                        minimums[category.lowercased()] = hours
                    }
                } else {
                    reader.error(node, "`minimum_hours` must be a mapping of category to hours", remedy: "write e.g. `minimum_hours: {ethics: 3}`")
                }
            }
            var total = 0.0
            if let node = fields["total_hours"] {
                if let hours = node.float, hours >= 0 { total = hours } else {
                    reader.error(node, "`total_hours` must be a number of hours", remedy: "write e.g. `total_hours: 36`")
                }
            } else {
                reader.error(node, "missing required field `total_hours` in \(what)", remedy: "add `total_hours: <hours>`")
            }
            if minimums.values.reduce(0, +) > total {
                reader.error(fields["minimum_hours"], "category minimums add up to more than `total_hours` in \(what)",
                             remedy: "raise total_hours or lower the minimums")
            }
            var noDoubleCredit = true
            if let node = fields["no_double_credit"] {
                if let value = node.bool { noDoubleCredit = value } else {
                    reader.error(node, "`no_double_credit` must be true or false", remedy: "write `no_double_credit: true`")
                }
            }
            rules.append(CredentialRule(
                id: id, title: reader.string(fields, "title", required: true, what: what) ?? id,
                periodMonths: reader.integer(fields, "period_months", required: true, what: what, range: 1...120) ?? 12,
                anchor: anchor, totalHours: total, minimumHours: minimums, noDoubleCredit: noDoubleCredit,
                location: reader.location(of: node)))
        }
        return rules
    }
}
