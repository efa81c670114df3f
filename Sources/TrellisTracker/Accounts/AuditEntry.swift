/// One line of the append-only audit log: who did what to which record, when, from where.
///
/// It names people and records by id and action only, never by copying a name or a note,
/// so that erasing one person's free text on request leaves the log whole.
public struct AuditEntry: Sendable, Hashable {
    /// When, as `Timestamp.now()` writes it (UTC, ISO 8601).
    public var at: String
    /// An account id (`u-…`), `cli:NAME` for a command-line write (its `--by`), or `-` before sign-in.
    public var actor: String
    /// e.g. `sign-in`, `sign-in-failed`, `view-trainee`, `record-evidence`, `export`.
    public var action: String
    /// The record acted on, by kind and id: `trainee:T0042`, `account:u-…`, `evidence:ev-…`.
    public var subject: String
    /// The client's address (the proxy's `X-Forwarded-For` only with `--trust-proxy`).
    public var address: String
    /// `ok`, or why it was refused (`denied`, `throttled`, `bad-password`).
    public var outcome: String

    public init(at: String, actor: String, action: String, subject: String = "", address: String = "", outcome: String = "ok") {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.address = address
        self.outcome = outcome
    }
}

/// Which audit entries to read; nil fields match everything.
public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: String?
    public var subject: String?
    /// Entries at or after this timestamp prefix (`2026-12-04` or a full timestamp).
    public var since: String?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, subject: String? = nil, since: String? = nil, limit: Int = 500) {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.since = since
        self.limit = limit
    }
}
