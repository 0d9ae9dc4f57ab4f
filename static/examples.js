/* specbook examples browser (examples.html): every example and eval prompt,
   with facets, a text filter (the search engine of search.js) and the filter
   state in the URL (?q=…&kind=example&verdict=bad). No dependencies. */
(function () {
  "use strict";
  var d = document, host = d.querySelector("[data-examples-browser]");
  if (!host) return;
  var PAGE = 150;

  function withSearch(cb) {
    if (window.SpecbookSearch && window.SpecbookSearch.Facets) return cb(window.SpecbookSearch);
    var s = d.querySelector('script[src$="search.js"]');
    var go = function () { if (window.SpecbookSearch && window.SpecbookSearch.Facets) cb(window.SpecbookSearch); };
    if (s) { s.addEventListener("load", go); return; }
    s = d.createElement("script");
    s.src = (host.getAttribute("data-base") || "") + "search.js";
    s.addEventListener("load", go);
    d.head.appendChild(s);
  }

  function start() { withSearch(main); }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start); else start();

  async function main(S) {
    // Interface strings: see search.js (fill, and the marks before them).
    var esc = S.esc, fill = S.fill, base = S.base(host), eng = S.engine(base), L = S.labels;
    S.ensureCss(base);
    host.innerHTML = /*h:examples_loading*/'<p class="sbx-empty">Loading examples\u2026</p>';
    var m, f;
    try {
      var got = await Promise.all([eng.manifest(), eng.facets()]);
      m = got[0]; f = got[1];
    } catch (e) {
      host.innerHTML = '<p class="sbx-empty">' + esc(fill(/*t:examples_load_failed*/"The examples data could not be loaded ({error}).", { error: e.message })) + "</p>";
      return;
    }
    var facets = new S.Facets(m, f), per = m.edocs || 128;
    // Every document that is not a rule, in document order; the n-th of
    // them is row n % per of the list chunk search/e/<n / per>.js.
    var all = [], ordinal = new Map(), rows = new Map();
    f.c.forEach(function (c, doc) {
      var cls = m.classes[c];
      if (cls && m.kinds[cls[0]] !== "rule") { ordinal.set(doc, all.length); all.push(doc); }
    });
    /* Loads the list rows ([title, href, crumb]) of `docs`. */
    function ensureRows(docs) {
      var need = new Set();
      docs.forEach(function (doc) { if (!rows.has(doc)) need.add(Math.floor(ordinal.get(doc) / per)); });
      return Promise.all(Array.from(need).map(function (n) {
        return eng.file("e/" + n).then(function (chunk) {
          chunk.forEach(function (r, i) { var doc = all[n * per + i]; if (doc !== undefined) rows.set(doc, r); });
        });
      }));
    }

    // state from the URL
    var params = new URLSearchParams(location.search);
    var q = params.get("q") || "", selected = {}, expanded = new Set();
    S.GROUPS.forEach(function (g) {
      selected[g[0]] = new Set((params.get(g[0]) || "").split(",").filter(Boolean));
    });

    host.innerHTML =
      /*h:examples_filter*/'<div class="sbx-bar"><label for="sbx-q">Filter</label>' +
      '<input id="sbx-q" class="sbx-q" type="search" autocomplete="off" spellcheck="false" ' +
      /*h:examples_filter_placeholder*/'placeholder="Words, a phrase in quotes, a rule id\u2026" aria-describedby="sbx-count">' +
      '<span id="sbx-count" class="sbx-count" role="status" aria-live="polite"></span>' +
      /*h:examples_clear*/'<button type="button" class="sbx-clear" hidden>Clear filters</button></div>' +
      /*h:examples_facets*/'<div class="sbx-facets" aria-label="Facets"></div>' +
      /*h:nav_examples*/'<ol class="sbx-list" id="examples-list" tabindex="-1" aria-label="Examples"></ol>' +
      /*h:show_more*/'<button type="button" class="sbx-more" hidden>Show more</button>';
    // A skip link to the results, beside the page's "Skip to content": the
    // filter and the facets are many Tab stops (the list exists only now).
    var skip = d.querySelector(".skip-link");
    if (skip && !d.querySelector('.skip-link[href="#examples-list"]')) {
      skip.insertAdjacentHTML("afterend", /*h:examples_skip*/'<a class="skip-link" href="#examples-list">Skip to the examples</a>');
    }
    var input = host.querySelector(".sbx-q"), count = host.querySelector(".sbx-count"),
      facetsEl = host.querySelector(".sbx-facets"), list = host.querySelector(".sbx-list"),
      more = host.querySelector(".sbx-more"), clear = host.querySelector(".sbx-clear");
    input.value = q;
    var seq = 0, current = [], shown = 0, terms = new Set(), chain = Promise.resolve();

    function writeUrl() {
      try {
        var u = new URL(location.href);
        if (q.trim()) u.searchParams.set("q", q); else u.searchParams.delete("q");
        S.GROUPS.forEach(function (g) {
          var v = Array.from(selected[g[0]]);
          if (v.length) u.searchParams.set(g[0], v.join(",")); else u.searchParams.delete(g[0]);
        });
        history.replaceState(history.state, "", u.pathname + u.search + u.hash);
      } catch (e) { /* file:// */ }
    }

    async function update(focusChip) {
      var my = ++seq, docs;
      if (q.trim()) {
        var r;
        try {
          r = await eng.search(q);
        } catch (e) {
          if (my === seq) list.innerHTML = '<li class="sbx-empty">' + esc(fill(/*t:examples_filter_failed*/"The filter could not run ({error}).", { error: e.message })) + "</li>";
          return;
        }
        if (my !== seq) return;
        terms = r.terms;
        docs = r.hits.map(function (h) { return h[0]; }).filter(function (x) { return ordinal.has(x); });
      } else {
        terms = new Set();
        docs = all;
      }
      var res = facets.apply(docs, selected);
      try {
        await ensureRows(res.docs.slice(0, PAGE));
      } catch (e) {
        if (my === seq) list.innerHTML = '<li class="sbx-empty">' + esc(fill(/*t:examples_list_failed*/"The examples list could not be loaded ({error}).", { error: e.message })) + "</li>";
        return;
      }
      if (my !== seq) return;
      facetsEl.innerHTML = facets.html(res.counts, selected, expanded, "sbx-facet");
      current = res.docs;
      var filtered = q.trim() || S.GROUPS.some(function (g) { return selected[g[0]].size; });
      count.textContent = filtered ? fill(/*t:examples_count_filtered*/"{n} of {total} examples", { n: current.length, total: all.length })
        : fill(/*t:examples_count*/"{n} examples", { n: all.length });
      clear.hidden = !filtered;
      list.innerHTML = current.length ? "" : /*h:examples_none*/'<li class="sbx-empty">No example matches these filters.</li>';
      shown = 0;
      renderMore();
      writeUrl();
      if (focusChip) {
        var b = facetsEl.querySelector('[data-g="' + focusChip[0] + '"][data-v="' + focusChip[1].replace(/"/g, '\\"') + '"]');
        if (b) b.focus();
      }
    }

    function badges(doc) {
      // Index values are data: escaped like text, also inside class names.
      var v = facets.values(doc), out = '<span class="sb-kind sb-kind-' + esc(v.kind[0]) + '">' + esc(L.kind[v.kind[0]] || v.kind[0]) + "</span>";
      if (v.authority[0]) out += '<span class="badge auth-' + esc(v.authority[0]) + '">' + esc(facets.label("authority", v.authority[0])) + "</span>";
      v.verdict.forEach(function (x) { out += '<span class="sb-verdict sb-v-' + esc(x) + '">' + esc(L.verdict[x] || x) + "</span>"; });
      if (v.tag.length) out += '<span class="badge u18">U18</span>';
      return out;
    }

    /* Appends the next page of entries, once their rows are loaded; pages
       are added in order, and dropped if the filters changed meanwhile. */
    function renderMore() {
      var my = seq;
      chain = chain.then(function () { return renderPage(my); }).catch(function (e) {
        if (my !== seq) return;
        more.hidden = true;
        list.insertAdjacentHTML("beforeend", '<li class="sbx-empty">' + esc(fill(/*t:examples_more_failed*/"More entries could not be loaded ({error}).", { error: e.message })) + "</li>");
      });
      return chain;
    }
    async function renderPage(my) {
      if (my !== seq) return;
      var page = current.slice(shown, shown + PAGE), html = "";
      await ensureRows(page);
      if (my !== seq) return;
      page.forEach(function (doc) {
        var r = rows.get(doc) || ["", "", ""];
        html += '<li class="sbx-item" data-doc="' + doc + '"><details><summary>' +
          '<span class="sbx-title">' + S.markHtml(r[0], S.matchRanges(r[0], terms)) + "</span>" +
          '<span class="sb-badges">' + badges(doc) + "</span>" +
          (r[2] ? '<span class="sbx-crumb">' + esc(r[2]) + "</span>" : "") +
          '</summary><div class="sbx-body"></div></details></li>';
      });
      list.insertAdjacentHTML("beforeend", html);
      shown += page.length;
      more.hidden = shown >= current.length;
      more.textContent = fill(/*t:examples_show_more*/"Show more ({n} left)", { n: current.length - shown });
    }

    function conversation(msgs, doc) {
      var out = '<div class="sbx-conv">', inCmp = -1;
      (typeof msgs === "string" ? [["", "", msgs, "", -1]] : msgs).forEach(function (msg) {
        var cmp = msg[4];
        if (cmp !== inCmp) {
          if (inCmp >= 0) out += "</div>";
          if (cmp >= 0) out += /*h:examples_compared*/'<div class="sbx-cmp" role="group" aria-label="Compared responses">';
          inCmp = cmp;
        }
        if (!msg[0]) { out += '<div class="sbx-elision">' + esc(msg[2]) + "</div>"; return; }
        var v = msg[1];
        out += '<div class="sbx-msg sbx-role-' + esc(msg[0]) + '"' + (v ? ' data-verdict="' + esc(v) + '"' : "") + ">" +
          '<div class="sbx-msg-head"><span class="sbx-role">' + esc(L.role[msg[0]] || msg[0]) + "</span>" +
          (v ? '<span class="sb-verdict sb-v-' + esc(v) + '">' + esc(L.verdict[v] || v) + "</span>" : "") + "</div>" +
          '<div class="sbx-text">' + S.markHtml(msg[2], S.matchRanges(msg[2], terms)) + "</div>" +
          (msg[3] ? '<div class="sbx-note">' + S.markHtml(msg[3], S.matchRanges(msg[3], terms)) + "</div>" : "") +
          "</div>";
      });
      if (inCmp >= 0) out += "</div>";
      var r = rows.get(doc) || ["", "", ""];
      return out + '</div><a class="sbx-open" href="' + esc(base + r[1]) + /*h:examples_open*/'">Open in the spec \u2192</a>';
    }

    list.addEventListener("toggle", function (e) {
      var det = e.target;
      if (!det.open) return;
      var li = det.closest(".sbx-item"), body = det.querySelector(".sbx-body");
      if (body.getAttribute("data-loaded")) return;
      body.setAttribute("data-loaded", "1");
      body.textContent = /*t:loading*/"Loading\u2026";
      var doc = +li.getAttribute("data-doc");
      eng.text(doc).then(function (t) { body.innerHTML = conversation(t, doc); })
        .catch(function (err) { body.textContent = fill(/*t:conversation_load_failed*/"Could not load this conversation ({error}).", { error: err.message }); });
    }, true);

    var timer = 0;
    input.addEventListener("input", function () {
      q = input.value;
      clearTimeout(timer);
      timer = setTimeout(function () { update(); }, 80);
    });
    facetsEl.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button");
      if (!b) return;
      if (b.dataset.more) { expanded.add(b.dataset.more); update(); return; }
      var s = selected[b.dataset.g];
      if (s.has(b.dataset.v)) s.delete(b.dataset.v); else s.add(b.dataset.v);
      update([b.dataset.g, b.dataset.v]);
    });
    clear.addEventListener("click", function () {
      q = ""; input.value = "";
      S.GROUPS.forEach(function (g) { selected[g[0]].clear(); });
      update();
      input.focus();
    });
    more.addEventListener("click", function () { renderMore(); });
    await update();
  }
})();
