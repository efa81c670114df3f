/// Who may reach whose records: the authority for every access check of the web tracker. A
/// coach or supervisor is assigned trainees; a coordinator is assigned sites (or every site).
/// Removing an assignment removes the access at once.
public struct Assignment: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        /// One trainee, for a coach or a supervisor.
        case trainee(String)
        /// Every trainee whose `site` is this, for a coordinator.
        case site(String)
        /// Every trainee, for a coordinator.
        case allSites
    }

    public var accountID: String
    public var scope: Scope

    public init(accountID: String, scope: Scope) {
        self.accountID = accountID
        self.scope = scope
    }

    /// How a store keeps the scope: a kind and a value.
    public var stored: (kind: String, value: String) {
        switch scope {
        case .trainee(let id): ("trainee", id)
        case .site(let site): ("site", site)
        case .allSites: ("all-sites", "")
        }
    }

    public init?(accountID: String, storedKind kind: String, value: String) {
        switch kind {
        case "trainee": self.init(accountID: accountID, scope: .trainee(value))
        case "site": self.init(accountID: accountID, scope: .site(value))
        case "all-sites": self.init(accountID: accountID, scope: .allSites)
        default: return nil
        }
    }
}
