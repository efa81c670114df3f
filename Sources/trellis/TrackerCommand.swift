import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker
import TrellisTrackerSQLite

struct TrackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Create, back up and verify the tracker database.",
        subcommands: [TrackerInit.self, TrackerBackup.self, TrackerVerify.self, TrackerServe.self]
    )
}

struct TrackerInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the tracker database (readable by you only).",
        discussion: """
        The default location is outside any repository: $TRELLIS_DB, else \
        ~/.local/share/trellis/tracker.sqlite. Trellis refuses to create it inside a git work \
        tree unless git ignores the path, so trainee data is never committed by accident.

        Examples:
          trellis tracker init
          trellis tracker init --db /secure/program/tracker.sqlite
        """
    )

    @Option(name: .long, help: "Where to create the database.")
    var db: String?

    func run() throws {
        let path = db ?? TrackerDatabase.defaultPath()
        _ = try TrackerFailure.wrap { try TrackerDatabase.create(at: path) }
        print("Created the tracker database at \(path) (readable by you only).")
        if db == nil, ProcessInfo.processInfo.environment[TrackerDatabase.environmentVariable] == nil {
            print("Commands use it by default; set $\(TrackerDatabase.environmentVariable) or pass --db to use another.")
        }
    }
}

struct TrackerBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database with SQLite's online backup (safe while others write).",
        discussion: "Example:\n  trellis tracker backup /secure/backups/tracker-2026-11-23.sqlite"
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The new backup file.") var path: String

    func run() throws {
        let database = try TrackerFailure.wrap { try TrackerDatabase.open(at: options.databasePath, access: .readOnly) }
        try TrackerFailure.wrap { try database.backup(to: path) }
        print("Backed up \(database.path) to \(path) (readable by you only).")
    }
}

struct TrackerVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database's integrity and find evidence the curriculum no longer knows.",
        discussion: "Exit status 1 when a problem is found. --repair recomputes the per-trainee fact digests that reports read (derived from the evidence; never needed in normal use) before checking; use it when verify reports them stale.\n\nExamples:\n  trellis tracker verify\n  trellis tracker verify --repair"
    )

    @OptionGroup var options: TrackerOptions
    @Flag(help: "Recompute the per-trainee fact digests from the evidence first.") var repair = false

    func run() async throws {
        let tracker = try options.tracker(access: repair ? .readWrite : .readOnly)
        if repair {
            let trainees = try await TrackerFailure.wrap { try await TrackerVerifier(tracker: tracker).repairDigests() }
            print("Recomputed the fact digests of \(trainees) trainee(s) from their evidence.")
        }
        let findings = try await TrackerFailure.wrap { try await TrackerVerifier(tracker: tracker).verify() }
        for finding in findings { print(finding) }
        if findings.isEmpty {
            print("The database is intact and all evidence refers to modules, competencies and levels in \(options.curriculum).")
        } else {
            throw ExitCode(1)
        }
    }
}
