import Foundation

/// What an administrator does to accounts, from the command line (`trellis user …`) or the
/// web tracker's admin pages: the same checks and the same audit entries either way.
public struct AccountAdministration: Sendable {
    public let store: any TrackerStore
    /// Who acts, as the audit log names them: an account id, or `cli:NAME` for the command line.
    public var actor: String
    /// Where from: the client's address, or `cli` for the command line.
    public var address: String
    public var linkLifetime: Int64
    public var clock: @Sendable () -> Int64

    public init(store: any TrackerStore, actor: String, address: String, linkLifetime: Int64 = 24 * 60 * 60,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.actor = actor
        self.address = address
        self.linkLifetime = linkLifetime
        self.clock = clock
    }

    /// A new account, without a password: the returned token is for its one-time set-password link.
    public func add(login: String, name: String, role: Account.Role, traineeID: String? = nil) async throws -> (Account, token: String) {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        try Self.checkLogin(login)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw TrackerError.field("name", name, "is empty", remedy: "give the person's name, e.g. --name \"Dana Reyes\"") }
        if role == .trainee, traineeID == nil {
            throw TrackerError("a trainee's account must be linked to their trainee record", remedy: "add --trainee ID (see `trellis trainee list`)")
        }
        if role != .trainee, traineeID != nil {
            throw TrackerError("only a trainee's account is linked to a trainee record", remedy: "leave out --trainee, or use --role trainee")
        }
        let account = Account(id: "u-" + SecretToken.make().prefix(16).lowercased(), login: login, name: name, role: role,
                              traineeID: traineeID, createdAt: Timestamp.now())
        let token = SecretToken.make()
        try await store.write { records in
            if try await records.account(login: login) != nil {
                throw TrackerError.field("login", login, "is taken", remedy: "choose another login, or `trellis user reset \(login)` to send its owner a new link")
            }
            if let traineeID {
                guard try await records.trainee(traineeID) != nil else {
                    throw TrackerError.field("trainee", traineeID, "is not on record", remedy: "add the trainee first with `trellis trainee add`")
                }
                if let other = try await records.accounts().first(where: { $0.traineeID == traineeID }) {
                    throw TrackerError.field("trainee", traineeID, "already has an account (\(other.login))", remedy: "use `trellis user reset \(other.login)`")
                }
            }
            try await records.insert(account)
            try await records.insert(PasswordToken(tokenHash: SecretToken.hash(token), accountID: account.id, expiresAt: clock() + linkLifetime))
            try await records.append(entry("add-account", account, outcome: "ok role=\(role.rawValue)"))
        }
        return (account, token)
    }

    /// A new one-time link for the account; its old links and its sessions end.
    public func resetPassword(login: String) async throws -> (Account, token: String) {
        let token = SecretToken.make()
        let account = try await change(login, action: "reset-password") { account, records in
            try await records.deletePasswordTokens(of: account.id)
            try await records.insert(PasswordToken(tokenHash: SecretToken.hash(token), accountID: account.id, expiresAt: clock() + linkLifetime))
            return account
        }
        return (account, token)
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once.
    @discardableResult
    public func setDisabled(login: String, _ disabled: Bool) async throws -> Account {
        try await change(login, action: disabled ? "disable-account" : "enable-account") { account, _ in
            var account = account
            account.disabled = disabled
            return account
        }
    }

    @discardableResult
    public func setRole(login: String, _ role: Account.Role) async throws -> Account {
        try await change(login, action: "change-role") { account, _ in
            guard role == .trainee ? account.traineeID != nil : account.traineeID == nil else {
                throw TrackerError("a trainee's account is linked to a trainee record; other roles' are not", remedy: "add a new account for the new role")
            }
            var account = account
            account.role = role
            return account
        }
    }

    /// Gives an account access to a trainee (coach, supervisor) or a site (coordinator).
    public func assign(login: String, _ scope: Assignment.Scope) async throws {
        try await change(login, action: "assign", endsSessions: false) { account, records in
            try Self.checkScope(scope, for: account.role)
            if case .trainee(let id) = scope, try await records.trainee(id) == nil {
                throw TrackerError.field("trainee", id, "is not on record", remedy: "see `trellis trainee list`")
            }
            try await records.insert(Assignment(accountID: account.id, scope: scope))
            return account
        }
    }

    /// Removes an assignment; the account's sessions end, so the access it gave ends at once.
    public func unassign(login: String, _ scope: Assignment.Scope) async throws {
        try await change(login, action: "unassign") { account, records in
            guard try await records.assignments(of: account.id).contains(Assignment(accountID: account.id, scope: scope)) else {
                throw TrackerError("\(login) has no such assignment", remedy: "see `trellis user list`")
            }
            try await records.delete(Assignment(accountID: account.id, scope: scope))
            return account
        }
    }

    public func accounts() async throws -> [(Account, [Assignment])] {
        try await store.read { records in
            var result: [(Account, [Assignment])] = []
            for account in try await records.accounts() { result.append((account, try await records.assignments(of: account.id))) }
            return result
        }
    }

    // MARK: -

    private func change(_ login: String, action: String, endsSessions: Bool = true,
                        _ work: @Sendable (Account, any TrackerWriting) async throws -> Account) async throws -> Account {
        try await store.write { records in
            guard let account = try await records.account(login: login.lowercased()) else {
                throw TrackerError.field("login", login, "is not an account", remedy: "see `trellis user list`")
            }
            let changed = try await work(account, records)
            if changed != account { try await records.update(changed) }
            if endsSessions { try await records.deleteSessions(of: account.id) }
            try await records.append(entry(action, changed))
            return changed
        }
    }

    private func entry(_ action: String, _ account: Account, outcome: String = "ok") -> AuditEntry {
        AuditEntry(at: Timestamp.now(), actor: actor, action: action, subject: "account:\(account.id)", address: address, outcome: outcome)
    }

    static func checkLogin(_ login: String) throws {
        let allowed = login.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
        guard (2...64).contains(login.count), allowed, login.first?.isLetter == true else {
            throw TrackerError.field("login", login, "is not a valid login", remedy: "use 2–64 lower-case letters, digits, '.', '_' or '-', starting with a letter, e.g. dana.reyes")
        }
    }

    static func checkScope(_ scope: Assignment.Scope, for role: Account.Role) throws {
        switch (scope, role) {
        case (.trainee, .coach), (.trainee, .supervisor), (.site, .coordinator), (.allSites, .coordinator): return
        case (.trainee, _): throw TrackerError("only coaches and supervisors are assigned trainees", remedy: "assign a coordinator a site with --site")
        default: throw TrackerError("only coordinators are assigned sites", remedy: "assign a coach or supervisor trainees with --trainee")
        }
    }
}
