#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the RAW lines of b1_churn.sh / b3_dataplane.sh into Markdown tables.

    stats.py b1 FILE...     B1 tables (create, delete, memory, growth)
    stats.py b2 FILE...     B2 table (IKE setup rate with / without plugin)
    stats.py b3 FILE...     B3 tables (one per cipher)
    stats.py iperf FILE     one number from an iperf3 -J result (used by b3)
    stats.py b4 FILE...     B4 tables (rate error, fairness, parent, CPU, install)
    stats.py b4window CAND WANT_BPS PARENT_BPS BEFORE AFTER
                            one B4 window: key=value pairs (used by b4)
    stats.py b6 FILE...     B6 tables (redirect latency, CPU per hairpin packet)
    stats.py b6s FILE...    B6 shortcut tables (first packet -> direct device)
    stats.py b6sreps REPS FRAMES HUB SPOKE1 SPOKE2 LAN1 LAN2 LAN2NET HUBLOG S1LOG S2LOG
                            RAW b6s lines from b6_shortcut.sh's repetitions,
                            capture (tshark fields) and charon logs (used by b6s)

Ratios are taken between candidates of the same repetition (measured next to
each other in the same boot), then summarised as median [min..max].
"""
import json
import re
import statistics
import sys
import time
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


def spread_d(xs, d):
    """median [min..max] of values, d decimals"""
    if not xs:
        return "n/a"
    return "%.*f [%.*f..%.*f]" % (d, med(xs), d, min(xs), d, max(xs))


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


def b4_snapshot(cand, path):
    """(time_us, {child: (bytes, packets, drops)}) of one b4 snapshot file.

    The time is the middle of the two clock readings around the dump.
    ours: `vachurn stats` lines; htb: `tc -s class show` between them,
    leaf classes only (those under 1:1)."""
    times, kids, cls = [], {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "time_us":
                times.append(int(p[1]))
            elif cand == "ours" and p[0] == "dev":
                kids[p[1]] = (int(p[3]), int(p[4]), int(p[5]))
            elif cand == "htb" and p[0] == "class":
                # class htb 1:a parent 1:1 ...
                cls = p[2] if "parent" in p and p[p.index("parent") + 1] == "1:1" else None
            elif cand == "htb" and p[0] == "Sent" and cls:
                # Sent B bytes P pkt (dropped D, overlimits ...
                kids[cls] = (int(p[1]), int(p[3]), int(p[6].rstrip(",")))
                cls = None
    return (times[0] + times[-1]) / 2, kids


def b4window(cand, want, parent, before, after):
    t0, k0 = b4_snapshot(cand, before)
    t1, k1 = b4_snapshot(cand, after)
    dt = (t1 - t0) / 1e6
    rates, pkts, byts, drops = [], 0, 0, 0
    for name, (b, p, d) in k1.items():
        b0, p0, d0 = k0.get(name, (0, 0, 0))
        rates.append((b - b0) * 8 / dt)
        byts += b - b0
        pkts += p - p0
        drops += d - d0
    errs = sorted(abs(r - want) / want * 100 for r in rates)
    sq = sum(r * r for r in rates)
    jain = sum(rates) ** 2 / (len(rates) * sq) if sq else float("nan")
    print("n=%d dt_s=%.4f got_med_bps=%.0f err_med_pct=%.3f err_max_pct=%.3f "
          "jain=%.5f parent_pct=%.3f pkts=%d bytes=%d drops=%d" % (
              len(rates), dt, med(rates), med(errs), max(errs), jain,
              sum(rates) / parent * 100, pkts, byts, drops))


def b4(paths):
    recs = read_raw(paths)
    win = [r for r in recs if r["bench"] == "b4"]
    inst = [r for r in recs if r["bench"] == "b4install"]
    if not win and not inst:
        print("(no B4 results)")
        return
    spr = lambda xs, d=2: spread_d(xs, d)
    cpu = lambda r: r["busy_jiffies"] * 10000 / r["pkts"] if r["pkts"] else float("nan")
    for scen, title in (("s1", "S1: rate = ceil = P/K, every child flooded"),
                        ("s2", "S2: rate P/(2K), ceil P: each borrows up to P/K")):
        rs = [r for r in win if r["scen"] == scen]
        if not rs:
            continue
        print("%s (per candidate: median [min..max] over the repetitions)\n" % title)
        print("| K | reps | window | pkts/child | cand | rate error, median child % "
              "| rate error, worst child % | Jain | parent sum / P % | CPU µs/pkt |")
        print("| ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- | --- |")
        for k in sorted({r["k"] for r in rs}):
            for cand in ("ours", "htb"):
                c = [r for r in rs if r["k"] == k and r["cand"] == cand]
                if not c:
                    continue
                print("| %d | %d | %d s | %.0f | %s | %s | %s | %s | %s | %s |" % (
                    k, len(c), c[0]["window_s"], med([r["pkts"] / r["n"] for r in c]),
                    cand, spr([r["err_med_pct"] for r in c]),
                    spr([r["err_max_pct"] for r in c]), spr([r["jain"] for r in c], 4),
                    spr([r["parent_pct"] for r in c]), spr([cpu(r) for r in c], 0)))
        print()
        print("%s: ratios ours/htb per repetition, median [min..max]\n" % scen.upper())
        print("| K | CPU per packet | worst-child error | 1 - Jain |")
        print("| ---: | --- | --- | --- |")
        for k in sorted({r["k"] for r in rs}):
            d = defaultdict(dict)
            for r in rs:
                if r["k"] == k:
                    d[r["rep"]][r["cand"]] = r
            def rat(fn):
                return [fn(v["ours"]) / fn(v["htb"]) for v in d.values()
                        if "ours" in v and "htb" in v and fn(v["htb"])]
            print("| %d | %s | %s | %s |" % (
                k, spr(rat(cpu)), spr(rat(lambda r: r["err_max_pct"])),
                spr(rat(lambda r: 1 - r["jain"]))))
        print()
    if inst:
        print("Install time for K classes, ms (ours: `vachurn shape`, one TEMPLATE_SET + "
              "K ACCESS_SET; htb: `tc -batch`, K classes + K filters; process start "
              "included for both)\n")
        print("| K | reps | ours | htb | ours/htb | ours µs/class | htb µs/class |")
        print("| ---: | ---: | ---: | ---: | --- | ---: | ---: |")
        per = {}
        for k in sorted({r["k"] for r in inst}):
            d = defaultdict(dict)
            for r in inst:
                if r["k"] == k:
                    d[r["rep"]][r["cand"]] = r["us"]
            o = med([v["ours"] for v in d.values() if "ours" in v])
            h = med([v["htb"] for v in d.values() if "htb" in v])
            per[k] = (o / k, h / k)
            print("| %d | %d | %.1f | %.1f | %s | %.0f | %.0f |" % (
                k, len(d), o / 1000, h / 1000, spread(ratios(d, "ours", "htb")),
                o / k, h / k))
        print()
        ks = sorted(per)
        if len(ks) > 1:
            lo, hi = ks[0], ks[-1]
            # the process start is in every measurement: the cost a class
            # adds is the slope between sizes
            mo = (per[hi][0] * hi - per[lo][0] * lo) / (hi - lo)
            mh = (per[hi][1] * hi - per[lo][1] * lo) / (hi - lo)
            print("Growth factor of the install time per class, K=%d / K=%d: ours %.2f, "
                  "htb %.2f (process start included, which dominates at small K). "
                  "Cost a class adds, (t(%d) - t(%d)) / %d: ours %.0f µs, htb %.0f µs "
                  "(ours/htb %.2f)\n" % (hi, lo, per[hi][0] / per[lo][0],
                                        per[hi][1] / per[lo][1], hi, lo, hi - lo,
                                        mo, mh, mo / mh if mh else float("nan")))


def b6(paths):
    recs = read_raw(paths)
    lat = [r for r in recs if r["bench"] == "b6lat"]
    cpu = [r for r in recs if r["bench"] == "b6cpu"]
    if not lat and not cpu:
        print("(no B6 results)")
        return
    spr = lambda xs, d=0: spread_d(xs, d)
    if lat:
        print("Latency, first hairpin packet -> trigger read by the listener, µs "
              "(every pair of every repetition: median [min..max])\n")
        print("| N | cand | reps | probes | missing | from sendto() | from arrival on the hub's wan "
              "| <= 1 ms (from sendto) |")
        print("| ---: | --- | ---: | ---: | ---: | --- | --- | ---: |")
        for n in sorted({r["n"] for r in lat}):
            for cand in ("ours", "nflog"):
                c = [r for r in lat if r["n"] == n and r["cand"] == cand]
                if not c:
                    continue
                ok = [r for r in c if not r["missing"]]
                send = [r["send_us"] for r in ok]
                arr = [r["arrive_us"] for r in ok if r["arrive_us"] >= 0]
                print("| %d | %s | %d | %d | %d | %s | %s | %d%% |" % (
                    n, cand, len({r["rep"] for r in c}), len(c), len(c) - len(ok),
                    spr(send), spr(arr),
                    round(100 * sum(1 for x in send if x <= 1000) / len(c))))
        print()
        print("Latency ratio ours/nflog (median over the pairs of a repetition, "
              "ratio per repetition: median [min..max])\n")
        print("| N | reps | from sendto() | from arrival |")
        print("| ---: | ---: | --- | --- |")
        for n in sorted({r["n"] for r in lat}):
            d = defaultdict(dict)
            for key in ("send_us", "arrive_us"):
                for rep in sorted({r["rep"] for r in lat if r["n"] == n}):
                    for cand in ("ours", "nflog"):
                        xs = [r[key] for r in lat if r["n"] == n and r["rep"] == rep
                              and r["cand"] == cand and not r["missing"] and r[key] >= 0]
                        if xs:
                            d[(key, rep)][cand] = med(xs)
            rs = {key: [v["ours"] / v["nflog"] for (k, _), v in d.items()
                        if k == key and "ours" in v and "nflog" in v and v["nflog"]]
                  for key in ("send_us", "arrive_us")}
            print("| %d | %d | %s | %s |" % (
                n, len({r["rep"] for r in lat if r["n"] == n}),
                spr(rs["send_us"], 2), spr(rs["arrive_us"], 2)))
        print()
    if cpu:
        us = lambda r, k: r[k] * 10000 / r["pkts"] if r["pkts"] else float("nan")
        print("CPU per hairpin packet, µs (jiffies of /proc/stat over the window / "
              "packets the hub forwarded; per candidate: median [min..max])\n")
        print("| N | cand | reps | pkts/s forwarded | triggers read (whole run) | busy µs/pkt | softirq µs/pkt |")
        print("| ---: | --- | ---: | ---: | ---: | --- | --- |")
        for n in sorted({r["n"] for r in cpu}):
            for cand in ("ours", "ours15", "nflog", "none"):
                c = [r for r in cpu if r["n"] == n and r["cand"] == cand]
                if not c:
                    continue
                print("| %d | %s | %d | %.0f | %.0f | %s | %s |" % (
                    n, cand, len(c), med([r["pkts"] * 1e6 / r.get("window_us", r["window_s"] * 1e6) for r in c]),
                    med([r["events"] for r in c]),
                    spr([us(r, "busy_jiffies") for r in c], 1),
                    spr([us(r, "softirq_jiffies") for r in c], 1)))
        print()
        pairs = [("ours", "nflog"), ("ours", "none"), ("nflog", "none")]
        if any(r["cand"] == "ours15" for r in cpu):
            pairs[1:1] = [("ours15", "nflog"), ("ours15", "none")]
        for key, what in (("busy_jiffies", "busy"), ("softirq_jiffies", "softirq")):
            print("CPU ratios per repetition (%s), median [min..max]\n" % what)
            print("| N | reps | %s |" % " | ".join("%s/%s" % p for p in pairs))
            print("| ---: | ---: |%s" % (" --- |" * len(pairs)))
            for n in sorted({r["n"] for r in cpu}):
                d = defaultdict(dict)
                for r in cpu:
                    if r["n"] == n:
                        d[r["rep"]][r["cand"]] = us(r, key)
                print("| %d | %d | %s |" % (n, len(d), " | ".join(
                    spread(ratios(d, a, b)) for a, b in pairs)))
            print()


# B6, first packet -> direct device (b6_shortcut.sh): the steps, in the
# order they happen; "wire" ones from the capture on spoke1's link, "log"
# ones from the charon logs (millisecond stamps)
B6S_STEPS = [
    ("ti", "hub's Traffic Indication reaches spoke1's link", "wire"),
    ("rreq", "spoke1's Resolution Request leaves", "wire"),
    ("hubfwd", "hub forwards it to spoke2", "log"),
    ("ikeinit", "first IKE_SA_INIT between the spokes", "wire"),
    ("ikeauth", "IKE_AUTH response between the spokes", "wire"),
    ("ikeup", "spoke1: shortcut IKE_SA established", "log"),
    ("rreq2", "spoke1 asks again (its shortcut device came up)", "wire"),
    ("rrep", "first Resolution Reply spoke2 -> spoke1", "wire"),
    ("rrepok", "the Resolution Reply spoke1 took", "wire"),
    ("route", "spoke1: NHRP route installed", "log"),
    ("direct", "first packet on the direct path", "wire"),
]

B6S_LOG_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) (.*)")


def b6s_log(path, lo, hi, base_s):
    """[(epoch seconds, text)] of lines lo..hi-1 (0-based) of a charon log
    with `time_format = %T` and `time_add_ms`; the day is the one of base_s
    (the repetition's start), within 12 h."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()[lo:hi]
    day = time.localtime(base_s)
    for line in lines:
        m = B6S_LOG_TIME.match(line)
        if not m:
            continue
        h, mi, s, ms = (int(x) for x in m.groups()[:4])
        t = time.mktime((day.tm_year, day.tm_mon, day.tm_mday, h, mi, s, 0, 0, -1)) + ms / 1000
        if t - base_s > 43200:
            t -= 86400
        elif base_s - t > 43200:
            t += 86400
        out.append((t, m.group(5)))
    return out


def b6sreps(reps_path, frames_path, hub, s1, s2, l1, l2, l2net, hublog, s1log, s2log):
    frames = []
    with open(frames_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            p += [""] * (7 - len(p))
            frames.append({
                "t": float(p[0]), "src": p[1].split(","), "dst": p[2].split(","),
                "proto": p[3], "nhrp": p[4].split(","), "exch": p[5].split(","),
                "resp": p[6].split(",")[0] in ("1", "True")})
    logs = {"hub": hublog, "spoke1": s1log, "spoke2": s2log}
    with open(reps_path, encoding="utf-8") as f:
        reps = [dict(kv.split("=", 1) for kv in line.split()) for line in f if line.strip()]
    spokes = {s1, s2}
    for rep in reps:
        lo, hi = int(rep["start_ms"]) / 1000, int(rep["end_ms"]) / 1000
        win = [fr for fr in frames if lo <= fr["t"] <= hi]
        out = lambda fr: (fr["src"][0], fr["dst"][0])
        data = lambda fr: (":esp:gre:ip" in fr["proto"] and len(fr["src"]) > 1
                           and fr["src"][1] == l1 and fr["dst"][1] == l2)
        first = lambda cond: next((fr["t"] for fr in win if cond(fr)), None)
        count = lambda cond: sum(1 for fr in win if cond(fr))
        t0 = first(lambda fr: out(fr) == (s1, hub) and data(fr))
        decrypted = 1
        if t0 is None:  # not decrypted: the first ESP packet to the hub
            decrypted = 0
            t0 = first(lambda fr: out(fr) == (s1, hub) and ":esp" in fr["proto"])
        ev = {
            "ti": first(lambda fr: out(fr) == (hub, s1) and "8" in fr["nhrp"]),
            "rreq": first(lambda fr: out(fr) == (s1, hub) and "1" in fr["nhrp"]),
            "ikeinit": first(lambda fr: set(out(fr)) == spokes and "34" in fr["exch"]),
            "ikeauth": first(lambda fr: set(out(fr)) == spokes and "35" in fr["exch"] and fr["resp"]),
            "rrep": first(lambda fr: out(fr) == (s2, s1) and "2" in fr["nhrp"]),
            "direct": first(lambda fr: out(fr) == (s1, s2) and data(fr)),
        }
        marks0 = [int(x) for x in rep["marks0"].split(",")]
        marks1 = [int(x) for x in rep["marks1"].split(",")]
        lg = {ns: b6s_log(path, marks0[i], marks1[i], lo)
              for i, (ns, path) in enumerate(logs.items())}
        logfirst = lambda ns, *words: next((t for t, txt in lg[ns] if all(w in txt for w in words)), None)
        logcount = lambda ns, *words: sum(1 for _, txt in lg[ns] if all(w in txt for w in words))
        ev["hubfwd"] = logfirst("hub", "Resolution Request (id", "for %s forwarded" % l2)
        ev["ikeup"] = logfirst("spoke1", "IKE_SA shortcut[", "established between")
        ev["route"] = logfirst("spoke1", "NHRP route %s through" % l2net, "), hold")
        rreqs = [fr["t"] for fr in win if out(fr) == (s1, hub) and "1" in fr["nhrp"]]
        ev["rreq2"] = rreqs[1] if len(rreqs) > 1 else None
        # the reply that installed the route: the last one before it
        ev["rrepok"] = None
        if ev["route"] is not None:
            ev["rrepok"] = max((fr["t"] for fr in win if out(fr) == (s2, s1) and "2" in fr["nhrp"]
                                and fr["t"] <= ev["route"]), default=None)
        init1 = logcount("spoke1", "initiating shortcut connection")
        init2 = logcount("spoke2", "initiating shortcut connection")
        both = lambda *w: logcount("spoke1", *w) + logcount("spoke2", *w)
        rec = ["rep=%s" % rep["rep"], "warm=%s" % rep["warm"], "traffic=%s" % rep["traffic"],
               "ok=%s" % rep["ok"], "decrypted=%d" % decrypted,
               "first_us=%d" % (round((t0 - lo) * 1e6) if t0 is not None else -1)]
        for key, _, _ in B6S_STEPS:
            t = ev[key]
            rec.append("%s_us=%d" % (key, round((t - t0) * 1e6) if t is not None and t0 is not None else -1))
        rec += [
            "poll_ms=%s" % rep["poll_ms"], "dev_tx=%s" % rep["dev_tx"],
            "via_hub=%d" % count(lambda fr: out(fr) == (s1, hub) and data(fr)),
            "direct_pkts=%d" % count(lambda fr: out(fr) == (s1, s2) and data(fr)),
            "ti_n=%d" % count(lambda fr: out(fr) == (hub, s1) and "8" in fr["nhrp"]),
            "rreq_n=%d" % count(lambda fr: out(fr) == (s1, hub) and "1" in fr["nhrp"]),
            "ikeinit_n=%d" % count(lambda fr: set(out(fr)) == spokes and "34" in fr["exch"]),
            "rrep_n=%d" % count(lambda fr: out(fr) == (s2, s1) and "2" in fr["nhrp"]),
            "stale=%d" % logcount("spoke1", "Resolution Reply", "matches no request of ours"),
            "xfrm_drops=%s" % rep.get("xfrm_drops", -1),
            "init1=%d" % init1, "init2=%d" % init2,
            "resfail=%d" % both("no NHRP Resolution Reply"),
            "backoff=%d" % (both("no shortcut to", "within") + both("ignored: backing off")),
            "defer=%d" % both("waiting for its shortcut first"),
            "deferfired=%d" % both("no shortcut from", "building it"),
            "refused=%d" % (both("NHRP", "refused") + both("NHRP", "dropped")),
        ]
        print("RAW b6s " + " ".join(rec))


def b6s(paths):
    recs = [r for r in read_raw(paths) if r["bench"] == "b6s"]
    if not recs:
        print("(no B6 shortcut results)")
        return
    spr = lambda xs: spread_d(xs, 0)
    for kind in sorted({r["traffic"] for r in recs}, key=lambda k: k != "udp"):
        rs = [r for r in recs if r["traffic"] == kind and not r["warm"]]
        ok = [r for r in rs if r["ok"] and r["direct_us"] >= 0 and r["first_us"] >= 0]
        warm = [r for r in recs if r["traffic"] == kind and r["warm"]]
        print("Traffic %s: first packet -> each step, ms (from the first ESP packet "
              "spoke1 -> hub carrying it; %d of %d repetitions switched and were "
              "timed, warm-up excluded: median [min..max])\n" % (kind, len(ok), len(rs)))
        print("| step | source | reps | from the first packet | from the row before | warm-up |")
        print("| --- | --- | ---: | --- | --- | ---: |")
        col = lambda key, rs_: [r[key + "_us"] / 1000 for r in rs_ if r[key + "_us"] >= 0]
        rows = sorted((s_ for s_ in B6S_STEPS if col(s_[0], ok)), key=lambda s_: med(col(s_[0], ok)))
        prev = None
        for key, title, src in rows:
            xs = col(key, ok)
            ds = xs if not prev else [(r[key + "_us"] - r[prev + "_us"]) / 1000 for r in ok
                                      if r[key + "_us"] >= 0 and r[prev + "_us"] >= 0]
            w = col(key, warm)
            print("| %s | %s | %d | %s | %s | %s |" % (
                title, src, len(xs), spr(xs), spr(ds), fmt(w[0]) if w else "-"))
            prev = key
        print()
        n = lambda k: sum(r.get(k, 0) for r in rs)
        print("Traffic %s, per repetition: packets through the hub before the switch "
              "%s, on the direct device's counter %s; start -> first packet on the "
              "wire %s ms. Initiator of the shortcut IKE_SA: spoke1 %d, spoke2 %d, both %d; "
              "IKE_SA_INIT packets per repetition %s. Over all %d repetitions: "
              "Traffic Indications %d, Resolution Requests spoke1 -> hub %d, Resolution "
              "Replies spoke2 -> spoke1 %d (%d refused as matching no request), ESP packets "
              "spoke1's kernel dropped for want of an installed SA %d, resolutions without reply %d, "
              "back-offs %d, deferred builds %d (fired %d), NHRP refused/dropped %d, "
              "not decrypted %d, not switched %d\n" % (
                  kind, spr([r["via_hub"] for r in ok]), spr([r["dev_tx"] for r in ok]),
                  spr([r["first_us"] / 1000 for r in ok]),
                  sum(1 for r in rs if r["init1"] and not r["init2"]),
                  sum(1 for r in rs if r["init2"] and not r["init1"]),
                  sum(1 for r in rs if r["init1"] and r["init2"]),
                  spr([r["ikeinit_n"] for r in rs]), len(rs), n("ti_n"), n("rreq_n"),
                  n("rrep_n"), n("stale"), n("xfrm_drops"),
                  n("resfail"), n("backoff"), n("defer"), n("deferfired"), n("refused"),
                  sum(1 for r in rs if not r["decrypted"]), sum(1 for r in rs if not r["ok"])))


def b2(paths):
    recs = [r for r in read_raw(paths) if r["bench"] == "b2"]
    if not recs:
        print("(no B2 results)")
        return
    print("| N | reps | plugin IKE_SA/s (median) | none IKE_SA/s (median) "
          "| plugin/none rate | failures plugin / none | devices == IKE_SAs (plugin) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in sorted({r["n"] for r in recs}):
        d = defaultdict(dict)
        fails = defaultdict(int)
        devok = True
        for r in recs:
            if r["n"] != n:
                continue
            d[r["rep"]][r["cand"]] = r["rate"]
            fails[r["cand"]] += r["failed"]
            if r["cand"] == "plugin" and r["devs"] != r["ike"]:
                devok = False
        rate = {c: med([v[c] for v in d.values() if c in v]) for c in ("plugin", "none")}
        print("| %d | %d | %s | %s | %s | %d / %d | %s |" % (
            n, len(d), fmt(rate["plugin"], 2), fmt(rate["none"], 2),
            spread(ratios(d, "plugin", "none")), fails["plugin"], fails["none"],
            "yes" if devok else "NO"))
    print()


def main(argv):
    if len(argv) >= 2 and argv[1] == "b1":
        b1(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b2":
        b2(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b3":
        b3(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b4":
        b4(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b6":
        b6(argv[2:])
    elif len(argv) >= 2 and argv[1] == "b6s":
        b6s(argv[2:])
    elif len(argv) == 13 and argv[1] == "b6sreps":
        b6sreps(*argv[2:])
    elif len(argv) == 7 and argv[1] == "b4window":
        b4window(argv[2], float(argv[3]), float(argv[4]), argv[5], argv[6])
    elif len(argv) == 4 and argv[1] == "iperf":
        iperf(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
