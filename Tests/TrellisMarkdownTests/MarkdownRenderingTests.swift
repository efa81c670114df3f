import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisMarkdown
import TrellisTestSupport

/// Golden files pin the exact HTML of each Markdown feature, per edition.
/// Regenerate after an intended change with `TRELLIS_UPDATE_GOLDEN=1 swift test`, then review the diff.
@Suite struct MarkdownRenderingTests {
    static let inputs = ["callouts", "tables", "tasklists", "footnotes", "extensions", "links", "hostile", "trainer-notes"]

    @Test(arguments: inputs)
    func matchesGoldenFile(name: String) throws {
        let markdown = try String(contentsOfFile: "\(Fixtures.markdown)/\(name).md", encoding: .utf8)
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: Set(Edition.allCases))
        for edition in Edition.allCases {
            let goldenPath = "\(Fixtures.golden)/\(name).\(edition.rawValue).html"
            let rendered = body.html[edition] ?? ""
            if ProcessInfo.processInfo.environment["TRELLIS_UPDATE_GOLDEN"] == "1" {
                try Data(rendered.utf8).write(to: URL(fileURLWithPath: goldenPath))
            }
            let expected = try String(contentsOfFile: goldenPath, encoding: .utf8)
            #expect(rendered == expected, "\(name) (\(edition.rawValue)) differs from \(goldenPath)")
        }
    }

    /// cmark-gfm keeps extension characters in a global table (github/cmark-gfm#176); parsing
    /// on every core at once must still find every strikethrough and autolink, in documents
    /// with a `~` (strikethrough attached) and without.
    @Test func documentsParsedInParallelKeepTheirExtensions() {
        let struck = (0..<40).map { "Line \($0) has ~~old~~ text and www.example.org/\($0) in it.\n" }.joined(separator: "\n")
        let plain = (0..<40).map { "Line \($0) links https://example.org/\($0) and www.example.org/\($0).\n" }.joined(separator: "\n")
        let bodies = Array(0..<128).concurrentMap { index in
            (index, ModuleBodyCompiler.compile(markdown: index.isMultiple(of: 2) ? struck : plain, editions: [.trainee]).html[.trainee] ?? "")
        }
        for (index, html) in bodies {
            if index.isMultiple(of: 2) {
                #expect(html.components(separatedBy: "<del>old</del>").count == 41)
                #expect(html.components(separatedBy: "<a href=\"http://www.example.org/").count == 41)
            } else {
                #expect(html.components(separatedBy: "<a href=\"https://example.org/").count == 41)
                #expect(html.components(separatedBy: "<a href=\"http://www.example.org/").count == 41)
            }
        }
    }

    @Test func everyCalloutKindBecomesALabelledAside() {
        let markdown = CalloutKind.allCases.map { "> [!\($0.rawValue)]\n> Text for \($0.rawValue).\n" }.joined(separator: "\n")
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: [.trainer])
        let html = body.html[.trainer] ?? ""
        for (index, kind) in CalloutKind.allCases.enumerated() {
            #expect(html.contains("<aside class=\"callout \(kind.cssClass)\" aria-labelledby=\"callout-\(index + 1)\">"))
            #expect(html.contains("<span class=\"callout-kind\">\(kind.label)</span>"))
            #expect(!html.contains("[!\(kind.rawValue)]"), "the marker must not show as text")
        }
        #expect(body.callouts.map(\.kind) == CalloutKind.allCases.map { Optional($0) })
    }

    /// The marker is read from cmark's text nodes byte by byte; these are the shapes it must
    /// accept (any case, a title, non-ASCII letters kept for the "unknown kind" error) and refuse.
    @Test(arguments: [
        ("> [!tip]\n> Text.\n", "TIP", CalloutKind.tip, ""),
        ("> [!Key-Points] What to remember\n> Text.\n", "KEY-POINTS", .keyPoints, "What to remember"),
        ("> [!SCENARIO]Ana's *first* visit\n> Text.\n", "SCENARIO", .scenario, "Ana's first visit"),
        ("> [!étude]\n> Text.\n", "ÉTUDE", nil, ""),
        ("> [!SCENRIO]\n> Text.\n", "SCENRIO", nil, ""),
    ] as [(String, String, CalloutKind?, String)])
    func calloutMarkers(markdown: String, marker: String, kind: CalloutKind?, title: String) throws {
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: [.trainer])
        let callout = try #require(body.callouts.first)
        #expect(body.callouts.count == 1)
        #expect(callout.marker == marker)
        #expect(callout.kind == kind)
        #expect(callout.title == title)
    }

    @Test(arguments: ["> [!]\n> Text.\n", "> [!two words]\n> Text.\n", "> [!NOTE2]\n> Text.\n", "> [NOTE]\n> Text.\n",
                      "> Text [!NOTE]\n", "> *[!NOTE]*\n"])
    func blockquotesThatAreNotCallouts(markdown: String) {
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: [.trainer])
        #expect(body.callouts.isEmpty)
        #expect(!(body.html[.trainer] ?? "").contains("<aside"))
    }

    @Test func trainerNotesAreAbsentFromTheTraineeEdition() throws {
        let markdown = try String(contentsOfFile: "\(Fixtures.markdown)/trainer-notes.md", encoding: .utf8)
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: Set(Edition.allCases))
        let trainee = try #require(body.html[.trainee])
        let trainer = try #require(body.html[.trainer])
        for secret in ["SECRET-ONE", "SECRET-NESTED", "SECRET-HEADING", "SECRET-INSIDE-SCENARIO"] {
            #expect(!trainee.contains(secret))
            #expect(trainer.contains(secret))
        }
        #expect(trainee.contains("Visible scenario."))
        #expect(!trainee.contains("Trainer note"))
    }

    @Test func hostileHTMLNeverSurvives() throws {
        let markdown = try String(contentsOfFile: "\(Fixtures.markdown)/hostile.md", encoding: .utf8)
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: Set(Edition.allCases))
        for html in body.html.values {
            let lowered = html.lowercased()
            for forbidden in ["<script", "<iframe", "<style", "onerror", "onclick", "javascript:", "vbscript:", "<img src=\"x\""] {
                #expect(!lowered.contains(forbidden), "found \(forbidden)")
            }
        }
    }

    @Test func moduleLinksAreRewrittenToPages() {
        let body = ModuleBodyCompiler.compile(markdown: "[a](engage.md#opening) [b](./plan.md) [c](../modules/explore.md) [d](https://x.org/y.md)",
                                              editions: [.trainee])
        let html = body.html[.trainee] ?? ""
        #expect(html.contains("href=\"engage.html#opening\""))
        #expect(html.contains("href=\"plan.html\""))
        #expect(html.contains("href=\"explore.html\""))
        #expect(html.contains("href=\"https://x.org/y.md\""))
    }

    @Test func positionsPointIntoTheFile() {
        let body = ModuleBodyCompiler.compile(markdown: "Intro\n\n## Next\n\nSee www.example.org and [x](y.md).\n", firstLine: 10, editions: [])
        #expect(body.headings.first?.line == 12)
        // The autolink reports line 0 in cmark; the enclosing paragraph's line stands in.
        #expect(body.links.map(\.line) == [14, 14])
        #expect(body.html.isEmpty, "checking only renders nothing")
    }

    @Test func headingsInCalloutsAreMarked() {
        let body = ModuleBodyCompiler.compile(markdown: "## Top\n\n> [!SCENARIO]\n> ### Inside\n", editions: [])
        #expect(body.headings.map(\.callout) == [nil, .scenario])
    }
}

