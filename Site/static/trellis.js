// Trellis: small progressive enhancements. Every page works without this script: the menu and
// a module's contents are <details>, the search box is a plain form that opens search.html, and
// the controls this script adds (progress, text size, light or dark) are absent or hidden.
//
// The layout loads it in <head> without `defer`, so that a reader's text size and colours are
// set before the page is first drawn (no white flash for someone who chose dark); the rest
// waits until the page has been read.
(function () {
  "use strict";

  var rootElement = document.documentElement;
  rootElement.classList.add("js");

  // ---- Storage on this device ------------------------------------------------------------
  // localStorage keeps a reader's choices and progress in this browser; nothing is ever sent
  // anywhere. It can be missing or throw (private browsing, storage turned off, a full disk),
  // so every use goes through load() and save(): without it the site works the same and
  // remembers nothing, and the progress controls are not offered.
  var storage = (function () {
    try {
      var store = window.localStorage, probe = "trellis-probe";
      store.setItem(probe, probe);
      store.removeItem(probe);
      return store;
    } catch (e) { return null; }
  })();

  function load(key) {
    if (!storage) { return null; }
    try { return storage.getItem(key); } catch (e) { return null; }
  }

  // Stores a value (null removes it); false when this browser would not keep it.
  function save(key, value) {
    if (!storage) { return false; }
    try {
      if (value === null) { storage.removeItem(key); } else { storage.setItem(key, value); }
      return true;
    } catch (e) { return false; }
  }

  function media(query) { return window.matchMedia ? window.matchMedia(query) : null; }
  function onChange(query, callback) { if (query && query.addEventListener) { query.addEventListener("change", callback); } }

  // Functions to run again when the page's layout changes (a new text size).
  var relayout = [];
  function layoutChanged() { relayout.forEach(function (callback) { callback(); }); }

  // Runs a function at most once a frame, for scroll and resize events.
  function perFrame(callback) {
    var queued = false;
    return function () {
      if (queued) { return; }
      queued = true;
      window.requestAnimationFrame(function () { queued = false; callback(); });
    };
  }

  // ---- Text size and light or dark, set at once -------------------------------------------
  // The reader's own, for every Trellis site in this browser: trellis.css has the sizes
  // (:root[data-text-size]) and both colour schemes (:root[data-theme] overrides the device).
  var TEXT_SIZE_KEY = "trellis-text-size", THEME_KEY = "trellis-theme";
  var TEXT_SIZES = [-1, 0, 1, 2, 3];
  var textSize = Number(load(TEXT_SIZE_KEY)) || 0;
  if (TEXT_SIZES.indexOf(textSize) === -1) { textSize = 0; }
  var theme = load(THEME_KEY);
  if (theme !== "light" && theme !== "dark") { theme = null; }
  applyDisplay();

  function applyDisplay() {
    if (textSize) { rootElement.setAttribute("data-text-size", String(textSize)); } else { rootElement.removeAttribute("data-text-size"); }
    if (theme) { rootElement.setAttribute("data-theme", theme); } else { rootElement.removeAttribute("data-theme"); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }

  function start() {
    siteMenu();
    displaySettings();
    moduleContents();
    moduleOverview();
    var pageForm = document.querySelector(".search-page-form");
    var headerForm = document.querySelector(".site-search");
    if (pageForm) { searchPage(pageForm); }
    if (headerForm) { headerSearch(headerForm); }
    document.addEventListener("keydown", slashToSearch);
    moduleProgress();
    homeProgress();
    currentSection();
    readingProgress();
    backToTop();
    competencyMap();
    runningTitles();
  }

  // ---- Site menu ----------------------------------------------------------------------------
  // On wide screens the site menu is always shown; on phones it stays a Menu button, and the
  // open menu closes with Escape, a tap elsewhere or a move to the search box.
  var wide = media("(min-width: 48rem)");

  function siteMenu() {
    var menu = document.querySelector(".site-menu");
    if (!menu) { return; }
    var sync = function () { if (wide && wide.matches) { menu.open = true; } };
    sync();
    onChange(wide, sync);
    var close = function () { if (menu.open && !(wide && wide.matches)) { menu.open = false; return true; } return false; };
    document.addEventListener("click", function (event) { if (!menu.contains(event.target)) { close(); } });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && close()) { menu.querySelector("summary").focus(); }
    });
    var box = document.getElementById("site-search-input");
    if (box) { box.addEventListener("focus", close); }
  }

  // Text size (A− / A+) and a light or dark switch, added to the site menu: they need this
  // script, so the page has none of them without it.
  function displaySettings() {
    var panel = document.querySelector(".site-menu-panel");
    if (!panel) { return; }
    var group = document.createElement("div");
    group.className = "reader-settings";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Text size and colours");
    group.innerHTML = '<button type="button" class="text-smaller" aria-label="Smaller text" title="Smaller text">A\u2212</button>' +
      '<button type="button" class="text-larger" aria-label="Larger text" title="Larger text">A+</button>' +
      '<button type="button" class="theme-toggle" aria-pressed="false">Dark</button>';
    panel.appendChild(group);
    var smaller = group.querySelector(".text-smaller");
    var larger = group.querySelector(".text-larger");
    var toggle = group.querySelector(".theme-toggle");
    var deviceDark = media("(prefers-color-scheme: dark)");
    var isDark = function () { return theme ? theme === "dark" : !!(deviceDark && deviceDark.matches); };

    function update() {
      var at = TEXT_SIZES.indexOf(textSize);
      // aria-disabled rather than disabled, so the button keeps the keyboard focus.
      smaller.setAttribute("aria-disabled", String(at === 0));
      larger.setAttribute("aria-disabled", String(at === TEXT_SIZES.length - 1));
      toggle.setAttribute("aria-pressed", String(isDark()));
    }
    function resize(step) {
      var at = Math.max(0, Math.min(TEXT_SIZES.length - 1, TEXT_SIZES.indexOf(textSize) + step));
      if (TEXT_SIZES[at] === textSize) { return; }
      textSize = TEXT_SIZES[at];
      save(TEXT_SIZE_KEY, textSize ? String(textSize) : null);
      applyDisplay();
      update();
      layoutChanged();
    }
    smaller.addEventListener("click", function () { resize(-1); });
    larger.addEventListener("click", function () { resize(1); });
    toggle.addEventListener("click", function () {
      var dark = !isDark();
      // Choosing what the device shows anyway goes back to following the device.
      theme = dark === !!(deviceDark && deviceDark.matches) ? null : (dark ? "dark" : "light");
      save(THEME_KEY, theme);
      applyDisplay();
      update();
    });
    onChange(deviceDark, update);
    update();
  }

  // ---- A module's contents ------------------------------------------------------------------
  // "On this page" is a <details>: open beside the lesson on wide screens, one closed line on
  // phones and tablets so the lesson starts sooner (and closed again once a section is chosen).
  function moduleContents() {
    var details = openWhere(".toc-details", "(min-width: 72rem)");
    if (!details) { return; }
    details.addEventListener("click", function (event) {
      if (!details.wide.matches && event.target.closest && event.target.closest("a")) { details.open = false; }
    });
  }

  // The overview (what you will be able to do) is a <details> as well: one line on phones so the
  // lesson starts on the first screen, open from tablets up; printing always shows it.
  function moduleOverview() {
    var details = openWhere(".overview-details", "(min-width: 40rem)");
    if (details) { window.addEventListener("beforeprint", function () { details.open = true; }); }
  }

  // Keeps the <details> matching `selector` open while the screen matches `query`; returns it
  // (with the media query as `wide`), or null when the page has none.
  function openWhere(selector, query) {
    var details = document.querySelector(selector);
    var wide = media(query);
    if (!details || !wide) { return null; }
    details.wide = wide;
    var sync = function () { details.open = wide.matches; };
    sync();
    onChange(wide, sync);
    return details;
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
      // A glossary entry's heading is the very word searched for, so it would outrank every
      // module that teaches the idea: it stays in the results, below the teaching.
      for (var i = 0; i < docs.length; i++) {
        var reference = docs[i].u.indexOf("glossary.html") === 0;
        this.add({ i: String(i), t: docs[i].t, h: docs[i].h, b: docs[i].b }, { boost: reference ? 0.3 : 1 });
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

  // The words of the query, for highlighting: each with its stem, and the word being typed
  // also as a prefix, as search() matches them.
  function queryWords(text) {
    var tokens = window.lunr.tokenizer(text);
    var typing = !/\s$/.test(text);
    return tokens.map(function (token, position) {
      var word = token.toString();
      return { word: word, stem: stem(word), prefix: typing && position === tokens.length - 1 && word.length >= 2 };
    });
  }

  var stems = Object.create(null);
  function stem(word) {
    if (!(word in stems)) { stems[word] = window.lunr.stemmer(new window.lunr.Token(word)).toString(); }
    return stems[word];
  }

  var LETTER = /[\p{L}\p{N}]/u;

  // How much of a word to mark: all of it when it is a word of the query (or shares its stem),
  // the typed part when it starts with the word being typed, else nothing.
  function markLength(word, words) {
    var lower = word.toLowerCase(), i;
    for (i = 0; i < words.length; i++) {
      if (lower === words[i].word || stem(lower) === words[i].stem) { return word.length; }
    }
    for (i = 0; i < words.length; i++) {
      if (words[i].prefix && lower.indexOf(words[i].word) === 0) { return words[i].word.length; }
    }
    return 0;
  }

  // What to mark in a field: [start, end] pairs, in order. Lunr's positions cover whole tokens
  // (text between spaces and hyphens, punctuation and all); a mark covers a word of the query in
  // one, or the typed start of a word, so it always starts where a word starts: the token itself,
  // or a word inside it after a dash, slash or apostrophe ("parent" in "parent–teacher"), never
  // the middle of a word.
  function marksOf(text, spans, words) {
    var marks = [];
    spans.forEach(function (span) {
      var start = span[0], end = span[0] + span[1];
      while (start < end && !LETTER.test(text.charAt(start))) { start++; }
      while (end > start && !LETTER.test(text.charAt(end - 1))) { end--; }
      if (start === end) { return; }
      var token = text.slice(start, end);
      var length = markLength(token, words);
      if (length) { marks.push([start, start + length]); return; }
      var pattern = /[\p{L}\p{N}]+/gu, part;
      while ((part = pattern.exec(token))) {
        length = markLength(part[0], words);
        if (length) { marks.push([start + part.index, start + part.index + length]); }
      }
    });
    return marks.sort(function (a, b) { return a[0] - b[0]; });
  }

  // Text from `from` to `to` with each mark wrapped in <mark>, everything else escaped.
  function highlight(text, marks, from, to) {
    var html = "", cursor = from;
    marks.forEach(function (mark) {
      if (mark[0] < cursor || mark[1] > to) { return; }
      html += escapeHTML(text.slice(cursor, mark[0])) + "<mark>" + escapeHTML(text.slice(mark[0], mark[1])) + "</mark>";
      cursor = mark[1];
    });
    return html + escapeHTML(text.slice(cursor, to));
  }

  function highlightField(doc, field, result, words) {
    return highlight(doc[field], marksOf(doc[field], positions(result, field), words), 0, doc[field].length);
  }

  // About 200 characters around the first match in the section's text.
  function snippet(text, spans, words) {
    var marks = marksOf(text, spans, words);
    var length = 200;
    var start = 0;
    var first = marks.length ? marks[0][0] : (spans.length ? spans[0][0] : -1);
    if (first > 0) {
      start = Math.max(0, first - 60);
      if (start > 0) {
        var space = text.indexOf(" ", start);
        if (space !== -1 && space < first) { start = space + 1; }
      }
    }
    var end = Math.min(text.length, start + length);
    if (end < text.length) {
      var lastSpace = text.lastIndexOf(" ", end);
      if (lastSpace > start + 80) { end = lastSpace; }
    }
    return (start > 0 ? "… " : "") + highlight(text, marks, start, end) + (end < text.length ? " …" : "");
  }

  // Results grouped by module, each module where its best section ranks. A module lists the
  // sections whose heading or text matched, best first; one found by its title alone shows its
  // best section.
  function groupByModule(results) {
    var groups = [], byPage = Object.create(null);
    results.forEach(function (result) {
      var doc = engine.docs[Number(result.ref)];
      var page = doc.u.split("#")[0];
      var group = byPage[page];
      if (!group) {
        group = byPage[page] = { best: result, sections: [], titleOnly: [] };
        groups.push(group);
      }
      var inSection = positions(result, "h").length || positions(result, "b").length;
      (inSection ? group.sections : group.titleOnly).push(result);
    });
    groups.forEach(function (group) { if (!group.sections.length) { group.sections = group.titleOnly.slice(0, 1); } });
    return groups;
  }

  function sectionCount(groups) {
    return groups.reduce(function (sum, group) { return sum + group.sections.length; }, 0);
  }

  // One module's results: its title (an <h2> on search.html), then links to its sections.
  function groupItem(root, group, words, titleTag, limit) {
    var doc = engine.docs[Number(group.best.ref)];
    var item = document.createElement("li");
    item.className = "search-group";
    var title = document.createElement(titleTag);
    title.className = "search-group-title";
    title.innerHTML = highlightField(doc, "t", group.best, words);
    item.appendChild(title);
    var list = document.createElement("ol");
    list.className = "search-sections";
    group.sections.slice(0, limit).forEach(function (result) { list.appendChild(sectionItem(root, result, words)); });
    item.appendChild(list);
    return item;
  }

  function sectionItem(root, result, words) {
    var doc = engine.docs[Number(result.ref)];
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = root + doc.u;
    link.className = "search-result";
    // The module's name is read out with the link, which alone may say only "Overview".
    link.innerHTML = '<span class="search-result-heading">' + highlightField(doc, "h", result, words) +
      '</span><span class="visually-hidden">, in ' + escapeHTML(doc.t) + "</span>";
    item.appendChild(link);
    var text = document.createElement("p");
    text.className = "search-snippet";
    text.innerHTML = snippet(doc.b, positions(result, "b"), words);
    item.appendChild(text);
    return item;
  }

  function plural(count, one, many) { return count === 1 ? "1 " + one : count + " " + many; }

  function summary(groups) {
    return plural(sectionCount(groups), "section", "sections") + " in " + plural(groups.length, "module", "modules");
  }

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
      var groups = groupByModule(search(input.value));
      var words = queryWords(input.value);
      var total = sectionCount(groups), room = 50;
      status.textContent = groups.length
        ? summary(groups) + " for “" + text + "”" + (total > room ? ", best " + room + " shown." : ".")
        : "No results for “" + text + "”. Try fewer or different words.";
      groups.forEach(function (group) {
        if (room <= 0) { return; }
        list.appendChild(groupItem(root, group, words, "h2", room));
        room -= Math.min(room, group.sections.length);
      });
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
      var groups = groupByModule(search(input.value));
      var words = queryWords(input.value);
      var status = document.createElement("p");
      status.className = "search-popup-status";
      status.setAttribute("role", "status");
      status.textContent = groups.length ? summary(groups) : "No results. Try fewer or different words.";
      popup.appendChild(status);
      var list = document.createElement("ol");
      list.className = "search-results";
      list.setAttribute("aria-label", "Search results");
      // The best four modules, with their best two sections each.
      var shown = 0;
      groups.slice(0, 4).forEach(function (group) {
        list.appendChild(groupItem(root, group, words, "p", 2));
        shown += Math.min(2, group.sections.length);
      });
      popup.appendChild(list);
      if (sectionCount(groups) > shown) {
        var all = document.createElement("p");
        all.className = "search-popup-all";
        all.innerHTML = '<a class="search-result" href="' + root + "search.html?q=" + encodeURIComponent(text) +
          '">All ' + plural(sectionCount(groups), "result", "results") + "</a>";
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

  // "/" focuses the search box from anywhere, unless the reader is typing in a field.
  function slashToSearch(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var box = document.querySelector(".search-page-form input[name=q], .site-search input[name=q]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }

  // ---- Progress: modules marked as done, and the last one opened -----------------------------
  // Kept in this browser only and never sent anywhere; it is not a training record. The key
  // holds the curriculum and the edition: Chromium counts every page opened from disk as one
  // site, so two curricula (or both editions) on one USB stick must not share progress.
  // The value: { done: { moduleID: time marked }, last: { id, title, section, heading } }.
  function progressKey() {
    var body = document.body;
    return "trellis-progress:" + (body.getAttribute("data-edition") || "") + ":" + (body.getAttribute("data-curriculum") || "");
  }

  function readProgress() {
    var value = null;
    try { value = JSON.parse(load(progressKey()) || "null"); } catch (e) { value = null; }
    if (!value || typeof value !== "object") { value = {}; }
    if (!value.done || typeof value.done !== "object") { value.done = {}; }
    return value;
  }

  function writeProgress(value) { return save(progressKey(), JSON.stringify(value)); }

  var openModule = null;  // the module page's id, once its opening is recorded

  // A module page: remember it as the last one opened, and offer "Mark as done".
  function moduleProgress() {
    var article = document.querySelector("article.module[data-module]");
    if (!article) { return; }
    var id = article.getAttribute("data-module");
    var heading = article.querySelector("h1");
    var progress = readProgress();
    progress.last = { id: id, title: heading ? heading.textContent : id };
    if (!writeProgress(progress)) { return; }  // this browser keeps nothing: offer nothing
    openModule = id;
    var box = article.querySelector(".module-done");
    var checkbox = box && box.querySelector(".module-done-box");
    if (!checkbox) { return; }
    var status = box.querySelector(".module-done-status");
    var eyebrow = article.querySelector(".module-header .eyebrow");
    var badge = document.createElement("span");
    badge.className = "done-mark";
    badge.textContent = "Done";
    var show = function (done) {
      checkbox.checked = done;
      if (done && eyebrow) { eyebrow.appendChild(document.createTextNode(" ")); eyebrow.appendChild(badge); }
      else if (badge.parentNode) { badge.parentNode.removeChild(badge.previousSibling); badge.parentNode.removeChild(badge); }
    };
    show(!!progress.done[id]);
    box.hidden = false;
    checkbox.addEventListener("change", function () {
      var current = readProgress();
      if (checkbox.checked) { current.done[id] = Date.now(); } else { delete current.done[id]; }
      if (!writeProgress(current)) {
        checkbox.checked = !checkbox.checked;
        if (status) { status.textContent = "This browser could not keep that."; }
        return;
      }
      show(checkbox.checked);
      if (status) { status.textContent = checkbox.checked ? "Marked as done on this device." : "No longer marked as done."; }
    });
  }

  // Which section of the module is being read, for "Continue where you left off".
  function rememberSection(heading) {
    if (!openModule) { return; }
    var progress = readProgress();
    if (!progress.last || progress.last.id !== openModule) { return; }
    if (heading) { progress.last.section = heading.id; progress.last.heading = heading.textContent; }
    else { delete progress.last.section; delete progress.last.heading; }
    writeProgress(progress);
  }

  // The home page: progress through the whole course and each track, the modules marked as
  // done, "Continue where you left off" and "Reset my progress".
  function homeProgress() {
    var box = document.querySelector(".reader-progress");
    if (!box || !storage) { return; }
    var moduleID = function (link) {
      var match = /(?:^|\/)modules\/([^\/#?]+)\.html$/.exec(link.getAttribute("href") || "");
      return match ? decodeURIComponent(match[1]) : null;
    };
    var status = document.createElement("p");
    status.className = "progress-status";
    status.setAttribute("role", "status");
    var resetRow = box.querySelector(".progress-reset-row");
    var reset = box.querySelector(".progress-reset");
    box.insertBefore(status, resetRow);

    function fill(container, done, total, text) {
      var count = container.querySelector(".progress-count");
      var bar = container.querySelector(".progress-bar span");
      if (count) { count.textContent = text; }
      if (bar) { bar.style.width = (total ? Math.round(100 * done / total) : 0) + "%"; }
      container.hidden = false;
    }

    function render() {
      var progress = readProgress();
      var seen = Object.create(null), hrefs = Object.create(null), total = 0, done = 0;
      Array.prototype.forEach.call(document.querySelectorAll(".done-mark"), function (mark) { mark.parentNode.removeChild(mark); });
      Array.prototype.forEach.call(document.querySelectorAll("section.track"), function (track) {
        var trackTotal = 0, trackDone = 0;
        Array.prototype.forEach.call(track.querySelectorAll(".module-list > li > a"), function (link) {
          var id = moduleID(link);
          if (!id) { return; }
          var isDone = !!progress.done[id];
          trackTotal++;
          if (isDone) {
            trackDone++;
            var mark = document.createElement("span");
            mark.className = "done-mark";
            mark.textContent = "Done";
            var duration = link.parentNode.querySelector(".duration");
            link.parentNode.insertBefore(mark, duration ? duration.nextSibling : link.nextSibling);
            link.parentNode.insertBefore(document.createTextNode(" "), mark);
          }
          if (!seen[id]) { seen[id] = true; hrefs[id] = link.getAttribute("href"); total++; if (isDone) { done++; } }
        });
        var trackBox = track.querySelector(".track-progress");
        if (trackBox && trackTotal) { fill(trackBox, trackDone, trackTotal, trackDone + " of " + trackTotal + " done"); }
      });
      fill(box, done, total, done + " of " + total + " modules done");

      var last = progress.last;
      var next = box.querySelector(".progress-continue");
      var link = next && next.querySelector(".progress-continue-link");
      if (link) {
        var where = next.querySelector(".progress-continue-section");
        if (!where) {
          where = document.createElement("span");
          where.className = "progress-continue-section";
          link.parentNode.insertBefore(where, link.nextSibling);
        }
        var known = last && typeof last.id === "string" && hrefs[last.id];
        next.hidden = !known;
        if (known) {
          link.href = hrefs[last.id] + (last.section ? "#" + encodeURIComponent(last.section) : "");
          link.textContent = String(last.title || last.id);
          where.textContent = last.heading ? ", at “" + last.heading + "”" : "";
        } else {
          link.removeAttribute("href");
        }
      }
      if (resetRow) { resetRow.hidden = !(done || last); }
    }

    // Reset asks first, in place: "Clear it?" with Yes and No.
    if (reset && resetRow) {
      var ask = document.createElement("span");
      ask.className = "progress-reset-ask";
      ask.hidden = true;
      ask.innerHTML = 'Clear what you marked on this device? <button type="button" class="progress-reset-yes">Yes, clear it</button> ' +
        '<button type="button" class="progress-reset-no">No, keep it</button>';
      resetRow.appendChild(ask);
      var asking = function (yes) { reset.hidden = yes; ask.hidden = !yes; };
      reset.addEventListener("click", function () { asking(true); status.textContent = ""; ask.querySelector(".progress-reset-yes").focus(); });
      ask.querySelector(".progress-reset-no").addEventListener("click", function () { asking(false); reset.focus(); });
      ask.querySelector(".progress-reset-yes").addEventListener("click", function () {
        save(progressKey(), null);
        asking(false);
        render();
        status.textContent = "Your progress on this device is cleared.";
        var title = box.querySelector("h2");
        if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
      });
    }
    render();
    // Progress marked in another tab shows here too.
    window.addEventListener("storage", function (event) { if (event.key === progressKey()) { render(); } });
  }

  // ---- Table of contents: show which section is being read ------------------------------
  function currentSection() {
    var tocLinks = document.querySelectorAll(".toc a[href^='#']");
    if (!tocLinks.length || !("IntersectionObserver" in window)) { return; }
    var byId = {};
    Array.prototype.forEach.call(tocLinks, function (link) { byId[decodeURIComponent(link.hash.slice(1))] = link; });
    var headings = Object.keys(byId).map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var remembered;
    var observer = new IntersectionObserver(function () {
      // The current section is the last heading above the middle of the screen.
      var current = null;
      headings.forEach(function (heading) {
        if (heading.getBoundingClientRect().top < window.innerHeight / 2) { current = heading; }
      });
      Object.keys(byId).forEach(function (id) {
        if (current && id === current.id) { byId[id].setAttribute("aria-current", "location"); }
        else { byId[id].removeAttribute("aria-current"); }
      });
      if (current !== remembered) { remembered = current; rememberSection(current); }
    }, { rootMargin: "0px 0px -50% 0px" });
    headings.forEach(function (heading) { observer.observe(heading); });
  }

  // ---- Long pages: how far down you are, and back to top ----------------------------------
  // A thin bar across the top of a long module (or the whole curriculum) fills as you read; it
  // is decoration (aria-hidden): the scroll bar says the same.
  function readingProgress() {
    var article = document.querySelector("article.module, article.manual");
    if (!article) { return; }
    var bar = document.createElement("div");
    bar.className = "reading-progress";
    bar.setAttribute("aria-hidden", "true");
    var fill = document.createElement("span");
    bar.appendChild(fill);
    document.body.appendChild(bar);
    var update = perFrame(function () {
      var box = article.getBoundingClientRect();
      var range = box.height - window.innerHeight;
      bar.hidden = box.height < window.innerHeight * 2.5;
      if (bar.hidden) { return; }
      var amount = Math.max(0, Math.min(1, range > 0 ? -box.top / range : 1));
      fill.style.transform = "scaleX(" + amount.toFixed(4) + ")";
    });
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    relayout.push(update);
    update();
  }

  // "Back to top" is a plain link at the end of long pages. Here it floats in the corner once
  // you have scrolled down a long page, and settles back in its place when the page's end is in
  // view; it goes to the top and moves the keyboard focus to the start of the content.
  function backToTop() {
    var place = document.querySelector(".back-to-top");
    var link = place && place.querySelector("a");
    var main = document.getElementById("main");
    if (!link || !main) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.scrollTo(0, 0);  // smooth unless the reader prefers reduced motion (trellis.css)
      main.focus({ preventScroll: true });
    });
    var footer = document.querySelector(".site-footer");
    var update = perFrame(function () {
      var screen = window.innerHeight;
      var long = rootElement.scrollHeight > screen * 3;
      var atEnd = footer ? footer.getBoundingClientRect().top < screen : false;
      place.classList.toggle("is-floating", long && !atEnd);
      place.classList.toggle("is-shown", long && !atEnd && window.scrollY > screen * 1.5);
    });
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    relayout.push(update);
    update();
  }

  // ---- Competency map: a list wherever the table does not fit ------------------------------
  // trellis.css shows phones the list (each competency with its modules); elsewhere, if the
  // table is wider than its place, it is hidden the same way instead of being cut off.
  function competencyMap() {
    var matrix = document.querySelector(".map-matrix");
    if (!matrix) { return; }
    var check = function () {
      matrix.classList.remove("is-too-wide");
      if (matrix.clientWidth && matrix.scrollWidth > matrix.clientWidth + 1) { matrix.classList.add("is-too-wide"); }
    };
    window.addEventListener("resize", perFrame(check));
    relayout.push(check);
    check();
  }

  // ---- Print: the title in the running footer -----------------------------------------------
  // trellis.css prints --running-title, which the layout sets on <html>. Here it is set again as
  // a properly escaped CSS string (a title with a double quote cannot be written in the
  // attribute), and the whole-curriculum page names a printed page per module, so each module's
  // pages carry its own title.
  function cssString(text) { return '"' + String(text).replace(/[\\"]/g, "\\$&").replace(/[\n\r\f]+/g, " ") + '"'; }

  function runningTitles() {
    var title = document.querySelector("article.module h1");
    if (title) { rootElement.style.setProperty("--running-title", cssString(title.textContent)); }
    var modules = document.querySelectorAll(".manual-module");
    if (!modules.length) { return; }
    var rules = "";
    Array.prototype.forEach.call(modules, function (section, index) {
      var heading = section.querySelector("h2");
      if (!heading) { return; }
      var name = "trellis-module-" + (index + 1);
      section.style.page = name;
      rules += "@page " + name + " { @bottom-left { content: " + cssString(heading.textContent) + "; } }\n";
    });
    var style = document.createElement("style");
    style.media = "print";
    style.textContent = rules;
    document.head.appendChild(style);
  }
})();
