import TrellisTracker

/// Tracker messages as a web page says them. The tracker's errors are written for the command
/// line (values in backticks, remedies that name commands and options); a person using the
/// web pages gets the same problem in plain words, and a remedy only when it is one they can act
/// on from the page.
enum WebText {
    static func message(_ error: TrackerError) -> String {
        var text = error.message.replacingOccurrences(of: " `` ", with: " ")
        text = quoted(text)
        if let remedy = error.remedy, !isCommandLine(remedy) { text += ". " + capitalized(quoted(remedy)) }
        return capitalized(text) + (text.hasSuffix(".") ? "" : ".")
    }

    /// The remedy alone, or "" when it is the command line's.
    static func remedy(_ error: TrackerError) -> String {
        guard let remedy = error.remedy, !isCommandLine(remedy) else { return "" }
        return capitalized(quoted(remedy))
    }

    /// The problem alone, without the remedy.
    static func problem(_ error: TrackerError) -> String {
        capitalized(quoted(error.message.replacingOccurrences(of: " `` ", with: " ")))
    }

    /// "1 trainee", "2 trainees".
    static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }

    private static func isCommandLine(_ text: String) -> Bool {
        text.contains("`") || text.contains("--") || text.contains("trellis ")
    }

    /// `value` → “value”.
    private static func quoted(_ text: String) -> String {
        var result = "", open = true
        for character in text {
            if character == "`" { result.append(open ? "“" : "”"); open.toggle() } else { result.append(character) }
        }
        return result
    }

    private static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
