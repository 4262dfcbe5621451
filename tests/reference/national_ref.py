#!/usr/bin/env python3
"""Independent reference implementation of the national scoring appendix
(/work/shared/standard/national.md, A.1-A.3). Standard library only.

Usage:
    python3 national_ref.py --subjects 主体.csv --events 失信事件.csv [--year 2025] -o OUT.csv

Importable API:
    run(subjects_path, events_path, year=2025) -> list of Result
    load_csv(path)                        -> (header, list of dict rows of str)
    evaluate(subject_rows, event_rows, year=2025, subject_header=None, event_header=None)
                                          -> list of Result (Fraction scores)
    result_table(results)                 -> header + rows of strings (output CSV)
    write_table(rows, path)
All arithmetic is exact (fractions.Fraction); each third-level score is
rounded half-up to 2 decimals, higher levels are sums of rounded children.
"""
import argparse
import csv
import datetime
import math
import re
import sys
from fractions import Fraction

SUBJECT_FIELDS = [
    "编码", "名称", "所属地区", "重大决策数", "重大决策已审查数",
    "规范性文件未按期备案数", "规范性文件被撤销纠正数",
    "执法公示制度", "全过程记录制度", "法制审核制度",
    "行政复议结案数", "行政复议纠错数", "行政诉讼结案数", "行政诉讼败诉数",
    "应出庭案件数", "负责人出庭数", "主动公开达标率", "政策文件数", "同步解读数",
    "依申请公开件数", "按期答复件数", "信息公开被纠错数", "开放数据集数",
    "网上可办率", "承诺时限压缩率", "热线工单数", "按时办结数",
    "群众满意度", "企业满意度", "招商承诺事项数", "已兑现事项数",
    "报告承诺完成率", "信用承诺制", "信用修复申请数", "修复按期办结数",
    "培训覆盖率", "失信负面舆情数", "省级创新案例数", "国家级创新案例数",
    "重大政务失信事件",
]
EVENT_FIELDS = ["编码", "事件编号", "类型", "金额", "已整改", "日期"]
EVENT_TYPES = ("拖欠账款", "失信被执行", "合同违约")

TEXT_FIELDS = {"编码", "名称", "所属地区"}
YESNO_FIELDS = {"执法公示制度", "全过程记录制度", "法制审核制度", "信用承诺制", "重大政务失信事件"}
# percent (百分数) and score (分数) fields: decimal in [0, 100]
PERCENT_FIELDS = {"主动公开达标率", "网上可办率", "承诺时限压缩率", "群众满意度",
                  "企业满意度", "报告承诺完成率", "培训覆盖率"}
INT_FIELDS = [f for f in SUBJECT_FIELDS
              if f not in TEXT_FIELDS | YESNO_FIELDS | PERCENT_FIELDS]
# (numerator, denominator): numerator must not exceed denominator
RATIO_PAIRS = [
    ("重大决策已审查数", "重大决策数"), ("行政复议纠错数", "行政复议结案数"),
    ("行政诉讼败诉数", "行政诉讼结案数"), ("负责人出庭数", "应出庭案件数"),
    ("同步解读数", "政策文件数"), ("按期答复件数", "依申请公开件数"),
    ("按时办结数", "热线工单数"), ("已兑现事项数", "招商承诺事项数"),
    ("修复按期办结数", "信用修复申请数"),
]

# Indicator tree: first level -> second level -> third level codes.
TREE = [
    ("1", [("1.1", ["1.1.1", "1.1.2"]), ("1.2", ["1.2.1", "1.2.2"]), ("1.3", ["1.3.1", "1.3.2"])]),
    ("2", [("2.1", ["2.1.1", "2.1.2"]), ("2.2", ["2.2.1", "2.2.2"]), ("2.3", ["2.3.1"])]),
    ("3", [("3.1", ["3.1.1", "3.1.2"]), ("3.2", ["3.2.1", "3.2.2"]), ("3.3", ["3.3.1"])]),
    ("4", [("4.1", ["4.1.1", "4.1.2"]), ("4.2", ["4.2.1", "4.2.2", "4.2.3"])]),
    ("5", [("5.1", ["5.1.1", "5.1.2"]), ("5.2", ["5.2.1", "5.2.2"])]),
]
# tree order: first level, then each second level followed by its thirds
ALL_CODES = []
for _f, _seconds in TREE:
    ALL_CODES.append(_f)
    for _s, _thirds in _seconds:
        ALL_CODES.append(_s)
        ALL_CODES.extend(_thirds)
