#!/usr/bin/env python3
"""`specbook lsp` on the real spec: time from a change to its diagnostics.

Issue 15's bar: diagnostics within 500 ms of a change on the real spec.
Starts `specbook lsp` on a copy of the newest corpus release, opens
model_spec.md, then N times sends a whole-document change (alternately
breaking and fixing one reference) and times the moment the server's
publishDiagnostics for the file arrives (the 150 ms debounce included).

    python3 bench/lsp.py --specbook target/release/specbook \
        --corpus ../shared/corpus/model-spec-2025-12-18 [--edits 20]

Standard library only. Exit 0 when the slowest change is within 500 ms.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAR_MS = 500


class Client:
    def __init__(self, specbook, root):
        self.p = subprocess.Popen([specbook, "lsp", str(root)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("the server went away")
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length: "):
                length = int(line.split(b": ")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == rid:
                return m.get("result")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics_for(self, uri):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--specbook", required=True)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--edits", type=int, default=20)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "spec"
        shutil.copytree(a.corpus, root)
        spec = root / "model_spec.md"
        text = spec.read_text(encoding="utf-8")
        uri = spec.resolve().as_uri()
        c = Client(a.specbook, root.resolve())
        c.request("initialize", {"processId": None, "rootUri": root.resolve().as_uri(), "capabilities": {}})
        c.notify("initialized", {})
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        c.diagnostics_for(uri)
        times = []
        for i in range(a.edits):
            broken = i % 2 == 0
            body = text + ("\nSee [?](#no_such_rule_%d).\n" % i if broken else "\n")
            t = time.perf_counter()
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": i + 2},
                                                "contentChanges": [{"text": body}]})
            diags = c.diagnostics_for(uri)
            times.append((time.perf_counter() - t) * 1000)
            errors = [d for d in diags if d["severity"] == 1]
            if broken != bool(errors):
                raise SystemExit(f"edit {i}: expected {'an error' if broken else 'no error'}, got {errors}")
        c.request("shutdown", None)
        c.notify("exit", None)
        c.p.wait(timeout=10)
    print(f"change → diagnostics on the real spec ({a.edits} edits, 150 ms debounce included):")
    print(f"  median {statistics.median(times):.0f} ms, max {max(times):.0f} ms (bar {BAR_MS} ms)")
    return 0 if max(times) <= BAR_MS else 1


if __name__ == "__main__":
    sys.exit(main())
