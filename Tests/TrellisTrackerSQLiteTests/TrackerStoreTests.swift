import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// The storage interface's promises, on the real SQLite store: a unit of work is stored whole
/// or not at all, units of work of one process take turns, and a read sees one state.
@Suite struct TrackerStoreTests {
    struct Interrupted: Error {}

    private func reflection(_ note: String, by trainee: String = "dana") -> EvidenceRecord {
        EvidenceRecord(id: RecordIDGenerator().next(), traineeID: trainee, kind: .reflection, subject: nil, date: CalendarDate("2026-01-05")!,
                       note: note, recordedAt: "2026-01-05T10:00:00Z", recordedBy: "tester")
    }

    @Test func aUnitOfWorkThatFailsStoresNothing() async throws {
        let fixture = try await TrackerFixture()
        await #expect(throws: Interrupted.self) {
            try await fixture.tracker.store.write { records in
                try await records.insert([NewEvidence(reflection("first"))])
                try await records.insert(Trainee(id: "ana", name: "Ana", startDate: CalendarDate("2025-01-01")!), at: "2026-01-05T10:00:00Z", by: "tester")
                // Within the unit of work, its own writes are visible.
                #expect(try await records.evidence(.trainee("dana")).count == 1)
                #expect(try await records.trainee("ana") != nil)
                throw Interrupted()
            }
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
        #expect(try await fixture.tracker.store.read { try await $0.trainee("ana") } == nil)
        // The connection is usable again, for reads and writes.
        _ = try await fixture.tracker.store.write { records in try await records.insert([NewEvidence(reflection("second"))]) }
        #expect(try await fixture.tracker.evidence(of: "dana").map(\.note) == ["second"])
    }

    /// Many units of work at once from one process: each runs whole, one after another, and
    /// none sees another's half-done writes.
    @Test func concurrentUnitsOfWorkTakeTurns() async throws {
        let fixture = try await TrackerFixture()
        let store = fixture.tracker.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    try await store.write { records in
                        let before = try await records.evidence(.trainee("dana")).count
                        try await records.insert([NewEvidence(self.reflection("writer \(writer) a"))])
                        await Task.yield()
                        try await records.insert([NewEvidence(self.reflection("writer \(writer) b"))])
                        // Nobody else wrote in between.
                        #expect(try await records.evidence(.trainee("dana")).count == before + 2)
                    }
                }
                group.addTask {
                    let count = try await store.read { try await $0.evidence(.trainee("dana")).count }
                    #expect(count % 2 == 0, "a read saw half of a unit of work")
                }
            }
            try await group.waitForAll()
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 16)
    }
}
