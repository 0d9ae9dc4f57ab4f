/* specbook: theme toggle, table-of-contents drawer and scroll-spy, copy-link buttons. No dependencies. */
(function () {
  "use strict";
  var d = document, root = d.documentElement, KEY = "specbook-theme";
  var $ = function (s, el) { return (el || d).querySelector(s); };
  var $$ = function (s, el) { return Array.prototype.slice.call((el || d).querySelectorAll(s)); };
  var live = $("#sb-live");
  function announce(msg) { if (live) { live.textContent = ""; setTimeout(function () { live.textContent = msg; }, 30); } }

  /* ---- theme: the inline <head> script already set data-theme before first paint ---- */
  var themeBtn = $(".theme-toggle");
  var mq = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : null;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function applyTheme(t) {
    root.setAttribute("data-theme", t);
    if (themeBtn) themeBtn.setAttribute("aria-pressed", t === "dark" ? "true" : "false");
  }
  applyTheme(root.getAttribute("data-theme") === "dark" ? "dark" : "light");
  if (themeBtn) themeBtn.addEventListener("click", function () {
    var t = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
    applyTheme(t);
    try { localStorage.setItem(KEY, t); } catch (e) { /* private mode: not persisted */ }
  });
  if (mq) {
    var follow = function (e) { if (!stored()) applyTheme(e.matches ? "dark" : "light"); };
    if (mq.addEventListener) mq.addEventListener("change", follow); else if (mq.addListener) mq.addListener(follow);
  }

  /* ---- sidebar table of contents: one copy for the whole site in
     static/toc.js (page size must not grow with the number of chapters),
     or, on the single page, drawn from the page's own sections; links are
     made relative to this page, the current chapter expanded ---- */
  /* Every string put into markup goes through esc: ids, titles and
     badge classes come from the spec, which is data (an unknown
     authority value may hold quotes and tags). */
  function esc(t) {
    return String(t).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // An interface string with its one placeholder ({n}, {title}…) filled
  // in (for markup: both escaped already). Each literal holding an interface string follows a comment naming
  // its key in the strings table ("t:key", or "h:key" in markup, where it
  // is HTML-escaped): the build writes the edition's language in place of
  // the English (src/render/strings.rs).
  function fill(s, v) { return s.split(/\{\w+\}/).join(v); }
  function tocFromPage() {
    var root = { kids: [] }, stack = [{ level: 0, node: root }];
    $$("main section.section[id]").forEach(function (s) {
      var h = $(".section-head h1, .section-head h2, .section-head h3, .section-head h4, .section-head h5, .section-head h6", s);
      if (!h) return;
      var level = +h.tagName.charAt(1), own = $(".section-badges .badge.auth", s), badge = "";
      if (own) {
        var label = own.lastChild.textContent;
        badge = '<span class="' + esc(own.className) + '" title="' + esc(own.title) + '">' + esc(label) + "</span>";
      } else if (s.getAttribute("data-agg")) {
        var agg = s.getAttribute("data-agg"), extra = +s.getAttribute("data-agg-extra") || 0;
        badge = '<span class="badge agg ' + esc(s.getAttribute("data-agg-class") || "") + '" title="' + fill(/*h:badge_aggregated_title*/"The highest authority principle in this section is {level}", esc(agg)) + '">' + esc(agg) +
          (extra ? '<span class="agg-extra" title="' + fill(extra > 1 ? /*h:badge_extra_other*/"This section also includes {n} lower authorities" : /*h:badge_extra_one*/"This section also includes {n} lower authority", extra) + '">+' + extra + "</span>" : "") + "</span>";
      }
      while (stack[stack.length - 1].level >= level) stack.pop();
      var node = { id: s.id, title: h.textContent.trim(), badge: badge, kids: [] };
      stack[stack.length - 1].node.kids.push(node);
      stack.push({ level: level, node: node });
    });
    function list(items, depth) {
      return '<ol class="toc-list depth-' + depth + '">' + items.map(function (it) {
        var id = esc(it.id), t = esc(it.title);
        return '<li class="toc-item"><div class="toc-row"><a class="toc-link" href="#' + id + '"><span class="toc-title">' + t + "</span>" + it.badge + "</a>" +
          (it.kids.length && depth === 1 ? '<button class="toc-toggle" type="button" aria-expanded="false" aria-controls="toc-' + id + '" aria-label="' + fill(/*h:toc_sections_of*/"Sections of {title}", t) +
            '"><svg class="icon" aria-hidden="true" focusable="false"><use href="#i-chevron"/></svg></button>' : "") + "</div>" +
          (it.kids.length ? '<div class="toc-children" id="toc-' + id + '"' + (depth === 1 ? " hidden" : "") + ">" + list(it.kids, depth + 1) + "</div>" : "") + "</li>";
      }).join("") + "</ol>";
    }
    return list(root.kids, 1);
  }
  var mount = $("#toc-mount");
  if (mount) {
    var base = mount.getAttribute("data-base") || "", local = mount.hasAttribute("data-local");
    var tocHtml = mount.hasAttribute("data-from-page") ? tocFromPage() : window.SPECBOOK_TOC;
    if (typeof tocHtml === "string") {
      mount.innerHTML = tocHtml;
      $$("a[href]", mount).forEach(function (a) {
        var h = a.getAttribute("href"), i = h.indexOf("#");
        if (local && i >= 0) a.setAttribute("href", h.slice(i));
        else if (base && !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(h)) a.setAttribute("href", base + h);
      });
      var cur = mount.getAttribute("data-chapter");
      if (cur) {
        var curBtn = $('.toc-toggle[aria-controls="toc-' + cur + '"]', mount);
        if (curBtn) {
          curBtn.setAttribute("aria-expanded", "true");
          var box = d.getElementById("toc-" + cur);
          if (box) box.hidden = false;
          curBtn.closest(".toc-item").classList.add("is-current");
        }
      }
    } else {
      mount.innerHTML = '<p><a href="' + esc(base) + /*h:toc_label*/'index.html">Table of contents</a></p>';
    }
  }

  /* ---- sidebar drawer (narrow screens) ---- */
  var sidebar = $("#sidebar"), navBtn = $(".nav-toggle"), scrim = $(".scrim"), hereBtn = $(".here");
  function setNav(open, focus) {
    root.classList.toggle("nav-open", open);
    if (navBtn) navBtn.setAttribute("aria-expanded", open ? "true" : "false");
    if (hereBtn) hereBtn.setAttribute("aria-expanded", open ? "true" : "false");
    if (scrim) scrim.hidden = !open;
    if (open && focus) {
      var a = $(".toc-link.active", sidebar) || $("a", sidebar);
      if (a) setTimeout(function () { a.focus(); }, 50);
    } else if (!open && focus && navBtn) navBtn.focus({ preventScroll: true });
  }
  if (navBtn && sidebar) {
    navBtn.addEventListener("click", function () { setNav(!root.classList.contains("nav-open"), true); });
    /* on phones the header names the section being read; a tap on it opens the contents too */
    if (hereBtn) hereBtn.addEventListener("click", function () { setNav(!root.classList.contains("nav-open"), true); });
    if (scrim) scrim.addEventListener("click", function () { setNav(false, false); });
    sidebar.addEventListener("click", function (e) { if (e.target.closest("a")) setNav(false, false); });
    d.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && root.classList.contains("nav-open")) setNav(false, true);
    });
  }

  /* ---- collapsible chapters in the table of contents ---- */
  function expand(btn, open) {
    var box = btn && d.getElementById(btn.getAttribute("aria-controls"));
    if (!box) return;
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    box.hidden = !open;
  }
  d.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".toc-toggle");
    if (btn) { btn.dataset.user = "1"; expand(btn, btn.getAttribute("aria-expanded") !== "true"); }
  });

  /* ---- scroll-spy: highlight the section being read ---- */
  var here = location.href.split("#")[0], links = {}, active = null, autoOpened = null;
  $$(".toc-link", sidebar || d.createElement("div")).forEach(function (a) {
    var h = a.href.split("#");
    if (h[0] === here && h[1]) links[decodeURIComponent(h[1])] = a;
  });
  var sections = $$("main .section[id]").filter(function (s) { return links[s.id]; });
  function setActive(id) {
    var a = links[id];
    if (!a || a === active) return;
    if (active) { active.classList.remove("active"); active.removeAttribute("aria-current"); }
    active = a;
    a.classList.add("active");
    a.setAttribute("aria-current", "location");
    var top = a.closest(".depth-1 > .toc-item"), btn = top && $(".toc-toggle", top);
    if (btn && btn.getAttribute("aria-expanded") !== "true") {
      if (autoOpened && autoOpened !== btn && !autoOpened.dataset.user) expand(autoOpened, false);
      expand(btn, true);
      autoOpened = btn;
    }
    if (sidebar && sidebar.scrollHeight > sidebar.clientHeight) {
      var r = a.getBoundingClientRect(), s = sidebar.getBoundingClientRect();
      if (r.top < s.top + 40 || r.bottom > s.bottom - 40) sidebar.scrollTop += r.top - s.top - s.height / 3;
    }
  }
  function spy() {
    var line = (parseFloat(getComputedStyle(root).scrollPaddingTop) || 72) + 8, cur = sections[0];
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top <= line) cur = sections[i]; else break;
    }
    if (window.innerHeight + window.scrollY >= d.documentElement.scrollHeight - 2) {
      // at the very bottom: the last section whose heading is visible wins
      for (var j = sections.length - 1; j >= 0; j--) {
        if (sections[j].getBoundingClientRect().top < window.innerHeight) { cur = sections[j]; break; }
      }
    }
    if (cur) { setActive(cur.id); showHere(cur); }
  }
  /* the header's "you are here": the title of the section being read */
  var hereFor = null;
  function showHere(sec) {
    if (!hereBtn || sec === hereFor) return;
    hereFor = sec;
    var h = $(".section-head > :first-child", sec), t = h ? h.textContent.trim() : "";
    hereBtn.textContent = "";
    if (!t) { hereBtn.hidden = true; return; }
    var sr = d.createElement("span");
    sr.className = "sr-only";
    sr.textContent = /*t:current_section*/"Current section: ";
    hereBtn.appendChild(sr);
    hereBtn.appendChild(d.createTextNode(t));
    hereBtn.title = t;
    hereBtn.hidden = false;
  }
  if (sections.length && "IntersectionObserver" in window) {
    var pending = false;
    var io = new IntersectionObserver(function () {
      if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; spy(); }); }
    }, { rootMargin: "-64px 0px -55% 0px", threshold: [0, 1] });
    sections.forEach(function (s) { io.observe(s); });
    var end = d.createElement("div");
    end.setAttribute("aria-hidden", "true");
    $("main").appendChild(end);
    io.observe(end);
    window.addEventListener("hashchange", spy);
    spy();
  }

  /* ---- copy a link to an example: a button in every example's head ---- */
  $$("figure.example[id] > .example-head").forEach(function (head) {
    var b = d.createElement("button");
    b.className = "copy-link";
    b.type = "button";
    b.title = /*t:copy_link_title*/"Copy a link to this example";
    b.setAttribute("data-href", "#" + head.parentNode.id);
    b.innerHTML = /*h:copy_link*/'<span class="copy-label">Copy link</span>';
    head.appendChild(b);
  });
  function legacyCopy(text) {
    var ta = d.createElement("textarea"), ok = false;
    ta.value = text; ta.setAttribute("readonly", ""); ta.style.cssText = "position:fixed;top:0;left:0;opacity:0";
    d.body.appendChild(ta); ta.select();
    try { ok = d.execCommand("copy"); } catch (e) { ok = false; }
    d.body.removeChild(ta);
    return ok;
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return legacyCopy(text); });
    }
    return Promise.resolve(legacyCopy(text));
  }
  d.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".copy-link");
    if (!btn) return;
    var hash = btn.getAttribute("data-href") || "", url = location.href.split("#")[0] + hash;
    var label = $(".copy-label", btn) || btn, orig = btn.dataset.label || label.textContent;
    btn.dataset.label = orig;
    copyText(url).then(function (ok) {
      if (!ok) { try { history.replaceState(null, "", hash); } catch (e2) { location.hash = hash; } }
      label.textContent = ok ? /*t:copied*/"Copied" : /*t:link_in_address_bar*/"Link in address bar";
      btn.setAttribute("data-state", ok ? "copied" : "failed");
      announce(ok ? /*t:link_copied*/"Link copied to clipboard" : /*t:link_shown*/"Link shown in the address bar");
      clearTimeout(btn._t);
      btn._t = setTimeout(function () { label.textContent = orig; btn.removeAttribute("data-state"); }, 2000);
    });
  });

  /* ---- eval citations: the tip shows on hover and focus (CSS); on a
     touch screen the first tap opens it and a second follows the link;
     a tip that would leave the screen is moved back in ---- */
  /* The page carries <a class="eval-ref" title="N eval prompts">LABEL</a>;
     the mark and its tip are made here, once. */
  $$(".cite a.eval-ref[title]").forEach(function (a) {
    var label = a.textContent, what = a.title, mark = d.createElement("span"), tip = d.createElement("span"), b = d.createElement("b");
    a.removeAttribute("title");
    mark.className = "cite-mark"; mark.setAttribute("aria-hidden", "true"); mark.textContent = label;
    b.textContent = label;
    tip.className = "cite-tip"; tip.appendChild(b); tip.appendChild(d.createTextNode(" · " + what));
    a.textContent = "";
    a.appendChild(mark); a.appendChild(tip);
  });
  var touched = false;
  function placeTip(cite) {
    var tip = $(".cite-tip", cite);
    if (!tip) return;
    cite.style.removeProperty("--tip-dx");
    var r = tip.getBoundingClientRect(), w = root.clientWidth, dx = 0;
    if (r.width <= 1) return;
    if (r.right > w - 8) dx = w - 8 - r.right;
    if (r.left + dx < 8) dx = 8 - r.left;
    if (dx) cite.style.setProperty("--tip-dx", Math.round(dx) + "px");
  }
  function closeTips(except) {
    $$(".cite.open").forEach(function (c) { if (c !== except) c.classList.remove("open"); });
  }
  d.addEventListener("pointerdown", function (e) { touched = e.pointerType === "touch" || e.pointerType === "pen"; }, true);
  d.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".cite a.eval-ref");
    if (!a) { if (touched) closeTips(null); return; }
    var cite = a.closest(".cite");
    if (touched && !cite.classList.contains("open")) {
      e.preventDefault();
      closeTips(cite);
      cite.classList.add("open");
      placeTip(cite);
    }
  });
  ["focusin", "mouseover"].forEach(function (ev) {
    d.addEventListener(ev, function (e) {
      var cite = e.target.closest && e.target.closest(".cite");
      if (cite) requestAnimationFrame(function () { placeTip(cite); });
    });
  });
  /* Escape hides a shown tip until the mark is left (WCAG 1.4.13) */
  d.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    closeTips(null);
    $$(".cite").filter(function (c) { return c.matches(":hover, :focus-within"); }).forEach(function (c) { c.classList.add("dismissed"); });
  });
  ["focusout", "mouseout"].forEach(function (ev) {
    d.addEventListener(ev, function (e) {
      var cite = e.target.closest && e.target.closest(".cite.dismissed");
      if (cite && !(e.relatedTarget && cite.contains(e.relatedTarget))) cite.classList.remove("dismissed");
    });
  });

  /* ---- wide code blocks: make them keyboard-scrollable ---- */
  $$("pre").forEach(function (p) {
    if (p.scrollWidth > p.clientWidth + 1 && !p.hasAttribute("tabindex")) {
      p.setAttribute("tabindex", "0");
      // A group, not a region: a page of many wide blocks must not hold
      // many landmarks of one name (axe landmark-unique).
      p.setAttribute("role", "group");
      p.setAttribute("aria-label", "Code (scrolls sideways)");
    }
  });

  /* ---- search: search.js (and search.css) load on first use of the box,
     on `/` or Ctrl/Cmd-K, or at once for a ?q= link; it adopts the box ---- */
  var sbHost = d.getElementById("search"), sbInput = sbHost && $("input", sbHost);
  if (sbHost && sbInput && sbHost.getAttribute("data-src")) {
    var sbLoad = function () {
      if (window.SpecbookSearch || $('script[src$="search.js"]')) return;
      var s = d.createElement("script");
      s.src = sbHost.getAttribute("data-src");
      d.head.appendChild(s);
    };
    sbInput.addEventListener("focus", sbLoad);
    sbInput.addEventListener("input", sbLoad);
    d.addEventListener("keydown", function (e) {
      if (sbHost.getAttribute("data-ready")) return; // search.js handles keys now
      var t = e.target, typing = t && t.closest && t.closest("input, textarea, select, [contenteditable]");
      var k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey;
      if (k || (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey)) {
        e.preventDefault();
        sbInput.focus({ preventScroll: true });
        if (k) sbInput.select();
        sbLoad();
      }
    });
    if (/[?&]q=/.test(location.search) && !$("[data-examples-browser]")) sbLoad();
  }

  /* ---- left/right arrow keys go to the previous/next chapter ---- */
  d.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    var t = e.target;
    if (t.closest && t.closest("input, textarea, select, pre, [contenteditable], .search")) return;
    var a = $(e.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
    if (a) location.href = a.href;
  });
})();
