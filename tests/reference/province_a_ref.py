#!/usr/bin/env python3
"""Independent reference implementation of the provincial variant A
(/work/shared/standard/variant-a.md on top of national.md). Standard library only.

Usage:
    python3 province_a_ref.py --subjects 主体.csv --events 失信事件.csv [--year 2025] -o OUT.csv

Importable API (same shape as national_ref):
    run(subjects_path, events_path, year=2025) -> list of Result
    evaluate(subject_rows, event_rows, year=2025, subject_header=None, event_header=None)
                                          -> list of Result (Fraction scores)
    result_table(results)                 -> header + rows of strings (output CSV)
    write_table(rows, path), load_csv(path)  (re-exported from national_ref)

Rules that variant-a.md does not name are taken from national_ref (parsing and
validation of the national fields and of the event table, the rounding, the
band / ratio / missing-data helpers and the unchanged indicators). Every
difference is implemented here:
    1. no 2.3 / 2.3.1; first level 2 is worth 15 (2.1 + 2.2)
    2. new 6 -> 6.1 -> 6.1.1 信用应用场景 on the new field 信用应用场景数
    3. 1.3.1 bands <= 5% 4 / <= 10% 2 / > 10% 0
    4. 4.2.1 unrectified 拖欠账款 -3 each (rectified still -0.5)
    5. 3.3.1 absolute: 5 x 企业满意度 / 100
    6. bonus B2 信用试点 = 是 -> +1; bonus total (B1 + B2) still capped at 5
    7. grades >= 85 优秀, >= 75 良好, >= 60 合格, else 不合格
"""
import argparse
import datetime
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import national_ref as nat  # noqa: E402

from national_ref import (  # noqa: E402,F401  (re-exported)
    DataError, MISSING, P, Result, band_ge, band_le, field_indicator, floor0,
    fmt2, load_csv, ratio_indicator, round2, write_table,
)

# ------------------------------------------------------------- schema ------

# Variant A item 2 and 6: two new subject fields, appended after the national ones.
NEW_FIELDS = ["信用应用场景数", "信用试点"]
SUBJECT_FIELDS = nat.SUBJECT_FIELDS + NEW_FIELDS
EVENT_FIELDS = nat.EVENT_FIELDS

# Indicator tree of the variant (written out, not derived from the national
# tree): 2.3 is gone, 6 is new and comes after 5.
TREE = [
    ("1", [("1.1", ["1.1.1", "1.1.2"]), ("1.2", ["1.2.1", "1.2.2"]), ("1.3", ["1.3.1", "1.3.2"])]),
    ("2", [("2.1", ["2.1.1", "2.1.2"]), ("2.2", ["2.2.1", "2.2.2"])]),
    ("3", [("3.1", ["3.1.1", "3.1.2"]), ("3.2", ["3.2.1", "3.2.2"]), ("3.3", ["3.3.1"])]),
    ("4", [("4.1", ["4.1.1", "4.1.2"]), ("4.2", ["4.2.1", "4.2.2", "4.2.3"])]),
    ("5", [("5.1", ["5.1.1", "5.1.2"]), ("5.2", ["5.2.1", "5.2.2"])]),
    ("6", [("6.1", ["6.1.1"])]),
]
# Full points, used only for internal consistency checks.
POINTS = {
    "1": 25, "1.1": 10, "1.1.1": 5, "1.1.2": 5, "1.2": 8, "1.2.1": 3, "1.2.2": 5,
    "1.3": 7, "1.3.1": 4, "1.3.2": 3,
    "2": 15, "2.1": 8, "2.1.1": 5, "2.1.2": 3, "2.2": 7, "2.2.1": 4, "2.2.2": 3,
    "3": 20, "3.1": 8, "3.1.1": 4, "3.1.2": 4, "3.2": 7, "3.2.1": 4, "3.2.2": 3,
    "3.3": 5, "3.3.1": 5,
    "4": 25, "4.1": 10, "4.1.1": 6, "4.1.2": 4, "4.2": 15, "4.2.1": 6, "4.2.2": 5, "4.2.3": 4,
    "5": 10, "5.1": 5, "5.1.1": 2, "5.1.2": 3, "5.2": 5, "5.2.1": 2, "5.2.2": 3,
    "6": 5, "6.1": 5, "6.1.1": 5,
}
ALL_CODES = []
for _f, _seconds in TREE:
    ALL_CODES.append(_f)
    for _s, _thirds in _seconds:
        ALL_CODES.append(_s)
        ALL_CODES.extend(_thirds)
