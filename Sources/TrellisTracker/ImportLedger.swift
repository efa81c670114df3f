import TrellisModel

/// What earlier imports stored about their rows (`evidence.row_key`, `fingerprint` and, for
/// rows imported before schema v3, `import_key`), for recognising a row seen before: by its
/// key when the file has a `key` column, else by its fingerprint.
public struct ImportLedger: Sendable {
    struct Entry: Sendable {
        var evidenceNo: StoredRecordNumber
        var fingerprint: EvidenceFingerprint
    }

    private(set) var byKey: [String: Entry] = [:]
    /// Rows imported before schema v3, by their 64-bit key (`LegacyRowKey`).
    private(set) var byLegacyKey: [Int64: Entry] = [:]
    /// Fingerprints of rows imported without a key (and of every row imported before v3,
    /// whose key text was never stored).
    private(set) var unkeyed: Set<EvidenceFingerprint> = []

    package init() {}

    /// Adds a stored row that came from an import: its key (nil for a file without a `key`
    /// column), its fingerprint, and the 64-bit key Trellis before schema v3 stored.
    package mutating func add(_ number: StoredRecordNumber, key: String?, fingerprint: EvidenceFingerprint, legacyKey: Int64?) {
        let entry = Entry(evidenceNo: number, fingerprint: fingerprint)
        if let key { byKey[key] = entry } else { unkeyed.insert(fingerprint) }
        if let legacyKey { byLegacyKey[legacyKey] = entry }
    }

    var hasLegacyRows: Bool { !byLegacyKey.isEmpty }
}

/// The 64-bit key that Trellis before schema v3 stored for a row with a `key` column:
/// FNV-1a over the field name `key`, a unit separator, `key:` and the key text, a record
/// separator. Kept only to recognise those rows; new rows are keyed by their text.
enum LegacyRowKey {
    static func of(key: String) -> Int64 {
        var state: UInt64 = 0xcbf29ce484222325
        for byte in Array("key".utf8) + [0x1F] + Array("key:\(key)".utf8) + [0x1E] {
            state = (state ^ UInt64(byte)) &* 0x100000001b3
        }
        return Int64(bitPattern: state)
    }
}
