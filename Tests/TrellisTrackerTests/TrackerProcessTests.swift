import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Real processes: concurrent writers and a crash in the middle of an import.
@Suite(.serialized) struct TrackerProcessTests {
    @Test func concurrentProcessesBothSucceed() async throws {
        let fixture = try await TrackerFixture()
        let environment = ["TRELLIS_DB": fixture.databasePath, "TRELLIS_USER": "proc"]
        let group = DispatchGroup()
        let results = LockedResults()
        for writer in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for index in 0..<5 {
                    let result = try? runTrellis(["record", writer % 2 == 0 ? "dana" : "lee", "reflection", "--note", "writer \(writer) note \(index)",
                                                  "--date", "2026-01-05", "--curriculum", Fixtures.valid], environment: environment)
                    results.append(result?.status ?? -1)
                }
            }
        }
        group.wait()
        #expect(results.values.count == 20)
        #expect(results.values.allSatisfy { $0 == 0 }, "every concurrent write must succeed: \(results.values)")
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 20)
    }

    @Test func smallThingsACoordinatorHit() async throws {
        let fixture = try await TrackerFixture()
        let first = try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        try await fixture.record("dana", "module-completed", "listening", date: "2026-01-05")
        _ = try await fixture.tracker.void(first.id, reason: "wrong module")
        let environment = ["TRELLIS_DB": fixture.databasePath]
        let show = try runTrellis(["trainee", "show", "dana", "--curriculum", Fixtures.valid], environment: environment)
        #expect(show.output.contains("evidence    3 record(s): 1 counting, 1 voided, 1 void(s) cancelling them"), "\(show.output)")
        let typo = try runTrellis(["report", "--cohort", "fal", "--curriculum", Fixtures.valid], environment: environment)
        #expect(typo.status == 1)
        #expect(typo.error.contains("no trainees in cohort `fal` — cohorts: fall"), "\(typo.error)")
        let help = try runTrellis(["report", "--help"])
        #expect(help.output.contains("(default: 30d)"), "\(help.output)")
        let json = try runTrellis(["export", "--format", "json", "--curriculum", Fixtures.valid], environment: environment)
        #expect(json.output.contains("\"kind\" : \"module-completed\""), "\(json.output)")
    }

    /// `export --since` keeps only what happened on or after the date; `--output` writes a file
    /// readable by its owner only, the same bytes as standard output.
    @Test func exportsSinceADateToAPrivateFile() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        try await fixture.record("dana", "module-completed", "listening", date: "2026-02-10")
        let environment = ["TRELLIS_DB": fixture.databasePath]
        let base = ["export", "--format", "xapi", "--base", "https://training.example.org/xapi", "--curriculum", Fixtures.valid]
        let all = try runTrellis(base, environment: environment)
        let since = try runTrellis(base + ["--since", "2026-02-01"], environment: environment)
        func timestamps(_ output: String) throws -> [String] {
            let statements = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
            return statements.compactMap { $0["timestamp"] as? String }
        }
        #expect(try timestamps(all.output) == ["2026-01-05T12:00:00Z", "2026-02-10T12:00:00Z"])
        #expect(try timestamps(since.output) == ["2026-02-10T12:00:00Z"])
        let path = fixture.scratch.path + "/out/statements.json"
        let written = try runTrellis(base + ["--output", path], environment: environment)
        #expect(written.status == 0 && written.error.contains("Wrote \(path) (readable by you only)."), "\(written.error)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) + "\n" == all.output)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let bad = try runTrellis(base + ["--since", "February"], environment: environment)
        #expect(bad.status == 2 && bad.error.contains("--since must be a date written YYYY-MM-DD"), "\(bad.error)")
    }

    @Test func commandLineErrorsAndExitCodes() async throws {
        let fixture = try await TrackerFixture()
        let environment = ["TRELLIS_DB": fixture.databasePath]
        let bad = try runTrellis(["record", "dana", "observed-practice", "welcome", "--level", "expert", "--observer", "A", "--curriculum", Fixtures.valid], environment: environment)
        #expect(bad.status == 1)
        #expect(bad.error.contains("level `expert` is not on the proficiency scale — use one of aware, competent"))
        let usage = try runTrellis(["report", "--format", "pdf", "--curriculum", Fixtures.valid], environment: environment)
        #expect(usage.status == 2)
        let missing = try runTrellis(["progress", "dana", "--curriculum", Fixtures.valid], environment: ["TRELLIS_DB": fixture.scratch.path + "/none.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.error.contains("no tracker database at"))
    }
}

private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int32] = []
    func append(_ value: Int32) { lock.lock(); storage.append(value); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return storage }
}
