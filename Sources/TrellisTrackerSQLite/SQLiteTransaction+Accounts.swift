import TrellisTracker
import GRDB

/// The web tracker's records on SQLite, in the unit of work's transaction.
extension SQLiteTransaction {
    // MARK: Reading

    func account(id: String) throws -> Account? {
        try access { try AccountRow.fetchOne($0, key: id)?.account }
    }

    func account(login: String) throws -> Account? {
        try access { try AccountRow.filter(Column("login") == login).fetchOne($0)?.account }
    }

    func accounts() throws -> [Account] {
        try access { try AccountRow.order(Column("login")).fetchAll($0).compactMap(\.account) }
    }

    func assignments(of accountID: String) throws -> [Assignment] {
        try access { try AssignmentRow.filter(Column("account_id") == accountID).order(Column("kind"), Column("value")).fetchAll($0).compactMap(\.assignment) }
    }

    func session(tokenHash: String) throws -> WebSession? {
        try access { try WebSessionRow.fetchOne($0, key: tokenHash)?.session }
    }

    func passwordToken(tokenHash: String) throws -> PasswordToken? {
        try access { try PasswordTokenRow.fetchOne($0, key: tokenHash)?.token }
    }

    func signInFailures(key: String, since: Int64) throws -> Int {
        try access { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sign_in_failure WHERE key = ? AND at >= ?", arguments: [key, since]) ?? 0 }
    }

    func auditEntries(_ filter: AuditFilter) throws -> [AuditEntry] {
        try access { db in
            var request = AuditRow.all()
            if let actor = filter.actor { request = request.filter(Column("actor") == actor) }
            if let action = filter.action { request = request.filter(Column("action") == action) }
            if let subject = filter.subject { request = request.filter(Column("subject") == subject) }
            if let since = filter.since { request = request.filter(Column("at") >= since) }
            return try request.order(Column("no").desc).limit(filter.limit).fetchAll(db).map(\.entry)
        }
    }

    // MARK: Writing

    func insert(_ account: Account) throws { try access { try AccountRow(account).insert($0) } }

    func update(_ account: Account) throws { try access { try AccountRow(account).update($0) } }

    func insert(_ assignment: Assignment) throws { try access { try AssignmentRow(assignment).insert($0, onConflict: .ignore) } }

    func delete(_ assignment: Assignment) throws { _ = try access { try AssignmentRow(assignment).delete($0) } }

    func insert(_ session: WebSession) throws { try access { try WebSessionRow(session).insert($0) } }

    func touch(sessionTokenHash: String, at time: Int64) throws {
        try access { try $0.execute(sql: "UPDATE web_session SET last_seen_at = ? WHERE token_hash = ?", arguments: [time, sessionTokenHash]) }
    }

    func deleteSession(tokenHash: String) throws { _ = try access { try WebSessionRow.deleteOne($0, key: tokenHash) } }

    func deleteSessions(of accountID: String) throws {
        _ = try access { try WebSessionRow.filter(Column("account_id") == accountID).deleteAll($0) }
    }

    func insert(_ token: PasswordToken) throws { try access { try PasswordTokenRow(token).insert($0) } }

    func deletePasswordTokens(of accountID: String) throws {
        _ = try access { try PasswordTokenRow.filter(Column("account_id") == accountID).deleteAll($0) }
    }

    func recordSignInFailure(keys: [String], at time: Int64) throws {
        try access { db in
            for key in keys { try db.execute(sql: "INSERT INTO sign_in_failure (key, at) VALUES (?, ?)", arguments: [key, time]) }
            // Failures older than a day no longer throttle anyone.
            try db.execute(sql: "DELETE FROM sign_in_failure WHERE at < ?", arguments: [time - 86_400])
        }
    }

    func clearSignInFailures(key: String) throws {
        try access { try $0.execute(sql: "DELETE FROM sign_in_failure WHERE key = ?", arguments: [key]) }
    }

    func append(_ entry: AuditEntry) throws { try access { try AuditRow(entry).insert($0) } }
}
