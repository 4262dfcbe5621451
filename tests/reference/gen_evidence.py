#!/usr/bin/env python3
"""Adversarial evidence generator for the national appendix (national.md A.2).

Usage:
    python3 gen_evidence.py --subjects N --events-per-subject M --seed S --out DIR
                            [--year 2025] [--expected OUT.csv] [--variant a]

Writes DIR/主体.csv and DIR/失信事件.csv (UTF-8, '\\n'). All data is valid per
A.2, but values cluster on band boundaries, zero denominators, empty cells,
x.xx5 rounding ties and period-boundary dates. Output is deterministic for a
given seed. With --expected, also writes the reference results (national_ref).

Relative indicators: normally one subject pins the maximum of 开放数据集数 at
2000 and two subjects pin 企业满意度 at 60 and 100, so 5*v/2000 and
5*(v-60)/40 can land on x.xx5. Degenerate modes by seed: seeds ending in 7 or 9
make every 开放数据集数 0 (2.3.1: everyone 0); seeds ending in 8 or 9 make
every 企业满意度 the same value written in different ways (3.3.1: everyone 5).
Some totals are steered exactly onto 90/80/60 or 0.01 below (via 群众满意度).

--variant a (provincial variant A, variant-a.md; expected via province_a_ref):
appends 信用应用场景数 (mostly 0, 1, 4, 5, 9, 10, 30) and 信用试点 (是/否) to
主体.csv, both ~3% empty like the other fields; 1.3.1 values cluster on 5%/10%;
企业满意度 often hits an x.xx5 tie of the absolute 5 * x / 100 (t = 60.10,
60.30, ...); B1 also takes the value 4 so that B2 lands exactly on / over the
cap; totals are steered onto 85/75/60 or 0.01 below. The seed-based degenerate
relative modes are off (the variant has no relative indicator). Without the
option the output is unchanged.
"""
import argparse
import csv
import datetime
import os
import random
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import national_ref as ref  # noqa: E402
import province_a_ref as ref_a  # noqa: E402

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}
NAME_CHARS = "安平宁和兴德阳山河城东西南北江湖林清永新丰泰昌华源远长乐福康庆宝通盛"
P = lambda n: Fraction(n, 100)

# Ratio pairs (numerator, denominator) -> (boundaries worth hitting exactly,
# ratios that earn full points, generator of (n, d) whose linear score is an
# exact x.xx5 tie or None).
RATIOS = {
    ("重大决策已审查数", "重大决策数"): ([1, P(95), P(90), P(80), 0], [1], None),
    ("行政复议纠错数", "行政复议结案数"):
        ([P(5), P(25), 0, 1], [0, P(5)], lambda r: (r.randrange(51, 250, 2), 1000)),  # 6.25-n/40
    ("行政诉讼败诉数", "行政诉讼结案数"): ([P(3), P(6), P(10), P(15), 0, 1], [0, P(3)], None),
    ("负责人出庭数", "应出庭案件数"):
        ([P(90), 1, 0], [P(90), 1], lambda r: (3 * r.randrange(1, 600, 2), 2000)),  # k/200, k odd
    ("同步解读数", "政策文件数"):
        ([P(60), 1, 0], [1], lambda r: (2 * r.randrange(61, 100, 2), 200)),  # 7.5r-4.5
    ("按期答复件数", "依申请公开件数"): ([1, P(98), P(95), 0], [1], None),
    ("按时办结数", "热线工单数"): ([P(98), P(95), P(90), P(85), 0, 1], [P(98), 1], None),
    ("已兑现事项数", "招商承诺事项数"): ([1, P(95), P(90), P(80), 0], [1], None),
    ("修复按期办结数", "信用修复申请数"):
        ([1, 0, P(50)], [1], lambda r: (r.randrange(1, 600, 2), 600)),  # n/200, n odd
}
# Variant A: 1.3.1 bands are <= 5% / <= 10% / > 10% (replaces the national entry).
RATIOS_A = dict(RATIOS)
RATIOS_A[("行政诉讼败诉数", "行政诉讼结案数")] = ([P(5), P(10), 0, 1], [0, P(5)], None)
assert list(RATIOS_A) == list(RATIOS)
# Percent fields -> (boundaries, full-point values, x.xx5-tie generator in hundredths).
PERCENTS = {
    "主动公开达标率": ([98, 95, 90, 80], [98, 100], None),
    "网上可办率": ([95, 90, 80, 70], [95, 100], None),
    "承诺时限压缩率": ([60], [60, 100], None),
    "群众满意度": ([100, 50], [100], lambda r: 100 * r.randint(0, 99) + 50),  # 3*x.50/100
    "报告承诺完成率": ([80, 100], [100], None),
    "培训覆盖率": ([90, 70], [90, 100], None),
}
# Subject quality: "perfect" subjects earn full base points (no empty cells, no
# in-period events) so the 100 cap and 优秀 are exercised; "high" ones mostly
# take full-point values; "mixed" ones are fully adversarial.
QUALITY = (["perfect"] * 5 + ["high"] * 45 + ["mixed"] * 50)


