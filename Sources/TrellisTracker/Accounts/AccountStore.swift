/// The web tracker's records in the tracker's store: accounts, assignments, sessions, password
/// links, sign-in failures and the audit log. They live in the same store and the same units of
/// work as trainees and evidence, so one transaction can check access, write evidence and audit
/// it, and several server instances (later, on PostgreSQL) share sessions and throttling.
public protocol AccountReading {
    func account(id: String) async throws -> Account?
    func account(login: String) async throws -> Account?
    /// Every account, by login.
    func accounts() async throws -> [Account]
    func assignments(of accountID: String) async throws -> [Assignment]
    func session(tokenHash: String) async throws -> WebSession?
    func passwordToken(tokenHash: String) async throws -> PasswordToken?
    /// Failed sign-ins for `key` (`login:NAME` or `address:IP`) at or after `since` (seconds since 1970).
    func signInFailures(key: String, since: Int64) async throws -> Int
    /// Newest first.
    func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry]
}

public protocol AccountWriting: AccountReading {
    func insert(_ account: Account) async throws
    func update(_ account: Account) async throws
    func insert(_ assignment: Assignment) async throws
    func delete(_ assignment: Assignment) async throws
    func insert(_ session: WebSession) async throws
    func touch(sessionTokenHash: String, at: Int64) async throws
    func deleteSession(tokenHash: String) async throws
    func deleteSessions(of accountID: String) async throws
    func insert(_ token: PasswordToken) async throws
    func deletePasswordTokens(of accountID: String) async throws
    func recordSignInFailure(keys: [String], at: Int64) async throws
    func clearSignInFailures(key: String) async throws
    /// Appends; the log is never changed or cut.
    func append(_ entry: AuditEntry) async throws
}
