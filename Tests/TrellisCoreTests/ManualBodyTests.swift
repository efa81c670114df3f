import Testing
@testable import TrellisCore

@Suite struct ManualBodyTests {
    /// Ids are prefixed with the module's id, links between modules stay on the page, headings
    /// move one level down, `../` is dropped; text between tags is left exactly as it is.
    @Test func rewritesOneModuleForTheWholeCurriculumPage() {
        let html = """
        <h2 id="why-this-matters">Why this matters</h2>
        <p>Text with id=&quot;x&quot; and href=&quot;y&quot; <em>inside</em> it, 3 &lt; h2 and a &gt; b.</p>
        <aside class="callout callout-scenario" aria-labelledby="callout-1"><p class="callout-label" id="callout-1">Scenario</p>
        <p><a href="#why-this-matters">here</a>, <a href="listening.html">listening</a>, <a href="listening.html#reflecting-feelings">feelings</a>,
        <a href="unknown.html#x">unknown</a>, <a href="https://example.org/a.html">out</a>, <a href="../assets/handout.txt">handout</a>
        <img src="../assets/circle.png" alt="A circle, h2 &quot;round&quot;" /></p></aside>
        <h6 id="deep">Deep</h6><h10>not a heading</h10>
        <div class="table-wrap" role="region" tabindex="0" aria-label="Table: Step, id=&quot;Time&quot;"><table>
        <!-- raw HTML omitted -->
        <p aria-describedby="note-1 note-2">Two ids</p>
        """
        let expected = """
        <h3 id="welcome--why-this-matters">Why this matters</h3>
        <p>Text with id=&quot;x&quot; and href=&quot;y&quot; <em>inside</em> it, 3 &lt; h2 and a &gt; b.</p>
        <aside class="callout callout-scenario" aria-labelledby="welcome--callout-1"><p class="callout-label" id="welcome--callout-1">Scenario</p>
        <p><a href="#welcome--why-this-matters">here</a>, <a href="#module-listening">listening</a>, <a href="#listening--reflecting-feelings">feelings</a>,
        <a href="unknown.html#x">unknown</a>, <a href="https://example.org/a.html">out</a>, <a href="assets/handout.txt">handout</a>
        <img src="assets/circle.png" alt="A circle, h2 &quot;round&quot;" /></p></aside>
        <h6 id="welcome--deep">Deep</h6><h10>not a heading</h10>
        <div class="table-wrap" role="region" tabindex="0" aria-label="Table: Step, id=&quot;Time&quot;"><table>
        <!-- raw HTML omitted -->
        <p aria-describedby="welcome--note-1 welcome--note-2">Two ids</p>
        """
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
