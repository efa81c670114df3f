// Trellis: small progressive enhancements. Every page works without this script:
// the menu is a <details>, and the search box is a plain form that opens search.html.
(function () {
  "use strict";

  // On wide screens the site menu is always shown; on phones it stays a Menu button.
  var menu = document.querySelector(".site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var sync = function () { if (wide.matches) { menu.open = true; } };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }

  // ---- Search -------------------------------------------------------------------------
  // Lunr and the edition's index (search-index.js, which sets window.TRELLIS_SEARCH) are
  // loaded with <script> elements rather than fetch(), because browsers refuse fetch() on
  // pages opened from disk. They load on first use, so ordinary pages stay light.

  var engine = null;          // { index, docs } once built
  var waiting = [];           // callbacks for the first load
  var loadState = "idle";     // idle | loading | ready | failed

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { done(true); };
    script.onerror = function () { done(false); };
    document.head.appendChild(script);
  }

  function withEngine(root, callback) {
    if (loadState === "ready" || loadState === "failed") { callback(engine); return; }
    waiting.push(callback);
    if (loadState === "loading") { return; }
    loadState = "loading";
    var finish = function () {
      loadState = engine ? "ready" : "failed";
      var callbacks = waiting; waiting = [];
      callbacks.forEach(function (waiter) { waiter(engine); });
    };
    loadScript(root + "static/lunr.min.js", function (lunrLoaded) {
      if (!lunrLoaded || !window.lunr) { finish(); return; }
      loadScript(root + "search-index.js", function (indexLoaded) {
        if (indexLoaded && window.TRELLIS_SEARCH) { engine = build(window.TRELLIS_SEARCH.docs); }
        finish();
      });
    });
  }

  // Fields: t module title, h section heading, b section text, u URL (see SearchIndex.swift).
  function build(docs) {
    var index = window.lunr(function () {
      this.ref("i");
      this.field("t", { boost: 6 });
      this.field("h", { boost: 3 });
      this.field("b");
      this.metadataWhitelist = ["position"];
      for (var i = 0; i < docs.length; i++) {
        this.add({ i: String(i), t: docs[i].t, h: docs[i].h, b: docs[i].b });
      }
    });
    return { index: index, docs: docs };
  }

  // Whole words are matched through Lunr's stemmer ("boundaries" finds "boundary"); the word
  // being typed also matches as a prefix, so results appear while typing. Sections with every
  // word come first, then sections with some. The query is built with Lunr's API rather than
  // its query syntax, so ":", "*" or "~" in what a reader types cannot fail.
  function search(text) {
    var lunr = window.lunr;
    var tokens = lunr.tokenizer(text);
    if (!tokens.length) { return []; }
    var words = tokens.filter(function (token) { return lunr.stopWordFilter(token.clone()) !== undefined; });
    var everyWord = words.length < 2 ? [] : engine.index.query(function (query) {
      words.forEach(function (token) { query.term(token.toString(), { presence: lunr.Query.presence.REQUIRED }); });
    });
    var seen = {};
    everyWord.forEach(function (result) { seen[result.ref] = true; });
    return everyWord.concat(anyWord(tokens, !/\s$/.test(text)).filter(function (result) { return !seen[result.ref]; }));
  }

  function anyWord(tokens, typing) {
    return engine.index.query(function (query) {
      tokens.forEach(function (token, position) {
        var term = token.toString();
        query.term(term, { boost: 10 });
        if (typing && position === tokens.length - 1 && term.length >= 2) {
          query.term(term, { usePipeline: false, wildcard: window.lunr.Query.wildcard.TRAILING, boost: 1 });
        }
      });
    });
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Positions ([start, length]) where the query matched in one field of a result.
  function positions(result, field) {
    var found = [];
    var metadata = result.matchData.metadata;
    Object.keys(metadata).forEach(function (term) {
      var fieldData = metadata[term][field];
      if (fieldData && fieldData.position) { found = found.concat(fieldData.position); }
    });
    return found.sort(function (a, b) { return a[0] - b[0]; });
  }

  // Text with each match wrapped in <mark>, everything else escaped. Lunr's positions cover
  // whole whitespace-separated tokens, so punctuation at either end is left unmarked.
  function highlight(text, spans, from, to) {
    var html = "", cursor = from;
    var word = /[0-9A-Za-z\u00C0-\uFFFF]/;
    spans.forEach(function (span) {
      var start = span[0], end = span[0] + span[1];
      while (start < end && !word.test(text.charAt(start))) { start++; }
      while (end > start && !word.test(text.charAt(end - 1))) { end--; }
      if (start === end) { return; }
      if (start < cursor || end > to) { return; }
      html += escapeHTML(text.slice(cursor, start)) + "<mark>" + escapeHTML(text.slice(start, end)) + "</mark>";
      cursor = end;
    });
    return html + escapeHTML(text.slice(cursor, to));
  }

  // About 200 characters around the first match in the section's text.
  function snippet(text, spans) {
    var length = 200;
    var start = 0;
    if (spans.length) {
      start = Math.max(0, spans[0][0] - 60);
      if (start > 0) {
        var space = text.indexOf(" ", start);
        if (space !== -1 && space < spans[0][0]) { start = space + 1; }
      }
    }
    var end = Math.min(text.length, start + length);
    if (end < text.length) {
      var lastSpace = text.lastIndexOf(" ", end);
      if (lastSpace > start + 80) { end = lastSpace; }
    }
    return (start > 0 ? "… " : "") + highlight(text, spans, start, end) + (end < text.length ? " …" : "");
  }

  function resultItem(root, result, withSnippet) {
    var doc = engine.docs[Number(result.ref)];
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = root + doc.u;
    link.className = "search-result";
    link.innerHTML = '<span class="search-result-heading">' + highlight(doc.h, positions(result, "h"), 0, doc.h.length) +
      '</span> <span class="search-result-module">' + highlight(doc.t, positions(result, "t"), 0, doc.t.length) + "</span>";
    item.appendChild(link);
    if (withSnippet) {
      var text = document.createElement("p");
      text.className = "search-snippet";
      text.innerHTML = snippet(doc.b, positions(result, "b"));
      item.appendChild(text);
    }
    return item;
  }

  function plural(count) { return count === 1 ? "1 result" : count + " results"; }

  // Arrow keys move between the search box and the result links; Enter follows a link.
  function arrowKeys(input, list, onEscape) {
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a.search-result")); }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = links()[0];
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape" && onEscape) {
        onEscape();
      }
    });
    list.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (at === -1) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (at + 1 < all.length) { all[at + 1].focus(); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (at > 0) { all[at - 1].focus(); } else { input.focus(); }
      } else if (event.key === "Escape") {
        input.focus();
        if (onEscape) { onEscape(); }
      }
    });
  }

  // search.html: the full ranked list, live as you type; ?q= opens it with results.
  function searchPage(form) {
    var root = form.getAttribute("data-root") || "";
    var input = form.querySelector("input[name=q]");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var pending = null;
    var query = "";
    form.hidden = false;  // hidden without JavaScript, where it could not search
    try { query = new URLSearchParams(window.location.search).get("q") || ""; } catch (e) { query = ""; }
    input.value = query;

    function show() {
      var text = input.value.trim();
      if (!engine) {
        status.textContent = "Search could not start: this copy of the site is missing its search files.";
        return;
      }
      list.innerHTML = "";
      if (!text) { status.textContent = "Type a word or two to search every module."; return; }
      var results = search(input.value);
      status.textContent = results.length
        ? plural(results.length) + " for “" + text + "”" + (results.length > 50 ? ", best 50 shown." : ".")
        : "No results for “" + text + "”. Try fewer or different words.";
      results.slice(0, 50).forEach(function (result) { list.appendChild(resultItem(root, result, true)); });
    }

    status.textContent = "Loading search…";
    withEngine(root, function () { show(); });
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { if (loadState === "ready") { show(); } }, 120);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show();
      var first = list.querySelector("a.search-result");
      if (first) { first.focus(); }
    });
    arrowKeys(input, list, null);
    if (!query) { input.focus(); }
  }

  // The header box on every other page: the best few results in a panel below it.
  function headerSearch(form) {
    var root = form.getAttribute("data-root") || "";
    var input = form.querySelector("input[name=q]");
    var popup = form.querySelector(".search-popup");
    var pending = null;

    function close() { popup.hidden = true; }
    function show() {
      var text = input.value.trim();
      popup.innerHTML = "";
      if (!text || !engine) { close(); return; }
      var results = search(input.value);
      var status = document.createElement("p");
      status.className = "search-popup-status";
      status.setAttribute("role", "status");
      status.textContent = results.length ? plural(results.length) : "No results. Try fewer or different words.";
      popup.appendChild(status);
      var list = document.createElement("ol");
      list.className = "search-results";
      list.setAttribute("aria-label", "Search results");
      results.slice(0, 6).forEach(function (result) { list.appendChild(resultItem(root, result, true)); });
      popup.appendChild(list);
      if (results.length > 6) {
        var all = document.createElement("p");
        all.className = "search-popup-all";
        all.innerHTML = '<a class="search-result" href="' + root + "search.html?q=" + encodeURIComponent(text) +
          '">All ' + results.length + " results</a>";
        popup.appendChild(all);
      }
      popup.hidden = false;
    }

    input.addEventListener("focus", function () { withEngine(root, function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { withEngine(root, show); }, 120);
    });
    arrowKeys(input, popup, close);
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) { close(); } });
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) { close(); }
    });
  }

  var pageForm = document.querySelector(".search-page-form");
  var headerForm = document.querySelector(".site-search");
  if (pageForm) { searchPage(pageForm); }
  if (headerForm) { headerSearch(headerForm); }

  // "/" focuses the search box from anywhere, unless the reader is typing in a field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var box = document.querySelector(".search-page-form input[name=q], .site-search input[name=q]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // ---- Table of contents: show which section is being read ------------------------------
  var tocLinks = document.querySelectorAll(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    Array.prototype.forEach.call(tocLinks, function (link) { byId[decodeURIComponent(link.hash.slice(1))] = link; });
    var headings = Object.keys(byId).map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var visible = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { visible[entry.target.id] = entry.isIntersecting; });
      // The current section is the last heading above the middle of the screen.
      var current = null;
      headings.forEach(function (heading) {
        if (heading.getBoundingClientRect().top < window.innerHeight / 2) { current = heading.id; }
      });
      Object.keys(byId).forEach(function (id) {
        if (id === current) { byId[id].setAttribute("aria-current", "location"); }
        else { byId[id].removeAttribute("aria-current"); }
      });
    }, { rootMargin: "0px 0px -50% 0px" });
    headings.forEach(function (heading) { observer.observe(heading); });
  }
})();
