import Foundation
import HummingbirdBcrypt

/// Signing in and out, and the sessions between: the rules of OWASP ASVS 5.0 level 2 that do
/// not depend on HTTP. Everything it keeps (sessions, failures, the audit log) is in the store,
/// so it holds across restarts and across server processes.
public struct SignIn: Sendable {
    public struct Settings: Sendable {
        /// A session unused this long ends (seconds).
        public var idleTimeout: Int64 = 30 * 60
        /// A session ends this long after sign-in, however active (seconds).
        public var absoluteTimeout: Int64 = 12 * 60 * 60
        /// Failed sign-ins for one login within `throttleWindow` before it is refused for a while.
        public var failuresPerLogin = 5
        /// Failed sign-ins from one address within `throttleWindow` (a shared office counts as one).
        public var failuresPerAddress = 20
        public var throttleWindow: Int64 = 15 * 60
        /// bcrypt's cost: 2^cost rounds. 12 takes a quarter of a second or so, per attempt.
        public var bcryptCost: UInt8 = 12
        /// A session's idle clock is restarted at most this often (seconds): a write per request
        /// otherwise, for a timeout measured in minutes.
        public var touchInterval: Int64 = 60
        /// How long a set-password link stays valid (seconds).
        public var passwordLinkLifetime: Int64 = 24 * 60 * 60

        public init() {}
    }

    public enum Outcome: Sendable {
        /// Signed in: the new session and its token, for the cookie.
        case signedIn(Account, WebSession, token: String)
        /// Unknown login, wrong password, no password yet or a disabled account: one answer for all.
        case refused
        /// Too many failures lately, for this login or from this address.
        case throttled
    }

    public let store: any TrackerStore
    public var settings: Settings
    /// Seconds since 1970; a parameter so that expiry can be tested without waiting.
    public var clock: @Sendable () -> Int64

    public init(store: any TrackerStore, settings: Settings = Settings(), clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.settings = settings
        self.clock = clock
    }

    /// A bcrypt hash of a password nobody has, checked when the login is unknown so that an
    /// unknown login takes as long to refuse as a wrong password.
    private static let decoyHash = Bcrypt.hash(SecretToken.make(), cost: 12)

    public func signIn(login: String, password: String, address: String) async throws -> Outcome {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        let now = clock()
        let keys = ["login:" + login, "address:" + address]
        let (account, throttled) = try await store.read { records in
            let byLogin = try await records.signInFailures(key: keys[0], since: now - settings.throttleWindow)
            let byAddress = try await records.signInFailures(key: keys[1], since: now - settings.throttleWindow)
            return (try await records.account(login: login), byLogin >= settings.failuresPerLogin || byAddress >= settings.failuresPerAddress)
        }
        if throttled {
            try await audit(AuditEntry(at: Timestamp.now(), actor: account?.id ?? "-", action: "sign-in", subject: account.map { "account:\($0.id)" } ?? "",
                                       address: address, outcome: "throttled"))
            return .throttled
        }
        // bcrypt is slow on purpose: run it off the caller's thread.
        let verified = await Task.detached {
            guard let hash = account?.passwordHash else { _ = Bcrypt.verify(password, hash: Self.decoyHash); return false }
            return Bcrypt.verify(password, hash: hash)
        }.value
        guard let account, verified, !account.disabled else {
            try await store.write { records in
                try await records.recordSignInFailure(keys: keys, at: now)
                try await records.append(AuditEntry(at: Timestamp.now(), actor: account?.id ?? "-", action: "sign-in",
                                                    subject: account.map { "account:\($0.id)" } ?? "", address: address, outcome: "refused"))
            }
            return .refused
        }
        let token = SecretToken.make()
        let session = WebSession(tokenHash: SecretToken.hash(token), accountID: account.id, csrfToken: SecretToken.make(), createdAt: now, lastSeenAt: now)
        try await store.write { records in
            try await records.clearSignInFailures(key: keys[0])
            try await records.insert(session)
            try await records.append(AuditEntry(at: Timestamp.now(), actor: account.id, action: "sign-in", subject: "account:\(account.id)", address: address))
        }
        return .signedIn(account, session, token: token)
    }

