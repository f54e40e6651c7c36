#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the RAW lines of b1_churn.sh / b3_dataplane.sh into Markdown tables.

    stats.py b1 FILE...     B1 tables (create, delete, memory, growth)
    stats.py b3 FILE...     B3 tables (one per cipher)
    stats.py iperf FILE     one number from an iperf3 -J result (used by b3)

Ratios are taken between candidates of the same repetition (measured next to
each other in the same boot), then summarised as median [min..max].
"""
import json
import statistics
import sys
from collections import defaultdict


def read_raw(paths):
    recs = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2 or parts[0] != "RAW":
                    continue
                rec = {"bench": parts[1]}
                for kv in parts[2:]:
                    k, _, v = kv.partition("=")
                    try:
                        rec[k] = int(v)
                    except ValueError:
                        try:
                            rec[k] = float(v)
                        except ValueError:
                            rec[k] = v
                recs.append(rec)
    return recs


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(ratios):
    if not ratios:
        return "n/a"
    return "%.2f [%.2f..%.2f]" % (med(ratios), min(ratios), max(ratios))


def fmt(x, digits=0):
    if x != x:  # nan
        return "n/a"
    return "%.*f" % (digits, x)


def ratios(by_rep, a, b):
    """Per-repetition a/b for the repetitions where both were measured."""
    out = []
    for rep, vals in sorted(by_rep.items()):
        if a in vals and b in vals and vals[b]:
            out.append(vals[a] / vals[b])
    return out


def b1(paths):
    recs = read_raw(paths)
    main = [r for r in recs if r["bench"] == "b1"]
    each = [r for r in recs if r["bench"] == "b1each"]
    cands = ["ours", "xfrmi", "gre"]
    sizes = sorted({r["n"] for r in main})
    if not sizes:
        print("(no B1 results)")
        return

    def per(metric_fn, recs_):
        """{n: {rep: {cand: value}}}"""
        d = defaultdict(lambda: defaultdict(dict))
        for r in recs_:
            d[r["n"]][r["rep"]][r["cand"]] = metric_fn(r)
        return d

    tables = [
        ("Create, µs per device", per(lambda r: r["create_us"] / r["n"], main), 1),
        ("Batched delete, µs per device", per(lambda r: r["del_us"] / r["n"], main), 1),
        ("Memory, bytes per device (Slab)",
         per(lambda r: r["slab_kb"] * 1024 / r["n"], main), 0),
        ("Memory, bytes per device (Slab + Percpu)",
         per(lambda r: (r["slab_kb"] + r["percpu_kb"]) * 1024 / r["n"], main), 0),
        ("Memory, bytes per device (MemAvailable)",
         per(lambda r: r["avail_kb"] * 1024 / r["n"], main), 0),
    ]
    for title, d, digits in tables:
        print("%s (median of each candidate; ratios per repetition, median [min..max])\n" % title)
        print("| N | reps | ours | xfrmi | gre | ours/xfrmi | ours/gre |")
        print("| ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for n in sizes:
            by_rep = d[n]
            col = {c: med([v[c] for v in by_rep.values() if c in v]) for c in cands}
            print("| %d | %d | %s | %s | %s | %s | %s |" % (
                n, len(by_rep), fmt(col["ours"], digits), fmt(col["xfrmi"], digits),
                fmt(col["gre"], digits), spread(ratios(by_rep, "ours", "xfrmi")),
                spread(ratios(by_rep, "ours", "gre"))))
        print()

    lo, hi = sizes[0], sizes[-1]
    if lo != hi:
        print("Growth factor (per-device cost at N=%d / at N=%d, medians)\n" % (hi, lo))
        print("| what | ours | xfrmi | gre |")
        print("| --- | ---: | ---: | ---: |")
        for title, d, _ in tables[:2]:
            row = []
            for c in cands:
                a = med([v[c] for v in d[hi].values() if c in v])
                b = med([v[c] for v in d[lo].values() if c in v])
                row.append(fmt(a / b if b else float("nan"), 2))
            print("| %s | %s |" % (title.split(",")[0].lower(), " | ".join(row)))
        print()

    if each:
        d = per(lambda r: r["del_each_us"] / r["n"], each)
        print("One-by-one delete, µs per device (ours: one ACCESS_DEL per device; "
              "xfrmi/gre: `ip -batch` of `link del`)\n")
        print("| N | reps | ours | xfrmi | gre | ours/xfrmi | ours/gre | ours batched speed-up |")
        print("| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |")
        batched = tables[1][1]
        for n in sorted(d):
            by_rep = d[n]
            col = {c: med([v[c] for v in by_rep.values() if c in v]) for c in cands}
            bo = med([v["ours"] for v in batched[n].values() if "ours" in v])
            print("| %d | %d | %s | %s | %s | %s | %s | %sx |" % (
                n, len(by_rep), fmt(col["ours"], 1), fmt(col["xfrmi"], 1),
                fmt(col["gre"], 1), spread(ratios(by_rep, "ours", "xfrmi")),
                spread(ratios(by_rep, "ours", "gre")),
                fmt(col["ours"] / bo if bo else float("nan"), 0)))
        print()


B3_METRICS = [
    ("tcp1", "TCP 1 stream, Mbit/s"),
    ("tcp4", "TCP 4 streams, Mbit/s"),
    ("udp64", "UDP 64 B, received kpps"),
    ("udp1400", "UDP 1400 B, received kpps"),
]


def b3(paths):
    recs = [r for r in read_raw(paths) if r["bench"] == "b3"]
    if not recs:
        print("(no B3 results)")
        return
    for cipher in sorted({r["cipher"] for r in recs}, key=lambda c: c != "null"):
        d = defaultdict(lambda: defaultdict(dict))
        for r in recs:
            if r["cipher"] == cipher:
                d[r["metric"]][r["rep"]][r["cand"]] = r["value"]
        print("Cipher %s (median of each candidate; ratios per repetition, median [min..max])\n" % cipher)
        print("| metric | reps | ours | ip_gre+ESP | xfrmi | plain | ours/ip_gre | ours/xfrmi |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for key, title in B3_METRICS:
            if key not in d:
                continue
            by_rep = d[key]
            scale = 1e-6 if key.startswith("tcp") else 1e-3
            col = {c: med([v[c] for v in by_rep.values() if c in v]) * scale
                   for c in ("ours", "gre", "xfrmi", "plain")}
            print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
                title, len(by_rep), fmt(col["ours"], 1), fmt(col["gre"], 1),
                fmt(col["xfrmi"], 1), fmt(col["plain"], 1),
                spread(ratios(by_rep, "ours", "gre")),
                spread(ratios(by_rep, "ours", "xfrmi"))))
        print()


def iperf(path, what):
    """bps of a TCP test (receiver side) or received packets/s of a UDP one."""
    with open(path, encoding="utf-8") as f:
        res = json.load(f)
    if "error" in res:
        print("0")
        return
    end = res["end"]
    if what == "tcp":
        print("%.0f" % end["sum_received"]["bits_per_second"])
        return
    s = end.get("sum_received") or end["sum"]
    pkts = s.get("packets", 0) - s.get("lost_packets", 0)
    print("%.0f" % (pkts / s["seconds"] if s.get("seconds") else 0))


def main(argv):
    if len(argv) >= 2 and argv[1] == "b1":
        b1(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b3":
        b3(argv[2:])
    elif len(argv) == 4 and argv[1] == "iperf":
        iperf(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