THIRD_CODES = [t for _f, ss in TREE for _s, ts in ss for t in ts]

OUTPUT_HEADER = ["编码", "名称", "基础分", "加分", "总分", "等级", "否决", "缺失"] + ALL_CODES

P = lambda n: Fraction(n, 100)  # percent literal -> ratio, e.g. P(95) == 0.95

INT_RE = re.compile(r"^[0-9]+$")
DEC_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class DataError(ValueError):
    """Invalid evidence data; message names file, line and field."""


# ---------------------------------------------------------------- input ----

def load_csv(path):
    """Read a UTF-8 CSV (optional BOM) into a list of dicts of stripped strings."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        rows = []
        for rec in reader:
            if not any(cell.strip() for cell in rec):
                continue  # ignore blank lines
            if len(rec) != len(header):
                raise DataError(f"{path}:{reader.line_num}: expected {len(header)} cells, got {len(rec)}")
            row = {h: cell.strip() for h, cell in zip(header, rec)}
            row["__line__"] = reader.line_num
            rows.append(row)
    return header, rows


def _dec(text):
    """Exact Fraction from a plain decimal literal like '97.35'."""
    return Fraction(text)


def parse_subjects(header, rows, fname="主体.csv"):
    """Validate subject rows; return list of dicts field -> value, where value
    is None (empty cell), int, Fraction (percent 0-100), bool, or str."""
    for f in SUBJECT_FIELDS:
        if f not in header:
            raise DataError(f"{fname}: missing column {f}")
    out, seen = [], set()
    for i, row in enumerate(rows):
        line = row.get("__line__", i + 2)
        where = lambda f: f"{fname}:{line}: field {f}"
        v = {}
        for f in SUBJECT_FIELDS:
            s = (row[f] or "").strip()
            if s == "":
                if f in ("编码", "名称"):
                    raise DataError(f"{where(f)}: must not be empty")
                v[f] = None
            elif f in TEXT_FIELDS:
                v[f] = s
            elif f in YESNO_FIELDS:
                if s not in ("是", "否"):
                    raise DataError(f"{where(f)}: expected 是/否, got {s!r}")
                v[f] = (s == "是")
            elif f in PERCENT_FIELDS:
                if not DEC_RE.match(s) or _dec(s) > 100:
                    raise DataError(f"{where(f)}: expected number in 0-100, got {s!r}")
                v[f] = _dec(s)
            else:
                if not INT_RE.match(s):
                    raise DataError(f"{where(f)}: expected non-negative integer, got {s!r}")
                v[f] = int(s)
        if v["编码"] in seen:
            raise DataError(f"{where('编码')}: duplicate code {v['编码']!r}")
        seen.add(v["编码"])
        for num, den in RATIO_PAIRS:
            if v[num] is not None and v[den] is not None and v[num] > v[den]:
                raise DataError(f"{where(num)}: {num}={v[num]} exceeds {den}={v[den]}")
        out.append(v)
    return out


def parse_events(header, rows, codes, fname="失信事件.csv"):
    """Validate event rows; every cell is required."""
    for f in EVENT_FIELDS:
        if f not in header:
            raise DataError(f"{fname}: missing column {f}")
    out, seen = [], set()
    for i, row in enumerate(rows):
        line = row.get("__line__", i + 2)
        where = lambda f: f"{fname}:{line}: field {f}"
        row = {f: (row[f] or "").strip() for f in EVENT_FIELDS}
        for f in EVENT_FIELDS:
            if row[f] == "":
                raise DataError(f"{where(f)}: must not be empty")
        if row["编码"] not in codes:
            raise DataError(f"{where('编码')}: unknown subject {row['编码']!r}")
        if row["事件编号"] in seen:
            raise DataError(f"{where('事件编号')}: duplicate {row['事件编号']!r}")
        seen.add(row["事件编号"])
        if row["类型"] not in EVENT_TYPES:
            raise DataError(f"{where('类型')}: invalid type {row['类型']!r}")
        if not DEC_RE.match(row["金额"]):
            raise DataError(f"{where('金额')}: expected non-negative decimal, got {row['金额']!r}")
        if row["已整改"] not in ("是", "否"):
            raise DataError(f"{where('已整改')}: expected 是/否, got {row['已整改']!r}")
        try:
            if not DATE_RE.match(row["日期"]):
                raise ValueError
            date = datetime.date.fromisoformat(row["日期"])
        except ValueError:
            raise DataError(f"{where('日期')}: expected YYYY-MM-DD, got {row['日期']!r}") from None
        out.append({"编码": row["编码"], "事件编号": row["事件编号"], "类型": row["类型"],
                    "金额": _dec(row["金额"]), "已整改": row["已整改"] == "是", "日期": date})
    return out


# -------------------------------------------------------------- scoring ----

def round2(x):
    """Round a non-negative Fraction half-up to 2 decimals (exact)."""
    assert x >= 0, x
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


def band_ge(x, rows, otherwise=0):
    """First row (bound, points) top-down with x >= bound."""
    for bound, pts in rows:
        if x >= bound:
            return Fraction(pts)
    return Fraction(otherwise)


def band_le(x, rows, otherwise=0):
    """First row (bound, points) top-down with x <= bound."""
    for bound, pts in rows:
        if x <= bound:
            return Fraction(pts)
    return Fraction(otherwise)


MISSING = object()  # marker: indicator scores 0 and is listed in 缺失


def ratio_indicator(v, num, den, full, rule):
    """Ratio indicator: missing if a field is empty; full points if den == 0."""
    if v[num] is None or v[den] is None:
        return MISSING
    if v[den] == 0:
        return Fraction(full)
    return rule(Fraction(v[num], v[den]))


def field_indicator(v, fields, rule):
    """Indicator over plain fields: missing if any is empty."""
    vals = [v[f] for f in fields]
    if any(x is None for x in vals):
        return MISSING
    return rule(*vals)


def floor0(x):
    return max(Fraction(0), Fraction(x))


def raw_scores(v, ev, open_max, ent_min, ent_max):
    """Unrounded score (Fraction) or MISSING for each third-level indicator.
    `ev` = this subject's in-period events; relative bounds passed in."""
    s = {}
    # 1.1.1 review rate: =100% 5; >=95% 4; >=90% 3; >=80% 1; else 0.
    # (Ratios never exceed 100% in valid data, so ">= 100%" equals "= 100%".)
    s["1.1.1"] = ratio_indicator(v, "重大决策已审查数", "重大决策数", 5,
                                 lambda r: band_ge(r, [(1, 5), (P(95), 4), (P(90), 3), (P(80), 1)]))
    s["1.1.2"] = field_indicator(v, ["规范性文件未按期备案数", "规范性文件被撤销纠正数"],
                                 lambda a, b: floor0(5 - a - 2 * b))
    s["1.2.1"] = field_indicator(v, ["执法公示制度", "全过程记录制度", "法制审核制度"],
                                 lambda a, b, c: Fraction(int(a) + int(b) + int(c)))

    def r122(r):
        if r <= P(5):
            return Fraction(5)
        if r >= P(25):
            return Fraction(0)
        return 5 * (P(25) - r) / P(20)
    s["1.2.2"] = ratio_indicator(v, "行政复议纠错数", "行政复议结案数", 5, r122)
    s["1.3.1"] = ratio_indicator(v, "行政诉讼败诉数", "行政诉讼结案数", 4,
                                 lambda r: band_le(r, [(P(3), 4), (P(6), 3), (P(10), 2), (P(15), 1)]))
    s["1.3.2"] = ratio_indicator(v, "负责人出庭数", "应出庭案件数", 3,
                                 lambda r: Fraction(3) if r >= P(90) else 3 * r / P(90))
    s["2.1.1"] = field_indicator(v, ["主动公开达标率"],
                                 lambda x: band_ge(x, [(98, 5), (95, 4), (90, 3), (80, 2)]))

    def r212(r):
        if r <= P(60):
            return Fraction(0)
        if r >= 1:
            return Fraction(3)
        return 3 * (r - P(60)) / P(40)
    s["2.1.2"] = ratio_indicator(v, "同步解读数", "政策文件数", 3, r212)
    s["2.2.1"] = ratio_indicator(v, "按期答复件数", "依申请公开件数", 4,
                                 lambda r: band_ge(r, [(1, 4), (P(98), 3), (P(95), 2)]))
    s["2.2.2"] = field_indicator(v, ["信息公开被纠错数"], lambda n: floor0(3 - n))
    # 2.3.1 relative to the maximum over non-missing subjects; max 0 -> 0.
    s["2.3.1"] = field_indicator(v, ["开放数据集数"],
                                 lambda n: Fraction(0) if open_max == 0 else 5 * Fraction(n) / open_max)
    s["3.1.1"] = field_indicator(v, ["网上可办率"],
                                 lambda x: band_ge(x, [(95, 4), (90, 3), (80, 2), (70, 1)]))
    s["3.1.2"] = field_indicator(v, ["承诺时限压缩率"],
                                 lambda x: Fraction(4) if x >= 60 else 4 * x / 60)
    s["3.2.1"] = ratio_indicator(v, "按时办结数", "热线工单数", 4,
                                 lambda r: band_ge(r, [(P(98), 4), (P(95), 3), (P(90), 2), (P(85), 1)]))
    s["3.2.2"] = field_indicator(v, ["群众满意度"], lambda x: 3 * x / 100)
    # 3.3.1 distance to frontier over non-missing subjects; max == min -> 5.
    s["3.3.1"] = field_indicator(v, ["企业满意度"],
                                 lambda x: Fraction(5) if ent_max == ent_min
                                 else 5 * (x - ent_min) / (ent_max - ent_min))
    s["4.1.1"] = ratio_indicator(v, "已兑现事项数", "招商承诺事项数", 6,
                                 lambda r: band_ge(r, [(1, 6), (P(95), 5), (P(90), 4), (P(80), 2)]))

    def r412(x):
        if x <= 80:
            return Fraction(0)
        if x >= 100:
            return Fraction(4)
        return 4 * (x - 80) / 20
    s["4.1.2"] = field_indicator(v, ["报告承诺完成率"], r412)

    # Event deductions (events already filtered to subject and period).
    def count(kind, rectified=None):
        return sum(1 for e in ev if e["类型"] == kind
                   and (rectified is None or e["已整改"] == rectified))
    s["4.2.1"] = floor0(6 - 2 * count("拖欠账款", False) - Fraction(1, 2) * count("拖欠账款", True))
    s["4.2.2"] = floor0(5 - 5 * count("失信被执行", False) - 1 * count("失信被执行", True))
    big = sum(1 for e in ev if e["类型"] == "合同违约" and e["金额"] >= 1000000)
    s["4.2.3"] = floor0(4 - count("合同违约") - big)

    s["5.1.1"] = field_indicator(v, ["信用承诺制"], lambda b: Fraction(2 if b else 0))
    s["5.1.2"] = ratio_indicator(v, "修复按期办结数", "信用修复申请数", 3, lambda r: 3 * r)
    s["5.2.1"] = field_indicator(v, ["培训覆盖率"], lambda x: band_ge(x, [(90, 2), (70, 1)]))
    s["5.2.2"] = field_indicator(v, ["失信负面舆情数"],
                                 lambda n: Fraction({0: 3, 1: 2, 2: 1}.get(n, 0)))
    return s


