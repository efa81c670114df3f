import Hummingbird
import Logging
import TrellisTracker

/// Turns every error into a page a person can read, with the right status: an `HTTPError`
/// keeps its status and message; anything else is a 500 whose details go to the log only.
/// A request is never left without an answer.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return page(error.status, message: error.body ?? error.status.reasonPhrase, context)
        } catch {
            context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            return page(.internalServerError, message: "Something went wrong on the server. Nothing was saved. Try again, and tell your administrator if it happens again.", context)
        }
    }

    private func page(_ status: HTTPResponse.Status, message: String, _ context: Context) -> Response {
        let title = switch status {
        case .notFound: "Page not found"
        case .forbidden: "Not allowed"
        case .unprocessableContent: "Not saved"
        case .badRequest: "The request could not be read"
        default: status.reasonPhrase
        }
        let message = status == .notFound ? "There is no such page, or it is not one you can see." : message
        return pages.page("error", title: title, visitor: context.visitor, status: status, ["message": message, "code": status.code])
    }
}

/// A page that is not there and a page the visitor may not see get the same answer (404), so
/// that trying addresses tells nobody which trainees exist.
func notFound() -> HTTPError { HTTPError(.notFound) }
