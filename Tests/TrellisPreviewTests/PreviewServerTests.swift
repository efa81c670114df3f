import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisSite
@testable import TrellisPreview

/// `trellis serve`, in process: a real server on an ephemeral port, real files edited on
/// disk, and the watcher, the rebuild and the event stream between them.
@Suite(.serialized) struct PreviewServerTests {
    /// A scratch project with a running preview; `stop()` must be called at the end.
    final class Preview: @unchecked Sendable {
        let project: SiteProject
        let session: PreviewSession
        let server: PreviewServer
        let port: UInt16

        init(editions: [Edition] = Edition.allCases, watching: Bool = true) async throws {
            project = try SiteProject()
            let settings = SiteSettings(curriculumDirectory: project.curriculum, themeDirectory: project.theme,
                                        outputDirectory: project.output, editions: editions,
                                        searchLibraryPath: project.searchLibraryPath)
            let box = LineBox()
            session = PreviewSession(settings: settings, today: { Fixtures.today }, log: { box.append($0) })
            let session = self.session
            let first = try await offPool { session.rebuild(initial: true) }
            #expect(first.outcome != nil, "the fixture curriculum builds")
            server = try PreviewServer(session: session, host: "127.0.0.1", port: 0)
            port = try await server.start()
            logBox = box
            if watching { session.startWatching() }
        }

        private var logBox: LineBox?
        var log: [String] { logBox?.lines ?? [] }

        func get(_ path: String, method: String = "GET") async throws -> RawHTTPResponse {
            let port = self.port
            return try await offPool { try RawHTTP.get(path, port: port, method: method) }
        }

        func events() async throws -> EventStreamReader {
            let port = self.port
            let reader = try await offPool { try EventStreamReader(port: port) }
            let greeting = try await offPool { try reader.next() }
            #expect(greeting?.greeting == true)
            return reader
        }

        func stop() async { await server.stop() }
    }

