import FlyingFox
import FlyingSocks
import Foundation
import TrellisModel
import TrellisSite

/// The HTTP side of `trellis serve`: the built editions under `/trainee/` and `/trainer/`,
/// with the preview script added to each HTML page, and build events at `/__trellis/events`.
///
/// Built on FlyingFox rather than Hummingbird: it is a small, pure-Swift server on
/// async/await without SwiftNIO (a fraction of the build time on a two-core machine), and it
/// streams a response body chunk by chunk, which is all Server-Sent Events need. SSE rather
/// than WebSocket because the page only listens, and browsers reconnect an `EventSource` by
/// themselves after the server restarts.
public final class PreviewServer: Sendable {
    public enum StartError: Error, Sendable, CustomStringConvertible {
        case portInUse(host: String, port: UInt16)
        case badHost(String)
        case cannotListen(host: String, port: UInt16, reason: String)

        public var description: String {
            switch self {
            case .portInUse(let host, let port):
                return "port \(port) on \(host) is already in use — stop the other server, or choose another port, e.g. `trellis serve --port \(port == UInt16.max ? 8000 : port + 1)`"
            case .badHost(let host):
                return "`\(host)` is not an IP address to listen on — use 127.0.0.1 (this machine only), ::1, or 0.0.0.0 to let other machines connect"
            case .cannotListen(let host, let port, let reason):
                return "cannot listen on \(host) port \(port): \(reason) — try another --port or --host"
            }
        }
    }

    public let session: PreviewSession
    public let host: String
    private let server: HTTPServer
    private let runner = RunTask()

    /// - Parameters:
    ///   - host: an IPv4 or IPv6 address; `localhost` means 127.0.0.1.
    ///   - port: 0 picks a free port (see `start()`'s result).
    public init(session: PreviewSession, host: String = "127.0.0.1", port: UInt16 = 8000) throws(StartError) {
        self.session = session
        let address = host == "localhost" ? "127.0.0.1" : host
        self.host = address
        let socketAddress: any SocketAddress
        do {
            socketAddress = address.contains(":") ? try sockaddr_in6.inet6(ip6: address, port: port) as any SocketAddress
                : try sockaddr_in.inet(ip4: address, port: port) as any SocketAddress
        } catch {
            throw .badHost(host)
        }
        self.requestedPort = port
        // 15 s to produce a response; an event stream's body is sent after that, for as long as the page is open.
        server = HTTPServer(config: HTTPServer.Configuration(address: socketAddress, timeout: 15, logger: .disabled))
    }

    private let requestedPort: UInt16

    /// True when only this machine can connect.
    public var isLoopback: Bool { host.hasPrefix("127.") || host == "::1" }

