import Foundation
import Mustache
import Testing
@testable import TrellisCore
import TrellisTestSupport
@testable import TrellisSite

/// The compiled renderer must write exactly what swift-mustache writes for the same template
/// and context: swift-mustache is the reference for what a template means.
@Suite struct CompiledTemplateTests {
    /// Renders `templates[main]` both ways, with every template registered as a partial.
    private func renderBothWays(_ templates: [String: String], main: String = "main",
                                _ context: TemplateObject) throws -> (compiled: String, reference: String) {
        var library = MustacheLibrary()
        var compiled: [String: CompiledTemplate] = [:]
        for (name, text) in templates {
            let template = try MustacheTemplate(string: text)
            library.register(template, named: name)
            compiled[name] = try #require(CompiledTemplate.compile(template), "\(name) did not compile")
        }
        let renderer = TemplateRenderer(templates: compiled)
        return (renderer.render(compiled[main]!, context), library.render(TemplateValue.object(context).mustacheValue, withTemplate: main) ?? "")
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
        "{{=<% %>=}}<% title %> <%#yes%>y<%/yes%>\n<%={{ }}=%>{{count}}",
        "a\r\n  {{#yes}}\r\n  b\r\n  {{/yes}}\r\nc",
        "{{% CONTENT_TYPE: TEXT }}\n{{title}}",
        "{{#items}}{{#people}}{{name}}:{{.}} {{/people}}{{/items}}",
    ])
    func rendersAsSwiftMustacheDoes(template: String) throws {
        let (compiled, reference) = try renderBothWays(["main": template], Self.context)
        #expect(compiled == reference)
    }

    @Test func partialsAndInheritanceRenderAsSwiftMustacheDoes() throws {
        let templates = [
            "layout": "<html>\n<title>{{$title}}Default{{/title}}</title>\n<body>\n  {{$content}}\n  nothing\n  {{/content}}\n</body>\n</html>\n",
            "item": "<li>{{name}}</li>\n<li>again</li>\n",
            "main": "{{<layout}}\n{{$title}}{{site.title}}{{/title}}\n{{$content}}\n<ul>\n  {{#people}}\n  {{>item}}\n  {{/people}}\n</ul>\n{{/content}}\n{{/layout}}\n",
            "escaping": "{{% CONTENT_TYPE: TEXT }}\n{{title}} {{>inner}}",
            "inner": "{{title}}",
        ]
        let (compiled, reference) = try renderBothWays(templates, Self.context)
        #expect(compiled == reference)
        #expect(compiled.contains("    <li>Ana</li>\n    <li>again</li>\n"), "the standalone partial is indented")
        let (escaping, escapingReference) = try renderBothWays(templates, main: "escaping", Self.context)
        #expect(escaping == escapingReference)
        #expect(escaping == "Engage & <explore> Engage &amp; &lt;explore&gt;", "a partial starts with HTML escaping again")
    }

    /// Transforms and dynamic partials are left to swift-mustache rather than half-supported.
    @Test(arguments: ["{{uppercased(title)}}", "{{#reversed(items)}}{{.}}{{/reversed(items)}}", "{{>*role}}"])
    func leavesWhatItDoesNotRenderToSwiftMustache(template: String) throws {
        #expect(CompiledTemplate.compile(try MustacheTemplate(string: template)) == nil)
    }

    @Test func theDefaultThemeIsCompiled() throws {
        let theme = try Theme.load(from: Fixtures.theme).get()
        let renderer = try #require(theme.renderer, "a theme template no longer compiles: pages would be rendered slowly by swift-mustache")
        #expect(Set(renderer.templates.keys) == Set(Theme.requiredTemplates))
    }

    /// Every page of both editions of the fixture curriculum, rendered compiled and by swift-mustache.
    @Test(arguments: Edition.allCases)
    func everyPageOfTheSiteIsTheSameEitherWay(edition: Edition) throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.valid, editions: Set(Edition.allCases)).load()
        let theme = try Theme.load(from: Fixtures.theme).get()
        var reference = theme
        reference.renderer = nil
        let options = SiteOptions(searchLibrary: SearchLibrary(script: "/* lunr */"), linksPDFHandouts: true)
        let compiledFiles = EditionRenderer(curriculum: curriculum, theme: theme, edition: edition, options: options).files()
        let referenceFiles = EditionRenderer(curriculum: curriculum, theme: reference, edition: edition, options: options).files()
        #expect(compiledFiles.count == referenceFiles.count)
        #expect(compiledFiles.filter { $0.path.hasSuffix(".html") }.count >= 10)
        for (compiled, expected) in zip(compiledFiles, referenceFiles) {
            #expect(compiled.path == expected.path)
            #expect(compiled.content == expected.content, "\(edition.rawValue)/\(compiled.path) differs from swift-mustache's rendering")
        }
    }
}
