#!/usr/bin/python3
"""ntmsim's benchmarks, end to end: micro-benchmarks, the whole command line at district, province
and national scale, the roadmap (ntmsim plan on Can Lộc and on 250 communes), and the peers
(PostGIS, GDAL's SQLite dialect, GeoPandas, numpy) on the same data in the same run, each checked
to give the same numbers. benchmarks/run.sh builds and calls
this; see benchmarks/README.md.

    run.py --build DIR [--smoke] [--scales 20,250,10000] [--peer-scales 250,10000]
           [--geopandas-scales 250] [--sqlite-scales 250] [--draws 1000] [--peer-draws 100] [--out DIR]
           [--markdown BENCHMARKS.md] [--skip micro,e2e,peers,numpy,plan]

--smoke: 20 communes, Can Lộc's plan only, few draws, every step and every peer once, and the equality checks; no
timing is judged and BENCHMARKS.md is not touched. Exit 1 when a step fails or a peer disagrees.
"""
import argparse
import datetime
import filecmp
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PY = "/usr/bin/python3"  # Debian's, with python3-geopandas and python3-numpy
SCALE_NAMES = {20: "district", 250: "province", 10000: "national"}
BEGIN, END = "<!-- run.py: begin -->", "<!-- run.py: end -->"
PLAN_BEGIN, PLAN_END = "<!-- run.py plan: begin -->", "<!-- run.py plan: end -->"
PLAN_LIMIT_S = 60  # ntmsim plan's default time limit: the goals are judged within it


