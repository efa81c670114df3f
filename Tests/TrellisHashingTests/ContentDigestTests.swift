import Foundation
import Testing
import TrellisHashing

@Suite struct ContentDigestTests {
    /// FIPS 180-2's examples.
    @Test func digestsAreSHA256() {
        #expect(ContentDigest.of("abc").description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest.of([UInt8]()).description == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentDigest.of(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)).description
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Evidence fingerprints stored in every tracker database are digests of this layout
    /// (a tag byte and a little-endian 64-bit length before each value); the expected digest
    /// was computed outside Swift, with Python's hashlib, from the layout as documented.
    @Test func theTaggedLayoutIsTheOneStoredFingerprintsWereMadeWith() {
        var builder = DigestBuilder("evidence v1")
        builder.add("trainee")
        builder.add("t-1")
        builder.add(nil as String?)
        builder.add(3)
        builder.add(true)
        #expect(builder.finish().description == "ae5444205f63ca0bf588b1ad63b2d65575ec5abddfff1fb008dde4f241e67385")
        let digest = ContentDigest.of("abc")
        #expect(ContentDigest(bytes: digest.bytes) == digest)
        #expect(ContentDigest(bytes: [1, 2, 3]) == nil)
    }
}
