import Hummingbird
import NIOCore
import TrellisTracker

/// One request's context: the client's address and, once `SessionMiddleware` has run, who is
/// signed in.
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The signed-in person, or nil.
    var visitor: Visitor?
    /// The client's address as the audit log records it (the proxy's forwarded one with `--trust-proxy`).
    var clientAddress: String = "-"
    /// Whether the request reached the server over HTTPS (directly, or as the trusted proxy says).
    var overHTTPS = false
    /// A state-changing request's form, parsed once by `CSRFMiddleware` for its check.
    var form: FormFields?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// A form or an upload is at most this large.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}

/// A signed-in person and what they may reach, read once per request.
struct Visitor: Sendable {
    var account: Account
    var session: WebSession
    /// The session's cookie value, for signing out.
    var token: String
    var assignments: [Assignment]
}