def log(msg):
    print(msg, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class Failed(Exception):
    pass


def timed(cmd, logfile, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS KiB)."""
    timefile = logfile + ".time"
    t0 = time.perf_counter()
    with open(logfile, "w") as out:
        rc = subprocess.run(["/usr/bin/time", "-v", "-o", timefile, *cmd], stdout=out, stderr=subprocess.STDOUT,
                            env=env).returncode
    wall = time.perf_counter() - t0
    if rc != 0:
        with open(logfile) as f:
            tail = f.read()[-3000:]
        raise Failed(f"failed (exit {rc}): {' '.join(cmd)}\n{tail}")
    rss = 0
    with open(timefile) as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1])
    return wall, rss


def same_tree(a, b):
    """True when two folders hold the same files with the same bytes."""
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


# --- micro-benchmarks ----------------------------------------------------------------------------

def run_micro(args, work):
    out = os.path.join(work, "micro.json")
    cmd = [os.path.join(args.bench_dir, "bench_kernels"), f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_min_time={0.01 if args.smoke else 0.5}"]
    log("== micro-benchmarks (bench_kernels)")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    with open(out) as f:
        data = json.load(f)
    rows = []
    for b in data["benchmarks"]:
        rows.append({"name": b["name"], "items_per_second": b.get("items_per_second", 0.0),
                     "real_time": b["real_time"], "time_unit": b["time_unit"]})
        log(f"   {b['name']:<28} {b.get('items_per_second', 0):>14,.0f} items/s")
    return rows


# --- the command line, end to end ----------------------------------------------------------------

def run_e2e(args, communes, work):
    ntm = args.ntmsim
    draws = args.draws
    name = SCALE_NAMES.get(communes, f"{communes} communes")
    log(f"== end to end: {name}, {communes} communes, {draws} draws × 15 years")
    rows = []
    scen_a = os.path.join(work, "scenario-a.yaml")
    scen_b = os.path.join(work, "scenario-b.yaml")
    subprocess.run(["bash", os.path.join(HERE, "peers", "scenario.sh"), str(communes), scen_a], check=True)
    subprocess.run(["bash", os.path.join(HERE, "peers", "scenario.sh"), str(communes), scen_b, "0.8"], check=True)
    checks = {}

    def step(label, threads, cmd):
        la = loadavg()
        wall, rss = timed(cmd, os.path.join(work, f"{label}-t{threads}.log"))
        rows.append({"communes": communes, "step": label, "threads": threads, "seconds": round(wall, 3),
                     "peak_rss_kib": rss, "loadavg": la})
        log(f"   {label:<10} {threads} thread(s) {wall:9.2f} s   peak RSS {rss / 1024:8.0f} MiB   (load {la:.1f})")

    # Every step after generate reads one file, so the results of both thread counts name the same
    # area (compare and the byte check need that); generate's two outputs are compared byte for byte.
    area = os.path.join(work, "area.gpkg")
    for t in (1, 2):
        generated = os.path.join(work, f"area-t{t}.gpkg")
        step("generate", t, [ntm, "generate", "--communes", str(communes), "--seed", "1", "-o", generated,
                             "--overwrite", "--threads", str(t)])
        if t == 1:
            shutil.copyfile(generated, area)
        step("validate", t, [ntm, "validate", area, "-q"])
        step("assess", t, [ntm, "assess", area, "--criteria", "vn-2016", "--year", "2017", "-o",
                           os.path.join(work, f"assess-t{t}.gpkg"), "--overwrite", "-q", "--threads", str(t)])
        sim = os.path.join(work, f"sim-t{t}")
        step("simulate", t, [ntm, "simulate", area, scen_a, "-o", sim, "--draws", str(draws), "--threads", str(t),
                             "--overwrite"])
        if t == 1:
            # The second scenario, for compare (not timed).
            subprocess.run([ntm, "simulate", area, scen_b, "-o", sim, "--draws", str(draws), "--overwrite"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            for d in os.listdir(os.path.join(work, "sim-t1")):
                if not os.path.exists(os.path.join(sim, d)):
                    shutil.copytree(os.path.join(work, "sim-t1", d), os.path.join(sim, d))
        folders = sorted(os.path.join(sim, d) for d in os.listdir(sim))
        step("compare", t, [ntm, "compare", *folders, "-o", os.path.join(work, f"cmp-t{t}"), "--overwrite"])
        step("export", t, [ntm, "export", folders[0], "--format", "gpkg", "-o", os.path.join(work, f"export-t{t}.gpkg"),
                           "--overwrite"])
    checks["generate: same bytes on 1 and 2 threads"] = filecmp.cmp(
        os.path.join(work, "area-t1.gpkg"), os.path.join(work, "area-t2.gpkg"), shallow=False)
    checks["simulate: same bytes on 1 and 2 threads"] = same_tree(os.path.join(work, "sim-t1"),
                                                                   os.path.join(work, "sim-t2"))
    for k, v in checks.items():
        log(f"   {k}: {'yes' if v else 'NO'}")
    return rows, checks


# --- the peers ------------------------------------------------------------------------------------

def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


def run_peers(args, communes, area, work, with_geopandas, with_sqlite):
    name = SCALE_NAMES.get(communes, f"{communes} communes")
    log(f"== peers: {name}, {communes} communes")
    rows, checks = [], []
    repeat = "1" if args.smoke else str(args.repeat)
    tasks = ["load", "roads", "points", "served"]
    for task in tasks:
        la = loadavg()
        out = subprocess.run([os.path.join(args.bench_dir, "bench_indicators"), area, "--task", task, "--threads", "1,2",
                              "--repeat", repeat, "--out", os.path.join(work, f"ntmsim-{task}.csv")],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        for r in json_lines(out):
            rows.append({"communes": communes, "peer": f"ntmsim-t{r['threads']}", "task": task,
                         "seconds": r["seconds"], "peak_rss_kib": r["peak_rss_kib"], "loadavg": la})
    peers = [("postgis", ["--work", tempfile.mkdtemp(prefix="ntmsim-pg-")])]
    if with_sqlite:
        peers.append(("sqlite", []))
    if with_geopandas:
        peers.append(("geopandas", []))
    for peer, extra in peers:
        la = loadavg()
        try:
            out = subprocess.run([PY, os.path.join(HERE, "peers", "peers.py"), peer, area, "--out", work,
                                  "--repeat", repeat, *extra], check=True, stdout=subprocess.PIPE, text=True).stdout
        finally:
            if peer == "postgis":
                shutil.rmtree(extra[1], ignore_errors=True)
        for r in json_lines(out):
            r.update({"communes": communes, "loadavg": la})
            rows.append(r)
        for task in tasks:
            theirs = os.path.join(work, f"{peer}-{task}.csv")
            if not os.path.exists(theirs):
                continue
            res = subprocess.run([PY, os.path.join(HERE, "peers", "peers.py"), "compare",
                                  os.path.join(work, f"ntmsim-{task}.csv"), theirs],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            c = json.loads(res.stdout.splitlines()[0])
            c.update({"communes": communes, "peer": peer, "task": task, "equal": res.returncode == 0})
            checks.append(c)
            log(f"   {peer:<10} {task:<7} {c['pairs']:>7} values, {'all equal' if c['equal'] else 'DIFFER'} "
                f"(largest relative difference {c['worst_rel']:.1e})")
            if res.returncode != 0:
                log(res.stderr)
    for r in rows:
        if r["task"] in tasks:
            log(f"   {r['peer']:<12} {r['task']:<7} {r['seconds']:9.3f} s")
    return rows, checks


def run_numpy(args, communes, area, work):
    log(f"== simulation vs numpy: {communes} communes")
    scen = os.path.join(work, "scenario-a.yaml")
    if not os.path.exists(scen):
        subprocess.run(["bash", os.path.join(HERE, "peers", "scenario.sh"), str(communes), scen], check=True)
    bench = os.path.join(args.bench_dir, "bench_simulate")
    # Every uncertainty off: both must give the same expected communes at the standard, year by year.
    subprocess.run([bench, area, scen, "--deterministic", "--draws", "4", "--threads", "2", "--dump",
                    os.path.join(work, "input-det"), "--csv", os.path.join(work, "det-cpp.csv")],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PY, os.path.join(HERE, "peers", "sim_numpy.py"), os.path.join(work, "input-det"), "--draws", "4",
                    "--batch", "4", "--csv", os.path.join(work, "det-numpy.csv")], check=True, stdout=subprocess.DEVNULL)

    def reached(path):
        with open(path) as f:
            lines = f.read().splitlines()
        head = lines[0].split(",")
        return {l.split(",")[0]: float(l.split(",")[head.index("reached")]) for l in lines[1:]}
    a, b = reached(os.path.join(work, "det-cpp.expected.csv")), reached(os.path.join(work, "det-numpy.csv"))
    worst = max(abs(a[y] - b[y]) for y in a)
    check = {"communes": communes, "peer": "numpy", "task": "simulate (deterministic)", "pairs": len(a),
             "worst_abs": worst, "equal": worst <= 1e-9}
    log(f"   deterministic check: {'agree' if check['equal'] else 'DIFFER'} (largest difference {worst:g} communes)")
    draws = args.draws
    subprocess.run([bench, area, scen, "--draws", str(draws), "--threads", "1,2", "--dump", os.path.join(work, "input"),
                    "--csv", os.path.join(work, "sim-cpp.csv")], check=True, stdout=subprocess.DEVNULL)
    peer_draws = min(args.peer_draws, draws)
    batch = min(32, peer_draws)
    subprocess.run([PY, os.path.join(HERE, "peers", "sim_numpy.py"), os.path.join(work, "input"), "--draws", str(draws),
                    "--batch", str(batch), "--max-batches", str((peer_draws + batch - 1) // batch), "--csv",
                    os.path.join(work, "sim-numpy.csv")], check=True, stdout=subprocess.DEVNULL)
    rows = []
    with open(os.path.join(work, "sim-cpp.csv")) as f:
        lines = f.read().splitlines()
    head = lines[0].split(",")
    for l in lines[1:]:
        v = dict(zip(head, l.split(",")))
        rows.append({"communes": communes, "peer": f"ntmsim-t{v['threads']}", "task": "simulate", "draws": draws,
                     "seconds": float(v["wall_s"]), "ns_per_cyd": float(v["ns_per_cyd"]),
                     "peak_rss_kib": int(float(v["peak_rss_mib"]) * 1024), "identical": v["identical"] == "1"})
    with open(os.path.join(work, "sim-numpy.csv")) as f:
        lines = f.read().splitlines()
    head = lines[0].split(",")
    v = dict(zip(head, lines[1].split(",")))
    rows.append({"communes": communes, "peer": "numpy", "task": "simulate", "draws": draws,
                 "seconds": float(v["seconds_scaled"]), "draws_run": int(v["draws_run"])})
    for r in rows:
        log(f"   {r['peer']:<12} {r['seconds']:9.2f} s for {draws} draws")
    return rows, check


# --- the roadmap (ntmsim plan) --------------------------------------------------------------------

SOLVER_LINE = re.compile(r"solver: .*?, (?P<status>optimal|feasible \(time limit\)|infeasible|no solution found \(time limit\)), "
                         r"objective (?P<objective>\S+), bound (?P<bound>\S+), gap (?P<gap>\S+)%, (?P<nodes>\d+) nodes "
                         r"\((?P<columns>\d+) columns, (?P<rows>\d+) rows\)")
SIZE_LINE = re.compile(r"planning (?P<targets>\d+) target communes over (?P<years>\d+) years: (?P<works>\d+) candidate works")


def run_plan(args, work, area_of):
    """ntmsim plan on Can Lộc (7 targets, 1 solver thread: to a proven optimum) and on a province of
    250 generated communes (40 targets over 5 years, 2 solver threads: the gap at the time limit).
    Can Lộc is also planned on 2 threads, whose output must be the same bytes."""
    log("== roadmap (ntmsim plan)")
    cases = [("Can Lộc", 23, os.path.join(REPO, "datasets", "canloc", "canloc.gpkg"),
              os.path.join(REPO, "scenarios", "canloc", "district-plan.yaml"), 1)]
    if not args.smoke:
        cases.append(("province", 250, area_of(250), os.path.join(HERE, "plan", "province-plan.yaml"), 2))
    rows, checks = [], {}
    for name, communes, area, scenario, threads in cases:
        out = os.path.join(work, f"plan-{communes}-t{threads}")
        logfile = out + ".log"
        la = loadavg()
        wall, rss = timed([args.ntmsim, "plan", area, scenario, "-o", out, "--overwrite", "--solver-threads", str(threads),
                           "--time-limit", str(PLAN_LIMIT_S)], logfile)
        with open(logfile) as f:
            text = f.read()
        solver, size = SOLVER_LINE.search(text), SIZE_LINE.search(text)
        if not solver or not size:
            raise Failed(f"ntmsim plan printed no solver line:\n{text[-3000:]}")
        row = {"instance": name, "communes": communes, "threads": threads, "seconds": round(wall, 2), "peak_rss_kib": rss,
               "loadavg": la, "status": solver["status"], "objective": float(solver["objective"]),
               "bound": float(solver["bound"]), "gap_percent": float(solver["gap"]), "nodes": int(solver["nodes"]),
               "columns": int(solver["columns"]), "rows": int(solver["rows"]), "targets": int(size["targets"]),
               "years": int(size["years"]), "works": int(size["works"])}
        rows.append(row)
        log(f"   {name:<10} {communes:>4} communes, {threads} thread(s): {row['status']}, gap {row['gap_percent']:.4f}%, "
            f"{row['nodes']} nodes, {wall:.2f} s   (load {la:.1f})")
        if name == "Can Lộc":
            again = os.path.join(work, f"plan-{communes}-t2")
            subprocess.run([args.ntmsim, "plan", area, scenario, "-o", again, "--overwrite", "--solver-threads", "2"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            checks["Can Lộc plan: same bytes on 1 and 2 solver threads"] = same_tree(out, again)
    for k, v in checks.items():
        log(f"   {k}: {'yes' if v else 'NO'}")
    return rows, checks


def plan_markdown(res):
    m = res["machine"]
    L = [PLAN_BEGIN, "", f"Measured {m['date']} at commit {m['commit']} on {m['cores']} cores ({m['cpu']}) by "
         f"`{res['command']}`, CBC's time limit {PLAN_LIMIT_S} s (the default). Wall seconds of the whole command "
         "(loading and measuring the area, every solve, writing the outputs); the gap is the solver's, at the end.", "",
         "| instance | communes | targets | years | candidate works | columns | rows | solver threads | status | gap | "
         "nodes | objective (bn) | wall s | load |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in res["plan"]:
        L.append(f"| {r['instance']} | {r['communes']} | {r['targets']} | {r['years']} | {r['works']} | {r['columns']} | "
                 f"{r['rows']} | {r['threads']} | {r['status']} | {r['gap_percent']:.4f}% | {r['nodes']} | "
                 f"{r['objective']:.3f} | {r['seconds']:.1f} | {r['loadavg']:.1f} |")
    for k, v in res.get("plan_checks", {}).items():
        L.append(f"\n{k}: {'yes' if v else 'NO'}.")
    L += ["", PLAN_END]
    return "\n".join(L)


# --- the report -----------------------------------------------------------------------------------

def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1048576
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "os": platform.platform(),
            "commit": commit + (" (modified)" if dirty else ""),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def find(rows, **kw):
    for r in rows:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def targets(res):
    """Each target of issue 7: what was measured, as a ratio, and whether it holds."""
    out = []
    peers = res["peers"]
    big = max([r["communes"] for r in peers], default=0)

    def ratio(task, peer, goal, label):
        ours = find(peers, communes=big, peer="ntmsim-t2", task=task)
        theirs = find(peers, communes=big, peer=peer, task=task)
        if not ours or not theirs:
            gp = [r["communes"] for r in peers if r["peer"] == peer and r["task"] == task]
            if not gp:
                return
            n = max(gp)
            ours = find(peers, communes=n, peer="ntmsim-t2", task=task)
            theirs = find(peers, communes=n, peer=peer, task=task)
        x = theirs["seconds"] / ours["seconds"] if ours["seconds"] > 0 else float("inf")
        out.append({"target": label, "goal": f"≥ {goal}×", "measured": f"{x:.2f}× ({theirs['seconds']:.2f} s vs "
                    f"{ours['seconds']:.2f} s, {ours['communes']} communes)", "met": x >= goal,
                    "by": None if x >= goal else f"{goal / x:.2f}× short"})

    ratio("roads", "postgis", 5, "road lengths vs PostGIS")
    ratio("roads", "geopandas", 30, "road lengths vs GeoPandas")
    ratio("points", "postgis", 3, "point counts + nearest school vs PostGIS")
    ratio("served", "postgis", 3, "farmland served vs PostGIS")
    ratio("load", "geopandas", 10, "loading a GeoPackage vs GeoPandas")
    sim = res["numpy"]
    if sim:
        n = max(r["communes"] for r in sim)
        t1 = find(sim, communes=n, peer="ntmsim-t1")
        t2 = find(sim, communes=n, peer="ntmsim-t2")
        npy = find(sim, communes=n, peer="numpy")
        draws = t2["draws"]
        if n == 10000 and draws == 1000:
            out.append({"target": "simulate, national scale, 1,000 draws", "goal": "≤ 15 s",
                        "measured": f"{t2['seconds']:.1f} s (2 threads)", "met": t2["seconds"] <= 15,
                        "by": None if t2["seconds"] <= 15 else f"{t2['seconds'] / 15:.1f}× over"})
        x = npy["seconds"] / t2["seconds"]
        out.append({"target": "simulate vs numpy", "goal": "≥ 10×", "measured": f"{x:.1f}× ({n} communes)",
                    "met": x >= 10, "by": None if x >= 10 else f"{10 / x:.1f}× short"})
        x = t1["seconds"] / t2["seconds"]
        out.append({"target": "simulate, 2 threads vs 1", "goal": "≥ 1.8×", "measured": f"{x:.2f}×",
                    "met": x >= 1.8, "by": None if x >= 1.8 else f"{1.8 / x:.2f}× short"})
    plan = res.get("plan", [])
    for r in plan:
        if r["instance"] == "Can Lộc":
            proven = r["status"] == "optimal"
            out.append({"target": "plan Can Lộc to a proven optimum, 1 solver thread", "goal": f"optimal ≤ {PLAN_LIMIT_S} s",
                        "measured": f"{r['status']} in {r['seconds']:.1f} s (gap {r['gap_percent']:.4f}%)",
                        "met": proven and r["seconds"] <= PLAN_LIMIT_S,
                        "by": None if proven else f"gap {r['gap_percent']:.4f}% at the limit"})
        else:
            out.append({"target": f"plan {r['communes']} communes, {r['threads']} solver threads", "goal": "gap ≤ 1% at 60 s",
                        "measured": f"gap {r['gap_percent']:.4f}% ({r['status']}, {r['seconds']:.1f} s)",
                        "met": r["gap_percent"] <= 1, "by": None if r["gap_percent"] <= 1 else f"gap {r['gap_percent']:.2f}%"})
    e2e = res["e2e"]
    if e2e:
        n = max(r["communes"] for r in e2e)
        a1 = find(e2e, communes=n, step="assess", threads=1)
        a2 = find(e2e, communes=n, step="assess", threads=2)
        x = a1["seconds"] / a2["seconds"]
        out.append({"target": "assess, 2 threads vs 1", "goal": "≥ 1.8×", "measured": f"{x:.2f}× ({n} communes)",
                    "met": x >= 1.8, "by": None if x >= 1.8 else f"{1.8 / x:.2f}× short"})
    return out


def markdown(res):
    m = res["machine"]
    L = [BEGIN, "", f"Measured {m['date']} at commit {m['commit']} on {m['cores']} cores ({m['cpu']}), "
         f"{m['memory_gib']} GiB, {m['os']}, by `{res['command']}`. Load average at the start "
         f"{res['loadavg_start']:.1f}, at the end {res['loadavg_end']:.1f}. Ratios are the peer's time over "
         "ntmsim's on 2 threads, both measured in this run.", ""]
    L += ["### Targets", "", "| target | goal | measured | |", "|---|---|---|---|"]
    for t in res["targets"]:
        L.append(f"| {t['target']} | {t['goal']} | {t['measured']} | {'met' if t['met'] else 'missed: ' + t['by']} |")
    L += ["", "### Peers: the same indicators, checked equal", "",
          "Seconds, best of the runs; ntmsim's figure is the indicator work on the loaded area "
          "(`bench_indicators`), the peers' the query or script alone (PostGIS: after loading with ogr2ogr and "
          "ANALYZE, timed apart as its load). Every value of every commune is compared (1e-6 relative).", "",
          "| communes | task | ntmsim 1 thr | ntmsim 2 thr | PostGIS | × | SQLite dialect | × | GeoPandas | × | equal |",
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    peers = res["peers"]
    for n in sorted({r["communes"] for r in peers}):
        for task in ("load", "roads", "points", "served"):
            o1 = find(peers, communes=n, peer="ntmsim-t1", task=task)
            o2 = find(peers, communes=n, peer="ntmsim-t2", task=task)
            cells = [str(n), task, f"{o1['seconds']:.3f}" if o1 else "", f"{o2['seconds']:.3f}" if o2 else ""]
            for p in ("postgis", "sqlite", "geopandas"):
                r = find(peers, communes=n, peer=p, task=task)
                if r and o2:
                    cells += [f"{r['seconds']:.3f}", f"{r['seconds'] / o2['seconds']:.1f}×"]
                else:
                    cells += ["–", ""]
            eq = [c for c in res["checks"] if c.get("communes") == n and c.get("task") == task]
            cells.append("–" if task == "load" or not eq else
                         ", ".join(f"{c['peer']} {'yes' if c['equal'] else 'NO'} ({c['pairs']})" for c in eq))
            L.append("| " + " | ".join(cells) + " |")
    sim = res["numpy"]
    if sim:
        L += ["", "### Simulation vs vectorised numpy", "",
              "| communes | draws | run | seconds | ns per commune-year-draw | × numpy |", "|---:|---:|---|---:|---:|---:|"]
        for n in sorted({r["communes"] for r in sim}):
            npy = find(sim, communes=n, peer="numpy")
            for r in [x for x in sim if x["communes"] == n]:
                note = ""
                if r["peer"] == "numpy" and r["draws_run"] < r["draws"]:
                    note = f" (timed on {r['draws_run']} draws, scaled)"
                ns = r.get("ns_per_cyd", r["seconds"] * 1e9 / (n * 15 * r["draws"]))
                L.append(f"| {n} | {r['draws']} | {r['peer']}{note} | {r['seconds']:.2f} | {ns:.1f} | "
                         f"{npy['seconds'] / r['seconds']:.1f}× |")
        det = [c for c in res["checks"] if c.get("peer") == "numpy"]
        for c in det:
            L.append(f"\nDeterministic check (every uncertainty off), expected communes at the standard by year: "
                     f"{'agree' if c['equal'] else 'DIFFER'} (largest difference {c['worst_abs']:g}).")
    e2e = res["e2e"]
    if e2e:
        L += ["", "### End to end: the command line", "",
              "Wall seconds and peak memory (`/usr/bin/time -v`) of each `ntmsim` command.", "",
              "| communes | step | 1 thread s | 2 threads s | speed-up | peak RSS MiB |", "|---:|---|---:|---:|---:|---:|"]
        for n in sorted({r["communes"] for r in e2e}):
            for step in ("generate", "validate", "assess", "simulate", "compare", "export"):
                a = find(e2e, communes=n, step=step, threads=1)
                b = find(e2e, communes=n, step=step, threads=2)
                L.append(f"| {n} | {step} | {a['seconds']:.2f} | {b['seconds']:.2f} | "
                         f"{a['seconds'] / b['seconds']:.2f}× | {max(a['peak_rss_kib'], b['peak_rss_kib']) / 1024:.0f} |")
        for k, v in res["e2e_checks"].items():
            L.append(f"\n{k}: {'yes' if v else 'NO'}.")
    if res["micro"]:
        L += ["", "### Micro-benchmarks (Google Benchmark, one thread)", "", "| kernel | items/s |", "|---|---:|"]
        for r in res["micro"]:
            L.append(f"| {r['name']} | {r['items_per_second']:,.0f} |")
    L += ["", END]
    return "\n".join(L)


def write_markdown(path, table, begin=BEGIN, end=END):
    """Puts the table between the markers of BENCHMARKS.md (the rest is written by hand)."""
    text = open(path).read() if os.path.exists(path) else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + table + text[text.index(end) + len(end):]
    else:
        text += "\n" + table + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build", "bench"),
                    help="the build folder with ntmsim and benchmarks/")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--scales", default="20,250,10000")
    ap.add_argument("--peer-scales", default="250,10000")
    ap.add_argument("--geopandas-scales", default="250")
    ap.add_argument("--sqlite-scales", default="250")
    ap.add_argument("--numpy-scale", type=int, default=10000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--peer-draws", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--markdown", default=os.path.join(REPO, "BENCHMARKS.md"))
    ap.add_argument("--skip", default="", help="comma list of parts to skip: micro,e2e,peers,numpy,plan")
    ap.add_argument("--render", metavar="RESULTS.json",
                    help="only write BENCHMARKS.md again from an earlier run's results (no run)")
    args = ap.parse_args()
    if args.render:
        with open(args.render) as f:
            res = json.load(f)
        res["targets"] = targets(res)
        write_markdown(args.markdown, markdown(res))
        if res.get("plan"):
            write_markdown(args.markdown, plan_markdown(res), PLAN_BEGIN, PLAN_END)
        log(f"written: {args.markdown}")
        return 0
    args.build = os.path.abspath(args.build)
    args.ntmsim = os.path.join(args.build, "ntmsim")
    args.bench_dir = os.path.join(args.build, "benchmarks")
    if args.smoke:
        args.scales, args.peer_scales, args.geopandas_scales, args.sqlite_scales = "20", "20", "20", "20"
        args.numpy_scale, args.draws, args.peer_draws = 20, 40, 8
    skip = set(filter(None, args.skip.split(",")))
    os.makedirs(args.out, exist_ok=True)
    work_root = tempfile.mkdtemp(prefix="ntmsim-bench-")
    command = "bash benchmarks/run.sh" + (" --smoke" if args.smoke else "") + (f" --skip {args.skip}" if args.skip else "")
    if args.build != os.path.join(REPO, "build", "bench"):
        command += f" --build {os.path.relpath(args.build, REPO)}"
    res = {"machine": machine(), "command": command,
           "loadavg_start": loadavg(), "micro": [], "e2e": [], "e2e_checks": {}, "peers": [], "numpy": [],
           "checks": [], "plan": [], "plan_checks": {}}
    log(f"== {res['machine']['cores']} cores, {res['machine']['cpu']}; git {res['machine']['commit']}; "
        f"load average {res['loadavg_start']:.1f}; work {work_root}")
    ok = True
    try:
        if "micro" not in skip:
            res["micro"] = run_micro(args, work_root)
        areas = {}
        if "e2e" not in skip:
            for n in map(int, args.scales.split(",")):
                work = os.path.join(work_root, f"e2e-{n}")
                os.makedirs(work)
                rows, checks = run_e2e(args, n, work)
                res["e2e"] += rows
                for k, v in checks.items():
                    res["e2e_checks"][f"{n} communes, {k}"] = v
                    ok = ok and v
                areas[n] = os.path.join(work, "area.gpkg")

        def area_of(n):
            if n not in areas:
                path = os.path.join(work_root, f"area-{n}.gpkg")
                subprocess.run([args.ntmsim, "generate", "--communes", str(n), "--seed", "1", "-o", path], check=True,
                               stdout=subprocess.DEVNULL)
                areas[n] = path
            return areas[n]
        if "peers" not in skip:
            gp = set(map(int, filter(None, args.geopandas_scales.split(","))))
            sq = set(map(int, filter(None, args.sqlite_scales.split(","))))
            for n in map(int, args.peer_scales.split(",")):
                work = os.path.join(work_root, f"peers-{n}")
                os.makedirs(work)
                rows, checks = run_peers(args, n, area_of(n), work, n in gp, n in sq)
                res["peers"] += rows
                res["checks"] += checks
                ok = ok and all(c["equal"] for c in checks)
        if "numpy" not in skip:
            n = args.numpy_scale
            work = os.path.join(work_root, f"numpy-{n}")
            os.makedirs(work)
            rows, check = run_numpy(args, n, area_of(n), work)
            res["numpy"] += rows
            res["checks"].append(check)
            ok = ok and check["equal"] and all(r.get("identical", True) for r in rows)
        if "plan" not in skip:
            work = os.path.join(work_root, "plan")
            os.makedirs(work)
            res["plan"], res["plan_checks"] = run_plan(args, work, area_of)
            ok = ok and all(res["plan_checks"].values())
    except (Failed, subprocess.CalledProcessError) as e:
        log(f"run.py: {e}")
        ok = False
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    res["loadavg_end"] = loadavg()
    if not ok:
        log("run.py: FAILED: a step failed or a peer disagrees (above)")
        with open(os.path.join(args.out, "failed.json"), "w") as f:
            json.dump(res, f, indent=1)
        return 1
    res["targets"] = [] if args.smoke else targets(res)
    stamp = "smoke" if args.smoke else datetime.datetime.now().strftime("%Y%m%d-%H%M")
    with open(os.path.join(args.out, f"benchmarks-{stamp}.json"), "w") as f:
        json.dump(res, f, indent=1)
    table = markdown(res)
    with open(os.path.join(args.out, f"benchmarks-{stamp}.md"), "w") as f:
        f.write(table + "\n")
    if res["plan"]:
        with open(os.path.join(args.out, f"benchmarks-{stamp}.md"), "a") as f:
            f.write("\n" + plan_markdown(res) + "\n")
    if not args.smoke:
        # A run of the roadmap alone (--skip micro,e2e,peers,numpy) leaves the other tables as they are.
        if skip >= {"micro", "e2e", "peers", "numpy"}:
            log("BENCHMARKS.md: only the roadmap table is written (the other parts were skipped)")
        else:
            write_markdown(args.markdown, table)
        if res["plan"]:
            write_markdown(args.markdown, plan_markdown(res), PLAN_BEGIN, PLAN_END)
        log(f"written: {args.markdown}")
    log(f"written: {args.out}/benchmarks-{stamp}.json and .md")
    log("all steps ran; every peer agrees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
