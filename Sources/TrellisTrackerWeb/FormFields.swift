import Foundation
import Hummingbird
import MultipartKit

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

    /// Parses a `multipart/form-data` body (a file upload): each part's `name` and its content
    /// as text; nil when the body is not valid multipart or a part is not UTF-8 text.
    init?(multipart body: ByteBuffer, boundary: String) {
        let parser = MultipartParser(boundary: boundary)
        var pairs: [(String, String)] = []
        var name: String?
        var content = ByteBuffer()
        var valid = true
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            // form-data; name="file"; filename="evidence.csv"
            for parameter in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where parameter.hasPrefix("name=") {
                name = String(parameter.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            if let name, let text = content.readString(length: content.readableBytes, encoding: .utf8) { pairs.append((name, text)) } else { valid = false }
            (name, content) = (nil, ByteBuffer())
        }
        do { try parser.execute(body) } catch { return nil }
        // A body with no part at all (no boundary in it) is not a multipart form either.
        guard valid, !pairs.isEmpty || body.readableBytes == 0 else { return nil }
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
    /// The request's form, read once: form encoding, or multipart for an upload. A body that is
    /// neither is a 400; too large a 413.
    mutating func form(_ context: WebRequestContext) async throws -> FormFields {
        if let form = context.form { return form }
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        let type = headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            let boundary = type.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.lowercased().hasPrefix("boundary=") }.map { String($0.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard let boundary, !boundary.isEmpty, let form = FormFields(multipart: buffer, boundary: boundary) else {
                throw HTTPError(.badRequest, message: "The upload could not be read. Choose the file again and send it.")
            }
            return form
        }
        guard let form = FormFields(encoded: String(buffer: buffer)) else {
            throw HTTPError(.badRequest, message: "The form could not be read. Go back and send it again.")
        }
        return form
    }
}
