import TrellisModel
import Foundation
import GRDB

/// What earlier imports stored about their rows (`evidence.row_key`, `fingerprint` and, for
/// rows imported before schema v3, `import_key`), for recognising a row seen before: by its
/// key when the file has a `key` column, else by its fingerprint.
struct ImportLedger {
    struct Entry {
        var evidenceNo: Int64
        var fingerprint: EvidenceFingerprint
    }

    private(set) var byKey: [String: Entry] = [:]
    /// Rows imported before schema v3, by their 64-bit key (`LegacyRowKey`).
    private(set) var byLegacyKey: [Int64: Entry] = [:]
    /// Fingerprints of rows imported without a key (and of every row imported before v3,
    /// whose key text was never stored).
    private(set) var unkeyed: Set<EvidenceFingerprint> = []

    init(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT no, row_key, fingerprint, import_key FROM evidence WHERE fingerprint IS NOT NULL")
        while let row = try rows.next() {
            guard let fingerprint = EvidenceFingerprint(bytes: [UInt8](row[2] as Data)) else { continue }
            let entry = Entry(evidenceNo: row[0], fingerprint: fingerprint)
            if let key: String = row[1] { byKey[key] = entry } else { unkeyed.insert(fingerprint) }
            if let legacy: Int64 = row[3] { byLegacyKey[legacy] = entry }
        }
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
