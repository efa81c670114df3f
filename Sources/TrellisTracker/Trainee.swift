import TrellisModel
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
    /// The completion set (`completion:` in `competencies.yml`) the trainee is held to; nil =
    /// the framework's first.
    public var program: String?

    public init(id: String, name: String, email: String? = nil, cohort: String? = nil, site: String? = nil,
                supervisor: String? = nil, startDate: CalendarDate, status: Status = .active, credential: String? = nil,
                program: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.cohort = cohort
        self.site = site
        self.supervisor = supervisor
        self.startDate = startDate
        self.status = status
        self.credential = credential
        self.program = program
    }

    /// Fields a coordinator may edit, by their command-line and CSV names.
    public static let editableFields = ["name", "email", "cohort", "site", "supervisor", "start_date", "status", "credential", "program"]
}

extension Trainee {
    /// Sets a field from text, checking it; nil or empty clears an optional field.
    public mutating func set(_ field: String, to value: String?) throws {
        let text = value?.trimmingWhitespace
        let cleared = text?.isEmpty ?? true ? nil : text
        switch field {
        case "name":
            guard let cleared else { throw TrackerError.field("name", "", "is empty", remedy: "give the trainee's name") }
            self.name = cleared
        case "email":
            if let cleared, !cleared.contains("@") {
                throw TrackerError.field("email", cleared, "is not an email address", remedy: "write it as name@example.org, or leave it empty")
            }
            self.email = cleared
        case "cohort": self.cohort = cleared
        case "site": self.site = cleared
        case "supervisor": self.supervisor = cleared
        case "start_date":
            guard let cleared, let date = CalendarDate(cleared) else {
                throw TrackerError.field("start_date", text ?? "", "is not a date", remedy: "write it as YYYY-MM-DD")
            }
            self.startDate = date
        case "status":
            guard let cleared, let status = Trainee.Status(rawValue: cleared) else {
                throw TrackerError.field("status", text ?? "", "is not a status",
                                         remedy: "use one of \(Trainee.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.status = status
        case "credential": self.credential = cleared
        case "program": self.program = cleared
        default:
            throw TrackerError.field("field", field, "cannot be edited", remedy: "editable fields: \(Trainee.editableFields.joined(separator: ", "))")
        }
    }
}

extension Trainee {
    /// A field's value as text, by its command-line and CSV name (for the edit history).
    public static func value(of field: String, in trainee: Trainee) -> String? {
        switch field {
        case "name": trainee.name
        case "email": trainee.email
        case "cohort": trainee.cohort
        case "site": trainee.site
        case "supervisor": trainee.supervisor
        case "start_date": trainee.startDate.description
        case "status": trainee.status.rawValue
        case "credential": trainee.credential
        case "program": trainee.program
        default: nil
        }
    }
}
