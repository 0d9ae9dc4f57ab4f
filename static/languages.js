/* specbook: the language switcher of a site in several languages (loaded
   by its pages only). Every language has the same pages and anchors, so
   the rule being read is the anchor to keep: the one in the address,
   else the last section whose top has scrolled into the upper third. */
(function () {
  "use strict";
  var d = document, menu = d.querySelector("details.languages");
  if (!menu) return;
  function anchorInView() {
    if (location.hash) return location.hash;
    var best = null;
    d.querySelectorAll("main section.section[id]").forEach(function (s) {
      if (s.getBoundingClientRect().top < innerHeight / 3) best = s;
    });
    return best ? "#" + best.id : "";
  }
  d.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[hreflang]");
    if (a && menu.contains(a) && !(e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey)) {
      e.preventDefault();
      location.href = a.href.split("#")[0] + anchorInView();
    } else if (menu.open && !menu.contains(e.target)) menu.open = false;
  });
  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus({ preventScroll: true }); }
  });
})();
