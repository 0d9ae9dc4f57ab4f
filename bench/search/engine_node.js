// Runs queries through static/search.js's Engine under node, reading the
// index from a built site folder; prints one JSON line per query:
// {"q": ..., "hits": [[doc, score], ...]}.
// usage: node engine_node.js <search.js> <site-root> <queries.json>
"use strict";
const fs = require("fs");
const path = require("path");
const S = require(path.resolve(process.argv[2]));
const root = process.argv[3];
const queries = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
// Data files are scripts, `window.__specbookData("<key>",<json>);`: read
// the JSON out of them (S.dataJson checks the wrapper and the key).
const eng = new S.Engine(root + "/", (url, key) => Promise.resolve(S.dataJson(fs.readFileSync(url, "utf8"), key)));
(async () => {
  const out = [];
  for (const q of queries) {
    const r = await eng.search(q);
    out.push(JSON.stringify({ q, hits: r.hits }));
  }
  process.stdout.write(out.join("\n") + "\n");
})().catch((e) => { console.error(e); process.exit(1); });
