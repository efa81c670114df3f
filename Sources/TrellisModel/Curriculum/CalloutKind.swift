/// The callout kinds a module may use, written in GitHub's alert syntax:
/// a blockquote whose first line is `[!KIND]`, optionally followed by a title.
public enum CalloutKind: String, CaseIterable, Sendable, Hashable {
    case scenario = "SCENARIO"
    case reflect = "REFLECT"
    case discuss = "DISCUSS"
    case keyPoints = "KEY-POINTS"
    case trainerNote = "TRAINER-NOTE"
    case note = "NOTE"
    case tip = "TIP"
    case important = "IMPORTANT"
    case warning = "WARNING"
    case caution = "CAUTION"

    /// The label shown (and announced by screen readers) at the top of the callout.
    public var label: String {
        switch self {
        case .scenario: "Scenario"
        case .reflect: "Reflect"
        case .discuss: "Discuss"
        case .keyPoints: "Key points"
        case .trainerNote: "Trainer note"
        case .note: "Note"
        case .tip: "Tip"
        case .important: "Important"
        case .warning: "Warning"
        case .caution: "Caution"
        }
    }

    public var cssClass: String { "callout-" + rawValue.lowercased() }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
