import Foundation

/// Where tracker data lives unless a command is told otherwise: outside any curriculum
/// repository, in the user's own data folder.
public enum TrackerLocation {
    public static let environmentVariable = "TRELLIS_DB"

    /// `$TRELLIS_DB`, else `$XDG_DATA_HOME/trellis/tracker.sqlite`, else `~/.local/share/trellis/tracker.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/trellis/tracker.sqlite"
    }
}
