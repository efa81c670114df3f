import TrellisModel
/// A tracker problem a coordinator can act on: what was wrong (naming the field and value)
/// and what to do about it.
public struct TrackerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var remedy: String?
    /// The input line (CSV imports), when the problem comes from a file.
    public var line: Int?
    /// The field at fault, when one is (a form shows the message beside it).
    public var field: String?
    /// When several problems were found at once: each of them (`message` joins them).
    public var parts: [TrackerError] = []

    public init(_ message: String, remedy: String? = nil, line: Int? = nil) {
        self.message = message
        self.remedy = remedy
        self.line = line
    }

    public var description: String {
        var text = line.map { "line \($0): " } ?? ""
        text += message
        if let remedy { text += " — \(remedy)" }
        return text
    }

    /// `file:line: message — remedy`, as editors and the curriculum checker print locations.
    public func located(in file: String) -> String {
        var copy = self
        copy.line = nil
        return line.map { "\(file):\($0): \(copy)" } ?? "\(file): \(copy)"
    }

    public static func field(_ name: String, _ value: String, _ problem: String, remedy: String? = nil) -> TrackerError {
        var error = TrackerError("\(name) `\(value)` \(problem)", remedy: remedy)
        error.field = name
        return error
    }
}