THIRD_CODES = [t for _f, ss in TREE for _s, ts in ss for t in ts]

assert set(ALL_CODES) == set(POINTS) and len(ALL_CODES) == len(POINTS) == 44
assert sum(POINTS[f] for f, _ in TREE) == 100
for _f, _seconds in TREE:
    assert POINTS[_f] == sum(POINTS[s] for s, _ in _seconds), _f
    for _s, _thirds in _seconds:
        assert POINTS[_s] == sum(POINTS[t] for t in _thirds), _s

OUTPUT_HEADER = ["编码", "名称", "基础分", "加分", "总分", "等级", "否决", "缺失"] + ALL_CODES


# -------------------------------------------------------------- input ------

def parse_subjects(header, rows, fname="主体.csv"):
    """National validation of every national field (national_ref), plus the two
    new fields: 信用应用场景数 非负整数, 信用试点 是/否 (empty -> None)."""
    nat.parse_subjects(header, [], fname)          # national column check
    for f in NEW_FIELDS:
        if f not in header:
            raise DataError(f"{fname}: missing column {f}")
    out, seen = [], set()
    for i, row in enumerate(rows):
        line = row.get("__line__", i + 2)
        row = dict(row, __line__=line)
        v = nat.parse_subjects(header, [row], fname)[0]   # national fields + ratio pairs
        where = lambda f: f"{fname}:{line}: field {f}"
        s = (row["信用应用场景数"] or "").strip()
        if s == "":
            v["信用应用场景数"] = None
        elif not nat.INT_RE.match(s):
            raise DataError(f"{where('信用应用场景数')}: expected non-negative integer, got {s!r}")
        else:
            v["信用应用场景数"] = int(s)
        s = (row["信用试点"] or "").strip()
        if s == "":
            v["信用试点"] = None
        elif s not in ("是", "否"):
            raise DataError(f"{where('信用试点')}: expected 是/否, got {s!r}")
        else:
            v["信用试点"] = (s == "是")
        if v["编码"] in seen:
            raise DataError(f"{where('编码')}: duplicate code {v['编码']!r}")
        seen.add(v["编码"])
        out.append(v)
    return out


# ------------------------------------------------------------- scoring -----

def raw_scores(v, ev):
    """Unrounded score (Fraction) or MISSING for each third-level indicator of
    the variant. `ev` = this subject's in-period events."""
    # Unchanged indicators come from the national reference. Its relative
    # indicators (2.3.1, 3.3.1) need population bounds; variant A has no
    # relative indicator left, so neutral dummies are passed and both results
    # are discarded / replaced below.
    s = nat.raw_scores(v, ev, open_max=1, ent_min=0, ent_max=0)
    del s["2.3.1"]                                   # item 1
    # item 3: 1.3.1 败诉率 <= 5% 4; <= 10% 2; > 10% 0 (denominator 0 -> 4, A.1.4)
    s["1.3.1"] = ratio_indicator(v, "行政诉讼败诉数", "行政诉讼结案数", 4,
                                 lambda r: band_le(r, [(P(5), 4), (P(10), 2)], otherwise=0))
    # item 5: 3.3.1 absolute
    s["3.3.1"] = field_indicator(v, ["企业满意度"], lambda x: 5 * x / 100)
    # item 4: 4.2.1 unrectified 拖欠账款 -3 each, rectified -0.5 each, floor 0
    unfixed = sum(1 for e in ev if e["类型"] == "拖欠账款" and not e["已整改"])
    fixed = sum(1 for e in ev if e["类型"] == "拖欠账款" and e["已整改"])
    s["4.2.1"] = floor0(6 - 3 * unfixed - Fraction(1, 2) * fixed)
    # item 2: 6.1.1 信用应用场景数 >= 10 5; >= 5 3; >= 1 1; 0 0; empty -> missing
    s["6.1.1"] = field_indicator(v, ["信用应用场景数"],
                                 lambda n: band_ge(n, [(10, 5), (5, 3), (1, 1)], otherwise=0))
    assert sorted(s) == sorted(THIRD_CODES)
    return s


