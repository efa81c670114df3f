import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisSite

@Suite struct ManualBodyTests {
    /// Ids are prefixed with the module's id, links between modules stay on the page, headings
    /// move one level down, `../` is dropped; text between tags is left exactly as it is.
    @Test func rewritesOneModuleForTheWholeCurriculumPage() throws {
        let html = try String(contentsOfFile: Fixtures.golden + "/manual-body.input.html", encoding: .utf8)
        let expected = try String(contentsOfFile: Fixtures.golden + "/manual-body.expected.html", encoding: .utf8)
        #expect(ManualBody.rewrite(html, moduleID: "welcome", moduleIDs: ["welcome", "listening"]) == expected)
    }

    @Test func oddAttributeValues() {
        let html = ##"<p id="a  b " aria-labelledby=""><a href="#">x</a><a href="listening.html#">y</a><a href=".html">z</a>"##
            + ##"<a href="../modules/listening.html">w</a><a href="listening.htm">v</a><img src="pic.png" /></p>"##
        let expected = ##"<p id="m--a m--b" aria-labelledby=""><a href="#m--">x</a><a href="#listening--">y</a><a href=".html">z</a>"##
            + ##"<a href="modules/listening.html">w</a><a href="listening.htm">v</a><img src="pic.png" /></p>"##
        #expect(ManualBody.rewrite(html, moduleID: "m", moduleIDs: ["m", "listening"]) == expected)
    }

    @Test func endsCleanlyInsideAnUnfinishedTag() {
        #expect(ManualBody.rewrite("<p>a</p><a href=\"listening.html", moduleID: "m", moduleIDs: ["listening"]) == "<p>a</p><a href=\"listening.html")
        #expect(ManualBody.rewrite("", moduleID: "m", moduleIDs: []) == "")
    }
}
