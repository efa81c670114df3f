import TrellisModel
import TrellisTracker
import TrellisCurriculum
import Foundation
import GRDB

/// The tracker's SQLite database: trainees and their append-only evidence.
///
/// Tracker data describes real people, some of whom have disclosed a mental illness, so the
/// file lives outside the curriculum repository by default, is readable by its owner only,
/// and is never created inside a git work tree unless git ignores it.
public final class TrackerDatabase: Sendable {
    public static let environmentVariable = TrackerLocation.environmentVariable

    public let path: String
    let queue: DatabaseQueue
    /// Lets one unit of work at a time use the connection (see `SQLiteTrackerStore`).
    let gate = TransactionGate()

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        TrackerLocation.defaultPath(environment: environment)
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
        // SQLite writes beside the database (-wal, -shm, and -journal during recovery): git must
        // ignore those names as well, or they show up as untracked files ready to be committed.
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            try PrivateFile.refuseUnignoredGitWorkTree(file, what: file == path ? "the tracker database" : "SQLite's companion file \((file as NSString).lastPathComponent)")
        }
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
            try TrackerSchema.migrator.migrate(DatabaseQueue(path: path))
            return try open(at: path)
        } catch {
            try? fileManager.removeItem(atPath: path)
            throw error
        }
    }

    /// Whether a command only reads (and so works on a read-only file or mount) or also writes.
    public enum Access: Sendable {
        case readWrite, readOnly
    }

    /// Opens an existing tracker database, bringing its schema up to date.
    ///
    /// It refuses, before anything is written, a file that is not a Trellis tracker (an empty
    /// or foreign file is never turned into one: only `tracker init` creates a database), one
    /// made by a newer Trellis, one readable by group or others, and one whose structure is
    /// damaged (see `TrackerFileCheck`).
    public static func open(at path: String, access: Access = .readWrite) throws -> TrackerDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrackerError("no tracker database at \(path)",
                               remedy: "create one with `trellis tracker init`, or point to yours with --db or $\(environmentVariable)")
        }
        let schema = try TrackerFileCheck(path: path).run()
        var configuration = Configuration()
        // Two coordinators recording at the same moment wait for each other instead of failing.
        configuration.busyMode = .timeout(15)
        configuration.foreignKeysEnabled = true
        // A unit of work of `SQLiteTrackerStore` is one transaction over several accesses to
        // the connection (it may await between them); the store opens and closes it.
        configuration.allowsUnsafeTransactions = true
        let writable = access == .readWrite || (schema.needsMigration && FileManager.default.isWritableFile(atPath: path))
        if writable {
            configuration.journalMode = .wal
        } else {
            configuration.readonly = true
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            if writable {
                try TrackerSchema.migrator.migrate(queue)
            } else if schema.needsMigration {
                throw TrackerError("\(path) needs an upgrade to this Trellis's schema, but it is read-only",
                                   remedy: "open it once with write access (any writing command upgrades it), or use the Trellis that made it")
            }
            let database = TrackerDatabase(path: path, queue: queue)
            // A command that writes must not write into a damaged database: the full check
            // before it (0.9 s on the benchmark's million rows, milliseconds at usual sizes).
            if access == .readWrite, let problems = try database.structuralProblems() {
                throw TrackerFileCheck.damaged(path, problems)
            }
            return database
        } catch let error as DatabaseError {
            throw TrackerDatabase.explain(error, path: path)
        }
    }

    /// A SQLite error about the file or the machine (full, read-only, damaged, busy) as a
    /// coordinator can act on it: one line, with the remedy. Others (a constraint, a bug) are
    /// left as they are.
    static func explain(_ error: DatabaseError, path: String) -> Error {
        switch error.resultCode {
        case .SQLITE_FULL:
            TrackerError("the disk is full; nothing was written", remedy: "free some space and run the command again")
        case .SQLITE_READONLY:
            TrackerError("the database is read-only: \(path)",
                         remedy: "check the file's and folder's permissions (`ls -l`) and whether the disk is mounted read-only; commands that only read work as they are")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            TrackerFileCheck.damaged(path, String(error.message?.split(separator: "\n").first ?? "\(error.resultCode)"))
        case .SQLITE_BUSY:
            TrackerError("the database is busy: another process kept it locked for 15 s", remedy: "try again when the other command has finished")
        case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_PERM, .SQLITE_AUTH:
            TrackerError("cannot use the tracker database at \(path): \(error.message?.split(separator: "\n").first ?? "\(error.resultCode)")",
                         remedy: "check the path, its permissions and the disk; `trellis tracker verify` checks an existing database")
        default:
            error
        }
    }

    /// Caps the database's size, as a full disk would (for tests of what a full disk leaves behind).
    func limitPageCount(_ pages: Int) throws {
        try queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
    }

    /// Closes the connection now rather than when the last reference goes: when the web tracker
    /// stops (after its requests have drained), and in tests that need the file to themselves.
    /// Using the database afterwards throws.
    public func closeConnection() throws {
        try queue.close()
    }

    func read<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(work)
        } catch let error as DatabaseError {
            throw TrackerDatabase.explain(error, path: path)
        }
    }

    /// One access to the connection, outside any transaction GRDB would open: the store's
    /// units of work open and close their own.
    func access<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try queue.inDatabase(work)
        } catch let error as DatabaseError {
            throw TrackerDatabase.explain(error, path: path)
        }
    }

    /// SQLite's page-by-page check (`PRAGMA quick_check`): nil when the database is sound,
    /// else the first problems it found.
    func structuralProblems() throws -> String? {
        do {
            let findings = try queue.read { try String.fetchAll($0, sql: "PRAGMA quick_check(5)") }
            return findings == ["ok"] ? nil : findings.joined(separator: "; ")
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            return error.message ?? "\(error.resultCode)"
        }
    }

    /// An online backup (SQLite's backup API), consistent even while others write, and
    /// verified: the source is checked before and the copy after, and a backup of a damaged
    /// database is refused (it would replace a good backup with a bad one).
    public func backup(to destination: String) throws {
        try PrivateFile.refuseUnignoredGitWorkTree(destination, what: "the backup")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw TrackerError("\(destination) already exists", remedy: "choose a new file name for the backup")
        }
        if let problems = try structuralProblems() {
            throw TrackerError("the database is damaged, so no backup was made: \(path) (\(problems))",
                               remedy: "keep your existing backups; restore the latest one that `trellis tracker verify --db BACKUP` finds intact")
        }
        let descriptor = Foundation.open(destination, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw TrackerError("cannot create \(destination): \(String(cString: strerror(errno)))", remedy: "check that the folder exists and is writable")
        }
        close(descriptor)
        do {
            let target = try DatabaseQueue(path: destination)
            try queue.backup(to: target)
            let check = try target.read { try String.fetchAll($0, sql: "PRAGMA quick_check(5)") }
            try target.close()
            guard check == ["ok"] else {
                throw TrackerError("the copy failed its check: \(check.joined(separator: "; "))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw TrackerError("backup failed, nothing was kept at \(destination): \(error)",
                               remedy: "check free space and the disk at the destination, then run the backup again")
        }
    }
}