    /// Starts listening; returns the port (the one chosen when asked for port 0).
    public func start() async throws(StartError) -> UInt16 {
        let handler = PreviewHandler(session: session)
        await server.appendRoute("*") { request in await handler.respond(to: request) }
        let server = self.server
        let runner = self.runner
        runner.task = Task {
            do {
                try await server.run()
            } catch {
                runner.fail(error)
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if await server.isListening, let address = await server.listeningAddress {
                switch address {
                case .ip4(_, let port), .ip6(_, let port): return port
                case .unix: return requestedPort
                }
            }
            if let failure = runner.failure {
                if case SocketError.failed(let type, let code, let message) = failure {
                    if code == EADDRINUSE { throw .portInUse(host: host, port: requestedPort) }
                    throw .cannotListen(host: host, port: requestedPort, reason: "\(type): \(message)")
                }
                throw .cannotListen(host: host, port: requestedPort, reason: "\(failure)")
            }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        throw .cannotListen(host: host, port: requestedPort, reason: "the server did not start within 10 seconds")
    }

    /// Ends every page's event stream, then stops listening.
    public func stop() async {
        session.stop()
        await server.stop(timeout: 1)
        runner.task?.cancel()
    }
}

/// The server's run task and how it failed, shared with `start()`.
private final class RunTask: @unchecked Sendable {
    private let lock = NSLock()
    private var _task: Task<Void, Never>?
    private var _failure: (any Error)?

    var task: Task<Void, Never>? {
        get { lock.guarding { _task } }
        set { lock.guarding { _task = newValue } }
    }

    var failure: (any Error)? { lock.guarding { _failure } }

    func fail(_ error: any Error) { lock.guarding { _failure = error } }
}

/// Answers one request: a file of an edition, the event stream, or 404.
struct PreviewHandler: Sendable {
    let session: PreviewSession

    static let eventsPath = "/__trellis/events"

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed, headers: HTTPHeaders([HTTPHeader("Allow"): "GET, HEAD"]))
        }
        let path = request.target.path()
        if path == Self.eventsPath { return eventStream() }
        let editions = session.settings.editions
        if path == "/" || path.isEmpty, let first = editions.first {
            return HTTPResponse(statusCode: .found, headers: HTTPHeaders([.location: "/\(first.rawValue)/index.html"]))
        }
        let trimmed = path.drop { $0 == "/" }
        let editionName = trimmed.prefix { $0 != "/" }
        guard let edition = editions.first(where: { $0.rawValue == editionName }) else { return notFound(edition: editions.first) }
        let rest = trimmed.dropFirst(editionName.count)
        if rest.isEmpty { return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: "/\(edition.rawValue)/"])) }
        let root = join(session.settings.outputDirectory, edition.rawValue)
        switch PreviewFiles.resolve(rawPath: rest.dropFirst(), root: root) {
        case .notFound:
            return notFound(edition: edition)
        case .redirect(let location):
            return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: location]))
        case .file(let file):
            guard let data = FileManager.default.contents(atPath: file) else { return notFound(edition: edition) }
            let body = request.method == .HEAD ? Data() : (file.hasSuffix(".html") ? page(data, edition: edition, path: rest.dropFirst()) : data)
            return HTTPResponse(statusCode: .ok, headers: headers(contentType: PreviewFiles.contentType(for: file)), body: body)
        }
    }

    private func headers(contentType: String) -> HTTPHeaders {
        [.contentType: contentType, .cacheControl: "no-store", HTTPHeader("X-Content-Type-Options"): "nosniff"]
    }

    /// An HTML page with the preview script, overlay and edition switch added.
    private func page(_ data: Data, edition: Edition, path: Substring) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let markup = PreviewOverlay.markup(event: session.current, edition: edition, otherEdition: otherEdition(of: edition, path: path))
        return Data(PreviewOverlay.inject(markup, into: text).utf8)
    }

    /// The same page in the other edition, or its home page when it has no such page.
    private func otherEdition(of edition: Edition, path: Substring) -> (edition: Edition, url: String)? {
        guard let other = session.settings.editions.first(where: { $0 != edition }) else { return nil }
        let root = join(session.settings.outputDirectory, other.rawValue)
        if case .file = PreviewFiles.resolve(rawPath: path, root: root) { return (other, "/\(other.rawValue)/\(path)") }
        return (other, "/\(other.rawValue)/index.html")
    }

    /// The edition's own 404 page (with the preview overlay, so errors show there too).
    private func notFound(edition: Edition?) -> HTTPResponse {
        var body = Data("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>".utf8)
        if let edition, let data = FileManager.default.contents(atPath: join(join(session.settings.outputDirectory, edition.rawValue), "404.html")) {
            body = data
        }
        let page = edition.map { self.page(body, edition: $0, path: "404.html") } ?? body
        return HTTPResponse(statusCode: .notFound, headers: headers(contentType: "text/html; charset=utf-8"), body: page)
    }

    private func eventStream() -> HTTPResponse {
        HTTPResponse(statusCode: .ok,
                     headers: HTTPHeaders([.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                           HTTPHeader("X-Accel-Buffering"): "no"]),
                     body: HTTPBodySequence(from: EventStreamBody(events: session.events())))
    }
}

/// A never-ending response body made of the session's event texts, sent chunk by chunk.
struct EventStreamBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let events: AsyncStream<String>

    func makeAsyncIterator() -> Iterator { Iterator(base: events.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<String>.Iterator
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            if pending.isEmpty {
                guard let text = await base.next() else { return nil }
                pending = Array(text.utf8)
            }
            return pending.removeFirst()
        }

        mutating func nextBuffer(suggested count: Int) async -> ArraySlice<UInt8>? {
            if pending.isEmpty {
                guard let text = await base.next() else { return nil }
                pending = Array(text.utf8)
            }
            let chunk = pending.prefix(Swift.max(1, count))
            pending.removeFirst(chunk.count)
            return chunk
        }
    }
}