def fmt_hundredths(t, rng):
    """Format t/100 with 0, 1 or 2 decimals (randomly padded when exact)."""
    ip, fp = divmod(t, 100)
    if fp == 0:
        return rng.choice([f"{ip}", f"{ip}", f"{ip}.0", f"{ip}.00"])
    if fp % 10 == 0:
        return rng.choice([f"{ip}.{fp // 10}", f"{ip}.{fp:02d}"])
    return f"{ip}.{fp:02d}"


def gen_ratio(rng, bounds, tie):
    x = rng.random()
    if x < 0.08:
        return 0, 0                                   # zero denominator
    if x < 0.45:
        b = Fraction(rng.choice(bounds))              # exactly on a boundary
        k = rng.randint(1, 40)
        return b.numerator * k, b.denominator * k
    if x < 0.65:
        b = Fraction(rng.choice(bounds))              # one unit either side
        d = rng.choice([20, 100, 1000, 2000, 10000, b.denominator * rng.randint(1, 50)])
        n = int(b * d) + rng.choice([-1, 1])
        return min(max(n, 0), d), d
    if x < 0.75 and tie:
        return tie(rng)
    d = rng.randint(1, 300)
    n = d - rng.randint(0, d // 4) if rng.random() < 0.6 else rng.randint(0, d)
    return n, d


def gen_percent(rng, bounds, tie):
    x = rng.random()
    if x < 0.45:
        t = 100 * rng.choice(bounds)
    elif x < 0.65:
        t = 100 * rng.choice(bounds) + rng.choice([-10, -1, 1, 10])
    elif x < 0.70:
        t = rng.choice([0, 10000])
    elif x < 0.78 and tie:
        t = tie(rng)
    else:
        t = rng.randint(5000, 10000) if rng.random() < 0.8 else rng.randint(0, 10000)
    return fmt_hundredths(min(max(t, 0), 10000), rng)


def small_count(rng, weights):
    """Draw a non-negative integer with weights for 0, 1, 2, ... and a rare big one."""
    if rng.random() < 0.03:
        return rng.randint(10, 99)
    return rng.choices(range(len(weights)), weights)[0]


def gen_subject(rng, code, quality, variant=None):
    v = {"编码": code, "所属地区": PROVINCES[code[:2]],
         "名称": "".join(rng.sample(NAME_CHARS, 2)) + rng.choice("县区市")}
    # probability that a field takes a full-point value
    good = {"perfect": 1.0, "high": 0.75, "mixed": 0.0}[quality]
    for (num, den), (bounds, full, tie) in (RATIOS_A if variant == "a" else RATIOS).items():
        if rng.random() < good:
            if rng.random() < 0.1:
                n, d = 0, 0
            else:
                b = Fraction(rng.choice(full))
                k = rng.randint(1, 40)
                n, d = b.numerator * k, b.denominator * k
        else:
            n, d = gen_ratio(rng, bounds, tie)
        v[num], v[den] = str(n), str(d)
        if d == 0 and quality != "perfect" and rng.random() < 0.15:
            v[num] = ""                                # zero denominator + missing numerator
    for f, (bounds, full, tie) in PERCENTS.items():
        v[f] = (fmt_hundredths(100 * rng.choice(full), rng) if rng.random() < good
                else gen_percent(rng, bounds, tie))
    # 1.1.2: 5 - a - 2b ; combos landing on 0 and below
    v["规范性文件未按期备案数"], v["规范性文件被撤销纠正数"] = map(str, (0, 0) if rng.random() < good
        else rng.choice([(0, 0)] * 4 + [(1, 0), (0, 1), (1, 1), (5, 0), (3, 1), (1, 2), (0, 3),
                                        (4, 0), (6, 2)] + [(rng.randint(0, 8), rng.randint(0, 4))]))
    v["信息公开被纠错数"] = "0" if rng.random() < good else str(small_count(rng, [6, 2, 2, 2, 1, 1]))
    v["失信负面舆情数"] = "0" if rng.random() < good else str(small_count(rng, [5, 3, 3, 3, 1, 1]))
    for f in ("执法公示制度", "全过程记录制度", "法制审核制度", "信用承诺制"):
        v[f] = "否" if rng.random() >= good and rng.random() < 0.3 else "是"
    v["重大政务失信事件"] = "是" if rng.random() < 0.05 else "否"
    # B1: provincial x1 + national x2, often exactly at or above the cap of 5
    b1 = [(0, 0)] * 12 + [(1, 0), (0, 1), (1, 2), (3, 1), (5, 0), (3, 2), (0, 3), (6, 0), (2, 4)]
    if variant == "a":
        b1 += [(4, 0), (2, 1), (0, 2)]                 # B1 = 4: B2 lands exactly on the cap
    v["省级创新案例数"], v["国家级创新案例数"] = map(str, rng.choice(b1))
    if variant == "a":
        # 6.1.1: >= 10 5; >= 5 3; >= 1 1; 0 0 -> every boundary and one either side
        v["信用应用场景数"] = str(rng.choice([10, 30]) if rng.random() < good
                              else rng.choice([0, 1, 4, 5, 9, 10, 30]) if rng.random() < 0.85
                              else rng.randint(0, 60))
        v["信用试点"] = rng.choice(["是", "否"])        # B2
    return v


def gen_event(rng, year, quality):
    edge = [datetime.date(year - 1, 12, 31), datetime.date(year, 1, 1),
            datetime.date(year, 12, 31), datetime.date(year + 1, 1, 1)]
    if quality == "perfect":                          # out-of-period only
        date = rng.choice([edge[0], edge[3], datetime.date(year - 1, 6, 30)])
    elif rng.random() < 0.4:
        date = rng.choice(edge)
    else:
        y = year if rng.random() < 0.8 else rng.choice([year - 1, year + 1])
        date = datetime.date(y, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
    if rng.random() < 0.35:
        amount = rng.choice(["1000000", "1000000.00", "1000000.0", "999999.99",
                             "1000000.01", "0", "0.01", "999999.9"])
    else:
        cents = rng.randint(0, 500_000_000)
        amount = rng.choice([f"{cents // 100}", f"{cents // 100}.{cents % 100:02d}",
                             f"{cents // 100}.{cents % 10}"])
    fixed = rng.random() < (0.5 if quality == "mixed" else 0.85)
    return {"类型": rng.choices(ref.EVENT_TYPES, [45, 20, 35])[0], "金额": amount,
            "已整改": "是" if fixed else "否", "日期": date.isoformat()}


def generate(n, m, seed, year=2025, variant=None):
    """Return (subject rows, event rows) as lists of dicts of strings.
    variant=None: national.md; variant="a": variant-a.md (two more columns)."""
    rng = random.Random(seed)
    capacity = len(PROVINCES) * 20 * 30
    if n > capacity:
        raise SystemExit(f"at most {capacity} subjects")
    prefixes = sorted(PROVINCES)
    codes = [f"{prefixes[i // 600]}{i // 30 % 20 + 1:02d}{i % 30 + 1:02d}"
             for i in rng.sample(range(capacity), n)]
    quality = [rng.choice(QUALITY) for _ in codes]
    subjects = [gen_subject(rng, c, q, variant) for c, q in zip(codes, quality)]

    # Relative indicators (2.3.1, 3.3.1).
    open_zero = seed % 10 in (7, 9) and variant is None
    ent_equal = seed % 10 in (8, 9) and variant is None
    for v, q in zip(subjects, quality):
        if open_zero:
            v["开放数据集数"] = "0"
        else:
            x = rng.random()
            v["开放数据集数"] = str(2000 if q == "perfect" or x < 0.1
                                   else 4 * rng.randint(0, 499) + 2 if x < 0.4     # v/400 tie
                                   else rng.randint(0, 2000) if x < 0.9 else 0)
        if ent_equal:
            v["企业满意度"] = rng.choice(["88.8", "88.80"])
        else:
            x = rng.random()
            t = (10000 if q == "perfect"
                 else 6010 + 20 * rng.randint(0, 199) if variant == "a" and x < 0.3  # x/20 tie
                 else 6004 + 8 * rng.randint(0, 499) if x < 0.3                   # (v-60)/8 tie
                 else rng.choice([6000, 10000, 8000]) if x < 0.4 else rng.randint(6000, 10000))
            v["企业满意度"] = fmt_hundredths(t, rng)
    pinned = rng.sample(range(n), min(n, 3))
    if not open_zero and pinned:
        subjects[pinned[0]]["开放数据集数"] = "2000"
        subjects[pinned[0]]["重大政务失信事件"] = rng.choice(["是", "否"])  # vetoed still counts
    if not ent_equal and len(pinned) == 3:
        subjects[pinned[1]]["企业满意度"] = "60"
        subjects[pinned[2]]["企业满意度"] = "100.00"

    # ~3% empty cells in numeric / yes-no fields (never in pinned relative cells).
    for i, v in enumerate(subjects):
        for f in (ref_a if variant == "a" else ref).SUBJECT_FIELDS[3:]:
            if rng.random() < 0.03 and quality[i] != "perfect":
                if (f == "开放数据集数" and i == pinned[0]) or \
                   (f == "企业满意度" and i in pinned[1:]):
                    continue
                v[f] = ""

    # Events: usually 0..2M per subject, sometimes many (deductions hit the floor).
    events = []
    for v, q in zip(subjects, quality):
        k = 0 if m == 0 else (rng.randint(3 * m, 3 * m + 10) if rng.random() < 0.05
                              and q == "mixed" else rng.randint(0, 2 * m))
        for _ in range(k):
            e = gen_event(rng, year, q)
            e["编码"] = v["编码"]
            events.append(e)
    rng.shuffle(events)
    for i, e in enumerate(events, 1):
        e["事件编号"] = f"SX{seed % 1000:03d}-{i:07d}"
    tune_totals(subjects, events, year, rng, variant)
    return subjects, events


GRADE_BOUNDS = (90, 80, 60)
GRADE_BOUNDS_A = (85, 75, 60)


def reference(variant):
    """The reference module scoring the given variant."""
    return ref_a if variant == "a" else ref


def tune_totals(subjects, events, year, rng, variant=None):
    """Move some totals exactly onto grade boundaries (90.00, 89.99, ...) by
    rewriting 群众满意度, which only feeds 3.2.2 = 3 * x / 100."""
    r = reference(variant)
    results = r.evaluate(subjects, events, year, r.SUBJECT_FIELDS, r.EVENT_FIELDS)
    bounds = GRADE_BOUNDS_A if variant == "a" else GRADE_BOUNDS
    for v, res in zip(subjects, results):
        if v["群众满意度"] == "" or rng.random() < 0.5:
            continue
        bound = min(bounds, key=lambda b: abs(b - res.total))
        target = bound - rng.choice([0, Fraction(1, 100)])  # on or just below
        want = res.scores["3.2.2"] + target - res.total     # new rounded 3.2.2 score
        if res.base + res.bonus >= 100 or not 0 <= want <= 3 or abs(target - res.total) > 3:
            continue
        # smallest x (hundredths) with 3x/100 >= want - 0.005, i.e. round2 == want
        x = -(-(want - Fraction(1, 200)) * 10000 // 3)
        v["群众满意度"] = fmt_hundredths(max(int(x), 0), rng)


def write_csv(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(fields)
        for r in rows:
            w.writerow([r[k] for k in fields])


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate adversarial evidence tables.")
    ap.add_argument("--subjects", type=int, required=True)
    ap.add_argument("--events-per-subject", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--expected", help="also write reference results to this CSV")
    ap.add_argument("--variant", choices=["a"],
                    help="provincial variant: 'a' = variant-a.md (two more subject columns)")
    a = ap.parse_args(argv)
    subjects, events = generate(a.subjects, a.events_per_subject, a.seed, a.year, a.variant)
    r = reference(a.variant)
    os.makedirs(a.out, exist_ok=True)
    write_csv(os.path.join(a.out, "主体.csv"), r.SUBJECT_FIELDS, subjects)
    write_csv(os.path.join(a.out, "失信事件.csv"), r.EVENT_FIELDS, events)
    if a.expected:
        results = r.evaluate(subjects, events, a.year, r.SUBJECT_FIELDS, r.EVENT_FIELDS)
        r.write_table(r.result_table(results), a.expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
