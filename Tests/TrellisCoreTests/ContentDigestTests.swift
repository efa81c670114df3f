import Foundation
import Testing
@testable import TrellisCore

@Suite struct ContentDigestTests {
    private func hex(_ bytes: [UInt8], accelerated: Bool) -> String {
        var hasher = SHA256(accelerated: accelerated)
        hasher.update(bytes)
        return hasher.finish().description
    }

    /// FIPS 180-2's examples.
    private func expectKnownDigests(accelerated: Bool) {
        #expect(hex(Array("abc".utf8), accelerated: accelerated) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex([], accelerated: accelerated) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8), accelerated: accelerated)
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000), accelerated: accelerated)
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func portableCodeGivesTheKnownDigests() {
        expectKnownDigests(accelerated: false)
    }

    /// Skipped (and reported as skipped) on a processor without SHA instructions.
    @Test(.enabled(if: SHA256.isAccelerated, "this processor has no SHA instructions"))
    func shaInstructionsGiveTheKnownDigests() {
        expectKnownDigests(accelerated: true)
    }

    /// Every length around the block boundaries, fed whole and in uneven pieces.
    @Test(.enabled(if: SHA256.isAccelerated, "this processor has no SHA instructions"))
    func theSHAInstructionsAgreeWithThePortableCode() throws {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...200) + [1_000, 4_096, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var portable = SHA256(accelerated: false), fast = SHA256(accelerated: true)
            portable.update(bytes)
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...150, using: &generator))
                fast.update(Array(bytes[start..<end]))
                start = end
            }
            #expect(fast.finish() == portable.finish(), "length \(length)")
        }
    }
}
