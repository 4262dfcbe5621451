#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, made from the repository's own files
(so new rules, tests and evidence become seeds without a copy to keep up
to date). Usage: fuzz/seeds.py OUT_DIR  -> OUT_DIR/<target>/<name>."""

import csv
import io
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])


def put(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# check, fmt: every rule file in the repository (the ui cases are one
# error each: good starting points for the checker's error paths).
rules = sorted(ROOT.glob("rules/**/*.zb")) + sorted(ROOT.glob("tests/**/*.zb"))
for p in rules:
    if p.name.endswith(".test.zb"):
        continue
    name = str(p.relative_to(ROOT)).replace("/", "_")
    for target in ("check", "fmt"):
        put(target, name, p.read_bytes())

# ruletest: rules/national.test.zb cut into small files (its header and
# baseline, then three cases each), so one run takes milliseconds.
text = (ROOT / "rules/national.test.zb").read_text()
first = text.index("\n用例 ")
head, body = text[: first + 1], text[first + 1 :]
cases = ["用例 " + c for c in body.split("\n用例 ")]
cases[0] = cases[0][len("用例 ") :]
for i in range(0, len(cases), 3):
    put("ruletest", f"national-{i // 3:02}.test.zb", head + "\n".join(cases[i : i + 3]))


# evidence: first byte = mode (bit 0: 失信事件, bit 1: JSON, bit 2: GBK).
def to_json(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    for r in rows:
        for k, v in r.items():
            if k not in ("编码", "事件编号") and v and all(ch in "0123456789." for ch in v) and v.count(".") <= 1 and v[0] != ".":
                r[k] = json.loads(v) if not v.startswith("0") or v == "0" else v
    return json.dumps(rows, ensure_ascii=False, indent=1).encode()


for folder in sorted(ROOT.glob("examples/evidence*")):
    for table, bit in (("主体", 0), ("失信事件", 1)):
        raw = (folder / f"{table}.csv").read_bytes()
        put("evidence", f"{folder.name}-{table}.csv", bytes([bit]) + raw)
        put("evidence", f"{folder.name}-{table}.json", bytes([bit | 2]) + to_json(raw))
for p in sorted(ROOT.glob("tests/evidence/**/*")):
    if p.is_file():
        bit = 1 if p.name.startswith("失信事件") or p.name.startswith("事件") else 0
        bit |= 2 if p.suffix == ".json" else 0
        bit |= 4 if p.parent.name == "gbk" else 0
        name = str(p.relative_to(ROOT)).replace("/", "_")
        put("evidence", name, bytes([bit]) + p.read_bytes())
