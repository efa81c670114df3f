import TrellisTracker
import GRDB

/// The web tracker's tables as GRDB records (schema v8), converted to and from the tracker's
/// storage-neutral values.
struct AccountRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "account"
    var id: String
    var login: String
    var name: String
    var role: String
    var trainee_id: String?
    var disabled: Bool
    var password_hash: String?
    var created_at: String

    init(_ account: Account) {
        (id, login, name, role) = (account.id, account.login, account.name, account.role.rawValue)
        (trainee_id, disabled, password_hash, created_at) = (account.traineeID, account.disabled, account.passwordHash, account.createdAt)
    }

    var account: Account? {
        Account.Role(rawValue: role).map {
            Account(id: id, login: login, name: name, role: $0, traineeID: trainee_id, disabled: disabled,
                    passwordHash: password_hash, createdAt: created_at)
        }
    }
}

struct AssignmentRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "assignment"
    var account_id: String
    var kind: String
    var value: String

    init(_ assignment: Assignment) {
        account_id = assignment.accountID
        (kind, value) = assignment.stored
    }

    var assignment: Assignment? { Assignment(accountID: account_id, storedKind: kind, value: value) }
}

struct WebSessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "web_session"
    var token_hash: String
    var account_id: String
    var csrf_token: String
    var created_at: Int64
    var last_seen_at: Int64

    init(_ session: WebSession) {
        (token_hash, account_id, csrf_token) = (session.tokenHash, session.accountID, session.csrfToken)
        (created_at, last_seen_at) = (session.createdAt, session.lastSeenAt)
    }

    var session: WebSession {
        WebSession(tokenHash: token_hash, accountID: account_id, csrfToken: csrf_token, createdAt: created_at, lastSeenAt: last_seen_at)
    }
}

struct PasswordTokenRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "password_token"
    var token_hash: String
    var account_id: String
    var expires_at: Int64

    init(_ token: PasswordToken) { (token_hash, account_id, expires_at) = (token.tokenHash, token.accountID, token.expiresAt) }

    var token: PasswordToken { PasswordToken(tokenHash: token_hash, accountID: account_id, expiresAt: expires_at) }
}

struct AuditRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_log"
    var at: String
    var actor: String
    var action: String
    var subject: String
    var address: String
    var outcome: String

    init(_ entry: AuditEntry) {
        (at, actor, action) = (entry.at, entry.actor, entry.action)
        (subject, address, outcome) = (entry.subject, entry.address, entry.outcome)
    }

    var entry: AuditEntry { AuditEntry(at: at, actor: actor, action: action, subject: subject, address: address, outcome: outcome) }
}
