import TrellisMarkdown
import TrellisModel
import Yams

/// Reads `credentials.yml` into `CredentialRule`s, reporting each problem at its place.
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
