import Testing
import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Many tasks writing and reading through one store at once (the web tracker's load): every
/// unit of work lands whole, and none uses the connection while another does.
@Suite struct ConcurrentUnitsOfWorkTests {
    @Test func concurrentRecordsAndReadsAllLand() async throws {
        let fixture = try await TrackerFixture()
        let tracker = fixture.tracker
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask {
                    if number % 2 == 0 {
                        _ = try await tracker.record(EvidenceInput(trainee: number % 4 == 0 ? "dana" : "lee", kind: "observed-practice",
                                                                   about: "competency:listening-well", date: "2026-10-01", level: "aware",
                                                                   observer: "coach\(number)", note: "note \(number)"))
                    } else {
                        _ = try await tracker.transcript(number % 3 == 0 ? "dana" : "lee")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await tracker.evidence(of: "dana").count + (try await tracker.evidence(of: "lee").count) == 100)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence_text") == 100)
    }
}
