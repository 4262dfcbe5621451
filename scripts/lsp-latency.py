#!/usr/bin/env python3
"""Time per keystroke of `zhibiao lsp` (docs/editor.md, "速度").

Opens FILE, then sends N one-character incremental changes at the line
holding NEEDLE (insert CHAR, then delete it again), waiting each time for
the diagnostics; prints the median, 90th percentile and minimum round trip.

    cargo build --release
    python3 scripts/lsp-latency.py target/release/zhibiao rules/national.zb "≥ 95% 得 4 分"
    python3 scripts/lsp-latency.py target/release/zhibiao rules/national.zb "≥ 95% 得 4 分" "{"
"""
import json
import os
import subprocess
import sys
import time

N = 200


def main():
    binary, path, needle = sys.argv[1:4]
    typed = sys.argv[4] if len(sys.argv) > 4 else " "
    server = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(msg):
        body = json.dumps(msg).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive(pred):
        while True:
            length = None
            while True:
                line = server.stdout.readline().strip()
                if not line:
                    break
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(server.stdout.read(length))
            if pred(msg):
                return msg

    def published(msg):
        return msg.get("method") == "textDocument/publishDiagnostics"

    path = os.path.abspath(path)
    uri = "file://" + path
    text = open(path, encoding="utf-8").read()
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    receive(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    doc = {"uri": uri, "languageId": "zhibiao", "version": 1, "text": text}
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
    receive(published)
    line = text[: text.index(needle)].count("\n")
    column = len(text[text.rfind("\n", 0, text.index(needle)) + 1 : text.index(needle)].encode("utf-16-le")) // 2
    times = []
    for i in range(N):
        end = column if i % 2 == 0 else column + len(typed.encode("utf-16-le")) // 2
        change = {
            "range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": end}},
            "text": typed if i % 2 == 0 else "",
        }
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]}})
        receive(published)
        times.append(time.perf_counter() - started)
    times.sort()
    print(f"median {times[N // 2] * 1000:.2f} ms, p90 {times[int(N * 0.9)] * 1000:.2f} ms, "
          f"min {times[0] * 1000:.2f} ms")
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    receive(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait()


if __name__ == "__main__":
    main()
