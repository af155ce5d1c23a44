#!/usr/bin/env python3
"""Helpers for benchmarks/assess/run.sh (python3 standard library only).

  compare.py compare NTMSIM.csv POSTGIS.csv [--rel 1e-6] [--absent 1e-6] [--show 10] [--out MISMATCHES.csv]
      NTMSIM.csv: code,indicator,denominator (criterion 2 rows of assess's indicators table)
      POSTGIS.csv: code,class,length_m
      Compares every (commune code, road class) pair; exit 1 if any differs.

  compare.py memsample OUT --user postgres [--interval 0.1]
      Until SIGTERM/SIGINT, samples the processes of USER and writes to OUT the peak of
      (sum of private anonymous memory over all of them + the largest shared memory mapped
      by any one of them), in kB; shared memory (shared_buffers) is counted once.

  compare.py report MEASURES.tsv META.tsv OUT_PREFIX
      Writes OUT_PREFIX.md (Markdown table) and OUT_PREFIX.json and prints the table.
"""
import csv
import json
import os
import signal
import sys
import time

INDICATOR_CLASS = {"2.1": "commune_axis", "2.2": "village_axis", "2.3": "alley", "2.4": "field"}


def read_ntmsim(path):
    vals = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cls = INDICATOR_CLASS.get(row["indicator"])
            if cls is None:
                continue
            key = (row["code"], cls)
            if key in vals:
                raise SystemExit(f"compare: duplicate ntmsim row for {key}")
            vals[key] = float(row["denominator"] or 0)
    return vals


def read_postgis(path):
    vals = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["code"], row["class"])
            if key in vals:
                raise SystemExit(f"compare: duplicate PostGIS row for {key}")
            vals[key] = float(row["length_m"] or 0)
    return vals


def cmd_compare(argv):
    import argparse

    p = argparse.ArgumentParser(prog="compare.py compare")
    p.add_argument("ntmsim")
    p.add_argument("postgis")
    p.add_argument("--rel", type=float, default=1e-6)
    p.add_argument("--absent", type=float, default=1e-6)
    p.add_argument("--show", type=int, default=10)
    p.add_argument("--out")
    a = p.parse_args(argv)
    ntm = read_ntmsim(a.ntmsim)
    pg = read_postgis(a.postgis)
    ntm_codes = {c for c, _ in ntm}
    pg_codes = {c for c, _ in pg}
    keys = sorted(set(ntm) | set(pg))
    bad = []
    present = 0
    worst = 0.0
    for key in keys:
        x = ntm.get(key, 0.0)
        y = pg.get(key, 0.0)
        if x < a.absent and y < a.absent:
            continue  # absent on both sides
        present += 1
        rel = abs(x - y) / max(abs(x), abs(y))
        worst = max(worst, rel)
        if rel > a.rel:
            bad.append((key[0], key[1], x, y, x - y, rel))
    print(f"compare: {len(ntm_codes)} communes in ntmsim, {len(pg_codes)} with roads in PostGIS; "
          f"{present} (commune, class) pairs with road; largest relative difference {worst:.3g}; "
          f"{len(bad)} pair(s) differ by more than {a.rel:g}")
    if a.out:
        with open(a.out, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["code", "class", "ntmsim_m", "postgis_m", "ntmsim_minus_postgis_m", "relative"])
            for b in bad:
                w.writerow([b[0], b[1], repr(b[2]), repr(b[3]), repr(b[4]), f"{b[5]:.3g}"])
    if bad:
        print(f"{'code':>10} {'class':<13} {'ntmsim m':>16} {'PostGIS m':>16} {'ntmsim-PostGIS':>16} {'rel':>9}")
        for b in bad[: a.show]:
            print(f"{b[0]:>10} {b[1]:<13} {b[2]:16.6f} {b[3]:16.6f} {b[4]:16.6f} {b[5]:9.3g}")
        return 1
    return 0


