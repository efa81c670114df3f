import Foundation
import Testing
import TrellisTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `trellis serve` takes its port before it builds: a port in use is said at once, and the
/// site is not built for a server that cannot run.
@Suite struct ServePortTests {
    /// A TCP port on 127.0.0.1 held open by this test: its number and the socket.
    private func occupiedPort() throws -> (port: UInt16, socket: Int32) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        #expect(bound && listen(descriptor, 1) == 0)
        return (UInt16(bigEndian: address.sin_port), descriptor)
    }

    @Test func aPortInUseStopsServeBeforeItBuilds() throws {
        let scratch = try ScratchDirectory()
        let (port, held) = try occupiedPort()
        defer { close(held) }
        let output = scratch.path + "/_site"
        let result = try runTrellis(["serve", "--curriculum", Fixtures.valid, "--theme", Fixtures.theme, "--output", output, "--port", String(port)])
        #expect(result.status == 1)
        #expect(result.error.contains("port \(port)") && result.error.contains("--port"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing is built for a server that cannot start")
    }
}
