import TrellisModel
import TrellisTracker
import Foundation
import GRDB

/// What a file is, before Trellis trusts it with tracker data: checked on every open, with a
/// read-only connection, before any connection that could write.
///
/// - Owner-only: a database readable by group or others is refused with the `chmod` to run
///   (tightening it silently would hide that the data was exposed, perhaps for months).
/// - A Trellis tracker: a SQLite file whose migrations table names Trellis's first migration.
///   An empty or foreign file is refused, never turned into a tracker.
/// - Not from a newer Trellis: every applied migration must be one this Trellis knows. The
///   decision rests on the migrations table, which a PostgreSQL backend has too.
/// - Not visibly damaged: the header, the size the header claims and the schema are read, in
///   milliseconds whatever the size. Commands that write then run the full page-by-page
///   `quick_check` as well (`TrackerDatabase.open`), as do `tracker verify` and `backup`.
struct TrackerFileCheck {
    let path: String

    struct Schema {
        var needsMigration: Bool
    }

    static func damaged(_ path: String, _ detail: String) -> TrackerError {
        TrackerError("the database is damaged: \(path) (\(detail))",
                     remedy: "nothing was written; restore your latest backup (made with `trellis tracker backup`, checked with `trellis tracker verify --db BACKUP`) and re-enter what came after it")
    }

    func run() throws -> Schema {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TrackerError("cannot read \(path): \(String(cString: strerror(errno)))", remedy: "check the path and its permissions")
        }
        if info.st_mode & 0o077 != 0 {
            throw TrackerError("\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))), but it holds personal records",
                               remedy: "run `chmod 600 \(path)`, and check who could have read it")
        }
        let notTracker = TrackerError("\(path) is not a Trellis tracker database",
                                      remedy: "create one with `trellis tracker init`, or point to yours with --db or $\(TrackerDatabase.environmentVariable)")
        guard info.st_size > 0 else { throw notTracker }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw TrackerError("cannot read \(path)", remedy: "check its permissions") }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        guard header.count == 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else { throw notTracker }

        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                // The size the header gives must be there (a truncated copy is damaged).
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                if Int(info.st_size) < pages * pageSize, !FileManager.default.fileExists(atPath: path + "-wal") {
                    throw TrackerFileCheck.damaged(path, "the file is \(info.st_size) bytes, its header claims \(pages * pageSize)")
                }
                let tables = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                guard tables.isSuperset(of: ["grdb_migrations", "trainee", "evidence"]) else { throw notTracker }
                let migrator = TrackerSchema.migrator
                let applied = try migrator.appliedIdentifiers(db)
                guard applied.contains(migrator.migrations[0]) else { throw notTracker }
                let unknown = applied.subtracting(migrator.migrations)
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if !unknown.isEmpty || userVersion != 0 {
                    let newest = unknown.compactMap(TrackerFileCheck.schemaNumber).max() ?? userVersion
                    throw TrackerError("\(path) was made by a newer Trellis (schema v\(newest); this Trellis knows up to v\(TrackerFileCheck.schemaNumber(migrator.migrations.last!) ?? 0))",
                                       remedy: "upgrade Trellis; nothing was read or written")
                }
                return Schema(needsMigration: applied.count < migrator.migrations.count)
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB { throw notTracker }
            throw TrackerDatabase.explain(error, path: path)
        }
    }

    /// `v3: …` → 3.
    static func schemaNumber(_ identifier: String) -> Int? {
        guard identifier.hasPrefix("v") else { return nil }
        return Int(identifier.dropFirst().prefix { $0.isNumber })
    }
}
