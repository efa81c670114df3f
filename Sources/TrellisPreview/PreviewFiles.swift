import Foundation
import TrellisModel
import TrellisSite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the file a preview request names, never outside the output folder.
///
/// The request's path is taken as sent (still percent-encoded) and checked segment by
/// segment *after* decoding, so `..`, `%2e%2e` and `..%2f` are all refused; hidden names
/// (the build's temporary files) are refused too. The file found is then resolved with
/// `realpath` and must lie inside the folder's own real path, so a symbolic link that
/// leads out of the folder is refused as well.
enum PreviewFiles {
    enum Resolution: Equatable {
        case file(String)
        /// A folder asked for without its trailing slash: relative links need the slash.
        case redirect(to: String)
        case notFound
    }

    /// - Parameters:
    ///   - rawPath: the request path below the edition, percent-encoded (`modules/engage.html`).
    ///   - root: the edition's folder.
    static func resolve(rawPath: Substring, root: String) -> Resolution {
        var segments: [String] = []
        for raw in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(raw).removingPercentEncoding, isSafe(segment: decoded) else { return .notFound }
            segments.append(decoded)
        }
        guard let realRoot = realPath(root) else { return .notFound }
        var candidate = segments.isEmpty ? realRoot : join(realRoot, segments.joined(separator: "/"))
        if FileStatus.of(candidate)?.kind == .directory {
            if !segments.isEmpty, !rawPath.hasSuffix("/") { return .redirect(to: String(rawPath.split(separator: "/").last ?? "") + "/") }
            candidate = join(candidate, "index.html")
        }
        guard let real = realPath(candidate), real.hasPrefix(realRoot + "/"), FileStatus.of(real)?.kind == .regular else { return .notFound }
        return .file(real)
    }

    private static func isSafe(segment: String) -> Bool {
        !segment.isEmpty && !segment.hasPrefix(".") && !segment.contains("/") && !segment.contains("\\")
            && !segment.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The `Content-Type` for a file, by extension; text types say they are UTF-8.
    static func contentType(for path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json; charset=utf-8"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "ico": return "image/x-icon"
        case "pdf": return "application/pdf"
        case "zip": return "application/zip"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "ttf": return "font/ttf"
        case "otf": return "font/otf"
        case "mp3": return "audio/mpeg"
        case "m4a": return "audio/mp4"
        case "ogg": return "audio/ogg"
        case "wav": return "audio/wav"
        case "mp4", "m4v": return "video/mp4"
        case "webm": return "video/webm"
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "pptx": return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case "xlsx": return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "odt": return "application/vnd.oasis.opendocument.text"
        default: return "application/octet-stream"
        }
    }
}
