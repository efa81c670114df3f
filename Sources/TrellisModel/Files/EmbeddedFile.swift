import Foundation

/// A file built into the `trellis` binary (the site's theme, the web tracker's pages): its
/// bytes as the EmbedTheme plugin's generator wrote them, text as text and anything else as
/// base64, so the binary needs no files beside it once installed.
public enum EmbeddedFile: Sendable {
    case text(String)
    case base64(String)

    public var bytes: [UInt8] {
        switch self {
        case .text(let text): Array(text.utf8)
        case .base64(let encoded): Data(base64Encoded: encoded).map { [UInt8]($0) } ?? []
        }
    }
}
