/* specbook serve: live reload. Loaded only by pages that `specbook serve`
   renders (never by `specbook build`). Follows the server-sent-events
   channel named by window.SPECBOOK_LIVE_RELOAD:
     hello   connected;
     reload  {"changed": [site paths], "full": bool}: reload this page if it
             is among them (or if `full`), keeping the scroll position;
     error   {"diagnostics": [...], "text": "..."}: show the overlay;
     ok      the spec builds again: remove the overlay. */
(function () {
  "use strict";
  var url = window.SPECBOOK_LIVE_RELOAD;
  if (!url || typeof EventSource === "undefined") return;

  var SCROLL_KEY = "specbook-scroll:" + location.pathname;
  var OVERLAY_ID = "specbook-overlay";

  // ---- scroll position across reloads
  function saveScroll() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* storage disabled: the browser's own restore applies */ }
  }
  function restoreScroll() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { return; }
    if (!saved) return;
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    var apply = function () { window.scrollTo(saved.x || 0, saved.y || 0); };
    apply();
    // Again once late content (sidebar, fonts, images) has settled.
    window.addEventListener("load", function () {
      apply();
      requestAnimationFrame(apply);
    });
  }
  restoreScroll();

  // ---- which page this is, as a site path ("evals/x.html")
  function currentPath() {
    var p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (p === "" || p.charAt(p.length - 1) === "/") p += "index.html";
    return p;
  }
  function reload() {
    saveScroll();
    location.reload();
  }

  // ---- the overlay
  function showOverlay(payload) {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = [
      "position:fixed", "left:1rem", "right:1rem", "bottom:1rem", "z-index:2147483647",
      "max-height:60vh", "overflow:auto", "margin:0", "padding:0.75rem 1rem",
      "background:#1e1e1e", "color:#f5f5f5", "border:2px solid #e5484d",
      "border-radius:6px", "box-shadow:0 6px 24px rgba(0,0,0,.35)",
      "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
    ].join(";");
    var head = document.createElement("div");
    head.style.cssText = "display:flex;align-items:center;gap:1rem;margin-bottom:.5rem;font-weight:bold";
    var title = document.createElement("span");
    title.style.flex = "1";
    var n = (payload.diagnostics || []).filter(function (d) { return d.severity === "error"; }).length;
    title.textContent = "specbook: the spec does not build (" + n + " error" + (n === 1 ? "" : "s") +
      "); this page shows the last good build";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Close");
    close.style.cssText = "font:inherit;font-size:18px;line-height:1;padding:0 .4rem;cursor:pointer;" +
      "background:transparent;color:inherit;border:1px solid currentColor;border-radius:4px";
    close.addEventListener("click", function () { box.remove(); });
    head.appendChild(title);
    head.appendChild(close);
    var pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap;font:inherit";
    // textContent, never innerHTML: messages quote the author's source.
    pre.textContent = payload.text || (payload.diagnostics || []).map(function (d) {
      return d.file + (d.line ? ":" + d.line + ":" + d.col : "") + ": " + d.severity + ": " + d.message;
    }).join("\n");
    box.appendChild(head);
    box.appendChild(pre);
    (document.body || document.documentElement).appendChild(box);
  }
  function hideOverlay() {
    var box = document.getElementById(OVERLAY_ID);
    if (box) box.remove();
  }

  // ---- the channel, reconnecting with backoff
  var delay = 500;
  var MAX_DELAY = 10000;
  var connected = false;
  function connect() {
    var es = new EventSource(url);
    es.addEventListener("hello", function () {
      // Back after a lost connection: builds may have been missed.
      if (connected === "lost") reload();
      connected = true;
      delay = 500;
    });
    es.addEventListener("reload", function (e) {
      var data = JSON.parse(e.data || "{}");
      var changed = data.changed || [];
      if (data.full || changed.indexOf(currentPath()) !== -1) reload();
    });
    es.addEventListener("error", function (e) {
      // Also fired by EventSource itself when the connection drops (no data).
      if (e.data) {
        showOverlay(JSON.parse(e.data));
        return;
      }
      es.close();
      if (connected) connected = "lost";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
    es.addEventListener("ok", hideOverlay);
  }
  connect();
})();
