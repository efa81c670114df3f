import Foundation
import TrellisTestSupport
import TrellisTracker

/// The built `trellis` executable (from this package's build folder).
func trellisBinary() throws -> String {
    // The trellis built beside this test bundle first (so `swift test --scratch-path X` tests
    // X's build, not another one), then the default build folder.
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trellis").path
    let candidates = [besideTests] + [".build/debug/trellis", ".build/x86_64-unknown-linux-gnu/debug/trellis", ".build/aarch64-unknown-linux-gnu/debug/trellis"]
        .map { Fixtures.packageRoot + "/" + $0 }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TrackerError("the trellis executable is not built", remedy: "run `swift build` before `swift test`")
    }
    return binary
}

func runTrellis(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, error: String, signal: Bool) {
    let binary = try trellisBinary()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.packageRoot)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self),
            process.terminationReason == .uncaughtSignal)
}
