import TrellisModel

/// Links the first use of each glossary term in a body to the term's definition.
///
/// Matching is on whole words, ignoring ASCII case, within one text node (a term broken by a
/// line break or emphasis is not matched there; its next plain use is). Headings, link text,
/// table cells, code, callout labels, trainer notes and the `## References` list are never linked: the link goes where a trainee first
/// reads the word in running text. Where two terms start at the same word, the longer wins
/// (`termination of parental rights` before `parental rights`).
package struct GlossaryLinker: Sendable {
    private struct Phrase: Sendable {
        var term: Int
        /// Lowercased ASCII letters; other bytes as written.
        var bytes: [UInt8]
    }

    private let termIDs: [String]
    private let anchors: [String]
    /// Phrases by their first word, longest first: each word of the text is looked up once,
    /// instead of searching the text for every phrase.
    private let phrasesByFirstWord: [[UInt8]: [Phrase]]
    /// Where the glossary page is, from the page being compiled (`../glossary.html`).
    private let pageURL: String

    package init(_ glossary: Glossary, pageURL: String = "../glossary.html") {
        termIDs = glossary.terms.map(\.id)
        anchors = glossary.terms.map(\.anchor)
        var byWord: [[UInt8]: [Phrase]] = [:]
        for (index, term) in glossary.terms.enumerated() {
            for phrase in term.phrases {
                let bytes = Self.folded(Array(phrase.utf8))
                guard let first = Self.firstWord(of: bytes) else { continue }
                byWord[first, default: []].append(Phrase(term: index, bytes: bytes))
            }
        }
        phrasesByFirstWord = byWord.mapValues { $0.sorted { $0.bytes.count > $1.bytes.count } }
        self.pageURL = pageURL
    }

    /// Wraps the first use of each term among `nodes` (text nodes, in document order) in a
    /// link; returns the linked terms' ids in the order they were first used.
    func link(_ nodes: [MarkdownNode]) -> [String] {
        var linked: [String] = []
        var done = Set<Int>()
        var queue = nodes[...]
        while let node = queue.popFirst(), done.count < termIDs.count {
            guard let literal = node.literal else { continue }
            let original = Array(literal.utf8)
            guard let match = firstMatch(in: Self.folded(original), skipping: done) else { continue }
            done.insert(match.term)
            linked.append(termIDs[match.term])
            let before = String(decoding: original[..<match.range.lowerBound], as: UTF8.self)
            let word = String(decoding: original[match.range], as: UTF8.self)
            let after = String(decoding: original[match.range.upperBound...], as: UTF8.self)
            let href = pageURL + "#" + anchors[match.term]
            let anchor = MarkdownNode.customInline(enter: "<a class=\"glossary-term\" href=\"\(HTMLText.escape(href))\">", exit: "</a>")
            anchor.append(.text(word))
            node.literal = before
            if let next = node.next { next.insertBefore(anchor) } else { node.parent?.append(anchor) }
            if !after.isEmpty {
                let rest = MarkdownNode.text(after)
                if let next = anchor.next { next.insertBefore(rest) } else { anchor.parent?.append(rest) }
                // The rest of this text may hold the first use of another term.
                queue = [rest] + queue
            }
            if before.isEmpty { node.unlinkAndFree() }
        }
        return linked
    }

    private func firstMatch(in text: [UInt8], skipping done: Set<Int>) -> (term: Int, range: Range<Int>)? {
        var index = 0
        while index < text.count {
            guard Self.isWordByte(text[index]), index == 0 || !Self.isWordByte(text[index - 1]) else {
                index += 1
                continue
            }
            var end = index
            while end < text.count, Self.isWordByte(text[end]) { end += 1 }
            if let candidates = phrasesByFirstWord[Array(text[index..<end])] {
                for phrase in candidates where !done.contains(phrase.term) {
                    let stop = index + phrase.bytes.count
                    guard stop <= text.count, text[index..<stop].elementsEqual(phrase.bytes) else { continue }
                    // A plural (`case plans`) is a use of the term too.
                    for suffix in [[], [UInt8(ascii: "s")], [UInt8(ascii: "e"), UInt8(ascii: "s")]] {
                        let end = stop + suffix.count
                        if end <= text.count, text[stop..<end].elementsEqual(suffix), end == text.count || !Self.isWordByte(text[end]) {
                            return (phrase.term, index..<end)
                        }
                    }
                }
            }
            index = end
        }
        return nil
    }

    /// Letters, digits and every byte of a multi-byte character are parts of words.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func firstWord(of bytes: [UInt8]) -> [UInt8]? {
        guard let start = bytes.firstIndex(where: isWordByte) else { return nil }
        let end = bytes[start...].firstIndex { !isWordByte($0) } ?? bytes.endIndex
        return Array(bytes[start..<end])
    }
}
