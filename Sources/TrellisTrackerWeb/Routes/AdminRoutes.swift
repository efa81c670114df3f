import Hummingbird
import TrellisModel
import TrellisTracker

/// An administrator's pages: accounts (invite, disable, reset, roles), assignments, and the
/// audit log with its CSV export. The same operations as `trellis user …`.
extension TrackerWebApp {
    func addAdminRoutes(_ router: Router<WebRequestContext>) {
        router.get("/admin/accounts") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.admin)
            return try await accountsPage(visitor, context)
        }

        router.post("/admin/accounts") { request, context in
            var request = request
            let visitor = try context.signedIn()
            try visitor.require(.admin)
            let form = try await request.form(context)
            guard let role = form["role"].flatMap(Account.Role.init(rawValue:)) else {
                return try await accountsPage(visitor, context, status: .unprocessableContent, error: "Choose a role.", form: form)
            }
            do {
                let (account, token) = try await administration(visitor, context).add(login: form["login"] ?? "", name: form["name"] ?? "", role: role,
                                                                                    traineeID: role == .trainee ? form["trainee"] : nil)
                return try await accountsPage(visitor, context, created: (account.login, "/password?token=\(token)"))
            } catch let error as TrackerError {
                return try await accountsPage(visitor, context, status: .unprocessableContent, error: WebText.message(error), form: form)
            }
        }

        router.post("/admin/accounts/:login/:action") { request, context in
            var request = request
            let visitor = try context.signedIn()
            try visitor.require(.admin)
            let login = try context.parameters.require("login")
            let form = try await request.form(context)
            let administration = administration(visitor, context)
            do {
                switch try context.parameters.require("action") {
                case "disable":
                    guard login != visitor.account.login else { throw TrackerError("you cannot disable your own account", remedy: "ask another administrator") }
                    try await administration.setDisabled(login: login, true)
                case "enable": try await administration.setDisabled(login: login, false)
                case "reset":
                    let (_, token) = try await administration.resetPassword(login: login)
                    return try await accountsPage(visitor, context, created: (login, "/password?token=\(token)"))
                case "role":
                    guard let role = form["role"].flatMap(Account.Role.init(rawValue:)) else { throw TrackerError("choose a role") }
                    try await administration.setRole(login: login, role)
                case "assign": try await administration.assign(login: login, try Self.scope(form))
                case "unassign": try await administration.unassign(login: login, try Self.scope(form))
                default: throw notFound()
                }
            } catch let error as TrackerError {
                return try await accountsPage(visitor, context, status: .unprocessableContent, error: WebText.message(error))
            }
            return redirect(to: "/admin/accounts")
        }

        router.get("/admin/audit") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.admin)
            let filter = Self.auditFilter(request)
            let entries = try await store.read { try await $0.auditEntries(filter) }
            try await audit(context, "view-audit-log", subject: "audit")
            return pages.page("audit", title: "Audit log", visitor: visitor, [
                "entries": entries.map { ["at": $0.at, "actor": $0.actor, "action": $0.action, "subject": $0.subject, "address": $0.address, "outcome": $0.outcome] },
                "actor": filter.actor ?? "", "action": filter.action ?? "", "subject": filter.subject ?? "", "since": filter.since ?? "",
                "query": request.uri.query ?? "", "none": entries.isEmpty,
            ])
        }

        router.get("/admin/audit.csv") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.admin)
            var filter = Self.auditFilter(request)
            filter.limit = 1_000_000
            let entries = try await store.read { try await $0.auditEntries(filter) }
            try await audit(context, "export-audit-log", subject: "audit")
            var csv = "at,actor,action,subject,address,outcome\r\n"
            for entry in entries {
                csv += [entry.at, entry.actor, entry.action, entry.subject, entry.address, entry.outcome].map(CSVField.escape).joined(separator: ",") + "\r\n"
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit-log.csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    private func administration(_ visitor: Visitor, _ context: WebRequestContext) -> AccountAdministration {
        AccountAdministration(store: store, actor: visitor.account.id, address: context.clientAddress,
                              linkLifetime: settings.signIn.passwordLinkLifetime, clock: signIn.clock)
    }

    static func scope(_ form: FormFields) throws -> Assignment.Scope {
        if let trainee = form["trainee"] { return .trainee(trainee) }
        if let site = form["site"] { return site == "*" ? .allSites : .site(site) }
        throw TrackerError("name a trainee or a site", remedy: "a site of * gives a coordinator every site")
    }

    static func auditFilter(_ request: Request) -> AuditFilter {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        return AuditFilter(actor: value("actor"), action: value("action"), subject: value("subject"), since: value("since"))
    }

    private func accountsPage(_ visitor: Visitor, _ context: WebRequestContext, status: HTTPResponse.Status = .ok, error: String? = nil,
                              form: FormFields = FormFields(), created: (login: String, link: String)? = nil) async throws -> Response {
        let accounts = try await administration(visitor, context).accounts()
        let trainees = try await store.read { try await $0.trainees() }
        let linked = Set(accounts.compactMap(\.0.traineeID))
        let rows: [[String: Any]] = accounts.map { account, assignments in
            [
                "login": account.login, "name": account.name, "role": account.role.rawValue, "disabled": account.disabled,
                "self": account.id == visitor.account.id, "trainee": shown(account.traineeID), "passwordSet": account.passwordHash != nil,
                "assignable": [.coach, .supervisor, .coordinator].contains(account.role), "isCoordinator": account.role == .coordinator,
                "roleChoices": Account.Role.allCases.filter { $0 != .trainee }.map { ["id": $0.rawValue, "selected": $0 == account.role] as [String: Any] },
                "assignments": assignments.map { assignment -> [String: Any] in
                    switch assignment.scope {
                    case .trainee(let id): ["label": "trainee \(id)", "field": "trainee", "value": id]
                    case .site(let site): ["label": "site \(site)", "field": "site", "value": site]
                    case .allSites: ["label": "every site", "field": "site", "value": "*"]
                    }
                },
            ]
        }
        // Trainees' free-text supervisor names, shown until an admin assigns a supervisor's account.
        let supervised = Set(accounts.filter { $0.0.role == .supervisor }.flatMap { $0.1 }.compactMap { assignment -> String? in
            if case .trainee(let id) = assignment.scope { return id } else { return nil }
        })
        let unmatched = trainees.filter { $0.supervisor != nil && !supervised.contains($0.id) }
            .map { ["id": $0.id, "supervisor": $0.supervisor ?? ""] }
        try await audit(context, "view-accounts", subject: "accounts")
        var fields: [String: Any] = [
            "accounts": rows, "roles": Account.Role.allCases.map { ["id": $0.rawValue, "selected": $0.rawValue == (form["role"] ?? Account.Role.coach.rawValue)] as [String: Any] },
            "error": shown(error), "login": form["login"] ?? "", "name": form["name"] ?? "", "trainee": form["trainee"] ?? "",
            "unlinkedTrainees": trainees.filter { !linked.contains($0.id) }.map { ["id": $0.id] },
            "unmatched": unmatched, "hasUnmatched": !unmatched.isEmpty,
        ]
        if let created { fields["created"] = ["login": created.login, "link": created.link] }
        return pages.page("accounts", title: "Accounts", visitor: visitor, status: status, fields)
    }
}
