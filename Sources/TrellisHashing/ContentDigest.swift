import Crypto
import Foundation

/// A SHA-256 digest (swift-crypto), held as four words so that the millions an import
/// compares are cheap to hash and to compare.
///
/// SHA-256 rather than a fast 64-bit hash because a collision would take one real record
/// for another: an evidence fingerprint (`EvidenceFingerprint`) must never match by chance.
public struct ContentDigest: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 32 bytes as four big-endian words.
    var words: (UInt64, UInt64, UInt64, UInt64)

    package init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// The digest whose 32 bytes are `bytes` (nil unless there are exactly 32).
    package init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self = bytes.withUnsafeBytes { raw in
            func word(_ index: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
            return ContentDigest(words: (word(0), word(1), word(2), word(3)))
        }
    }

    public static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.words == rhs.words }

    /// The order of `description`, without making strings.
    public static func < (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.words < rhs.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// The 32 bytes, big-endian, as stored.
    package var bytes: [UInt8] {
        var bigEndian = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
        return withUnsafeBytes(of: &bigEndian) { Array($0) }
    }

    /// Lowercase hex.
    public var description: String {
        [words.0, words.1, words.2, words.3].map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The digest of `bytes`.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> ContentDigest {
        SHA256.hash(data: bytes).withUnsafeBytes { digest in
            func word(_ index: Int) -> UInt64 { UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
            return ContentDigest(words: (word(0), word(1), word(2), word(3)))
        }
    }

    public static func of(_ bytes: [UInt8]) -> ContentDigest { bytes.withUnsafeBytes { of($0) } }

    public static func of(_ text: String) -> ContentDigest {
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }
}

/// Builds a digest from a sequence of typed values.
///
/// Every value is written with its type tag and length, so different sequences of values
/// can never produce the same bytes (`["ab", "c"]` and `["a", "bc"]` differ). The bytes are
/// collected and hashed once at the end. The layout is stored in every tracker database
/// (evidence fingerprints): changing it would make every stored fingerprint different.
package struct DigestBuilder {
    private var bytes: [UInt8] = []

    package init(_ kind: String) {
        bytes.reserveCapacity(256)
        add(kind)
    }

    package mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            addTag(1, length: buffer.count)
            bytes.append(contentsOf: buffer)
        }
    }

    package mutating func add(_ text: String?) {
        if let text { add(text) } else { addTag(0, length: 0) }
    }

    package mutating func add(_ number: Int) { addTag(2, length: number) }

    package mutating func add(_ flag: Bool) { addTag(3, length: flag ? 1 : 0) }

    package mutating func add(_ digest: ContentDigest) {
        addTag(4, length: 32)
        bytes.append(contentsOf: digest.bytes)
    }

    package mutating func add(_ texts: [String]) {
        add(texts.count)
        for text in texts { add(text) }
    }

    private mutating func addTag(_ tag: UInt8, length: Int) {
        bytes.append(tag)
        var value = UInt64(bitPattern: Int64(length)).littleEndian
        withUnsafeBytes(of: &value) { bytes.append(contentsOf: $0) }
    }

    package func finish() -> ContentDigest { ContentDigest.of(bytes) }
}
