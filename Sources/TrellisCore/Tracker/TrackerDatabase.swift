import Foundation
import GRDB
import GRDBSQLite

/// The tracker's SQLite database: trainees and their append-only evidence.
///
/// Tracker data describes real people, some of whom have disclosed a mental illness, so the
/// file lives outside the curriculum repository by default, is readable by its owner only,
/// and is never created inside a git work tree unless git ignores it.
public final class TrackerDatabase: Sendable {
    public static let environmentVariable = "TRELLIS_DB"

    public let path: String
    let queue: DatabaseQueue

    /// `$TRELLIS_DB`, else `$XDG_DATA_HOME/trellis/tracker.sqlite`, else `~/.local/share/trellis/tracker.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/trellis/tracker.sqlite"
    }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Creates a new, empty tracker database readable by its owner only.
    public static func create(at path: String) throws -> TrackerDatabase {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: path) else {
            throw TrackerError("a tracker database already exists at \(path)", remedy: "use it as it is, or choose another path with --db")
        }
        try PrivateFile.refuseUnignoredGitWorkTree(path, what: "the tracker database")
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !fileManager.fileExists(atPath: directory) {
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Create the file ourselves with mode 0600 before SQLite opens it; SQLite gives its
        // -wal and -shm files the same permissions as the database file.
        let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw TrackerError("cannot create \(path): \(String(cString: strerror(errno)))", remedy: "check that the folder exists and is writable")
        }
        close(descriptor)
        do {
            return try openExisting(path)
        } catch {
            try? fileManager.removeItem(atPath: path)
            throw error
        }
    }

    /// Opens an existing database, bringing its schema up to date.
    public static func open(at path: String) throws -> TrackerDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrackerError("no tracker database at \(path)",
                               remedy: "create one with `trellis tracker init`, or point to yours with --db or $\(environmentVariable)")
        }
        return try openExisting(path)
    }

    /// How long opening waits for a bulk import that has the database in rollback-journal mode
    /// (see `bulkWrite`) before giving up with "database is locked".
    static let openWaitSeconds: Double = 120

    private static func openExisting(_ path: String) throws -> TrackerDatabase {
        var configuration = Configuration()
        configuration.journalMode = .wal
        // Two coordinators recording at the same moment wait for each other instead of failing.
        configuration.busyMode = .timeout(15)
        configuration.foreignKeysEnabled = true
        let deadline = Date(timeIntervalSinceNow: openWaitSeconds)
        var pause = 0.02
        while true {
            do {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try TrackerSchema.migrator.migrate(queue)
                return TrackerDatabase(path: path, queue: queue)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                // While a bulk import runs in rollback-journal mode, switching the database back to
                // WAL (which every open does) needs the import's lock, and SQLite reports that
                // conflict at once instead of through the busy timeout: wait for the import to end.
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.25)
            } catch let error as DatabaseError {
                throw TrackerError("cannot open the tracker database at \(path): \(error.message ?? error.description)",
                                   remedy: error.resultCode == .SQLITE_BUSY
                                       ? "another process (probably a large import) kept it locked for \(Int(openWaitSeconds)) s; try again when it has finished"
                                       : "check the path; `trellis tracker verify` checks an existing database")
            }
        }
    }

    /// Runs `work` in one write transaction: all of it is stored, or none of it.
    func write<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(work)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw TrackerError("the disk is full; nothing was written", remedy: "free some space and run the command again")
        }
    }

    /// `write`, for one very large transaction (a bulk import): when no other connection has the
    /// database open, it switches from the write-ahead log to a rollback journal for the duration,
    /// so that the new pages are written once, straight into the database file, instead of into
    /// the log and then again by the checkpoint at commit. Crash safety is the same: a kill
    /// mid-transaction leaves a hot journal that SQLite rolls back on the next open, and the next
    /// open switches back to WAL. When another connection is open, it stays in WAL mode.
    ///
    /// While it runs in rollback-journal mode, other processes cannot open the database (an open
    /// switches it to WAL, which needs this transaction's lock): `openExisting` waits for the
    /// import to finish (up to `openWaitSeconds`) rather than failing.
    func bulkWrite<T>(_ work: (Database) throws -> T) throws -> T {
        var switched = false
        try? queue.writeWithoutTransaction { db in
            sqlite3_busy_timeout(db.sqliteConnection, 0)
            defer { sqlite3_busy_timeout(db.sqliteConnection, 15_000) }
            switched = (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE"))?.lowercased() == "delete"
        }
        defer {
            if switched { try? queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") } }
        }
        return try write(work)
    }

    /// Caps the database's size, as a full disk would (for tests of what a full disk leaves behind).
    func limitPageCount(_ pages: Int) throws {
        try queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
    }

    /// Closes the connection now rather than when the last reference goes (for tests that need
    /// the database to themselves, e.g. to let a bulk import leave WAL mode). Using the database
    /// afterwards throws.
    func closeConnection() throws {
        try queue.close()
    }

    func read<T>(_ work: (Database) throws -> T) throws -> T {
        try queue.read(work)
    }

    /// An online backup (SQLite's backup API), consistent even while others write.
    public func backup(to destination: String) throws {
        try PrivateFile.refuseUnignoredGitWorkTree(destination, what: "the backup")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw TrackerError("\(destination) already exists", remedy: "choose a new file name for the backup")
        }
        let descriptor = Foundation.open(destination, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw TrackerError("cannot create \(destination): \(String(cString: strerror(errno)))", remedy: "check that the folder exists and is writable")
        }
        close(descriptor)
        do {
            let target = try DatabaseQueue(path: destination)
            try queue.backup(to: target)
            try target.close()
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw TrackerError("backup failed: \(error)", remedy: "check free space at the destination")
        }
    }
}

/// Files that hold tracker data (databases, backups, exports, dashboards, certificates).
public enum PrivateFile {
    /// Writes `data` readable by its owner only, atomically (temporary file, then rename).
    public static func write(_ data: Data, to path: String) throws {
        try refuseUnignoredGitWorkTree(path, what: "this file")
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = Foundation.open(temporary, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw TrackerError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            unlink(temporary)
            throw TrackerError("cannot write \(path): \(error.localizedDescription)", remedy: "check free space")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw TrackerError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Tracker data must never be committed by accident: refuse a path inside a git work
    /// tree unless git ignores it. Without git on the machine there is nothing to commit to.
    public static func refuseUnignoredGitWorkTree(_ path: String, what: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        var directory = absolute.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        guard let top = runGit(["-C", directory.path, "rev-parse", "--show-toplevel"]), top.status == 0 else { return }
        let ignored = runGit(["-C", directory.path, "check-ignore", "-q", "--no-index", absolute.path])
        if ignored?.status == 0 { return }
        let root = top.output.trimmingCharacters(in: .whitespacesAndNewlines)
        throw TrackerError("\(path) is inside the git work tree \(root) and not ignored, so \(what) could be committed",
                           remedy: "keep tracker data outside the repository (the default is \(TrackerDatabase.defaultPath())), or add the path to .gitignore")
    }

    private static func runGit(_ arguments: [String]) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 { return nil }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// UTC timestamps for "when was this written".
enum Timestamp {
    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
