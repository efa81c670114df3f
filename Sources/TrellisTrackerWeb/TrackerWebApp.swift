import Foundation
import Hummingbird
import TrellisModel
import TrellisTracker

/// The web tracker: its settings, the store and curriculum it works on, and its router. Every
/// route is in `Routes/`; the middleware in front of them (in this order) finds the client's
/// address, sets the security headers, finds the session, turns errors into pages (with the
/// visitor's navigation), checks the CSRF token and sends visitors who are not signed in to
/// the sign-in page.
public struct TrackerWebApp: Sendable {
    public struct Settings: Sendable {
        /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (only behind a reverse proxy).
        public var trustProxy = false
        public var signIn = SignIn.Settings()
        public init() {}
    }

    let store: any TrackerStore
    let curriculum: Curriculum
    let settings: Settings
    let signIn: SignIn
    let pages: Pages
    /// "Today" for evidence dates and lapses: a parameter for tests that fix the date.
    let today: @Sendable () -> CalendarDate

    public init(store: any TrackerStore, curriculum: Curriculum, settings: Settings = Settings(),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                today: @escaping @Sendable () -> CalendarDate = { .today() }) throws {
        self.store = store
        self.curriculum = curriculum
        self.settings = settings
        self.signIn = SignIn(store: store, settings: settings.signIn, clock: clock)
        self.pages = try Pages()
        self.today = today
    }

    public func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.middlewares.add(ClientAddressMiddleware(trustProxy: settings.trustProxy))
        router.middlewares.add(SecurityHeadersMiddleware())
        router.middlewares.add(SessionMiddleware(signIn: signIn))
        router.middlewares.add(ErrorPageMiddleware(pages: pages))
        router.middlewares.add(CSRFMiddleware())
        router.middlewares.add(SignInRedirectMiddleware())
        addSignInRoutes(router)
        addTraineeRoutes(router)
        addEvidenceRoutes(router)
        addCoordinatorRoutes(router)
        addImportRoutes(router)
        addAdminRoutes(router)
        return router
    }

    /// The tracker's operations as the signed-in visitor: every write is recorded as theirs and
    /// audited with `action` on `subject`, in the write's own transaction.
    func tracker(_ visitor: Visitor, _ context: WebRequestContext, action: String, subject: String) -> Tracker {
        let entry = AuditEntry(at: Timestamp.now(), actor: visitor.account.id, action: action, subject: subject, address: context.clientAddress)
        return Tracker(store: AuditedStore(base: store, entry: entry), curriculum: curriculum, today: today(), actor: visitor.account.login)
    }

    /// Records a read of personal data (or any other event without a write of its own).
    func audit(_ context: WebRequestContext, _ action: String, subject: String, outcome: String = "ok") async throws {
        let entry = AuditEntry(at: Timestamp.now(), actor: context.visitor?.account.id ?? "-", action: action, subject: subject,
                               address: context.clientAddress, outcome: outcome)
        try await store.write { try await $0.append(entry) }
    }

    /// Every trainee the visitor may reach: a coach's or supervisor's assigned ones by id (a
    /// point lookup each), a coordinator's by reading the trainees and keeping their sites'.
    func reachableTrainees(_ visitor: Visitor) async throws -> [Trainee] {
        switch visitor.account.role {
        case .coach, .supervisor:
            let ids = visitor.assignments.compactMap { if case .trainee(let id) = $0.scope { id } else { nil } }
            return try await store.read { records in
                var trainees: [Trainee] = []
                for id in ids { if let trainee = try await records.trainee(id) { trainees.append(trainee) } }
                return trainees.sorted { $0.id < $1.id }
            }
        case .coordinator: return try await store.read { try await $0.trainees() }.filter(visitor.mayReach)
        case .admin, .trainee: return []
        }
    }

    /// The trainee `id` if the visitor may reach them; a 404 otherwise, whether or not they exist.
    func reachableTrainee(_ id: String, _ visitor: Visitor) async throws -> Trainee {
        guard let trainee = try await store.read({ try await $0.trainee(id) }), visitor.mayReach(trainee) else { throw notFound() }
        return trainee
    }
}
