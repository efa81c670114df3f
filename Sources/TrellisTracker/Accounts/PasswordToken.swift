/// A one-time link to set a password (a new account, or a reset), valid until `expiresAt`.
/// The store keeps only the token's SHA-256.
public struct PasswordToken: Sendable, Hashable {
    public var tokenHash: String
    public var accountID: String
    /// Seconds since 1970.
    public var expiresAt: Int64

    public init(tokenHash: String, accountID: String, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.expiresAt = expiresAt
    }
}
