import Foundation
import Hummingbird

/// A submitted form (`application/x-www-form-urlencoded`): each field's values, in order.
struct FormFields: Sendable {
    private var values: [String: [String]] = [:]

    init(_ pairs: [(String, String)] = []) {
        for (name, value) in pairs { values[name, default: []].append(value) }
    }

    /// Parses a form body; nil when it is not valid form encoding (a 400). Each `name=value`
    /// pair is split at `&` and `=`, `+` read as a space and `%XX` decoded; a bad `%` sequence or
    /// invalid UTF-8 makes the whole form invalid rather than a field silently wrong.
    init?(encoded body: String) {
        var pairs: [(String, String)] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            pairs.append((name, value))
        }
        self.init(pairs)
    }

    /// The field's first value, trimmed; nil when missing or blank.
    subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The field's first value exactly as sent (passwords are not trimmed).
    func raw(_ name: String) -> String? { values[name]?.first }

    /// Whether the form has the field at all (empty or not).
    func has(_ name: String) -> Bool { values[name] != nil }

    /// Every value of a repeated field (checkboxes), blank ones left out.
    func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension Request {
    /// The request's form, read once. A body that is not form encoding is a 400; too large a 413.
    mutating func form(_ context: WebRequestContext) async throws -> FormFields {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard let form = FormFields(encoded: String(buffer: buffer)) else {
            throw HTTPError(.badRequest, message: "The form could not be read. Go back and send it again.")
        }
        return form
    }
}
