/// A position in a curriculum source file, 1-based, as editors and compilers report it.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = max(line, 1)
        self.column = max(column, 1)
    }

    public var description: String { "\(path):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.path, lhs.line, lhs.column) < (rhs.path, rhs.line, rhs.column)
    }
}

/// One problem found in a curriculum: where it is, what is wrong and what to do about it.
///
/// Trainers are not programmers, so every diagnostic carries a remedy in plain words,
/// and the location is in the `path:line:column` form that editors can jump to.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var remedy: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, remedy: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.remedy = remedy
    }

    public static func error(at location: SourceLocation, _ message: String, remedy: String? = nil) -> Diagnostic {
        Diagnostic(.error, at: location, message, remedy: remedy)
    }

    public static func warning(at location: SourceLocation, _ message: String, remedy: String? = nil) -> Diagnostic {
        Diagnostic(.warning, at: location, message, remedy: remedy)
    }

    /// `path:line:column: error: message — remedy`
    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let remedy { text += " — \(remedy)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Diagnostics in file order, so output is stable and reads top to bottom.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { ($0.location, $0.message) < ($1.location, $1.message) }
    }
}

/// Several diagnostics thrown together, e.g. every problem that stopped a build.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sortedByLocation() }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
