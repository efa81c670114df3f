import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TrellisModel
import TrellisTestSupport
import TrellisTracker
import TrellisTrackerSQLite
@testable import TrellisTrackerWeb

/// The web tracker on a fresh fixture database, with one account per role:
/// `admin`, `cora` (coordinator of site North, where dana is), `sue` (supervisor of dana),
/// `cody` (coach of dana), `dana` (the trainee dana's own) — all with the password `password`
/// below. lee (site South) is assigned to no one.
///
/// Unchecked: its one non-Sendable part, the tracker fixture's scratch folder, is never changed
/// after set-up; the tests' closures only read the store and move the clock (both Sendable).
struct WebFixture: @unchecked Sendable {
    static let password = "blue kettle morning river"
    let tracker: TrackerFixture
    let app: TrackerWebApp
    let store: SQLiteTrackerStore
    /// The server's clock, which tests move forward to expire sessions.
    let clock: TestClock

    final class TestClock: Sendable {
        private let seconds = Mutex<Int64>(1_796_400_000)
        var now: Int64 { seconds.withLock { $0 } }
        func advance(by delta: Int64) { seconds.withLock { $0 += delta } }
    }

    init(settings: (inout TrackerWebApp.Settings) -> Void = { _ in }) async throws {
        tracker = try await TrackerFixture()
        store = SQLiteTrackerStore(tracker.database)
        let clock = TestClock()
        self.clock = clock
        var configured = TrackerWebApp.Settings()
        configured.signIn.bcryptCost = 4
        settings(&configured)
        app = try TrackerWebApp(store: store, curriculum: tracker.tracker.curriculum, settings: configured,
                                clock: { clock.now }, today: { CalendarDate("2026-11-23")! })
        let admin = AccountAdministration(store: store, actor: "cli:test", address: "cli", clock: { clock.now })
        let signIn = SignIn(store: store, settings: configured.signIn, clock: { clock.now })
        for (login, role, trainee) in [("admin", Account.Role.admin, nil), ("cora", .coordinator, nil), ("sue", .supervisor, nil),
                                       ("cody", .coach, nil), ("dana", .trainee, "dana")] as [(String, Account.Role, String?)] {
            let (_, token) = try await admin.add(login: login, name: login.capitalized + " Test", role: role, traineeID: trainee)
            let problems = try await signIn.setPassword(token: token, password: Self.password, address: "test")
            precondition(problems.isEmpty, "\(problems)")
        }
        try await admin.assign(login: "cora", .site("North"))
        try await admin.assign(login: "sue", .trainee("dana"))
        try await admin.assign(login: "cody", .trainee("dana"))
    }

    /// Runs `test` with HummingbirdTesting's router client (no network).
    func run(_ test: @escaping @Sendable (TestClient) async throws -> Void) async throws {
        let application = Application(router: app.router())
        try await application.test(.router) { client in try await test(TestClient(client: client)) }
    }

    func audit(_ filter: AuditFilter = AuditFilter()) async throws -> [AuditEntry] {
        try await store.read { try await $0.auditEntries(filter) }
    }

    func accountID(_ login: String) async throws -> String {
        try await store.read { try await $0.account(login: login)!.id }
    }
}

/// A browser for HummingbirdTesting: keeps cookies, and finds each page's form token.
final class TestClient: Sendable {
    let client: any TestClientProtocol
    private let state = Mutex<(cookies: [String: String], csrf: String?)>(([:], nil))

    init(client: any TestClientProtocol) { self.client = client }

    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }

    var csrf: String? { state.withLock { $0.csrf } }
    func cookie(_ name: String) -> String? { state.withLock { $0.cookies[name] } }
    func setCookie(_ name: String, _ value: String?) { state.withLock { $0.cookies[name] = value } }

    @discardableResult
    func get(_ path: String) async throws -> Page { try await send(path, method: .get, body: nil) }

    /// Posts a form; the page's last form token is added unless `csrf` says otherwise.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: String?? = .none) async throws -> Page {
        var fields = fields
        let token: String? = switch csrf { case .none: self.csrf; case .some(let given): given }
        if let token { fields.append(("_csrf", token)) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return try await send(path, method: .post, body: body)
    }

    /// Headers every request of this client carries (a reverse proxy's, in tests of `--trust-proxy`).
    func setExtraHeaders(_ headers: HTTPFields) { extra.withLock { $0 = headers } }
    private let extra = Mutex<HTTPFields>([:])

    func send(_ path: String, method: HTTPRequest.Method, body: String?, contentType: String = "application/x-www-form-urlencoded") async throws -> Page {
        var headers = extra.withLock { $0 }
        let cookies = state.withLock { $0.cookies }
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        state.withLock { state in
            for header in response.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
                state.cookies[name] = header.contains("Max-Age=0") || value.isEmpty ? nil : value
            }
            if let range = page.body.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
                state.csrf = String(page.body[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
            }
        }
        return page
    }

    /// Uploads a file as a browser's `multipart/form-data` form does, with the page's form token.
    @discardableResult
    func upload(_ path: String, file: String, name: String = "file", filename: String = "upload.csv", csrf: String?? = .none) async throws -> Page {
        let boundary = "----TrellisTestBoundary7MA4YWxkTrZu0gW"
        let token: String? = switch csrf { case .none: self.csrf; case .some(let given): given }
        var body = ""
        if let token { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
        body += "--\(boundary)--\r\n"
        return try await send(path, method: .post, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// The value of a hidden field on the last page (`name="NAME" value="…"`).
    static func hidden(_ name: String, in page: Page) -> String? {
        guard let range = page.body.range(of: "name=\"\(name)\" value=\"([^\"]*)\"", options: .regularExpression) else { return nil }
        return String(page.body[range].dropFirst("name=\"\(name)\" value=\"".count).dropLast())
    }

    /// Signs in through the form, as a new browser would, and on success opens the start page
    /// (so the next form carries the session's token).
    @discardableResult
    func signIn(_ login: String, password: String = WebFixture.password) async throws -> Page {
        setCookie("trellis_session", nil)
        try await get("/sign-in")
        let response = try await post("/sign-in", [("login", login), ("password", password)])
        if response.status == .seeOther, let start = try await get("/").location { try await get(start) }
        return response
    }
}
