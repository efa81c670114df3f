import Foundation
import GRDB
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Databases that cannot be trusted are refused, with one line that says what to do.
@Suite struct TrackerTrustTests {
    static func trellis(_ arguments: [String], db: String) throws -> (status: Int32, output: String, error: String, signal: Bool) {
        try runTrellis(arguments + ["--curriculum", Fixtures.valid], environment: ["TRELLIS_DB": db])
    }

    @Test func emptyOrForeignFilesAreNotTurnedIntoTrackers() throws {
        let scratch = try ScratchDirectory()
        let empty = scratch.path + "/empty.sqlite"
        _ = FileManager.default.createFile(atPath: empty, contents: Data(), attributes: [.posixPermissions: 0o600])
        let foreign = scratch.path + "/foreign.sqlite"
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        try queue.close()
        chmod(foreign, 0o600)
        let text = scratch.path + "/text.sqlite"
        _ = FileManager.default.createFile(atPath: text, contents: Data("not a database at all, just text".utf8), attributes: [.posixPermissions: 0o600])
        for path in [empty, foreign, text] {
            for command in [["progress", "dana"], ["record", "dana", "reflection", "--note", "x"]] {
                let result = try Self.trellis(command, db: path)
                #expect(result.status == 1)
                #expect(result.error.contains("is not a Trellis tracker database — create one with `trellis tracker init`"), "\(result.error)")
            }
        }
        #expect(((try FileManager.default.attributesOfItem(atPath: empty))[.size] as? NSNumber)?.intValue == 0, "nothing is written into it")
    }

    @Test func aDatabaseReadableByOthersIsRefusedWithTheChmodToRun() async throws {
        let fixture = try await TrackerFixture()
        chmod(fixture.databasePath, 0o644)
        let result = try Self.trellis(["progress", "dana"], db: fixture.databasePath)
        #expect(result.status == 1)
        #expect(result.error.contains("is readable by others (mode 644)") && result.error.contains("run `chmod 600 \(fixture.databasePath)`"), "\(result.error)")
    }

    @Test(arguments: ["PRAGMA user_version = 999", "INSERT INTO grdb_migrations VALUES ('v9: something from the future')"])
    func aDatabaseFromANewerTrellisIsRefused(change: String) async throws {
        let fixture = try await TrackerFixture()
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try await queue.writeWithoutTransaction { try $0.execute(sql: change) }
        try queue.close()
        for command in [["progress", "dana"], ["record", "dana", "reflection", "--note", "x"], ["tracker", "verify"]] {
            let result = try Self.trellis(command, db: fixture.databasePath)
            #expect(result.status == 1, "\(command)")
            #expect(result.error.contains("was made by a newer Trellis (schema v9"), "\(result.error)")
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
    }

    @Test func readCommandsWorkOnAReadOnlyDatabaseAndWritesSaySo() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2026-01-05")
        try fixture.database.closeConnection()
        chmod(fixture.databasePath, 0o400)
        defer { chmod(fixture.databasePath, 0o600) }
        // Root ignores file modes, so as root the commands run as `nobody`, who owns the
        // scratch folder (with its own copies of trellis and the curriculum, since the
        // checkout's folders may be closed to others) and can only read the database.
        var run: ([String]) throws -> (status: Int32, output: String, error: String, signal: Bool) = { arguments in
            try Self.trellis(arguments, db: fixture.databasePath)
        }
        if getuid() == 0 {
            let scratch = fixture.scratch.path, binary = scratch + "/trellis", curriculum = scratch + "/Curriculum"
            try FileManager.default.copyItem(atPath: try trellisBinary(), toPath: binary)
            try FileManager.default.copyItem(atPath: Fixtures.valid, toPath: curriculum)
            let chown = Process()
            chown.executableURL = URL(fileURLWithPath: "/bin/chown")
            chown.arguments = ["-R", "65534:65534", scratch]
            try chown.run()
            chown.waitUntilExit()
            run = { arguments in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", binary] + arguments + ["--curriculum", curriculum]
                process.environment = ["TRELLIS_DB": fixture.databasePath, "PATH": "/usr/bin:/bin", "HOME": scratch]
                let output = Pipe(), error = Pipe()
                process.standardOutput = output
                process.standardError = error
                try process.run()
                let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), false)
            }
        }
        for command in [["progress", "dana"], ["export", "--format", "csv"], ["trainee", "list"], ["report"]] {
            let result = try run(command)
            #expect(result.status == 0, "\(command): \(result.error)")
        }
        let write = try run(["record", "dana", "reflection", "--note", "x"])
        #expect(write.status == 1)
        #expect(write.error.contains("the database is read-only: \(fixture.databasePath)"), "\(write.error)")
    }

    /// Overwrites 4 KB in the middle of the file, as a failing disk might.
    static func damage(_ path: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2 / 4096 * 4096)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 4096))
        try handle.close()
    }

    @Test func aDamagedDatabaseIsNotBackedUpAndSaysHowToRecover() async throws {
        let fixture = try await TrackerFixture()
        var csv = "trainee,kind,date,note\n"
        for index in 0..<3000 { csv += "dana,reflection,2026-01-05,note \(index) with some length to it\n" }
        try fixture.scratch.write("e.csv", csv)
        _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
        let good = fixture.scratch.path + "/good-backup.sqlite"
        let backup = try Self.trellis(["tracker", "backup", good], db: fixture.databasePath)
        #expect(backup.status == 0, "\(backup.error)")
        try fixture.database.closeConnection()
        try Self.damage(fixture.databasePath)

        // Nothing is written into it, and reads say so in one line.
        let write = try Self.trellis(["record", "dana", "reflection", "--note", "x"], db: fixture.databasePath)
        #expect(write.status == 1)
        #expect(write.error.contains("the database is damaged: \(fixture.databasePath)") && write.error.contains("restore your latest backup"), "\(write.error)")
        #expect(!write.error.contains("SELECT"), "no SQL in the message: \(write.error)")
        let bad = fixture.scratch.path + "/bad-backup.sqlite"
        let refused = try Self.trellis(["tracker", "backup", bad], db: fixture.databasePath)
        #expect(refused.status == 1)
        #expect(refused.error.contains("the database is damaged, so no backup was made"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: bad))
        let verify = try Self.trellis(["tracker", "verify"], db: fixture.databasePath)
        #expect(verify.status == 1)
        // The good backup still verifies.
        #expect(try Self.trellis(["tracker", "verify"], db: good).status == 0)
    }

    @Test func aNegativeScoreIsOutOfRangeNotAMissingValue() async throws {
        let fixture = try await TrackerFixture()
        let result = try Self.trellis(["record", "dana", "knowledge-check", "welcome", "--score", "-5", "--date", "2026-01-05"], db: fixture.databasePath)
        #expect(result.status == 1)
        #expect(result.error.contains("score `-5` is out of range: a score is from 0 to 100"), "\(result.error)")
        let wrongKind = try Self.trellis(["record", "dana", "module-completed", "welcome", "--score", "80", "--date", "2026-01-05"], db: fixture.databasePath)
        #expect(wrongKind.error.contains("score `80` does not apply to module-completed"), "\(wrongKind.error)")
    }

    @Test func dashboardFoldersArePrivate() async throws {
        let fixture = try await TrackerFixture()
        let folder = fixture.scratch.path + "/dash/board"
        let result = try Self.trellis(["report", "--html", folder], db: fixture.databasePath)
        #expect(result.status == 0, "\(result.error)")
        for path in [fixture.scratch.path + "/dash", folder] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o700, "\(path): \(String(mode ?? 0, radix: 8))")
        }
    }
}
