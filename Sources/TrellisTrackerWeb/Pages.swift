import Foundation
import Hummingbird
import Mustache
import TrellisModel
import TrellisTemplates
import TrellisTracker

/// The web tracker's pages: `TrackerWeb/templates/*.mustache`, embedded in the binary at build
/// time, rendered by swift-mustache (which escapes every `{{value}}` for HTML).
struct Pages: Sendable {
    let library: MustacheLibrary
    let stylesheet: [UInt8]

    init() throws {
        var library = MustacheLibrary()
        var stylesheet: [UInt8] = []
        for (path, content) in TrackerWebFiles.files {
            if path.hasPrefix("templates/"), path.hasSuffix(".mustache") {
                let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
                library.register(try MustacheTemplate(string: String(decoding: content.bytes, as: UTF8.self)), named: name)
            } else if path == "static/tracker.css" {
                stylesheet = content.bytes
            }
        }
        self.library = library
        self.stylesheet = stylesheet
    }

    /// A whole page: `template` inside the layout, with the navigation the visitor's role has.
    func page(_ template: String, title: String, visitor: Visitor?, status: HTTPResponse.Status = .ok,
              _ fields: [String: Any] = [:]) -> Response {
        var fields = fields
        fields["csrf"] = visitor?.session.csrfToken ?? fields["csrf"]
        // Converted once to typed values: swift-mustache then finds each name without casting
        // `Any` (three fifths of a trainee page's time went to those casts).
        let body = library.render(TemplateValue(fields), withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let visitor {
            layout["signedIn"] = ["name": visitor.account.name, "role": visitor.account.role.rawValue, "csrf": visitor.session.csrfToken]
            layout["nav"] = Self.navigation(for: visitor.account.role)
        }
        let html = library.render(TemplateValue(layout), withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func navigation(for role: Account.Role) -> [[String: String]] {
        switch role {
        case .admin: [["href": "/admin/accounts", "label": "Accounts"], ["href": "/admin/audit", "label": "Audit log"]]
        case .coordinator: [["href": "/trainees", "label": "Trainees"], ["href": "/trainees/new", "label": "Add a trainee"], ["href": "/import", "label": "Import"],
                            ["href": "/reports", "label": "Report"], ["href": "/due", "label": "Due and lapsing"]]
        case .supervisor: [["href": "/sign-offs", "label": "Sign-off queue"], ["href": "/trainees", "label": "My supervisees"]]
        case .coach: [["href": "/trainees", "label": "My trainees"]]
        case .trainee: [["href": "/me", "label": "My progress"]]
        }
    }
}

/// An optional value for a template: the value, or `false`, which Mustache takes as "none"
/// (a nil would be rendered as the word "nil").
func shown(_ value: String?) -> Any { value ?? false }

/// A 303 to another page of the tracker (after a form, the browser asks for the page again).
func redirect(to path: String) -> Response {
    Response(status: .seeOther, headers: [.location: path])
}
