/// The two sites built from the same sources.
///
/// The trainee edition must not contain trainer notes at all — not hidden with CSS,
/// absent — because knowledge-check answers live in them.
public enum Edition: String, CaseIterable, Sendable, Hashable, Comparable {
    case trainee
    case trainer

    public static func < (lhs: Edition, rhs: Edition) -> Bool { lhs.rawValue < rhs.rawValue }

    public var showsTrainerNotes: Bool { self == .trainer }
    public var title: String { self == .trainer ? "Trainer edition" : "Trainee edition" }
}