    final class LineBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }

    private static func changed(_ event: ReceivedEvent) -> [String] { event.changed }
    private static func errors(_ event: ReceivedEvent) -> [ReceivedEvent.Problem] { event.errors }

    @Test func savingAModuleReloadsItsPageWithTheNewContent() async throws {
        let preview = try await Preview()
        let page = try await preview.get("/trainee/modules/welcome.html")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("id=\"trellis-preview\""))
        #expect(page.body.contains("new EventSource(\"/__trellis/events\")"))
        #expect(!page.body.contains("NEW-SENTINEL"))

        let events = try await preview.events()
        try preview.project.replace("Curriculum/modules/welcome.md", "Peer work starts", with: "NEW-SENTINEL Peer work starts")
        let event = try await offPool {
            try events.next { Self.changed($0).contains("trainee/modules/welcome.html") }
        }
        #expect(Self.errors(event).isEmpty)
        #expect(Self.changed(event).contains("trainer/modules/welcome.html"))
        let reloaded = try await preview.get("/trainee/modules/welcome.html")
        #expect(reloaded.body.contains("NEW-SENTINEL Peer work starts"))
        let session = event.build.prefix { $0 != "-" }
        #expect(reloaded.body.contains("data-build=\"\(session)-"), "the page names the build it shows")
        #expect(Self.changed(event).contains("trainee/manual.html"), "one event names every file the save changed")
        #expect(try await preview.get("/trainee/manual.html").body.contains("NEW-SENTINEL"))

        await preview.stop()
        #expect(preview.log.contains { $0.contains("modules/welcome.md changed:") && $0.contains("files written") },
                "one line per rebuild: \(preview.log)")
        try preview.project.expectSameAsCleanBuild("after the preview's rebuild")
    }

    @Test func anErrorShowsTheOverlayOverTheLastGoodPageUntilFixed() async throws {
        let preview = try await Preview()
        let events = try await preview.events()
        let good = try String(contentsOfFile: preview.project.curriculum + "/modules/planning.md", encoding: .utf8)
        try preview.project.replace("Curriculum/modules/planning.md", "competencies: [goal-setting]",
                                    with: "competencies: [goal-setting, \"<img src=x onerror=alert(1)>\"]")
        let broken = try await offPool { try events.next { !Self.errors($0).isEmpty } }
        let problem = try #require(Self.errors(broken).first)
        let location = problem.location
        #expect(location.hasPrefix(preview.project.curriculum + "/modules/planning.md:6:"), "the line of the bad competency")
        #expect(problem.text.hasPrefix(location + ": error: unknown competency"))
        #expect(Self.changed(broken).isEmpty, "nothing was written")

        let page = try await preview.get("/trainee/modules/planning.html")
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>Planning together</h1>"), "the last good page is still served")
        #expect(page.body.contains("<section id=\"trellis-preview-errors\" role=\"alert\" aria-labelledby=\"trellis-preview-errors-title\">"))
        #expect(page.body.contains("<code>\(location)</code>"))
        #expect(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!page.body.contains("<img src=x"), "diagnostics are escaped")

        try preview.project.write("Curriculum/modules/planning.md", good)
        let fixed = try await offPool { try events.next { Self.errors($0).isEmpty } }
        #expect(fixed.changed.isEmpty, "the fix restores the last good text, so no page changes: the event only clears the overlay")
        let after = try await preview.get("/trainee/modules/planning.html")
        #expect(after.body.contains("aria-labelledby=\"trellis-preview-errors-title\" hidden>"))
        await preview.stop()
        #expect(preview.log.contains { $0.contains("modules/planning.md changed: 1 error") }, "\(preview.log)")
    }

    @Test func badInputNeverStopsTheServer() async throws {
        let preview = try await Preview()
        let events = try await preview.events()
        let framework = try String(contentsOfFile: preview.project.curriculum + "/competencies.yml", encoding: .utf8)
        let layout = try String(contentsOfFile: preview.project.theme + "/templates/layout.mustache", encoding: .utf8)

        try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: preview.project.curriculum + "/modules/welcome.md"))
        let notText = try await offPool { try events.next { Self.errors($0).contains { $0.message.contains("UTF-8") } } }
        #expect(Self.errors(notText).contains { $0.location.contains("modules/welcome.md") }, "the error names the file")
        try preview.project.remove("Curriculum/competencies.yml")
        try preview.project.write("Site/templates/layout.mustache", "{{#broken}}\n")
        _ = try await offPool { try events.next { Self.errors($0).contains { $0.location.contains("competencies.yml") } } }
        #expect(try await preview.get("/trainee/index.html").status == 200)

        try FileManager.default.copyItem(atPath: Fixtures.valid + "/modules/welcome.md", toPath: preview.project.curriculum + "/modules/welcome.tmp")
        try FileManager.default.removeItem(atPath: preview.project.curriculum + "/modules/welcome.md")
        try FileManager.default.moveItem(atPath: preview.project.curriculum + "/modules/welcome.tmp",
                                         toPath: preview.project.curriculum + "/modules/welcome.md")
        try preview.project.write("Curriculum/competencies.yml", framework)
        let templateError = try await offPool { try events.next { Self.errors($0).contains { $0.location.contains("layout.mustache") } } }
        #expect(Self.errors(templateError).count == 1)
        try preview.project.write("Site/templates/layout.mustache", layout)
        _ = try await offPool { try events.next { Self.errors($0).isEmpty } }
        #expect(try await preview.get("/trainer/index.html").status == 200)
        await preview.stop()
        try preview.project.expectSameAsCleanBuild("after recovering from bad input")
    }

    @Test func traversalAndSymbolicLinksOutOfTheSiteGet404() async throws {
        let preview = try await Preview(watching: false)
        let secret = "SECRET-OUTSIDE-THE-SITE"
        try preview.project.write("outside/secret.txt", secret)
        let site = preview.project.output + "/trainee"
        try FileManager.default.createSymbolicLink(atPath: site + "/escape.txt", withDestinationPath: preview.project.scratch.path + "/outside/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: site + "/escape-dir", withDestinationPath: preview.project.scratch.path + "/outside")
        try preview.project.write("site/trainee/.hidden.html", secret)
        let depth = String(repeating: "../", count: 12)
        let paths = [
            "/../", "/../outside/secret.txt", "/trainee/../../outside/secret.txt", "/trainee/\(depth)etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd", "/trainee/%2e%2e/%2e%2e/outside/secret.txt", "/trainee/%2E%2E/trainer/index.html",
            "/trainee/modules/..%2f..%2f..%2fetc/passwd", "/trainee/modules/..%2F..%2F..%2Foutside%2Fsecret.txt",
            "/trainee/..%5c..%5coutside%5csecret.txt", "/trainee/escape.txt", "/trainee/escape-dir/secret.txt",
            "/trainee/.hidden.html", "/trainee/%2ehidden.html", "/trainee/index.html%00.txt", "/etc/passwd", "/__trellis/../trainee/index.html",
        ]
        for path in paths {
            let response = try await preview.get(path)
            #expect(response.status == 404, "\(path) gave \(response.status)")
            #expect(!response.body.contains(secret), "\(path) leaked the file")
            #expect(!response.body.contains("root:x:0:0"), "\(path) leaked /etc/passwd")
        }
        await preview.stop()
    }

    @Test func filesAreServedWithTheirContentTypes() async throws {
        let preview = try await Preview(watching: false)
        let expected = [
            "/trainee/static/trellis.css": "text/css; charset=utf-8",
            "/trainee/static/trellis.js": "text/javascript; charset=utf-8",
            "/trainee/search-index.js": "text/javascript; charset=utf-8",
            "/trainer/assets/circle.png": "image/png",
            "/trainer/assets/handout.txt": "text/plain; charset=utf-8",
            "/trainer/facilitator.html": "text/html; charset=utf-8",
            "/trainee/": "text/html; charset=utf-8",
        ]
        for (path, type) in expected {
            let response = try await preview.get(path)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["content-type"] == type, "\(path)")
            #expect(response.headers["x-content-type-options"] == "nosniff")
        }
        let css = try await preview.get("/trainee/static/trellis.css")
        #expect(css.body == (try String(contentsOfFile: preview.project.theme + "/static/trellis.css", encoding: .utf8)),
                "only HTML pages get the preview script")
        #expect(try await preview.get("/").headers["location"] == "/trainee/index.html")
        #expect(try await preview.get("/trainee").headers["location"] == "/trainee/")
        #expect(try await preview.get("/trainee/modules").headers["location"] == "modules/")
        let missing = try await preview.get("/trainee/modules/no-such-module.html")
        #expect(missing.status == 404)
        #expect(missing.body.contains("Page not found") && missing.body.contains("trellis-preview"), "the edition's own 404 page")
        #expect(try await preview.get("/trainee/index.html", method: "POST").status == 405)
        #expect(try await preview.get("/trainee/index.html", method: "HEAD").status == 200)
        await preview.stop()
    }

    @Test func theEditionSwitchLinksToTheSamePageInTheOtherEdition() async throws {
        let preview = try await Preview(watching: false)
        #expect(try await preview.get("/trainee/modules/welcome.html").body.contains("href=\"/trainer/modules/welcome.html\""))
        #expect(try await preview.get("/trainer/competency-map.html").body.contains("href=\"/trainee/competency-map.html\""))
        #expect(try await preview.get("/trainer/facilitator.html").body.contains("href=\"/trainee/index.html\""),
                "the trainee edition has no facilitator overview")
        await preview.stop()

        let single = try await Preview(editions: [.trainer], watching: false)
        #expect(try await single.get("/").headers["location"] == "/trainer/index.html")
        #expect(try await single.get("/trainee/index.html").status == 404)
        let page = try await single.get("/trainer/index.html")
        #expect(page.status == 200)
        #expect(!page.body.contains("trellis-preview-toggle\" href"))
        await single.stop()
    }

    @Test func builtFilesNeverContainThePreviewScript() async throws {
        let preview = try await Preview()
        let events = try await preview.events()
        try preview.project.replace("Curriculum/modules/listening.md", "title: Listening\n", with: "title: Listening again\n")
        _ = try await offPool { try events.next { Self.changed($0).contains("trainee/manual.html") } }
        await preview.stop()
        for (path, data) in try snapshot(of: preview.project.output) {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("__trellis") && !text.contains("trellis-preview"), "\(path)")
        }
    }

    @Test func aPortInUseIsReportedWithTheRemedy() async throws {
        let preview = try await Preview(watching: false)
        let second = try PreviewServer(session: preview.session, host: "127.0.0.1", port: preview.port)
        do {
            _ = try await second.start()
            Issue.record("a second server on port \(preview.port) must not start")
        } catch {
            guard case .portInUse(_, let port) = error else { Issue.record("expected portInUse, got \(error)"); return }
            #expect(port == preview.port)
            #expect(error.description.contains("--port"))
        }
        #expect(throws: PreviewServer.StartError.self) { try PreviewServer(session: preview.session, host: "not-an-address", port: 0) }
        await preview.stop()
    }

    @Test func stoppingEndsOpenEventStreamsAndLeavesTheSiteBuilt() async throws {
        let preview = try await Preview()
        let events = try await preview.events()
        #expect(preview.session.listenerCount == 1)
        await preview.stop()
        let end = try await offPool { try events.next(timeout: 10) }
        #expect(end == nil, "the stream ends when the server stops")
        #expect(try preview.project.build().filesWritten == 0, "the preview leaves the site as `trellis build` would")
    }
}
