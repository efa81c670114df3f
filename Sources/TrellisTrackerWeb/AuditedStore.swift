import TrellisTracker

/// A store whose every write also appends one audit entry, in the same transaction: the
/// change and its audit line are stored together or not at all.
struct AuditedStore: TrackerStore {
    let base: any TrackerStore
    let entry: AuditEntry

    func read<T: Sendable>(_ work: (any TrackerReading) async throws -> T) async throws -> T {
        try await base.read(work)
    }

    func write<T: Sendable>(_ work: (any TrackerWriting) async throws -> T) async throws -> T {
        try await base.write { records in
            let result = try await work(records)
            try await records.append(entry)
            return result
        }
    }
}
