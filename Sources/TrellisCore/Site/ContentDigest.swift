import CSHA256
import Foundation

/// A SHA-256 digest: what the incremental build compares to decide whether a source file,
/// or the set of inputs a page was made from, is the same as last time.
///
/// SHA-256 rather than a fast non-cryptographic hash because a collision would silently
/// leave a stale page on a peer specialist's screen. A rebuild hashes only files whose size or
/// modification time changed, but a first build hashes every source (58 MB at 10,000
/// modules), so blocks go to the processor's SHA instructions when it has them (`CSHA256`).
/// Implemented here (FIPS 180-4) because Foundation on Linux has no hashing API and the
/// project adds dependencies only for the preview server.
public struct ContentDigest: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 32 bytes as four big-endian words, so a digest is a cheap value to compare and hash.
    var words: (UInt64, UInt64, UInt64, UInt64)

    init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    public static let zero = ContentDigest(words: (0, 0, 0, 0))

    public static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool {
        lhs.words == rhs.words
    }

    /// The order of `description`, without making strings.
    public static func < (lhs: ContentDigest, rhs: ContentDigest) -> Bool {
        lhs.words < rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Lowercase hex, e.g. for file names in the cache.
    public var description: String {
        [words.0, words.1, words.2, words.3].map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The digest of `bytes`.
    public static func of(_ bytes: [UInt8]) -> ContentDigest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finish()
    }

    public static func of(_ data: Data) -> ContentDigest {
        var hasher = SHA256()
        data.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer($0)) }
        return hasher.finish()
    }

    public static func of(_ text: String) -> ContentDigest {
        var text = text
        var hasher = SHA256()
        text.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        return hasher.finish()
    }
}

/// Builds a digest from a sequence of typed values — the inputs a page was made from.
///
/// Every value is written with its type tag and length, so different sequences of values
/// can never produce the same bytes (`["ab", "c"]` and `["a", "bc"]` differ). The bytes are
/// collected and hashed once at the end: a page's inputs are many short strings, and
/// hashing each one on its own costs more than the hashing itself.
struct DigestBuilder {
    private var bytes: [UInt8] = []

    init(_ kind: String) {
        bytes.reserveCapacity(256)
        add(kind)
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            addTag(1, length: buffer.count)
            bytes.append(contentsOf: buffer)
        }
    }

    mutating func add(_ text: String?) {
        if let text { add(text) } else { addTag(0, length: 0) }
    }

    mutating func add(_ number: Int) { addTag(2, length: number) }

    mutating func add(_ flag: Bool) { addTag(3, length: flag ? 1 : 0) }

    mutating func add(_ digest: ContentDigest) {
        addTag(4, length: 32)
        var words = (digest.words.0.bigEndian, digest.words.1.bigEndian, digest.words.2.bigEndian, digest.words.3.bigEndian)
        withUnsafeBytes(of: &words) { bytes.append(contentsOf: $0) }
    }

    mutating func add(_ texts: [String]) {
        add(texts.count)
        for text in texts { add(text) }
    }

    private mutating func addTag(_ tag: UInt8, length: Int) {
        bytes.append(tag)
        var value = UInt64(bitPattern: Int64(length)).littleEndian
        withUnsafeBytes(of: &value) { bytes.append(contentsOf: $0) }
    }

    func finish() -> ContentDigest {
        ContentDigest.of(bytes)
    }
}

/// SHA-256 (FIPS 180-4), streaming.
struct SHA256 {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0
    /// Whether blocks go to the processor's SHA instructions (`CSHA256`) rather than the portable code below.
    private let accelerated: Bool

    /// Whether this processor has SHA instructions: several times faster on the megabytes of a
    /// large curriculum's sources.
    static let isAccelerated = csha256_available() != 0

    init(accelerated: Bool = SHA256.isAccelerated) {
        self.accelerated = accelerated
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let whole = (bytes.count - offset) / 64 * 64
        if whole > 0 {
            compress(blocks: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + whole)]))
            offset += whole
        }
        if offset < bytes.count { pending.append(contentsOf: bytes[offset...]) }
    }

    mutating func finish() -> ContentDigest {
        let bitLength = length &* 8
        // The padding: 0x80, zeros, then the length in bits — one or two final blocks.
        var tail = pending
        tail.append(0x80)
        let padded = tail.count <= 56 ? 64 : 128
        tail.append(contentsOf: repeatElement(0, count: padded - 8 - tail.count))
        var bigEndianLength = bitLength.bigEndian
        withUnsafeBytes(of: &bigEndianLength) { tail.append(contentsOf: $0) }
        tail.withUnsafeBytes { compress(blocks: $0) }
        pending.removeAll()
        let s = state
        func pair(_ high: UInt32, _ low: UInt32) -> UInt64 { UInt64(high) << 32 | UInt64(low) }
        return ContentDigest(words: (pair(s.0, s.1), pair(s.2, s.3), pair(s.4, s.5), pair(s.6, s.7)))
    }

    /// Compresses `blocks`, a whole number of 64-byte blocks.
    private mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard accelerated else {
            for start in stride(from: 0, to: blocks.count, by: 64) {
                compress(block: UnsafeRawBufferPointer(rebasing: blocks[start..<(start + 64)]))
            }
            return
        }
        withUnsafeMutableBytes(of: &state) { words in
            csha256_blocks(words.baseAddress!.assumingMemoryBound(to: UInt32.self),
                           blocks.baseAddress!.assumingMemoryBound(to: UInt8.self), blocks.count / 64)
        }
    }

    private mutating func compress(block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                let base = i * 4
                w[i] = UInt32(block[base]) << 24 | UInt32(block[base + 1]) << 16 | UInt32(block[base + 2]) << 8 | UInt32(block[base + 3])
            }
            for i in 16..<64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            withUnsafeBytes(of: csha256_round_constants) { constants in
                let k = constants.bindMemory(to: UInt32.self)
                for i in 0..<64 {
                    let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                    let choice = (e & f) ^ (~e & g)
                    let temp1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
                    let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let temp2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ temp1
                    d = c; c = b; b = a; a = temp1 &+ temp2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }

    @inline(__always) private func rotate(_ value: UInt32, _ amount: UInt32) -> UInt32 {
        (value >> amount) | (value << (32 - amount))
    }
}
