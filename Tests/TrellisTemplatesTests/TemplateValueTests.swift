import Foundation
import Mustache
import Testing
import TrellisTemplates

/// Pages hand swift-mustache their `TemplateValue` contexts as they are. Each value must mean
/// to a template exactly what the plain value it stands for means (`String`, `Int`, `Bool`,
/// `[Any]`, `[String: Any]`): in variables, sections, inverted sections, dotted names, `{{.}}`,
/// partials and inheritance.
@Suite struct TemplateValueTests {
    /// The plain value swift-mustache would be given without `TemplateValue`.
    private static func plain(_ value: TemplateValue) -> Any {
        switch value {
        case .text(let text): text
        case .number(let number): number
        case .flag(let flag): flag
        case .list(let items): items.map(plain)
        case .object(let fields): fields.mapValues(plain)
        }
    }

    /// Renders `templates[main]` with the typed context and with its plain equivalent.
    private func renderBothWays(_ templates: [String: String], main: String = "main",
                                _ context: TemplateObject) throws -> (typed: String, plain: String) {
        var library = MustacheLibrary()
        for (name, text) in templates { library.register(try MustacheTemplate(string: text), named: name) }
        return (library.render(context, withTemplate: main) ?? "", library.render(Self.plain(.object(context)), withTemplate: main) ?? "")
    }

    static let context: TemplateObject = [
        "title": "Engage & <explore>", "count": 3, "zero": 0, "yes": true, "no": false, "empty": "",
        "items": ["one", "two's", "three"], "none": [],
        "people": [["name": "Ana", "role": "peer"], ["name": "Ben"]],
        "site": ["title": "Trellis \"site\"", "nested": ["deep": "down"]],
        "role": "outer role",
    ]

    @Test(arguments: [
        "Hello {{title}}! {{{title}}} {{&title}} {{count}} {{zero}} {{yes}} {{no}} [{{empty}}] [{{missing}}]",
        "{{#items}}<li>{{.}}</li>{{/items}}{{^items}}none{{/items}}{{#none}}x{{/none}}{{^none}}no items{{/none}}",
        "{{#people}}{{name}} ({{role}}) {{/people}}",
        "{{site.title}} {{site.nested.deep}} {{#site}}{{title}}/{{nested.deep}}/{{.title}}/{{.role}}{{/site}} {{site.missing.deep}}",
        "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^yes}}not-y{{/yes}}{{^no}}not-n{{/no}}{{^missing}}absent{{/missing}}",
        "{{#count}}n={{.}}{{/count}}{{#zero}}z={{.}}{{/zero}}{{#empty}}e=[{{.}}]{{/empty}}{{#title}}t={{.}}{{/title}}",
        "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n{{! a comment }}\n  {{^none}}\n  empty\n  {{/none}}\nend\n",
        "{{#items}}{{#people}}{{name}}:{{role}} {{/people}}{{/items}}",
        "{{#items.first}}first={{.}}{{/items.first}} {{items.count}}",
    ])
    func meansWhatThePlainValueMeans(template: String) throws {
        let (typed, plain) = try renderBothWays(["main": template], Self.context)
        #expect(typed == plain)
    }

    @Test func partialsAndInheritanceSeeTheSameValues() throws {
        let templates = [
            "layout": "<html>\n<title>{{$title}}Default{{/title}}</title>\n<body>\n  {{$content}}\n  nothing\n  {{/content}}\n</body>\n</html>\n",
            "item": "<li>{{name}}</li>\n<li>again</li>\n",
            "main": "{{<layout}}\n{{$title}}{{site.title}}{{/title}}\n{{$content}}\n<ul>\n  {{#people}}\n  {{>item}}\n  {{/people}}\n</ul>\n{{/content}}\n{{/layout}}\n",
        ]
        let (typed, plain) = try renderBothWays(templates, Self.context)
        #expect(typed == plain)
        #expect(typed.contains("    <li>Ana</li>\n    <li>again</li>\n"), "the standalone partial is indented")
        #expect(typed.contains("<title>Trellis &quot;site&quot;</title>"))
    }

    /// What a page built as `[String: Any]` (the web tracker's) becomes: the same page.
    @Test func aContextBuiltAsAnyRendersAsThePlainValue() throws {
        let built: [String: Any] = ["title": "A & B", "count": 2, "shown": true, "hidden": false,
                                    "rows": [["name": "Ana", "flag": true], ["name": "Ben", "flag": false]], "tags": ["x", "y"]]
        var library = MustacheLibrary()
        library.register(try MustacheTemplate(string: "{{title}} {{count}}{{#shown}}!{{/shown}}{{#hidden}}?{{/hidden}}{{#rows}}[{{name}}{{#flag}}*{{/flag}}]{{/rows}}{{#tags}}<{{.}}>{{/tags}}"), named: "t")
        let typed = library.render(TemplateValue(built), withTemplate: "t")
        #expect(typed == library.render(built, withTemplate: "t"))
        #expect(typed == "A &amp; B 2![Ana*][Ben]<x><y>")
    }
}