class Result:
    def __init__(self, code, name):
        self.code, self.name = code, name
        self.scores = {}       # indicator code -> rounded Fraction
        self.missing = []      # third-level codes, tree order
        self.vetoes = []       # "V1", "V2"
        self.base = self.bonus = self.total = Fraction(0)
        self.grade = ""


def grade_of(total):
    if total >= 90:
        return "优秀"
    if total >= 80:
        return "良好"
    if total >= 60:
        return "合格"
    return "不合格"


def evaluate(subject_rows, event_rows, year=2025, subject_header=None, event_header=None,
             subject_file="主体.csv", event_file="失信事件.csv"):
    """Score all subjects. Rows are dicts of strings as produced by load_csv /
    csv.DictReader. Returns list of Result in subject order."""
    if subject_header is None:
        subject_header = list(subject_rows[0]) if subject_rows else SUBJECT_FIELDS
    if event_header is None:
        event_header = list(event_rows[0]) if event_rows else EVENT_FIELDS
    subjects = parse_subjects(subject_header, subject_rows, subject_file)
    codes = {v["编码"] for v in subjects}
    events = parse_events(event_header, event_rows, codes, event_file)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_period = {}
    for e in events:
        if start <= e["日期"] <= end:
            in_period.setdefault(e["编码"], []).append(e)

    # Relative bounds over all non-missing subjects (vetoed ones included).
    opens = [v["开放数据集数"] for v in subjects if v["开放数据集数"] is not None]
    ents = [v["企业满意度"] for v in subjects if v["企业满意度"] is not None]
    open_max = max(opens) if opens else None
    ent_min, ent_max = (min(ents), max(ents)) if ents else (None, None)

    results = []
    for v in subjects:
        res = Result(v["编码"], v["名称"])
        ev = in_period.get(v["编码"], [])
        raw = raw_scores(v, ev, open_max, ent_min, ent_max)
        for code in THIRD_CODES:
            if raw[code] is MISSING:
                res.scores[code] = Fraction(0)
                res.missing.append(code)
            else:
                res.scores[code] = round2(raw[code])
        for first, seconds in TREE:
            for second, thirds in seconds:
                res.scores[second] = sum((res.scores[t] for t in thirds), Fraction(0))
            res.scores[first] = sum((res.scores[s] for s, _ in seconds), Fraction(0))
        res.base = sum((res.scores[f] for f, _ in TREE), Fraction(0))
        # B1: empty field contributes 0; cap 5.
        prov = v["省级创新案例数"] or 0
        natl = v["国家级创新案例数"] or 0
        res.bonus = Fraction(min(5, prov * 1 + natl * 2))
        res.total = min(Fraction(100), res.base + res.bonus)
        if any(e["类型"] == "失信被执行" and not e["已整改"] for e in ev):
            res.vetoes.append("V1")
        if v["重大政务失信事件"] is True:
            res.vetoes.append("V2")
        res.grade = "不合格" if res.vetoes else grade_of(res.total)
        results.append(res)
    return results


# --------------------------------------------------------------- output ----

def fmt2(x):
    """Format a Fraction with at most 2 decimals exactly as 'd.dd'."""
    n = x * 100
    assert n.denominator == 1 and n >= 0, x
    n = n.numerator
    return f"{n // 100}.{n % 100:02d}"


def result_table(results):
    rows = [OUTPUT_HEADER]
    for r in results:
        rows.append([r.code, r.name, fmt2(r.base), fmt2(r.bonus), fmt2(r.total), r.grade,
                     ";".join(r.vetoes), ";".join(r.missing)]
                    + [fmt2(r.scores[c]) for c in ALL_CODES])
    return rows


def write_table(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


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
