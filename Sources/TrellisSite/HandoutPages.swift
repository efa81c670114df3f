import Foundation
import TrellisTemplates
import TrellisModel

/// The handout pages, their index and the glossary.
extension EditionRenderer {
    /// The handouts this edition publishes, by file name.
    var publishedHandouts: [Handout] { curriculum.handouts.filter { $0.isPublished(in: edition) } }

    func handoutPage(_ handout: Handout, _ shared: SharedContext) -> String {
        var page = shared.page(title: handout.title, root: "../", current: "handouts")
        page["description"] = .text(handout.summary)
        let modules = moduleLinks(handout.moduleIDs, root: "../")
        var fields: TemplateObject = [
            "id": .text(handout.id),
            "title": .text(handout.title),
            "summary": .text(handout.summary),
            "trainersOnly": .flag(handout.trainersOnly),
            "body": .text(handout.body.html(for: edition) ?? ""),
            "modules": .list(modules),
            "hasModules": .flag(!modules.isEmpty),
            "hasFacts": .flag(handout.reviewBy != nil || (edition == .trainer && handout.updated != nil)),
        ]
        if edition == .trainer, let updated = handout.updated { fields["updated"] = .text(updated.description) }
        if let reviewBy = handout.reviewBy { fields["reviewBy"] = .text(reviewBy.description) }
        page["handout"] = .object(fields)
        return theme.render("handout", page)
    }

    func handoutIndexPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Handouts", root: "../", current: "handouts")
        page["description"] = "Worksheets, templates and guides to print."
        page["handouts"] = .list(publishedHandouts.map { handout in
            let modules = moduleLinks(handout.moduleIDs, root: "../")
            return ["title": .text(handout.title), "url": "\(handout.id).html", "summary": .text(handout.summary),
                    "trainersOnly": .flag(handout.trainersOnly), "modules": .list(modules), "hasModules": .flag(!modules.isEmpty)]
        })
        return theme.render("handouts", page)
    }

    /// Terms in alphabetical order, grouped by first letter, each with the modules that link to it.
    func glossaryPage(_ shared: SharedContext) -> String {
        let terms = (curriculum.glossary?.terms ?? []).sorted { $0.term.localizedCaseInsensitiveCompare($1.term) == .orderedAscending }
        var usedIn: [String: [String]] = [:]
        for module in shared.ordered {
            for term in module.body.glossaryTerms { usedIn[term, default: []].append(module.id) }
        }
        var letters: [(letter: String, terms: [TemplateValue])] = []
        for term in terms {
            let letter = term.term.first.map { String($0).uppercased() } ?? "#"
            let modules = moduleLinks(usedIn[term.id] ?? [], root: "")
            var fields: TemplateObject = [
                "anchor": .text(term.anchor),
                "term": .text(term.term),
                "aliases": .text(term.aliases.joined(separator: ", ")),
                "hasAliases": .flag(!term.aliases.isEmpty),
                "definition": .text(term.definition),
                "modules": .list(modules),
                "hasModules": .flag(!modules.isEmpty),
            ]
            if let source = term.source { fields["source"] = .text(source) }
            if letters.last?.letter == letter { letters[letters.count - 1].terms.append(.object(fields)) } else { letters.append((letter, [.object(fields)])) }
        }
        var page = shared.page(title: "Glossary", root: "", current: "glossary")
        page["description"] = "Words from courts, agencies and peer work, in plain language."
        page["letters"] = .list(letters.map { ["letter": .text($0.letter), "terms": .list($0.terms)] })
        return theme.render("glossary", page)
    }

    /// Links to modules by id, from a page at `root` below the edition's folder; unknown ids are left out.
    func moduleLinks(_ ids: [String], root: String) -> [TemplateValue] {
        ids.compactMap { curriculum.module($0) }.map { ["title": .text($0.title), "url": "\(root)modules/\($0.id).html"] }
    }
}
