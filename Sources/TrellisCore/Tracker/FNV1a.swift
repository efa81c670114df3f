/// 64-bit FNV-1a over bytes: the one hasher behind an import row's key (`CSVImporter.fingerprint`
/// and the fast path in `FastEvidenceRow` both feed it, so the stored `import_key` cannot drift
/// between them) and behind `ByteMap`'s slots.
struct FNV1a {
    private(set) var state: UInt64 = 0xcbf29ce484222325

    @inline(__always)
    mutating func mix(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x100000001b3
    }

    @inline(__always)
    mutating func mix<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { mix(byte) }
    }

    /// One `name`/`value` pair of a row key: the name, a unit separator (0x1F), the value
    /// (in as many parts as given), a record separator (0x1E).
    @inline(__always)
    mutating func mixField<Name: Sequence, Value: Sequence>(name: Name, value: Value)
    where Name.Element == UInt8, Value.Element == UInt8 {
        mix(name); mix(0x1F)
        mix(value); mix(0x1E)
    }

    @inline(__always)
    mutating func mixField<Name: Sequence, Prefix: Sequence, Value: Sequence>(name: Name, value prefix: Prefix, _ value: Value)
    where Name.Element == UInt8, Prefix.Element == UInt8, Value.Element == UInt8 {
        mix(name); mix(0x1F)
        mix(prefix); mix(value); mix(0x1E)
    }

    /// The state as a stored row key.
    var key: Int64 { Int64(bitPattern: state) }

    /// The state folded for a power-of-two table's slot.
    var bucket: Int { Int(truncatingIfNeeded: state ^ (state >> 29)) }
}
