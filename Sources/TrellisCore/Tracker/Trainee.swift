/// A person in training. Unlike evidence, trainee details may be edited; every edit is
/// kept in `trainee_history` with who made it and when.
public struct Trainee: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case active, paused, completed, withdrawn
    }

    public var id: String
    public var name: String
    public var email: String?
    public var cohort: String?
    public var site: String?
    public var supervisor: String?
    public var startDate: CalendarDate
    public var status: Status
    /// The credential renewal rule (from `credentials.yml`) the trainee is tracked against.
    public var credential: String?

    public init(id: String, name: String, email: String? = nil, cohort: String? = nil, site: String? = nil,
                supervisor: String? = nil, startDate: CalendarDate, status: Status = .active, credential: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.cohort = cohort
        self.site = site
        self.supervisor = supervisor
        self.startDate = startDate
        self.status = status
        self.credential = credential
    }

    /// Fields a coordinator may edit, by their command-line and CSV names.
    public static let editableFields = ["name", "email", "cohort", "site", "supervisor", "start_date", "status", "credential"]
}
