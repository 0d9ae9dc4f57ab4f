/* specbook: the release switcher of a versioned site (loaded by its pages
   only). No dependencies. */
(function () {
  "use strict";
  var d = document;
  var $ = function (s, el) { return (el || d).querySelector(s); };
  var $$ = function (s, el) { return Array.prototype.slice.call((el || d).querySelectorAll(s)); };
  /* The same rule in another release, else its nearest parent that the
     release has, else that release's contents, and the page there says
     which. */
  var versions = $("details.versions");
  function ruleInView() {
    var at = location.hash && d.getElementById(decodeURIComponent(location.hash.slice(1)));
    var sec = at && at.closest && at.closest("section.section[id]");
    if (sec) return sec.id;
    var best = null;
    $$("main section.section[id]").forEach(function (s) { if (s.getBoundingClientRect().top < innerHeight / 3) best = s; });
    if (best) return best.id;
    var mount = $("#toc-mount");
    return mount && mount.getAttribute("data-chapter");
  }
  function versionsData(done, failed) {
    if (window.SPECBOOK_VERSIONS) return done(window.SPECBOOK_VERSIONS);
    var s = d.createElement("script");
    s.src = versions.getAttribute("data-src");
    s.onload = function () { window.SPECBOOK_VERSIONS ? done(window.SPECBOOK_VERSIONS) : failed(); };
    s.onerror = failed;
    d.head.appendChild(s);
  }
  function sameRuleIn(data, to, dest) {
    var here = versions.getAttribute("data-here"), path = versions.getAttribute("data-path") || "index.html";
    var mine = (data.rules || {})[here] || {}, theirs = (data.rules || {})[to] || {};
    var q = function (missing, shown) {
      return "?missing=" + encodeURIComponent(missing) + (shown ? "&shown=" + encodeURIComponent(shown) : "");
    };
    var ev = /^evals\/(.+)\.html$/.exec(path);
    if (ev) {
      return ((data.evals || {})[to] || []).indexOf(ev[1]) >= 0 ? dest + path : dest + "index.html" + q(ev[1], "");
    }
    var want = ruleInView();
    if (!want || !mine[want]) return dest + path;
    var id = want;
    while (id && !theirs[id]) id = mine[id] ? mine[id][1] : null;
    var page = path === "all.html" ? path : id && theirs[id][0];
    if (!id) return dest + "index.html" + q(want, "");
    return dest + page + (id === want ? "" : q(want, id)) + "#" + id;
  }
  if (versions) {
    d.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-release]");
      if (!a || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      var go = function (url) { location.href = url; };
      versionsData(function (data) { go(sameRuleIn(data, a.getAttribute("data-release"), a.getAttribute("data-to"))); }, function () { go(a.href); });
    });
    d.addEventListener("click", function (e) { if (versions.open && !versions.contains(e.target)) versions.open = false; });
    d.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && versions.open) { versions.open = false; $("summary", versions).focus({ preventScroll: true }); }
    });
    var params = new URLSearchParams(location.search), missing = params.get("missing");
    if (missing) {
      var shown = params.get("shown"), note = d.createElement("p"), code = function (t) { var c = d.createElement("code"); c.textContent = t; return c; };
      note.className = "release-notice";
      note.setAttribute("role", "status");
      note.appendChild(code(missing));
      // Interface strings: English literals after a comment naming their
      // key ("t:key"); the build writes the edition's language instead.
      note.appendChild(d.createTextNode(/*t:release_missing*/" is not in release {release}; ".split("{release}").join(versions.getAttribute("data-here")) +
        (shown ? /*t:release_missing_nearest*/"showing its nearest section here, " : /*t:release_missing_contents*/"showing this release's contents.")));
      if (shown) { note.appendChild(code(shown)); note.appendChild(d.createTextNode(/*t:release_missing_end*/".")); }
      /* At the top of the section shown (the page is scrolled there, so
         the reader sees why), else of the page. */
      var at = shown && d.getElementById(shown), sec = at && at.closest && at.closest("section.section[id]"), main = $("main");
      if (sec) sec.insertBefore(note, sec.firstChild);
      else if (main) main.insertBefore(note, main.firstChild);
      try { history.replaceState(null, "", location.pathname + location.hash); } catch (e3) { /* file:// in some browsers */ }
      if (sec) sec.scrollIntoView();
    }
  }
})();
