/* specbook search: queries the chunked index in search/ (built by
   `specbook build` from the spec model) and drives the search combobox in
   <div id="search" data-base="…">. No dependencies, no external requests.
   The tokeniser, stemmer and ranking mirror src/search/ exactly. */
(function (root) {
  "use strict";

  /* ---------------- tokenising (mirrors src/search/tokenize.rs) ---------------- */
  var RUN = /[\p{Alphabetic}\p{M}\p{N}_'\u2019]+/gu;
  var ENDS_IN_WORD = /[\p{Alphabetic}\p{M}\p{N}_'\u2019]$/u;
  var HAS_NUM = /\p{N}/u;
  /* Stop words and ranking constants come from the index's manifest
     (src/search/tokenize.rs, src/search/query.rs): one source for both
     engines. They are set when a manifest loads, before any query runs.
     STEM: whether words are stemmed (the manifest's "stem": "en", or absent
     in an index older than the field; null: a language without a stemmer
     both engines share, words as written — Stemming in tokenize.rs). */
  var STOP = new Set(), R = {}, STEM = true;

  function isCjk(c) {
    var x = c.codePointAt(0);
    return (x >= 0x3005 && x <= 0x3007) || (x >= 0x3040 && x <= 0x30ff) || (x >= 0x31f0 && x <= 0x31ff) ||
      (x >= 0x3400 && x <= 0x4dbf) || (x >= 0x4e00 && x <= 0x9fff) || (x >= 0xf900 && x <= 0xfaff) ||
      (x >= 0xff66 && x <= 0xff9f) || (x >= 0x20000 && x <= 0x2ffff);
  }

  function pushWord(out, word) {
    var parts = word.split("_").map(function (p) { return p.replace(/['\u2019]/g, ""); })
      .filter(function (p) { return p.length > 0; });
    if (parts.length) out.push({ parts: parts });
  }

  /* Pieces of a text: {cjk: [chars]} or {parts: [words]}; `at`/`end` are
     offsets of the run in the original text (for highlighting). */
  function pieces(text) {
    var out = [], m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text))) {
      var lower = m[0].toLowerCase(), cjk = [], word = "";
      var chars = Array.from(lower);
      for (var i = 0; i < chars.length; i++) {
        var c = chars[i];
        if (isCjk(c)) {
          if (word) { pushWord(out, word); word = ""; }
          cjk.push(c);
        } else {
          if (cjk.length) { out.push({ cjk: cjk }); cjk = []; }
          word += c;
        }
      }
      if (word) pushWord(out, word);
      if (cjk.length) out.push({ cjk: cjk });
    }
    return out;
  }

  /* ---------------- Snowball English (Porter2) stemmer ---------------- */
  var EXC1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
  var EXC2 = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
  var STEP2 = [["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
    ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"], ["alism", "al"],
    ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"], ["anci", "ance"],
    ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""]];
  var STEP3 = [["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
    ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""]];
  var STEP4 = ["ement", "ment", "able", "ible", "ance", "ence", "ate", "iti", "ion", "ism", "ive", "ize", "ous",
    "ant", "ent", "al", "er", "ic"];
  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
  function isVWXY(c) { return isV(c) || c === "w" || c === "x" || c === "Y"; }
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  /* short syllable ending just before position `at` */
  function shortv(w, at) {
    if (at >= 3 && !isVWXY(w[at - 1]) && isV(w[at - 2]) && !isV(w[at - 3])) return true;
    return at === 2 && !isV(w[1]) && isV(w[0]);
  }
  function hasVowel(w, from, to) {
    for (var i = from; i < to; i++) if (isV(w[i])) return true;
    return false;
  }
  function porter2(word) {
    if (Object.prototype.hasOwnProperty.call(EXC1, word)) return EXC1[word];
    var w = word, i;
    // prelude: mark consonant y as Y
    if (w[0] === "y") w = "Y" + w.slice(1);
    for (i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) w = w.slice(0, i) + "Y" + w.slice(i + 1);
    // regions
    var n = w.length, p1 = n, p2 = n;
    var pre = /^(gener|commun|arsen)/.exec(w);
    if (pre) p1 = pre[1].length;
    else {
      for (i = 0; i < n && !isV(w[i]); i++);
      for (i++; i < n && isV(w[i]); i++);
      if (i < n) p1 = i + 1;
    }
    if (p1 < n) {
      for (i = p1; i < n && !isV(w[i]); i++);
      for (i++; i < n && isV(w[i]); i++);
      if (i < n) p2 = i + 1;
    }
    // step 1a
    if (ends(w, "sses")) w = w.slice(0, -2);
    else if (ends(w, "ied") || ends(w, "ies")) w = w.slice(0, -3) + (w.length - 3 >= 2 ? "i" : "ie");
    else if (ends(w, "ss") || ends(w, "us")) { /* keep */ }
    else if (ends(w, "s") && hasVowel(w, 0, w.length - 2)) w = w.slice(0, -1);
    if (!EXC2.has(w)) {
      // step 1b
      var s1b = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
      for (i = 0; i < s1b.length; i++) if (ends(w, s1b[i])) break;
      if (i < s1b.length) {
        var suf = s1b[i], st = w.length - suf.length;
        if (suf === "eed" || suf === "eedly") {
          if (st >= p1) w = w.slice(0, st) + "ee";
        } else if (hasVowel(w, 0, st)) {
          w = w.slice(0, st);
          if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
          else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
          else if (w.length === p1 && shortv(w, w.length)) w += "e";
        }
      }
      // step 1c
      n = w.length;
      if (n > 2 && (w[n - 1] === "y" || w[n - 1] === "Y") && !isV(w[n - 2])) w = w.slice(0, -1) + "i";
      // step 2
      for (i = 0; i < STEP2.length; i++) if (ends(w, STEP2[i][0])) break;
      if (i < STEP2.length) {
        st = w.length - STEP2[i][0].length;
        if (st >= p1) {
          if (STEP2[i][0] === "ogi") { if (w[st - 1] === "l") w = w.slice(0, st) + "og"; }
          else if (STEP2[i][0] === "li") { if ("cdeghkmnrt".indexOf(w[st - 1]) >= 0 && st > 0) w = w.slice(0, st); }
          else w = w.slice(0, st) + STEP2[i][1];
        }
      }
      // step 3
      for (i = 0; i < STEP3.length; i++) if (ends(w, STEP3[i][0])) break;
      if (i < STEP3.length) {
        st = w.length - STEP3[i][0].length;
        if (st >= p1 && (STEP3[i][0] !== "ative" || st >= p2)) w = w.slice(0, st) + STEP3[i][1];
      }
      // step 4
      for (i = 0; i < STEP4.length; i++) if (ends(w, STEP4[i])) break;
      if (i < STEP4.length) {
        st = w.length - STEP4[i].length;
        if (st >= p2 && (STEP4[i] !== "ion" || (st > 0 && (w[st - 1] === "s" || w[st - 1] === "t")))) w = w.slice(0, st);
      }
      // step 5
      n = w.length;
      if (w[n - 1] === "e") {
        if (n - 1 >= p2 || (n - 1 >= p1 && !shortv(w, n - 1))) w = w.slice(0, -1);
      } else if (w[n - 1] === "l") {
        if (n - 1 >= p2 && w[n - 2] === "l") w = w.slice(0, -1);
      }
    }
    return w.replace(/Y/g, "y");
  }

  function stem(word) {
    return STEM && word.length > 2 && /^[a-z]+$/.test(word) ? porter2(word) : word;
  }

  /* Damerau-Levenshtein (optimal string alignment), capped at 2. */
  function editDistance(a, b) {
    var n = a.length, m = b.length, i, j;
    if (Math.abs(n - m) > 1) return 2;
    var d = [];
    for (i = 0; i <= n; i++) { d.push(new Array(m + 1).fill(0)); d[i][0] = i; }
    for (j = 0; j <= m; j++) d[0][j] = j;
    for (i = 1; i <= n; i++) {
      for (j = 1; j <= m; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
        d[i][j] = v;
      }
    }
    return Math.min(d[n][m], 2);
  }

  /* ---------------- query parsing (mirrors src/search/query.rs) ---------------- */
  function pieceElems(p, pos, elems) {
    if (p.cjk) {
      if (p.cjk.length === 1) { elems.push({ pos: pos, term: p.cjk[0], surface: "", prefix: false }); return pos + 1; }
      for (var i = 0; i + 1 < p.cjk.length; i++) elems.push({ pos: pos + i, term: p.cjk[i] + p.cjk[i + 1], surface: "", prefix: false });
      return pos + p.cjk.length;
    }
    p.parts.forEach(function (part) { elems.push({ pos: pos, term: stem(part), surface: part, prefix: false }); pos++; });
    return pos;
  }

  function parseQuery(q) {
    var prefixOk = ENDS_IN_WORD.test(q);
    var segs = [["", false]];
    Array.from(q).forEach(function (c) {
      if (c === '"' || c === "\u201c" || c === "\u201d") segs.push(["", !segs[segs.length - 1][1]]);
      else segs[segs.length - 1][0] += c;
    });
    var clauses = [];
    segs.forEach(function (seg, si) {
      var lastSeg = si + 1 === segs.length, ps = pieces(seg[0]), elems, pos;
      if (seg[1]) {
        elems = []; pos = 0;
        ps.forEach(function (p) { pos = pieceElems(p, pos, elems); });
        if (lastSeg && prefixOk && ps.length && ps[ps.length - 1].parts && elems.length) elems[elems.length - 1].prefix = true;
        if (elems.length === 1) clauses.push({ word: elems[0] });
        else if (elems.length > 1) clauses.push({ phrase: elems });
        return;
      }
      ps.forEach(function (p, pi) {
        var last = lastSeg && pi + 1 === ps.length && prefixOk;
        elems = [];
        pieceElems(p, 0, elems);
        if (p.parts) {
          if (last && elems.length) elems[elems.length - 1].prefix = true;
          if (p.parts.length > 1) {
            clauses.push({ phrase: elems });
            clauses.push({ bonus: p.parts.join("_") });
            return;
          }
        }
        if (elems.length === 1) clauses.push({ word: elems[0] });
        else if (elems.length > 1) clauses.push({ phrase: elems });
      });
    });
    var isStop = function (c) { return c.word && !c.word.prefix && STOP.has(c.word.term); };
    if (clauses.some(function (c) { return !isStop(c) && !c.bonus; })) clauses = clauses.filter(function (c) { return !isStop(c); });
    return clauses;
  }

  /* ---------------- the engine ---------------- */

  function chunkOf(keys, key) {
    var lo = 0, hi = keys.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] <= key) lo = mid + 1; else hi = mid; }
    return Math.max(lo - 1, 0);
  }
  function chunksWithPrefix(keys, prefix, cap) {
    var first = chunkOf(keys, prefix), out = [first];
    for (var j = first + 1; j < keys.length && keys[j].startsWith(prefix) && out.length < cap; j++) out.push(j);
    return out;
  }
  function cmpLenThenJs(a, b) {
    var la = Array.from(a).length, lb = Array.from(b).length;
    return la - lb || (a < b ? -1 : a > b ? 1 : 0);
  }

  /* ---------------- loading the data files ----------------
     Every file under search/ is a script, `window.__specbookData("<key>",
     <json>);` (key: its path under search/ without ".js"), loaded with a
     <script src> element: unlike fetch(), that works on pages opened from
     disk (file://) as well as over HTTP, under any sub-path. */
  var DATA_CALL = "window.__specbookData(", LOAD_TIMEOUT_MS = 30000;
  var loads = new Map(), waiting = new Map();
  /* The JSON of a data file's text (node, tests): checks wrapper and key. */
  function dataJson(text, key) {
    var head = DATA_CALL + JSON.stringify(key) + ",", end = text.lastIndexOf(")");
    if (text.slice(0, head.length) !== head || end < head.length) throw new Error("search index: " + key + " is not a data file");
    return JSON.parse(text.slice(head.length, end));
  }
  /* Loads url (a data file registering `key`) once; concurrent and later
     calls share the promise, a failed load is tried again next time. */
  function loadData(url, key) {
    var got = loads.get(url);
    if (got) return got;
    var doc = root.document;
    if (!doc) return Promise.reject(new Error("search index: no document to load " + url + " into"));
    got = new Promise(function (resolve, reject) {
      var s = doc.createElement("script"), timer = 0, done = false;
      function finish(err, data) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        s.onload = s.onerror = null;
        var w = waiting.get(key);
        if (w) { w.delete(finish); if (!w.size) waiting.delete(key); }
        if (s.parentNode) s.parentNode.removeChild(s);
        if (err) { loads.delete(url); reject(err); } else resolve(data);
      }
      s.__specbookDone = finish;
      if (!waiting.has(key)) waiting.set(key, new Set());
      waiting.get(key).add(finish);
      // The load event follows the script's execution: no call by then
      // means the file is not what it should be.
      s.onload = function () { finish(new Error("search index: " + url + " did not register its data")); };
      s.onerror = function () { finish(new Error("search index: could not load " + url)); };
      timer = setTimeout(function () { finish(new Error("search index: timed out loading " + url)); }, LOAD_TIMEOUT_MS);
      s.async = true;
      s.charset = "utf-8";
      s.src = url;
      (doc.head || doc.documentElement).appendChild(s);
    });
    loads.set(url, got);
    return got;
  }
  /* Called by every data file as it runs. */
  root.__specbookData = function (key, data) {
    var s = root.document && root.document.currentScript;
    if (s && s.__specbookDone) { s.__specbookDone(null, data); return; }
    var w = waiting.get(key);
    if (w) w.forEach(function (finish) { finish(null, data); });
  };

  /* base: URL prefix of the site root ("" or "../" or absolute). load(url,
     key) may be given to read the data files another way (node, tests). */
  function Engine(base, load) {
    this.base = base || "";
    this.cache = new Map();
    this.parsed = new Map();
    this.load = load || loadData;
  }
  /* The data of search/<key>.js (key: "manifest", "t/3"…), loaded once. */
  Engine.prototype.file = function (key) {
    var p = this.cache.get(key), self = this;
    if (!p) {
      p = this.load(this.base + "search/" + key + ".js", key);
      this.cache.set(key, p);
      p.catch(function () { if (self.cache.get(key) === p) self.cache.delete(key); });
    }
    return p;
  };
  Engine.prototype.manifest = function () {
    var self = this;
    return this.file("manifest").then(function (m) {
      if (!m.textStarts) {
        var s = [0];
        (m.x || []).forEach(function (d) { s.push(s[s.length - 1] + d); });
        m.textStarts = s;
      }
      STOP = new Set(m.stop);
      R = m.rank;
      STEM = m.stem === undefined || m.stem === "en";
      self.m = m;
      return m;
    });
  };
  Engine.prototype.facets = function () { return this.file("facets"); };
  /* a term chunk, decoded once: Map term → {idf, docs: Int32Array, w: Int32Array, n} */
  Engine.prototype.termChunk = async function (n) {
    var key = "t" + n, got = this.parsed.get(key);
    if (got) return got;
    var rows = await this.file("t/" + n);
    got = this.parsed.get(key);
    if (got) return got;
    var map = new Map();
    rows.forEach(function (row, i) {
      var enc = row[2], len = enc.length >> 1, docs = new Int32Array(len), w = new Int32Array(len), d = 0;
      for (var k = 0; k < len; k++) { d += enc[2 * k]; docs[k] = d; w[k] = enc[2 * k + 1]; }
      map.set(row[0], { idf: row[1], docs: docs, w: w, chunk: n, index: i });
    });
    this.parsed.set(key, map);
    return map;
  };
  Engine.prototype.term = async function (term) {
    var m = await this.manifest();
    return (await this.termChunk(chunkOf(m.t, term))).get(term) || null;
  };
  /* positions of term entry `e` (per posting), decoded once per term */
  Engine.prototype.positions = async function (e) {
    if (e.pos) return e.pos;
    var enc = await this.file("p/" + e.chunk);
    var flat = enc[e.index] || [], out = [], k = 0;
    while (k < flat.length) {
      var c = flat[k++], acc = 0, ps = [];
      for (var j = 0; j < c; j++) { acc += flat[k++]; ps.push(acc); }
      out.push(ps);
    }
    e.pos = out;
    return out;
  };
  Engine.prototype.words = function (n) { return this.file("w/" + n); };

  Engine.prototype.expand = async function (e, typo) {
    var m = await this.manifest(), self = this;
    var out = [[e.term, R.exact]];
    var found = !!(await this.term(e.term));
    if (e.prefix && Array.from(e.surface).length >= 2) {
      var ids = chunksWithPrefix(m.w, e.surface, R.max_prefix_chunks);
      var lists = await Promise.all(ids.map(function (n) { return self.words(n); }));
      var cands = [];
      lists.forEach(function (l) { l.forEach(function (w) { if (w.startsWith(e.surface)) cands.push(w); }); });
      cands.sort(cmpLenThenJs);
      var k = 0, terms = [];
      for (var i = 0; i < cands.length; i++) {
        var t = stem(cands[i]);
        if (out.some(function (x) { return x[0] === t; })) continue;
        if (k >= R.max_prefix_terms) break;
        k++;
        out.push([t, R.prefix]);
        terms.push(t);
      }
      var entries = await Promise.all(terms.map(function (t) { return self.term(t); }));
      if (entries.some(Boolean)) found = true;
    }
    var chars = Array.from(e.surface);
    if (typo && !found && chars.length >= R.typo_min_chars && !HAS_NUM.test(e.surface)) {
      var first = chars[0];
      var tids = chunksWithPrefix(m.w, first, R.max_typo_chunks);
      var tl = await Promise.all(tids.map(function (n) { return self.words(n); }));
      var typos = [];
      tl.forEach(function (l) {
        l.forEach(function (w) {
          if (!w.startsWith(first) || HAS_NUM.test(w)) return;
          if (editDistance(Array.from(w), chars) !== 1) return;
          var t = stem(w);
          if (out.some(function (x) { return x[0] === t; })) return;
          out.push([t, R.typo]);
          typos.push(t);
        });
      });
      await Promise.all(typos.map(function (t) { return self.term(t); }));
    }
    return out;
  };

  /* Map doc → best score of one element; entries kept for positions. */
  Engine.prototype.elemScores = async function (cands) {
    var self = this, m = new Map();
    var entries = await Promise.all(cands.map(function (c) { return self.term(c[0]); }));
    entries.forEach(function (e, i) {
      if (!e) return;
      var f = cands[i][1];
      for (var k = 0; k < e.docs.length; k++) {
        var s = f * e.idf * e.w[k], d = e.docs[k], old = m.get(d);
        if (old === undefined || s > old) m.set(d, s);
      }
    });
    return { scores: m, entries: entries.filter(Boolean) };
  };

  function bsearch(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < x) lo = mid + 1; else hi = mid; }
    return lo < arr.length && arr[lo] === x ? lo : -1;
  }

  /* positions of a doc for one phrase element (entries' positions loaded) */
  function positionsOf(entries, doc) {
    var out = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i], k = bsearch(e.docs, doc);
      if (k >= 0 && e.pos[k]) {
        if (entries.length === 1) return e.pos[k];
        out = out.concat(e.pos[k]);
      }
    }
    out.sort(function (a, b) { return a - b; });
    return out.filter(function (x, i) { return i === 0 || out[i - 1] !== x; });
  }

  function and(acc, m) {
    if (!acc) return m;
    var out = new Map();
    acc.forEach(function (s, d) { var t = m.get(d); if (t !== undefined) out.set(d, s + t); });
    return out;
  }

  /* Runs a query: {hits: [[doc, score]…] best first, terms: Set of matched
     index terms (for highlighting)}. */
  Engine.prototype.search = async function (q) {
    var self = this, terms = new Set();
    await this.manifest();
    var clauses = parseQuery(q);
    // Start every fetch the query surely needs, in parallel.
    clauses.forEach(function (c) {
      (c.word ? [c.word] : c.phrase || []).forEach(function (e) { self.term(e.term); });
      if (c.bonus) self.term(c.bonus);
    });
    var acc = null, bonuses = [];
    for (var ci = 0; ci < clauses.length; ci++) {
      var c = clauses[ci], r;
      if (c.word) {
        var cands = await this.expand(c.word, true);
        r = await this.elemScores(cands);
        r.entries.forEach(function (e) { terms.add(e); });
        acc = and(acc, r.scores);
      } else if (c.bonus) {
        r = await this.elemScores([[c.bonus, R.exact]]);
        bonuses.push(r.scores);
      } else {
        var parts = [];
        var nonStop = c.phrase.filter(function (e) { return e.prefix || !STOP.has(e.term); });
        if (!nonStop.length) {
          for (var k = 0; k < c.phrase.length; k++) {
            r = await this.elemScores(await this.expand(c.phrase[k], false));
            acc = and(acc, r.scores);
          }
          continue;
        }
        var expanded = await Promise.all(nonStop.map(function (e) { return self.expand(e, false); }));
        var scored = await Promise.all(expanded.map(function (x) { return self.elemScores(x); }));
        nonStop.forEach(function (e, i) { parts.push({ pos: e.pos, entries: scored[i].entries, scores: scored[i].scores }); });
        var m = parts[0].scores;
        for (k = 1; k < parts.length; k++) m = and(m, parts[k].scores);
        if (parts.length > 1) {
          var keep = new Map();
          await Promise.all(parts.map(function (p) {
            return Promise.all(p.entries.map(function (e) { return self.positions(e); }));
          }));
          for (var [d, s] of m) {
            var lists = [];
            for (k = 0; k < parts.length; k++) lists.push(positionsOf(parts[k].entries, d));
            var p0 = parts[0].pos;
            var ok = lists[0].some(function (x) {
              if (x < p0) return false;
              for (var j = 1; j < parts.length; j++) if (bsearch(lists[j], x - p0 + parts[j].pos) < 0) return false;
              return true;
            });
            if (ok) keep.set(d, s);
          }
          m = keep;
        }
        parts.forEach(function (p) { p.entries.forEach(function (e) { terms.add(e); }); });
        acc = and(acc, m);
      }
    }
    var hits = [];
    (acc || new Map()).forEach(function (s, d) {
      bonuses.forEach(function (b) { s += b.get(d) || 0; });
      hits.push([d, s]);
    });
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    var names = new Set();
    terms.forEach(function (e) {
      var map = self.parsed.get("t" + e.chunk);
      map.forEach(function (v, k) { if (v === e) names.add(k); });
    });
    return { hits: hits, terms: names, clauses: clauses };
  };

  /* [title, href, crumb] of a document */
  Engine.prototype.meta = async function (doc) {
    var m = await this.manifest();
    var rows = await this.file("m/" + Math.floor(doc / m.mdocs));
    return rows[doc % m.mdocs];
  };
  /* the text of a document: a string (rule) or messages
     [[role, verdict, text, note, comparison]…] (examples, eval prompts) */
  Engine.prototype.text = async function (doc) {
    var m = await this.manifest();
    var s = m.textStarts, lo = 0, hi = s.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (s[mid] <= doc) lo = mid + 1; else hi = mid; }
    var c = lo - 1, rows = await this.file("x/" + c);
    return rows[doc - s[c]];
  };

  var api = { pieces: pieces, stem: stem, parseQuery: parseQuery, editDistance: editDistance, Engine: Engine,
    isCjk: isCjk, STOP: STOP, RUN: RUN, dataJson: dataJson, loadData: loadData };
  root.SpecbookSearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;

  /* ---------------- shared UI helpers (also used by examples.js) ---------------- */
  var d = typeof document !== "undefined" ? document : null;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  /* Each literal holding an interface string follows a comment naming
     its key in the strings table ("t:key", or "h:key" in markup, where it
     is HTML-escaped): the build writes the edition's language in place of
     the English (src/render/strings.rs); run as it is, the script shows
     English. */
  var KIND_LABEL = { rule: /*t:kind_rule*/"Rule", example: /*t:example_label*/"Example", eval: /*t:eval_prompt_label*/"Eval prompt" };
  var VERDICT_LABEL = { good: /*t:verdict_good*/"Compliant", bad: /*t:verdict_bad*/"Violation", ok: /*t:verdict_ok*/"Minor issues" };
  var ROLE_LABEL = { system: /*t:role_system*/"System", developer: /*t:role_developer*/"Developer", tool: /*t:role_tool*/"Tool", user: /*t:role_user*/"User", assistant: /*t:role_assistant*/"Assistant" };
  var TAG_LABEL = { under_18: "U18" };

  /* Facet groups: [key, label]. values(doc) gives the doc's values. */
  var GROUPS = [["kind", /*t:facet_kind*/"Kind"], ["authority", /*t:facet_authority*/"Authority"], ["verdict", /*t:facet_verdict*/"Verdict"], ["role", /*t:facet_roles*/"Roles"],
    ["tag", /*t:facet_tags*/"Tags"], ["chapter", /*t:facet_chapter*/"Chapter"]];
  /* An interface string with its {name}s filled in from o. */
  function fill(s, o) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in o ? String(o[k]) : m; });
  }

  function Facets(m, f) {
    this.m = m; this.f = f;
  }
  Facets.prototype.values = function (doc) {
    var m = this.m, c = m.classes[this.f.c[doc]] || [0, -1, 0, 0, 0], ch = this.f.ch[doc];
    var bits = function (mask, names) { return names.filter(function (_, i) { return mask & (1 << i); }); };
    return {
      kind: [m.kinds[c[0]]],
      authority: c[1] >= 0 ? [m.authorities[c[1]][0]] : [],
      verdict: bits(c[2], m.verdicts),
      role: bits(c[3], m.roles),
      tag: bits(c[4], m.tags),
      chapter: ch >= 0 && m.chapters[ch] ? [m.chapters[ch][0]] : []
    };
  };
  Facets.prototype.label = function (group, v) {
    var m = this.m;
    if (group === "kind") return KIND_LABEL[v] || v;
    if (group === "authority") { var a = m.authorities.find(function (x) { return x[0] === v; }); return a ? a[1] : v; }
    if (group === "verdict") return VERDICT_LABEL[v] || v;
    if (group === "role") return ROLE_LABEL[v] || v;
    if (group === "tag") return TAG_LABEL[v] || v;
    if (group === "chapter") { var c = m.chapters.find(function (x) { return x[0] === v; }); return c ? c[1] : v; }
    return v;
  };
  /* Order of a group's values: the manifest's order. */
  Facets.prototype.order = function (group) {
    var m = this.m;
    if (group === "kind") return m.kinds.slice();
    if (group === "authority") return m.authorities.map(function (a) { return a[0]; });
    if (group === "verdict") return m.verdicts.slice();
    if (group === "role") return m.roles.slice();
    if (group === "tag") return m.tags.slice();
    return m.chapters.map(function (c) { return c[0]; });
  };
  /* selected: {group: Set}. Returns docs passing every group, and the
     counts per group computed with every *other* group's filter. */
  Facets.prototype.apply = function (docs, selected) {
    // Documents with the same class and chapter share their values: work
    // per (class, chapter) pair, not per document.
    var self = this, f = this.f, nch = this.m.chapters.length + 1, byKey = new Map(), keys = new Array(docs.length);
    var pass = function (v, skip) {
      for (var g in selected) {
        if (g === skip || !selected[g].size) continue;
        if (!v[g].some(function (x) { return selected[g].has(x); })) return false;
      }
      return true;
    };
    docs.forEach(function (doc, i) {
      var k = f.c[doc] * nch + f.ch[doc] + 1, e = byKey.get(k);
      if (!e) { e = { v: self.values(doc), n: 0 }; byKey.set(k, e); }
      e.n++;
      keys[i] = k;
    });
    var counts = {};
    GROUPS.forEach(function (g) { counts[g[0]] = new Map(); });
    byKey.forEach(function (e) {
      e.ok = pass(e.v, null);
      GROUPS.forEach(function (g) {
        if (!pass(e.v, g[0])) return;
        e.v[g[0]].forEach(function (x) { counts[g[0]].set(x, (counts[g[0]].get(x) || 0) + e.n); });
      });
    });
    var kept = docs.filter(function (_, i) { return byKey.get(keys[i]).ok; });
    return { docs: kept, counts: counts };
  };
  /* Chip groups as HTML; chips carry data-g / data-v and aria-pressed. */
  Facets.prototype.html = function (counts, selected, expanded, cls) {
    var self = this, out = "";
    GROUPS.forEach(function (g) {
      var key = g[0], sel = selected[key] || new Set();
      var vals = self.order(key).filter(function (v) { return counts[key].get(v) || sel.has(v); });
      if (!vals.length) return;
      var limit = key === "chapter" && !(expanded && expanded.has(key)) ? 8 : Infinity;
      if (vals.length > limit) {
        var top = vals.slice().sort(function (a, b) { return (counts[key].get(b) || 0) - (counts[key].get(a) || 0); })
          .slice(0, limit);
        vals = vals.filter(function (v) { return top.indexOf(v) >= 0 || sel.has(v); });
      }
      out += '<div class="' + cls + '-group" role="group" aria-label="' + esc(g[1]) + '"><span class="' + cls +
        '-glabel">' + esc(g[1]) + "</span>";
      vals.forEach(function (v) {
        var on = sel.has(v), n = counts[key].get(v) || 0;
        out += '<button type="button" class="sb-chip sb-chip-' + esc(key) + " sb-v-" + esc(v) + '" data-g="' + esc(key) +
          '" data-v="' + esc(v) + '" aria-pressed="' + on + '">' + esc(self.label(key, v)) +
          ' <span class="sb-count">' + n + "</span></button>";
      });
      var total = self.order(key).filter(function (v) { return counts[key].get(v) || sel.has(v); }).length;
      if (total > vals.length) out += '<button type="button" class="sb-chip sb-chip-more" data-more="' + esc(key) + '">' + esc(fill(/*t:facet_more*/"+{n} more", { n: total - vals.length })) + "</button>";
      out += "</div>";
    });
    return out;
  };

  /* Highlighting: ranges of `text` whose words stem to a matched term. */
  function matchRanges(text, terms) {
    var out = [], m, re = new RegExp(RUN.source, "gu");
    while ((m = re.exec(text))) {
      var run = m[0], base = m.index, chars = Array.from(run), off = 0, word = "", wstart = 0, cjk = [];
      var flushWord = function (end) {
        var w = word.toLowerCase().replace(/['\u2019_]/g, "");
        if (w && terms.has(stem(w))) out.push([wstart, end]);
        word = "";
      };
      var flushCjk = function () {
        for (var i = 0; i < cjk.length; i++) {
          var c = cjk[i][0], prev = i > 0 ? cjk[i - 1][0] : "", next = i + 1 < cjk.length ? cjk[i + 1][0] : "";
          if (terms.has(c) || (prev && terms.has(prev + c)) || (next && terms.has(c + next))) out.push([cjk[i][1], cjk[i][1] + c.length]);
        }
        cjk = [];
      };
      for (var i = 0; i < chars.length; i++) {
        var c = chars[i], at = base + off;
        if (isCjk(c)) {
          if (word) flushWord(at);
          cjk.push([c.toLowerCase(), at]);
        } else if (c === "_") {
          if (cjk.length) flushCjk();
          if (word) flushWord(at);
        } else {
          if (cjk.length) flushCjk();
          if (!word) wstart = at;
          word += c;
        }
        off += c.length;
      }
      if (word) flushWord(base + off);
      if (cjk.length) flushCjk();
    }
    // merge adjacent CJK marks
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  }
  function markHtml(text, ranges) {
    var out = "", at = 0;
    ranges.forEach(function (r) {
      out += esc(text.slice(at, r[0])) + "<mark>" + esc(text.slice(r[0], r[1])) + "</mark>";
      at = r[1];
    });
    return out + esc(text.slice(at));
  }
  function docText(t) {
    if (typeof t === "string") return t;
    return (t || []).map(function (msg) {
      var s = (msg[0] ? (ROLE_LABEL[msg[0]] || msg[0]) + ": " : "") + msg[2];
      return msg[3] ? s + " \u2014 " + msg[3] : s;
    }).join("  ").replace(/\s+/g, " ");
  }
  /* Levenshtein distance of two strings (by UTF-16 unit), uncapped (the
     typo look-up's editDistance stops at 2). */
  function fullDistance(a, b) {
    if (a === b) return 0;
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  var SNIP = 220;
  function snippetHtml(text, terms) {
    text = docText(text);
    var ranges = matchRanges(text, terms);
    if (!ranges.length) return esc(text.length > SNIP ? text.slice(0, SNIP).replace(/\s\S*$/, "") + " \u2026" : text);
    var best = 0, bestN = 0;
    for (var i = 0; i < ranges.length; i++) {
      var n = 0;
      for (var j = i; j < ranges.length && ranges[j][1] - ranges[i][0] < SNIP - 60; j++) n++;
      if (n > bestN) { bestN = n; best = i; }
    }
    var start = Math.max(0, ranges[best][0] - 60), end = Math.min(text.length, start + SNIP);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < ranges[best][0]) start = sp + 1; }
    if (end < text.length) { var sp2 = text.lastIndexOf(" ", end); if (sp2 > ranges[best][1]) end = sp2; }
    var inside = ranges.filter(function (r) { return r[0] >= start && r[1] <= end; })
      .map(function (r) { return [r[0] - start, r[1] - start]; });
    return (start > 0 ? "\u2026 " : "") + markHtml(text.slice(start, end), inside) + (end < text.length ? " \u2026" : "");
  }

  api.esc = esc; api.fill = fill; api.Facets = Facets; api.GROUPS = GROUPS; api.matchRanges = matchRanges; api.markHtml = markHtml;
  api.snippetHtml = snippetHtml; api.docText = docText;
  api.labels = { kind: KIND_LABEL, verdict: VERDICT_LABEL, role: ROLE_LABEL, tag: TAG_LABEL };
  var engines = {};
  api.engine = function (base) { return engines[base] || (engines[base] = new Engine(base)); };
  if (!d) return;

  var script = d.currentScript;
  function defaultBase() {
    var s = script && script.getAttribute("src");
    return s ? s.replace(/search\.js(\?.*)?$/, "") : "";
  }
  api.base = function (el) {
    return el && el.hasAttribute("data-base") ? el.getAttribute("data-base") : defaultBase();
  };
  function ensureCss(base) {
    if (d.querySelector('link[href$="search.css"]')) return;
    var l = d.createElement("link");
    l.rel = "stylesheet";
    l.href = base + "search.css";
    d.head.appendChild(l);
  }
  api.ensureCss = ensureCss;

  /* ---------------- the search combobox ---------------- */
  function init() {
    var host = d.getElementById("search");
    if (!host || host.getAttribute("data-ready")) return;
    host.setAttribute("data-ready", "1");
    var base = api.base(host);
    ensureCss(base);
    var ownsUrl = !d.querySelector("[data-examples-browser]");
    var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");
    // The page's static box (templates/base.html) is adopted as it is, with
    // whatever was typed and its focus; only what is missing is built.
    var box = host.querySelector(".sb-box"), input = host.querySelector("input.sb-input");
    if (!box) {
      box = d.createElement("div");
      box.className = "sb-box";
      host.appendChild(box);
    }
    if (!input) {
      box.insertAdjacentHTML("afterbegin",
        '<input class="sb-input" id="sb-input" type="search" role="combobox" aria-autocomplete="list" ' +
        /*h:search_label*/'aria-expanded="false" aria-controls="sb-listbox" aria-haspopup="listbox" aria-label="Search the spec" ' +
        /*h:search_placeholder*/'placeholder="Search" autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="search">');
      input = box.querySelector(".sb-input");
    }
    input.insertAdjacentHTML("afterend",
      '<kbd class="sb-kbd" aria-hidden="true">' + (mac ? "\u2318K" : "/") + "</kbd>" +
      '<div class="sb-panel" id="sb-panel" hidden>' +
      '<div class="sb-status" id="sb-status" role="status" aria-live="polite"></div>' +
      '<div class="sb-suggest" hidden></div>' +
      '<div class="sb-facets" id="sb-facets"></div>' +
      /*h:search_results*/'<ul class="sb-list" id="sb-listbox" role="listbox" aria-label="Search results"></ul>' +
      /*h:search_more*/'<button type="button" class="sb-more" id="sb-more" hidden>More results</button>' +
      "</div>");
    var panel = host.querySelector(".sb-panel"),
      status = host.querySelector(".sb-status"), facetsEl = host.querySelector(".sb-facets"),
      list = host.querySelector(".sb-list"), more = host.querySelector(".sb-more"),
      suggestEl = host.querySelector(".sb-suggest");
    var engine = null, seq = 0, state = null, active = -1, selected = {}, expanded = new Set(), urlTimer = 0;
    GROUPS.forEach(function (g) { selected[g[0]] = new Set(); });

    function start() {
      if (!engine) { engine = api.engine(base); engine.manifest().catch(function () {}); }
      return engine;
    }
    function setOpen(open) {
      panel.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      host.classList.toggle("sb-open", open);
      if (!open) setActive(-1);
    }
    function options() { return list.querySelectorAll('[role="option"]'); }
    function setActive(i) {
      var opts = options();
      if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && opts[i]) {
        opts[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function reflectUrl(q) {
      if (!ownsUrl) return;
      clearTimeout(urlTimer);
      urlTimer = setTimeout(function () {
        try {
          var u = new URL(location.href);
          if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
          history.replaceState(history.state, "", u.pathname + u.search + u.hash);
        } catch (e) { /* file:// or sandboxed */ }
      }, 250);
    }

    async function run(q) {
      var my = ++seq;
      reflectUrl(q.trim() ? q : "");
      if (!q.trim()) { state = null; list.innerHTML = ""; facetsEl.innerHTML = ""; status.textContent = ""; more.hidden = true; setOpen(false); return; }
      var eng = start();
      var r, m, f;
      try {
        r = await eng.search(q);
        m = await eng.manifest();
        f = await eng.facets();
      } catch (e) {
        if (my !== seq) return;
        status.textContent = fill(/*t:search_unavailable*/"Search is unavailable ({error}).", { error: e.message });
        setOpen(true);
        return;
      }
      if (my !== seq) return;
      state = { q: q, hits: r.hits, terms: r.terms, facets: new Facets(m, f), shown: 0, my: my };
      await render(true);
    }
    async function render(reset) {
      var st = state;
      if (!st) return;
      var docs = st.hits.map(function (h) { return h[0]; });
      var res = st.facets.apply(docs, selected);
      st.filtered = res.docs;
      facetsEl.innerHTML = st.hits.length ? st.facets.html(res.counts, selected, expanded, "sb-facet") : "";
      if (reset) { list.innerHTML = ""; st.shown = 0; setActive(-1); }
      var n = res.docs.length;
      status.textContent = fill(st.hits.length ? (n === st.hits.length ? (n === 1 ? /*t:search_count_one*/"{n} result" : /*t:search_count_other*/"{n} results")
        : /*t:search_count_partial*/"{n} of {total} results") : /*t:search_none*/"No results for \u201c{query}\u201d", { n: n, total: st.hits.length, query: st.q.trim() });
      setOpen(true);
      suggestEl.hidden = true;
      suggestEl.innerHTML = "";
      if (!st.hits.length) suggest(st);
      await showMore();
    }
    /* No results: the rules nearest to the query (edit distance to their
       id and title) and the examples browser with the same query. */
    async function suggest(st) {
      var rules = [];
      try { rules = await engine.file("rules"); } catch (e) { /* the link below still helps */ }
      if (st !== state) return;
      var q = st.q.trim().toLowerCase(), qid = q.replace(/[\s-]+/g, "_");
      var near = rules.map(function (r) {
        return [Math.min(fullDistance(q, r[0].toLowerCase()), fullDistance(qid, r[0].toLowerCase()),
          fullDistance(q, r[1].toLowerCase())), r];
      }).sort(function (a, b) { return a[0] - b[0]; }).slice(0, 3);
      var html = "";
      if (near.length) {
        html += /*h:search_nearest*/'<p class="sb-suggest-head">Nearest rules:</p><ul class="sb-suggest-list">' + near.map(function (n) {
          return '<li><a href="' + esc(base + n[1][2]) + '">' + esc(n[1][1]) + ' <code>' + esc(n[1][0]) + "</code></a></li>";
        }).join("") + "</ul>";
      }
      html += '<p class="sb-suggest-more"><a href="' + esc(base + "examples.html?q=" + encodeURIComponent(st.q.trim())) +
        '">' + esc(fill(/*t:search_in_examples*/"Look for “{query}” in the examples browser", { query: st.q.trim() })) + "</a></p>";
      suggestEl.innerHTML = html;
      suggestEl.hidden = false;
    }
    async function showMore() {
      var st = state, eng = engine;
      var page = st.filtered.slice(st.shown, st.shown + 10);
      var metas = await Promise.all(page.map(function (doc) { return eng.meta(doc); }));
      if (st !== state || st.my !== seq) return;
      var frag = d.createDocumentFragment();
      page.forEach(function (doc, i) {
        var meta = metas[i] || ["", "", ""], v = st.facets.values(doc), idx = st.shown + i;
        var li = d.createElement("li");
        li.setAttribute("role", "none");
        li.className = "sb-hit sb-hit-" + v.kind[0];
        // Index values are data: escaped like text, also inside class names.
        var badges = '<span class="sb-kind sb-kind-' + esc(v.kind[0]) + '">' + esc(KIND_LABEL[v.kind[0]] || v.kind[0]) + "</span>";
        if (v.authority[0]) badges += '<span class="badge auth-' + esc(v.authority[0]) + '">' + esc(st.facets.label("authority", v.authority[0])) + "</span>";
        v.verdict.forEach(function (x) { badges += '<span class="sb-verdict sb-v-' + esc(x) + '">' + esc(VERDICT_LABEL[x] || x) + "</span>"; });
        if (v.tag.length) badges += '<span class="badge u18">U18</span>';
        li.innerHTML = '<a class="sb-link" id="sb-opt-' + idx + '" role="option" aria-selected="false" tabindex="-1" href="' +
          esc(base + meta[1]) + '">' +
          '<span class="sb-row"><span class="sb-title">' + markHtml(meta[0], matchRanges(meta[0], st.terms)) + "</span>" +
          '<span class="sb-badges">' + badges + "</span></span>" +
          (meta[2] ? '<span class="sb-crumb">' + esc(meta[2]) + "</span>" : "") +
          '<span class="sb-snippet" aria-hidden="false"></span></a>';
        frag.appendChild(li);
        eng.text(doc).then(function (t) {
          var sn = li.querySelector(".sb-snippet");
          if (sn) sn.innerHTML = snippetHtml(t, st.terms);
        }).catch(function () {});
      });
      list.appendChild(frag);
      st.shown += page.length;
      more.hidden = st.shown >= st.filtered.length;
    }

    input.addEventListener("focus", function () {
      start();
      if (state && input.value.trim()) setOpen(true);
    });
    input.addEventListener("input", function () { run(input.value); });
    input.addEventListener("keydown", function (e) {
      start();
      var opts = options();
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!opts.length) return;
        e.preventDefault();
        if (panel.hidden) setOpen(true);
        var n = opts.length;
        setActive(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
        if (e.key === "ArrowDown" && active === n - 1 && !more.hidden) showMore();
      } else if (e.key === "Enter") {
        var o = opts[active >= 0 ? active : 0];
        if (o && !panel.hidden) {
          e.preventDefault();
          setOpen(false);
          location.href = o.href;
        }
      } else if (e.key === "Escape") {
        if (!panel.hidden) { e.preventDefault(); setOpen(false); }
        else if (input.value) { e.preventDefault(); input.value = ""; run(""); }
        else input.blur();
      }
    });
    list.addEventListener("mousemove", function (e) {
      var o = e.target.closest && e.target.closest('[role="option"]');
      if (!o) return;
      var i = Array.prototype.indexOf.call(options(), o);
      if (i !== active) setActive(i);
    });
    list.addEventListener("click", function () { setOpen(false); });
    facetsEl.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button");
      if (!b) return;
      if (b.dataset.more) expanded.add(b.dataset.more);
      else {
        var s = selected[b.dataset.g];
        if (s.has(b.dataset.v)) s.delete(b.dataset.v); else s.add(b.dataset.v);
      }
      render(true).then(function () {
        var again = facetsEl.querySelector('[data-g="' + b.dataset.g + '"][data-v="' + (b.dataset.v || "").replace(/"/g, '\\"') + '"]');
        (again || input).focus({ preventScroll: true });
      });
    });
    more.addEventListener("click", function () { showMore(); });
    d.addEventListener("mousedown", function (e) { if (!host.contains(e.target)) setOpen(false); });
    host.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !host.contains(e.relatedTarget)) setOpen(false);
    });
    host.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && e.target !== input) { setOpen(false); input.focus({ preventScroll: true }); }
    });
    d.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && t.closest && t.closest("input, textarea, select, [contenteditable]");
      if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        input.focus({ preventScroll: true });
        input.select();
      } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus({ preventScroll: true });
      }
    });
    window.addEventListener("hashchange", function () { setOpen(false); });

    var q0 = null;
    if (ownsUrl) {
      try { q0 = new URL(location.href).searchParams.get("q"); } catch (e) { /* ignore */ }
      if (q0 && !input.value) {
        input.value = q0;
        input.focus({ preventScroll: true });
      }
    }
    // Typed before this script arrived (or restored by the browser).
    if (input.value && (q0 || d.activeElement === input)) run(input.value);
  }
  api.init = init;
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init); else init();
})(typeof window !== "undefined" ? window : globalThis);
