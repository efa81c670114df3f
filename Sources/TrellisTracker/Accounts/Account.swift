import TrellisModel

/// A person who signs in to the web tracker, with one role. The role says what kind of pages
/// they get; assignments (`Assignment`) say whose records they reach.
public struct Account: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
        /// Manages accounts, roles, sites and assignments; reads the audit log.
        case admin
        /// Runs the program for the sites they are given: trainees, imports, reports, voids.
        case coordinator
        /// Signs off competencies for their supervisees; records observations and coaching.
        case supervisor
        /// Records observed practice and coaching sessions for the trainees assigned to them.
        case coach
        /// Reads their own transcript and adds reflections.
        case trainee
    }

    /// A store-independent id (`u-…`): what sessions, assignments and the audit log refer to.
    public var id: String
    /// What the person types to sign in: lower-case letters, digits, `.`, `_`, `-`.
    public var login: String
    /// Their name as shown to others: personal free text, erasable with the account.
    public var name: String
    public var role: Role
    /// For a trainee's account: the trainee record it is linked to.
    public var traineeID: String?
    /// A disabled account cannot sign in and has no sessions.
    public var disabled: Bool
    /// The bcrypt hash of the password; nil until the person sets one from their link.
    public var passwordHash: String?
    public var createdAt: String

    public init(id: String, login: String, name: String, role: Role, traineeID: String? = nil, disabled: Bool = false,
                passwordHash: String? = nil, createdAt: String) {
        self.id = id
        self.login = login
        self.name = name
        self.role = role
        self.traineeID = traineeID
        self.disabled = disabled
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}