def bonus_of(v):
    """B1 (national: 省级 x1, 国家级 x2) + B2 (信用试点 = 是 -> 1); empty
    fields add nothing; the total of all bonus items is capped at 5."""
    b1 = (v["省级创新案例数"] or 0) * 1 + (v["国家级创新案例数"] or 0) * 2
    b2 = 1 if v["信用试点"] is True else 0
    return Fraction(min(5, b1 + b2))


def grade_of(total):
    """Item 7."""
    if total >= 85:
        return "优秀"
    if total >= 75:
        return "良好"
    if total >= 60:
        return "合格"
    return "不合格"


def evaluate(subject_rows, event_rows, year=2025, subject_header=None, event_header=None,
             subject_file="主体.csv", event_file="失信事件.csv"):
    """Score all subjects under variant A. Rows are dicts of strings as produced
    by load_csv / csv.DictReader. Returns list of Result in subject order."""
    if subject_header is None:
        subject_header = list(subject_rows[0]) if subject_rows else SUBJECT_FIELDS
    if event_header is None:
        event_header = list(event_rows[0]) if event_rows else EVENT_FIELDS
    subjects = parse_subjects(subject_header, subject_rows, subject_file)
    codes = {v["编码"] for v in subjects}
    events = nat.parse_events(event_header, event_rows, codes, event_file)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_period = {}
    for e in events:
        if start <= e["日期"] <= end:
            in_period.setdefault(e["编码"], []).append(e)

    results = []
    for v in subjects:
        res = Result(v["编码"], v["名称"])
        ev = in_period.get(v["编码"], [])
        raw = raw_scores(v, ev)
        for code in THIRD_CODES:
            if raw[code] is MISSING:
                res.scores[code] = Fraction(0)
                res.missing.append(code)
            else:
                res.scores[code] = round2(raw[code])
            assert 0 <= res.scores[code] <= POINTS[code], (v["编码"], code, res.scores[code])
        for first, seconds in TREE:
            for second, thirds in seconds:
                res.scores[second] = sum((res.scores[t] for t in thirds), Fraction(0))
            res.scores[first] = sum((res.scores[s] for s, _ in seconds), Fraction(0))
        res.base = sum((res.scores[f] for f, _ in TREE), Fraction(0))
        res.bonus = bonus_of(v)
        res.total = min(Fraction(100), res.base + res.bonus)
        # Vetoes as national: V1 in-period unrectified 失信被执行; V2 field = 是.
        if any(e["类型"] == "失信被执行" and not e["已整改"] for e in ev):
            res.vetoes.append("V1")
        if v["重大政务失信事件"] is True:
            res.vetoes.append("V2")
        res.grade = "不合格" if res.vetoes else grade_of(res.total)
        results.append(res)
    return results


# -------------------------------------------------------------- output -----

def result_table(results):
    rows = [OUTPUT_HEADER]
    for r in results:
        rows.append([r.code, r.name, fmt2(r.base), fmt2(r.bonus), fmt2(r.total), r.grade,
                     ";".join(r.vetoes), ";".join(r.missing)]
                    + [fmt2(r.scores[c]) for c in ALL_CODES])
    return rows


def run(subjects_path, events_path, year=2025):
    sh, srows = load_csv(subjects_path)
    eh, erows = load_csv(events_path)
    return evaluate(srows, erows, year, sh, eh, subjects_path, events_path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subjects", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    try:
        results = run(a.subjects, a.events, a.year)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    write_table(result_table(results), a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
