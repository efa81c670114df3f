import TrellisModel

extension CurriculumChecker {
    /// With a `renewal:` map, continuing education renews only the competencies its category
    /// covers. A category that a credential rule counts hours in, but that the map leaves out,
    /// renews nothing: probably an oversight, so it is a warning.
    func checkRenewal(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        guard let renewal = curriculum.framework.progression?.renewal else { return }
        var warned = Set<String>()
        for rule in curriculum.credentials {
            for category in rule.minimumHours.keys.sorted() where renewal[category.lowercased()] == nil && warned.insert(category).inserted {
                diagnostics.append(.warning(
                    at: rule.location,
                    "continuing education in category `\(category)` (credential `\(rule.id)`) renews no competency: `progression.renewal` does not list it",
                    remedy: "add `\(category): [competency ids]` under `progression.renewal` in competencies.yml (`[]` if it should renew none)"))
            }
        }
    }
}