    /// The session a cookie's token belongs to, with its account, if it is still valid; an
    /// expired one is ended. A valid one's idle clock restarts (at most once a `touchInterval`).
    public func session(token: String) async throws -> (WebSession, Account)? {
        let hash = SecretToken.hash(token)
        let now = clock()
        // Most requests only read: the session is valid and was touched less than a minute ago.
        let current = try await store.read { records -> (WebSession, Account)? in
            guard let session = try await records.session(tokenHash: hash), let account = try await records.account(id: session.accountID) else { return nil }
            return (session, account)
        }
        guard let (session, account) = current else { return nil }
        if !account.disabled, now - session.createdAt <= settings.absoluteTimeout, now - session.lastSeenAt < settings.touchInterval,
           now - session.lastSeenAt <= settings.idleTimeout {
            return (session, account)
        }
        return try await store.write { records in
            guard let session = try await records.session(tokenHash: hash) else { return nil }
            guard let account = try await records.account(id: session.accountID), !account.disabled,
                  now - session.lastSeenAt <= settings.idleTimeout, now - session.createdAt <= settings.absoluteTimeout else {
                try await records.deleteSession(tokenHash: hash)
                return nil
            }
            try await records.touch(sessionTokenHash: hash, at: now)
            var touched = session
            touched.lastSeenAt = now
            return (touched, account)
        }
    }

    public func signOut(token: String, address: String) async throws {
        let hash = SecretToken.hash(token)
        try await store.write { records in
            guard let session = try await records.session(tokenHash: hash) else { return }
            try await records.deleteSession(tokenHash: hash)
            try await records.append(AuditEntry(at: Timestamp.now(), actor: session.accountID, action: "sign-out",
                                                subject: "account:\(session.accountID)", address: address))
        }
    }

    /// Sets the password of the account a one-time link was made for, and spends the link. Ends
    /// the account's sessions (a reset must lock out whoever knew the old password).
    /// - Returns: the problems with the password (nothing was changed), or an empty list.
    public func setPassword(token: String, password: String, address: String) async throws -> [String] {
        let now = clock()
        guard let (link, account) = try await passwordLink(token) else {
            return ["This link is not valid any more. Ask your program's administrator for a new one."]
        }
        _ = link
        let problems = PasswordPolicy.problems(password, login: account.login, name: account.name)
        guard problems.isEmpty else { return problems }
        let cost = settings.bcryptCost
        let hash = await Task.detached { Bcrypt.hash(password, cost: cost) }.value
        try await store.write { records in
            // Spent once: a second use, even racing this one, finds no link.
            guard try await records.passwordToken(tokenHash: SecretToken.hash(token)).map({ $0.expiresAt >= now }) == true,
                  var current = try await records.account(id: account.id) else {
                throw TrackerError("this link is not valid any more", remedy: "ask your program's administrator for a new one")
            }
            current.passwordHash = hash
            try await records.update(current)
            try await records.deletePasswordTokens(of: account.id)
            try await records.deleteSessions(of: account.id)
            try await records.append(AuditEntry(at: Timestamp.now(), actor: account.id, action: "set-password", subject: "account:\(account.id)", address: address))
        }
        return []
    }

    /// The link's record and account, when the link is unexpired and the account enabled.
    public func passwordLink(_ token: String) async throws -> (PasswordToken, Account)? {
        let now = clock()
        return try await store.read { records in
            guard let link = try await records.passwordToken(tokenHash: SecretToken.hash(token)), link.expiresAt >= now,
                  let account = try await records.account(id: link.accountID), !account.disabled else { return nil }
            return (link, account)
        }
    }

    private func audit(_ entry: AuditEntry) async throws {
        try await store.write { try await $0.append(entry) }
    }
}
