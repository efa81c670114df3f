/// A signed-in browser, kept on the server. The browser holds only a random token; the store
/// keeps its SHA-256 (`tokenHash`), so a copy of the database does not let anyone sign in.
public struct WebSession: Sendable, Hashable {
    public var tokenHash: String
    public var accountID: String
    /// The token every state-changing form of this session must carry.
    public var csrfToken: String
    /// Seconds since 1970: for the absolute timeout.
    public var createdAt: Int64
    /// Seconds since 1970: for the idle timeout.
    public var lastSeenAt: Int64

    public init(tokenHash: String, accountID: String, csrfToken: String, createdAt: Int64, lastSeenAt: Int64) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
