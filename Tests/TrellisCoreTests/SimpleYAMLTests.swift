import Foundation
import Testing
import Yams
@testable import TrellisCore

/// `SimpleYAML` must build exactly the tree Yams builds (text, styles, marks), or decline.
@Suite struct SimpleYAMLTests {
    /// Text, style and mark of every node, recursively.
    static func describe(_ node: Node) -> String {
        let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "-"
        switch node {
        case .scalar(let scalar): return "S(\(scalar.string.debugDescription) \(scalar.style) @\(mark))"
        case .sequence(let sequence): return "Q(@\(mark))[" + sequence.map(describe).joined(separator: ", ") + "]"
        case .mapping(let mapping): return "M(@\(mark)){" + mapping.map { describe($0.key) + ": " + describe($0.value) }.joined(separator: ", ") + "}"
        case .alias: return "alias"
        }
    }

    /// Nil when SimpleYAML declines; otherwise whether it matched Yams (recorded as an issue if not).
    @discardableResult
    static func expectSameAsYams(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool? {
        guard let simple = SimpleYAML.compose(text) else { return nil }
        do {
            guard let yams = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                Issue.record("Yams reads nothing from \(text.debugDescription)", sourceLocation: sourceLocation)
                return false
            }
            #expect(describe(simple) == describe(yams), "\(text.debugDescription)", sourceLocation: sourceLocation)
            return describe(simple) == describe(yams)
        } catch {
            Issue.record("SimpleYAML accepted what Yams rejects: \(text.debugDescription): \(error)", sourceLocation: sourceLocation)
            return false
        }
    }

    static let accepted = [
        "id: a\ntitle: B\n",
        "id: engage\ntitle: \"Engage: building trust\"\nsummary: A parent's first meeting, and what it's for.\nduration: 90\n"
            + "competencies: [engaging-parents, professional-boundaries]\nprerequisites: []\nobjectives:\n  - \"Describe one thing.\"\n"
            + "  - Practise another, with commas, and [brackets] inside.\nupdated: 2026-11-23\nreview_by: 2027-11-23\n",
        "title: 'single'\n",
        "list: [a, b,c ,  d ]\n",
        "list: [ ]\n",
        "list:\n  - a\n  - \"b\"\n  - 'c'\n",
        "list:\n- a\n- b\nnext: x\n",
        "list:\n    - deep\n",
        "title: café — naïve\nsummary: “quoted” ünïcödé\n",
        "list: [café, naïve, x]\nafter: [é, b]\n",
        "title:    spaced   \n",
        "\n\ntitle: after blank lines\n",
        "title: x\n\n\nnext: y\n",
        "title: x#notcomment\n",
        "title: a  b  c\n",
        "title: null\nother: ~\nthird: yes\n",
        "key-with-dash: v\nKey_1: v\n",
        "title: x,y\nother: a]\nthird: a :b\n",
        "title: \"x\" \n",
        "list: [a, b] \n",
        "duration: 90\nother: 0\n",
        "title: x",
        "list:\n  - last item without a newline",
    ]

    static let declined = [
        "title: 'it''s'\n",
        "title: \"esc \\\" x\"\n",
        "title: \"tab \\t\"\n",
        "title: plain # comment\n",
        "title: a: b\n",
        "title: trailing:\n",
        "list: [a,]\n",
        "list: [, a]\n",
        "list: [a, [b]]\n",
        "list: [\"a\", b]\n",
        "list: [a: b]\n",
        "list:\n  - a\n   - b\n",
        "list:\n  - a\n    continued\n",
        "empty:\nnext: x\n",
        "a: 1\na: 2\n",
        "title: x\n  continued\n",
        "title: |\n  block\n",
        "title: >-\n  folded\n",
        "title: &a x\nother: *a\n",
        "title: !tag x\n",
        "title: -dash\n",
        "title: ?q\n",
        "title: %p\n",
        "title: @p\n",
        "title: `p\n",
        "title: a\tb\n",
        "title: a\r\n",
        "# comment\ntitle: x\n",
        "title: x # c\n",
        "title: \"unterminated\n",
        "title: \"multi\n  line\"\n",
        "title: 'a' trailing\n",
        "1key: v\n",
        "title: x\n---\n",
        "title: ---\n",
        "list:\n  - a: b\n",
        "list:\n  - [a]\n",
        "list:\n  -\n",
        "list:\n  - \n",
        "title: \u{85}x\n",
        "title: x\u{2028}y\n",
        "\u{FEFF}title: x\n",
        "title: {a: b}\n",
        "title: }\n",
        "list: [a, b] # c\n",
        "list:\n  - a\n\n  - b\n",
        "nested:\n  key: value\n",
        "",
        "\n\n",
    ]

    @Test func readsTheCommonShapeAsYamsDoes() {
        for text in Self.accepted {
            #expect(Self.expectSameAsYams(text) != nil, "SimpleYAML should read \(text.debugDescription)")
        }
    }

    /// Declined: for each, Yams' own reading (or error, with its position) is what the user gets.
    @Test func leavesEverythingElseToYams() {
        for text in Self.declined {
            #expect(SimpleYAML.compose(text) == nil, "SimpleYAML should leave \(text.debugDescription) to Yams")
        }
    }

    /// Every front matter and YAML file in the repository: whatever SimpleYAML reads, it reads as Yams does.
    @Test func agreesWithYamsOnEveryFileInTheRepository() throws {
        var texts: [String] = []
        for folder in [Fixtures.packageRoot + "/Curriculum", Fixtures.root] {
            let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".md") || file.hasSuffix(".yml") {
                guard let text = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8) else { continue }
                if file.hasSuffix(".yml") {
                    texts.append(text)
                } else if text.hasPrefix("---\n"), let end = text.range(of: "\n---", range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex) {
                    texts.append(String(text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound]) + "\n")
                }
            }
        }
        #expect(texts.count >= 20)
        var read = 0
        for text in texts where Self.expectSameAsYams(text) != nil { read += 1 }
        #expect(read * 2 > texts.count, "most front matter has the common shape (\(read) of \(texts.count) read)")
    }

    @Test func marksCanBeWritten() {
        #expect(SimpleYAML.marksAreWritable)
    }
}