def cmd_memsample(argv):
    import argparse

    p = argparse.ArgumentParser(prog="compare.py memsample")
    p.add_argument("out")
    p.add_argument("--user", default="postgres")
    p.add_argument("--interval", type=float, default=0.1)
    a = p.parse_args(argv)
    import pwd

    uid = pwd.getpwnam(a.user).pw_uid
    peak = [0]
    stop = [False]

    def on_signal(*_):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def sample():
        anon = 0
        shmem = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.stat(f"/proc/{pid}").st_uid != uid:
                    continue
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("RssAnon:"):
                            anon += int(line.split()[1])
                        elif line.startswith("RssShmem:"):
                            shmem = max(shmem, int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
        return anon + shmem

    def write():
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{peak[0]}\n")
        os.replace(tmp, a.out)

    # The first sample is written at once: the caller waits for the file before it starts.
    peak[0] = sample()
    write()
    while not stop[0]:
        s = sample()
        if s > peak[0]:
            peak[0] = s
            write()
        time.sleep(a.interval)
    peak[0] = max(peak[0], sample())
    write()
    return 0


def fmt_s(v):
    if v is None:
        return "—"
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def fmt_mb(kb):
    if kb is None:
        return "—"
    return f"{kb / 1024:.0f} MB"


def cmd_report(argv):
    measures_path, meta_path, prefix = argv
    m = {}
    with open(measures_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            key, wall, rss = line.rstrip("\n").split("\t")
            m[key] = {"wall_s": float(wall), "peak_rss_kb": int(rss) if rss else None}
    meta = {}
    with open(meta_path, encoding="utf-8") as f:
        for line in f:
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                meta[k] = v

    def w(key):
        return m[key]["wall_s"] if key in m else None

    def r(key):
        return m[key]["peak_rss_kb"] if key in m else None

    pg_query = w("pg_query")
    pg_serial = w("pg_query_serial")
    pg_load = w("pg_load")
    pg_total = pg_query + pg_load if (pg_query and pg_load) else None
    rows = []

    def ratio(num, den):
        return f"{num / den:.2f}×" if (num and den) else "—"

    def mem(key):
        return f"{fmt_mb(r(key + '_t1'))} / {fmt_mb(r(key + '_t2'))}"

    pg_cell = fmt_s(pg_query) + (f" (1 process: {fmt_s(pg_serial)})" if pg_serial else "")
    rows.append(("PostGIS road-length query alone", "", "", pg_cell, "", fmt_mb(r("pg_query")),
                 "the SQL query on loaded, indexed, analysed tables (communes, roads), result to CSV; "
                 "memory: all PostgreSQL processes, private + shared buffers"))
    rows.append(("PostGIS load (ogr2ogr + GiST + ANALYZE)", "", "", fmt_s(pg_load), "",
                 fmt_mb(r("pg_load")) + " (ogr2ogr)", "communes and roads from the GeoPackage into the database"))
    rows.append(("**from the GeoPackage to road length per commune × class**: ntmsim info on communes + roads "
                 "vs PostGIS load + query", fmt_s(w("info_roads_t1")), fmt_s(w("info_roads_t2")),
                 fmt_s(pg_total), f"{ratio(pg_total, w('info_roads_t2'))} (query alone: "
                 f"{ratio(pg_query, w('info_roads_t2'))})", mem("info_roads"),
                 "ntmsim: read communes + roads, build indexes, clip every road (and nothing else: no "
                 "other layer), print the per-commune CSV"))
    rows.append(("ntmsim info, whole area", fmt_s(w("info_t1")), fmt_s(w("info_t2")), "",
                 ratio(pg_query, w("info_t2")), mem("info"),
                 "read all 7 layers + clip roads, canals, farmland + place points + print"))
    rows.append(("ntmsim assess, measuring + evaluation only (assess's own timer)",
                 fmt_s(w("assess_t1_compute")), fmt_s(w("assess_t2_compute")), "",
                 ratio(pg_query, w("assess_t2_compute")), "",
                 "info's clipping + farmland served by lined canals (buffers, unions, per-piece marginal "
                 "service) + criteria evaluation; not loading, not writing"))
    rows.append(("**ntmsim assess, whole command** (the issue's target: PostGIS query ÷ this ≥ 5)",
                 fmt_s(w("assess_t1")), fmt_s(w("assess_t2")), "", ratio(pg_query, w("assess_t2")),
                 mem("assess"), "load all layers + the above + write assess.gpkg and 3 CSV"))
    rows.append(("ntmsim generate (setup, not compared)", "", fmt_s(w("generate")), "", "", fmt_mb(r("generate")),
                 "synthetic area, all threads"))

    head = ["step", "ntmsim 1 thread", "ntmsim 2 threads", "PostGIS (2 parallel workers)",
            "PostGIS ÷ ntmsim 2 threads", "peak memory (ntmsim: 1 / 2 threads)", "what the time includes"]
    lines = []
    lines.append(f"Communes: {meta.get('communes')} ({meta.get('assessed')} assessed), "
                 f"roads: {meta.get('roads')}, (commune, class) pairs compared: {meta.get('pairs')}, "
                 f"equality: {meta.get('equality')}")
    lines.append(f"Machine: {meta.get('cpu')}, {meta.get('nproc')} cores, {meta.get('mem')}; "
                 f"{meta.get('date')}; git {meta.get('commit')}; load average at start "
                 f"{meta.get('loadavg_start')}, before each step: {meta.get('loadavg_per_step')}")
    lines.append(f"Versions: {meta.get('versions')}; PostgreSQL settings: {meta.get('pg_settings')}, "
                 f"communes parallel_workers=2, roads parallel_workers=0; workers planned: "
                 f"{meta.get('pg_workers_planned')}; best of {meta.get('repeat')} run(s) each")
    lines.append("")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    with open(prefix + ".md", "w", encoding="utf-8") as f:
        f.write(text)
    with open(prefix + ".json", "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "measures": m}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    sys.stdout.write(text)
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("compare", "memsample", "report"):
        sys.stderr.write(__doc__)
        return 2
    return {"compare": cmd_compare, "memsample": cmd_memsample, "report": cmd_report}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
