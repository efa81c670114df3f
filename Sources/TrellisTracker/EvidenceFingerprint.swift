import TrellisModel
import TrellisHashing
/// What makes two evidence rows the same event, whatever the file looked like.
///
/// An import recognises a row it has seen before by this fingerprint: a SHA-256 over the
/// row's *checked* values, by field name — numbers in canonical form (`3`, `3.0` and ` 3 `
/// are one value), text trimmed, a coaching session's competencies sorted. Column order,
/// spelling of numbers and who typed the row (`recorded_by`, `recorded_at`) make no
/// difference. A 256-bit hash makes an accidental collision practically impossible, so two
/// different records are never taken for one (the old 64-bit row keys could be).
public struct EvidenceFingerprint: Sendable, Hashable {
    let digest: ContentDigest

    /// - Parameter voidsID: for a void, the id of the record it cancels (the row itself may
    ///   name it by an import key or by id; both mean the same record).
    package init(_ record: EvidenceRecord, voidsID: String? = nil) {
        var builder = DigestBuilder("evidence v1")
        for (name, value) in EvidenceFingerprint.fields(of: record, voidsID: voidsID) {
            builder.add(name)
            builder.add(value)
        }
        digest = builder.finish()
    }

    package init?(bytes: [UInt8]) {
        guard let digest = ContentDigest(bytes: bytes) else { return nil }
        self.digest = digest
    }

    /// The 32 bytes, big-endian, as stored.
    package var bytes: [UInt8] { digest.bytes }

    /// The values that make up the event, by field name (absent values as nil), in the order of
    /// `EvidenceField`; a field added later only when it has a value.
    static func fields(of record: EvidenceRecord, voidsID: String? = nil) -> [(name: String, value: String?)] {
        EvidenceField.allCases.compactMap { field in
            let value = field == .voids ? voidsID ?? record.voids : field.text(of: record)
            return value != nil || field.isInEveryFingerprint ? (field.name, value) : nil
        }
    }

    /// A number as it is exported and fingerprinted: `3` for 3.0, else the shortest text that
    /// reads back as the same value (`1.25`, never a rounded `1.2`).
    static func canonical(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// "note `n` → `different`, hours `3` → `2`": what differs between a stored record and a
    /// row that claims the same key, for the conflict message.
    static func differences(stored: EvidenceRecord, storedVoidsID: String?, incoming: EvidenceRecord, incomingVoidsID: String?) -> String {
        let before = fields(of: stored, voidsID: storedVoidsID), after = fields(of: incoming, voidsID: incomingVoidsID)
        return zip(before, after).compactMap { old, new in
            old.value == new.value ? nil : "\(old.name) `\(old.value ?? "")` → `\(new.value ?? "")`"
        }.joined(separator: ", ")
    }
}
