import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client on raw sockets, for the preview server's tests: requests go
/// out exactly as written (`/../`, `%2e%2e` and all), which URLSession would normalize.
///
/// Every call blocks its thread, so the tests run it on a thread of its own (`offPool`),
/// never on the cooperative threads the server itself needs.
struct RawHTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func open(port: UInt16) throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "cannot connect to port \(port): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    static func write(_ text: String, to descriptor: Int32) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, flags) }
            guard count > 0 else { throw Failure(description: "send failed") }
            sent += count
        }
    }

    /// Reads what is available within `timeout` seconds; nil at end of stream.
    static func receive(from descriptor: Int32, timeout: TimeInterval) throws -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(timeout * 1000))
        guard ready > 0 else { throw Failure(description: "no data within \(timeout) s") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return nil }
        return Array(buffer[0..<count])
    }

    /// Sends `GET path` (raw, as given) and reads the whole response.
    static func get(_ path: String, port: UInt16, method: String = "GET", timeout: TimeInterval = 10) throws -> RawHTTPResponse {
        let descriptor = try open(port: port)
        defer { close(descriptor) }
        try write("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", to: descriptor)
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while let chunk = try receive(from: descriptor, timeout: max(0.1, deadline.timeIntervalSinceNow)) {
            data += chunk
            if let response = parse(data), response.body.utf8.count >= Int(response.headers["content-length"] ?? "") ?? Int.max {
                return response
            }
        }
        guard let response = parse(data) else { throw Failure(description: "no HTTP response to \(path)") }
        return response
    }

    private static func parse(_ data: [UInt8]) -> RawHTTPResponse? {
        let text = String(decoding: data, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawHTTPResponse(status: status, headers: headers, body: String(text[end.upperBound...]))
    }
}

/// One `build` event as the page's script reads it.
struct ReceivedEvent: Decodable, Sendable {
    struct Problem: Decodable, Sendable {
        var location: String
        var severity: String
        var message: String
        var remedy: String?
        var text: String
    }

    var build: String
    var changed: [String]
    var all: Bool
    var greeting: Bool
    var errors: [Problem]
}

/// An open `/__trellis/events` stream, decoded from chunked transfer encoding into events.
final class EventStreamReader: @unchecked Sendable {
    private let descriptor: Int32
    private var raw: [UInt8] = []
    private var text = ""
    private var sawHeaders = false

    init(port: UInt16) throws {
        descriptor = try RawHTTP.open(port: port)
        try RawHTTP.write("GET /__trellis/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n", to: descriptor)
    }

    deinit { close(descriptor) }

    /// The next `build` event's data; throws after `timeout` seconds, nil when the stream ended.
    func next(timeout: TimeInterval = 20) throws -> ReceivedEvent? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            decodeChunks()
            if let range = text.range(of: "\n\n") {
                let block = String(text[..<range.lowerBound])
                text.removeSubrange(..<range.upperBound)
                for line in block.split(separator: "\n") where line.hasPrefix("data: ") {
                    return try JSONDecoder().decode(ReceivedEvent.self, from: Data(line.dropFirst(6).utf8))
                }
                continue
            }
            guard deadline.timeIntervalSinceNow > 0 else { throw RawHTTP.Failure(description: "no event within \(timeout) s") }
            guard let chunk = try RawHTTP.receive(from: descriptor, timeout: deadline.timeIntervalSinceNow) else { return nil }
            raw += chunk
        }
    }

    /// Waits for an event that satisfies `condition`, skipping others.
    func next(timeout: TimeInterval = 20, where condition: (ReceivedEvent) -> Bool) throws -> ReceivedEvent {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            guard let event = try next(timeout: max(0.1, deadline.timeIntervalSinceNow)) else {
                throw RawHTTP.Failure(description: "the event stream ended")
            }
            if condition(event) { return event }
        }
    }

    private func decodeChunks() {
        if !sawHeaders {
            guard let end = find([13, 10, 13, 10], in: raw) else { return }
            raw.removeFirst(end + 4)
            sawHeaders = true
        }
        while let lineEnd = find([13, 10], in: raw), let size = Int(String(decoding: raw[0..<lineEnd], as: UTF8.self), radix: 16),
              raw.count >= lineEnd + 2 + size + 2 {
            text += String(decoding: raw[(lineEnd + 2)..<(lineEnd + 2 + size)], as: UTF8.self)
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle { return index }
        return nil
    }
}

/// Runs blocking work on a thread outside Swift concurrency's small cooperative pool, which
/// the server under test needs for itself.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
