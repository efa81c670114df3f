import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker
import TrellisTrackerSQLite

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the web tracker's accounts: add, list, disable, reset, assign.",
        subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserEnable.self, UserReset.self, UserAssign.self, UserUnassign.self]
    )
}

/// What every `trellis user` command shares: the database, and who is acting (for the audit log).
struct UserOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The tracker database (default: $TRELLIS_DB, else ~/.local/share/trellis/tracker.sqlite)."))
    var db: String?

    @Option(name: .long, help: "Who is making this change, for the audit log (default: $TRELLIS_USER, else $USER).")
    var by: String?

    func administration() throws -> AccountAdministration {
        let database = try TrackerFailure.wrap { try TrackerDatabase.open(at: db ?? TrackerDatabase.defaultPath()) }
        return AccountAdministration(store: SQLiteTrackerStore(database), actor: "cli:" + (by ?? Tracker.defaultActor()), address: "cli")
    }
}

/// Prints a one-time link: the path, after the server's address.
private func printLink(_ token: String, for login: String) {
    print("One-time link for \(login) to set a password (valid 24 hours, works once):")
    print("  /password?token=\(token)")
    print("Put the tracker's address in front, e.g. https://tracker.example.org/password?token=…, and send it by a private route.")
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an account and print its one-time link to set a password.",
        discussion: "Examples:\n  trellis user add admin --name \"Ada Admin\" --role admin\n  trellis user add dana --name \"Dana Reyes\" --role trainee --trainee T0042"
    )

    @OptionGroup var options: UserOptions
    @Argument(help: "The login: lower-case letters, digits, '.', '_' or '-'.") var login: String
    @Option(help: "The person's name, as others see it.") var name: String
    @Option(help: "admin, coordinator, supervisor, coach or trainee.") var role: String
    @Option(help: "For a trainee: the trainee record this account is theirs to read.") var trainee: String?

    func run() async throws {
        guard let role = Account.Role(rawValue: role) else {
            throw ValidationError("--role must be one of \(Account.Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (account, token) = try await TrackerFailure.wrap { try await options.administration().add(login: login, name: name, role: role, traineeID: trainee) }
        print("Added \(account.login) (\(account.role.rawValue)).")
        printLink(token, for: account.login)
    }
}

struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts, their roles and assignments.")
    @OptionGroup var options: UserOptions

    func run() async throws {
        let accounts = try await TrackerFailure.wrap { try await options.administration().accounts() }
        if accounts.isEmpty { print("No accounts yet: add the first with `trellis user add LOGIN --name NAME --role admin`."); return }
        for (account, assignments) in accounts {
            var line = "\(account.login)\t\(account.role.rawValue)\t\(account.name)"
            if account.disabled { line += "\tdisabled" }
            if account.passwordHash == nil { line += "\tno password yet" }
            if let trainee = account.traineeID { line += "\ttrainee \(trainee)" }
            let scopes = assignments.map { assignment -> String in
                switch assignment.scope {
                case .trainee(let id): "trainee \(id)"
                case .site(let site): "site \(site)"
                case .allSites: "every site"
                }
            }
            if !scopes.isEmpty { line += "\tassigned: " + scopes.joined(separator: ", ") }
            print(line)
        }
    }
}

struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account; its sessions end at once.")
    @OptionGroup var options: UserOptions
    @Argument var login: String

    func run() async throws {
        _ = try await TrackerFailure.wrap { try await options.administration().setDisabled(login: login, true) }
        print("Disabled \(login); any sessions it had are ended.")
    }
}

struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account again.")
    @OptionGroup var options: UserOptions
    @Argument var login: String

    func run() async throws {
        _ = try await TrackerFailure.wrap { try await options.administration().setDisabled(login: login, false) }
        print("Enabled \(login).")
    }
}

struct UserReset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Print a new one-time link to set the password; older links and the account's sessions end.")
    @OptionGroup var options: UserOptions
    @Argument var login: String

    func run() async throws {
        let (account, token) = try await TrackerFailure.wrap { try await options.administration().resetPassword(login: login) }
        printLink(token, for: account.login)
    }
}

/// `--trainee ID` (repeatable) or `--site SITE` (`--site '*'` for every site).
struct AssignmentOptions: ParsableArguments {
    @Option(help: "A trainee (for a coach or supervisor); repeat for several.") var trainee: [String] = []
    @Option(help: "A site (for a coordinator); '*' for every site.") var site: String?

    func scopes() throws -> [Assignment.Scope] {
        switch (trainee.isEmpty, site) {
        case (false, nil): trainee.map { .trainee($0) }
        case (true, "*"): [.allSites]
        case (true, let site?): [.site(site)]
        default: throw ValidationError("give --trainee (once or more) or --site, not both")
        }
    }
}

struct UserAssign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Give a coach or supervisor a trainee, or a coordinator a site.",
        discussion: "Examples:\n  trellis user assign sam.coach --trainee T0042 --trainee T0043\n  trellis user assign lee --site north\n  trellis user assign lee --site '*'")
    @OptionGroup var options: UserOptions
    @Argument var login: String
    @OptionGroup var assignment: AssignmentOptions

    func run() async throws {
        let scopes = try assignment.scopes()
        let administration = try options.administration()
        for scope in scopes { try await TrackerFailure.wrap { try await administration.assign(login: login, scope) } }
        print("Assigned \(scopes.count == 1 ? "it" : "all \(scopes.count)").")
    }
}

struct UserUnassign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unassign", abstract: "Remove an assignment; the account's sessions end at once.")
    @OptionGroup var options: UserOptions
    @Argument var login: String
    @OptionGroup var assignment: AssignmentOptions

    func run() async throws {
        let scopes = try assignment.scopes()
        let administration = try options.administration()
        for scope in scopes { try await TrackerFailure.wrap { try await administration.unassign(login: login, scope) } }
        print("Removed; \(login)'s sessions are ended.")
    }
}