@Suite struct HeadingSluggerTests {
    @Test(arguments: [
        ("Opening the conversation", "opening-the-conversation"),
        ("What's next?", "whats-next"),
        ("Engage & explore", "engage--explore"),
        ("Plan: day-to-day logistics", "plan-day-to-day-logistics"),
        ("Día 1 — Überblick", "día-1--überblick"),
        ("snake_case stays", "snake_case-stays"),
        ("`code` in headings", "code-in-headings"),
    ])
    func slugsMatchGitHub(text: String, slug: String) {
        #expect(HeadingSlugger.slugify(text) == slug)
    }

    /// ASCII headings take a byte-level path; a non-ASCII letter sends the same text through the
    /// Unicode path, which must agree on every ASCII character.
    @Test func asciiPathAgreesWithUnicodePath() {
        let everyASCII = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        for text in [everyASCII, "Opening The Conversation: 2 Steps (A_B)", "MiXeD-case_and  spaces"] {
            #expect(HeadingSlugger.slugify(text) + "é" == HeadingSlugger.slugify(text + "é"), "\(text.debugDescription)")
        }
    }

    @Test func repeatsGetNumberedSuffixes() {
        var slugger = HeadingSlugger()
        #expect(["Intro", "Intro", "Intro"].map { slugger.slug(for: $0) } == ["intro", "intro-1", "intro-2"])
        var other = HeadingSlugger()
        #expect(["Intro-1", "Intro", "Intro"].map { other.slug(for: $0) } == ["intro-1", "intro", "intro-2"])
    }
}

