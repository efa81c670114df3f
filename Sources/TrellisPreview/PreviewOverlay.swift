import Foundation
import TrellisModel
import TrellisSite

/// What `trellis serve` adds to every HTML page it serves — never to what `trellis build`
/// writes: a script that reloads the page when a build changes it (keeping the reader's
/// scroll position), the error overlay, and a switch between the two editions.
///
/// The overlay is rendered here as escaped HTML as well as by the script, so a page opened
/// while the curriculum is broken shows the problems even before the event stream connects.
enum PreviewOverlay {
    /// The markup inserted before `</body>`.
    static func markup(event: PreviewEvent, edition: Edition, otherEdition: (edition: Edition, url: String)?) -> String {
        var html = "\n<div id=\"trellis-preview\" data-build=\"\(HTMLText.escape(event.build))\">\n<style>\(style)</style>\n"
        if let otherEdition {
            html += "<a class=\"trellis-preview-toggle\" href=\"\(HTMLText.escape(otherEdition.url))\""
                + " title=\"Show this page as the \(otherEdition.edition.rawValue) edition\">"
                + "Previewing the \(edition.rawValue) edition · switch to \(otherEdition.edition.rawValue)</a>\n"
        }
        html += "<section id=\"trellis-preview-errors\" role=\"alert\" aria-labelledby=\"trellis-preview-errors-title\""
            + (event.hasErrors ? "" : " hidden") + ">\n" + errorList(event.diagnostics) + "</section>\n"
        html += "<script>\(script)</script>\n</div>\n"
        return html
    }

    /// The overlay's contents: a heading, then one line per diagnostic in `trellis check`'s form.
    static func errorList(_ diagnostics: [Diagnostic]) -> String {
        guard diagnostics.hasErrors else { return "" }
        let errors = diagnostics.errors.count
        var html = "<h2 id=\"trellis-preview-errors-title\">The curriculum has \(errors) error\(errors == 1 ? "" : "s")</h2>\n"
            + "<p>Fix \(errors == 1 ? "it" : "them") and save: this page updates by itself. Below is the last page that built.</p>\n<ul>\n"
        for diagnostic in diagnostics {
            html += "<li class=\"trellis-preview-\(diagnostic.severity.rawValue)\"><code>\(HTMLText.escape(diagnostic.location.description))</code> "
                + "<strong>\(diagnostic.severity.rawValue):</strong> \(HTMLText.escape(diagnostic.message))"
                + (diagnostic.remedy.map { " — " + HTMLText.escape($0) } ?? "") + "</li>\n"
        }
        return html + "</ul>\n"
    }

    /// Inserts the preview markup into a page, before its last `</body>`.
    static func inject(_ markup: String, into page: String) -> String {
        guard let range = page.range(of: "</body>", options: [.backwards, .caseInsensitive]) else { return page + markup }
        return page.replacingCharacters(in: range.lowerBound..<range.lowerBound, with: markup)
    }

    private static let style = """
    #trellis-preview .trellis-preview-toggle{position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;\
    padding:.45rem .8rem;border-radius:2rem;background:#1d3a5f;color:#fff;font:600 .85rem/1.3 system-ui,sans-serif;\
    text-decoration:none;box-shadow:0 2px 8px rgba(0,0,0,.3)}
    #trellis-preview .trellis-preview-toggle:focus-visible{outline:3px solid #f5b700;outline-offset:2px}
    #trellis-preview-errors{position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;\
    margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#3b0a0a;border-bottom:4px solid #b3261e;\
    box-shadow:0 4px 16px rgba(0,0,0,.35);font:.95rem/1.45 system-ui,sans-serif}
    #trellis-preview-errors[hidden]{display:none}
    #trellis-preview-errors h2{margin:0 0 .25rem;font-size:1.1rem;color:#b3261e}
    #trellis-preview-errors ul{margin:.5rem 0 0;padding-left:1.1rem}
    #trellis-preview-errors li{margin:.3rem 0}
    #trellis-preview-errors code{font:600 .9rem ui-monospace,monospace;word-break:break-all}
    """

    /// Connects to `/__trellis/events` and acts on each build: shows or hides the overlay,
    /// and reloads this page (saving the scroll position first) when the build changed it.
    private static let script = """
    (function () {
      "use strict";
      var root = document.getElementById("trellis-preview");
      var build = root.getAttribute("data-build");
      var here = decodeURIComponent(location.pathname).replace(/^\\/+/, "");
      if (here === "" || /\\/$/.test(here)) { here += "index.html"; }
      var key = "trellis-preview-scroll:" + location.pathname;
      var saved = sessionStorage.getItem(key);
      if (saved !== null) {
        sessionStorage.removeItem(key);
        var restore = function () { window.scrollTo(0, Number(saved)); };
        restore();
        window.addEventListener("load", restore);
      }
      function reload() {
        sessionStorage.setItem(key, String(window.scrollY));
        location.reload();
      }
      function showErrors(problems) {
        var panel = document.getElementById("trellis-preview-errors");
        var errors = problems.filter(function (p) { return p.severity === "error"; });
        while (panel.firstChild) { panel.removeChild(panel.firstChild); }
        panel.hidden = errors.length === 0;
        if (errors.length === 0) { return; }
        var title = document.createElement("h2");
        title.id = "trellis-preview-errors-title";
        title.textContent = "The curriculum has " + errors.length + (errors.length === 1 ? " error" : " errors");
        var hint = document.createElement("p");
        hint.textContent = "Fix " + (errors.length === 1 ? "it" : "them") + " and save: this page updates by itself. Below is the last page that built.";
        var list = document.createElement("ul");
        problems.forEach(function (p) {
          var item = document.createElement("li");
          item.className = "trellis-preview-" + p.severity;
          var where = document.createElement("code");
          where.textContent = p.location;
          var kind = document.createElement("strong");
          kind.textContent = p.severity + ":";
          item.appendChild(where);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(kind);
          item.appendChild(document.createTextNode(" " + p.message + (p.remedy ? " — " + p.remedy : "")));
          list.appendChild(item);
        });
        panel.appendChild(title);
        panel.appendChild(hint);
        panel.appendChild(list);
      }
      if (!window.EventSource) { return; }
      var source = new EventSource("/__trellis/events");
      source.addEventListener("build", function (message) {
        var event = JSON.parse(message.data);
        showErrors(event.errors);
        if (event.build === build) { return; }
        if (event.greeting || event.all || event.changed.indexOf(here) >= 0) {
          if (event.errors.some(function (p) { return p.severity === "error"; })) { build = event.build; return; }
          reload();
        } else {
          build = event.build;
        }
      });
    })();
    """
}
