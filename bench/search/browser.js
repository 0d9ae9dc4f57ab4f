// Search benchmark in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core). For each query: a fresh browser context (empty
// cache) opens the bench page, focuses the search box, types the query and
// waits for the first result; every request made up to then is recorded.
// Then, with the index chunks cached, the query itself is timed: the
// engine's search plus the facet counts over all hits (median of 15 runs).
//
// usage: node browser.js <base-url> <queries.json>  → JSON on stdout
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require(path.join(__dirname, "node_modules", "playwright-core"));

const [base, queriesPath] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf8"));
const exe = process.env.CHROMIUM || "/usr/bin/chromium";

(async () => {
  const browser = await chromium.launch({
    executablePath: exe,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const results = [];
  for (const q of queries) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const requests = [];
    let phase = "load";
    page.on("request", (r) => requests.push({ url: r.url(), phase }));
    await page.goto(base + "index.html");
    await page.waitForLoadState("load");
    const beforeFocus = requests.filter((r) => r.url.includes("/search/")).length;
    phase = "query";
    const t0 = Date.now();
    await page.focus("#sb-input");
    await page.fill("#sb-input", q);
    await page.waitForFunction(() => {
      const s = document.querySelector("#sb-status");
      return document.querySelector('#sb-listbox [role="option"] .sb-title') || (s && /No results/.test(s.textContent));
    }, null, { timeout: 20000 });
    const firstMs = Date.now() - t0;
    const fetched = requests.filter((r) => r.url.startsWith(base)).map((r) => r.url.slice(base.length));
    const hits = await page.evaluate(() => document.querySelector("#sb-status").textContent);
    const timing = await page.evaluate(async (q) => {
      const S = window.SpecbookSearch, e = S.engine("");
      const m = await e.manifest(), f = await e.facets();
      await e.search(q);
      const times = [];
      const sel = {};
      S.GROUPS.forEach((g) => { sel[g[0]] = new Set(); });
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        const r = await e.search(q);
        new S.Facets(m, f).apply(r.hits.map((h) => h[0]), sel);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return times[7];
    }, q);
    results.push({ q, fetched, searchRequestsBeforeFocus: beforeFocus, firstResultMs: firstMs, queryMs: timing, status: hits });
    await ctx.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