@Suite struct LinkTargetTests {
    @Test func resolvesLinksWrittenInModules() {
        #expect(LinkTarget.resolve("engage.md#opening") == .module(id: "engage", fragment: "opening"))
        #expect(LinkTarget.resolve("./engage.md") == .module(id: "engage", fragment: nil))
        #expect(LinkTarget.resolve("../modules/plan.md") == .module(id: "plan", fragment: nil))
        #expect(LinkTarget.resolve("#local") == .sameModule(fragment: "local"))
        #expect(LinkTarget.resolve("../assets/My%20Map.png") == .asset(path: "assets/My Map.png"))
        #expect(LinkTarget.resolve("../curriculum.yml") == .unpublished(path: "curriculum.yml"))
        #expect(LinkTarget.resolve("../../secret.txt") == .outsideCurriculum)
        #expect(LinkTarget.resolve("/etc/passwd") == .outsideCurriculum)
        #expect(LinkTarget.resolve("https://example.org/a.md") == .external)
        #expect(LinkTarget.resolve("mailto:someone@example.org") == .external)
        #expect(LinkTarget.resolve("//cdn.example.org/x.js") == .external)
        #expect(LinkTarget.resolve("") == .external)
        #expect(LinkTarget.resolve("#") == .sameModule(fragment: ""))
        #expect(LinkTarget.resolve("plan.md?view=print#step-2") == .module(id: "plan", fragment: "step-2"))
        #expect(LinkTarget.resolve("plan.md#a?b") == .module(id: "plan", fragment: "a?b"))
        #expect(LinkTarget.resolve("..//modules/../modules/./plan.md") == .module(id: "plan", fragment: nil))
        #expect(LinkTarget.resolve("../assets/maps/") == .asset(path: "assets/maps"))
        #expect(LinkTarget.resolve("café.md#ünïcode") == .module(id: "café", fragment: "ünïcode"))
        #expect(LinkTarget.resolve("..") == .outsideCurriculum)
        #expect(LinkTarget.resolve("1st:thing.md") == .module(id: "1st:thing", fragment: nil), "a scheme starts with a letter")
        #expect(LinkTarget.resolve("a/b:c") == .unpublished(path: "modules/a/b:c"))
    }
}

@Suite struct SourceBytesTests {
    @Test(arguments: ["", "plain", "\u{1}m\u{1}", "\u{1}m\u{1}a\u{1}m\u{1}\u{1}m\u{1}b\u{1}m\u{1}", "\u{1}m\u{1}m\u{1}m\u{1}",
                      "é\u{1}m\u{1}中文 \u{1}m 😀 \u{1}m\u{1}", "\u{1}m", "x\u{1}m\u{1}"])
    func splitAgreesWithFoundation(text: String) {
        #expect(text.split(atUTF8: "\u{1}m\u{1}") == text.components(separatedBy: "\u{1}m\u{1}"))
    }

    @Test func containsUTF8Byte() {
        #expect("a~b".containsUTF8Byte(UInt8(ascii: "~")))
        #expect(!"ab 中文".containsUTF8Byte(UInt8(ascii: "~")))
        #expect(!"".containsUTF8Byte(UInt8(ascii: "~")))
    }
}
