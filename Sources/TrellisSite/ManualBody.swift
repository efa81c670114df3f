import Foundation
import TrellisModel

/// Rewrites a module's rendered body so that every module fits on one page (`manual.html`,
/// the whole-curriculum handout printed to `pdf/manual.pdf`).
///
/// On one page, every module's `why-this-matters` heading and `callout-1` label would share an
/// id, so ids are prefixed with the module's id (`engage--why-this-matters`; module ids cannot
/// contain `--`, so no prefixed id can clash with another). Links between modules become
/// links within the page, headings move one level down under the module's own `h2`, and
/// `../` is dropped because the manual sits at the edition's root, not in `modules/`.
enum ManualBody {
    static func anchor(forModule id: String) -> String { "module-\(id)" }

    private static let attributes: [(name: [UInt8], kind: Attribute)] = [
        (Array("id=\"".utf8), .id), (Array("aria-labelledby=\"".utf8), .id), (Array("aria-describedby=\"".utf8), .id),
        (Array("href=\"".utf8), .href), (Array("src=\"".utf8), .src),
    ]

    private enum Attribute { case id, href, src }

    /// One pass over the bytes, no regular expressions: the manual rewrites every module of a
    /// curriculum that may have thousands. Trellis's own HTML is regular — attribute values are
    /// quoted and escaped, `<` in text is `&lt;` — so tags, attributes and heading tags can be
    /// recognized directly, and the text between tags is copied without looking at it.
    static func rewrite(_ html: String, moduleID: String, moduleIDs: Set<String>) -> String {
        var html = html
        return html.withUTF8 { bytes -> String in
            let count = bytes.count
            let prefix = Array(moduleID.utf8)
            var output: [UInt8] = []
            output.reserveCapacity(count + count / 8)
            let lessThan = UInt8(ascii: "<"), greaterThan = UInt8(ascii: ">"), slash = UInt8(ascii: "/"), h = UInt8(ascii: "h"),
                quote = UInt8(ascii: "\""), space = UInt8(ascii: " ")
            func find(_ byte: UInt8, from position: Int) -> Int? {
                guard position < count, let found = memchr(bytes.baseAddress! + position, Int32(byte), count - position) else { return nil }
                return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            func copy(_ range: Range<Int>) { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range])) }
            func matches(_ pattern: [UInt8], at position: Int) -> Bool {
                guard position + pattern.count <= count else { return false }
                for offset in 0..<pattern.count where bytes[position + offset] != pattern[offset] { return false }
                return true
            }
            var index = 0
            while index < count {
                guard let tag = find(lessThan, from: index) else {
                    copy(index..<count)
                    break
                }
                copy(index..<tag)
                // Heading tags move one level down, under the module's own heading: <h2 → <h3.
                let start = tag + (tag + 1 < count && bytes[tag + 1] == slash ? 2 : 1)
                if start + 1 < count, bytes[start] == h, (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[start + 1]),
                   start + 2 >= count || !(bytes[start + 2] >= UInt8(ascii: "0") && bytes[start + 2] <= UInt8(ascii: "9")) {
                    copy(tag..<start + 1)
                    output.append(min(bytes[start + 1] + 1, UInt8(ascii: "6")))
                    index = start + 2
                } else {
                    output.append(lessThan)
                    index = tag + 1
                }
                // The rest of the tag: attributes start after a space; quoted values not rewritten are copied whole.
                inTag: while index < count, bytes[index] != greaterThan {
                    let byte = bytes[index]
                    if byte == space {
                        for (name, kind) in attributes where matches(name, at: index + 1) {
                            let valueStart = index + 1 + name.count
                            guard let valueEnd = find(quote, from: valueStart) else { break }
                            copy(index..<valueStart)
                            appendRewritten(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), kind: kind,
                                            moduleID: prefix, moduleIDs: moduleIDs, to: &output)
                            output.append(quote)
                            index = valueEnd + 1
                            continue inTag
                        }
                    } else if byte == quote {
                        let end = find(quote, from: index + 1).map { $0 + 1 } ?? count
                        copy(index..<end)
                        index = end
                        continue
                    }
                    output.append(byte)
                    index += 1
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Appends an attribute's value as the manual needs it. Works on the value's bytes: every
    /// body has dozens of ids and links, and all the separators looked for are ASCII.
    private static func appendRewritten(_ value: UnsafeBufferPointer<UInt8>, kind: Attribute, moduleID: [UInt8],
                                        moduleIDs: Set<String>, to output: inout [UInt8]) {
        let hash = UInt8(ascii: "#"), space = UInt8(ascii: " ")
        let separator: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-")]
        func dropParentFolder() {
            let parent = Array("../".utf8)
            output.append(contentsOf: value.starts(with: parent) ? UnsafeBufferPointer(rebasing: value[3...]) : value)
        }
        switch kind {
        case .id:
            // Each id in the (space-separated) list gets the module's prefix.
            var first = true
            for token in value.split(separator: space) {
                if !first { output.append(space) }
                first = false
                output.append(contentsOf: moduleID)
                output.append(contentsOf: separator)
                output.append(contentsOf: token)
            }
        case .href where value.first == hash:
            output.append(hash)
            output.append(contentsOf: moduleID)
            output.append(contentsOf: separator)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: value[1...]))
        case .href:
            // A link to another module's page (`engage.html` or `engage.html#section`) stays on this page.
            let fragmentStart = value.firstIndex(of: hash)
            let path = UnsafeBufferPointer(rebasing: value[..<(fragmentStart ?? value.endIndex)])
            let html = Array(".html".utf8)
            if path.count > html.count, path.suffix(html.count).elementsEqual(html), !path.contains(UInt8(ascii: "/")) {
                let target = String(decoding: UnsafeBufferPointer(rebasing: path[..<(path.count - html.count)]), as: UTF8.self)
                if moduleIDs.contains(target) {
                    output.append(hash)
                    if let fragmentStart {
                        output.append(contentsOf: target.utf8)
                        output.append(contentsOf: separator)
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: value[(fragmentStart + 1)...]))
                    } else {
                        output.append(contentsOf: anchor(forModule: target).utf8)
                    }
                    return
                }
            }
            dropParentFolder()
        case .src:
            dropParentFolder()
        }
    }
}
