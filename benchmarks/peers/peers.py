#!/usr/bin/python3
"""The indicator work of benchmarks/peers/bench_indicators.cpp, done by what users would pick
instead: PostGIS, GDAL's SQLite/SpatiaLite dialect on the GeoPackage, and GeoPandas. Each writes
the same long CSV (code,key,value) so `compare` can check every value, and prints one JSON line
per timed task: {"peer", "task", "seconds", "peak_rss_kib"}.

    peers.py postgis AREA.gpkg --work DIR --out DIR [--repeat R] [--port P]
    peers.py sqlite AREA.gpkg --out DIR [--repeat R]
    peers.py geopandas AREA.gpkg --out DIR [--repeat R] [--tasks load,roads,points,served]
    peers.py compare OURS.csv THEIRS.csv [--rel 1e-6]

Tasks (benchmarks/peers/README.md): load, roads (length per commune and class), points (schools
per commune, and from each commune's centroid to the nearest school meeting the standard), served
(farmland within the service width of a lined canal, per commune). Runs under Debian's
/usr/bin/python3 (python3-geopandas, python3-numpy); only the standard library for the others.
"""
import argparse
import csv
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Service width by canal level where a canal gives none (ntmsim's MeasureOptions defaults).
DEFAULT_WIDTH = {"1": 200.0, "2": 150.0, "3": 100.0, "field": 50.0}
WIDTH_SQL = ("CASE WHEN k.service_width_m > 0 THEN k.service_width_m "
             "WHEN k.level = '1' THEN 200 WHEN k.level = '2' THEN 150 WHEN k.level = '3' THEN 100 ELSE 50 END")


def emit(peer, task, seconds, rss_kib=0, **extra):
    row = {"peer": peer, "task": task, "seconds": round(seconds, 6), "peak_rss_kib": rss_kib}
    row.update(extra)
    print(json.dumps(row), flush=True)


def best_of(repeat, fn):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        s = time.perf_counter() - t0
        best = s if best is None or s < best else best
    return best, out


# --- PostGIS -----------------------------------------------------------------------------------

PG_BIN = "/usr/lib/postgresql/15/bin"

# Each query writes code,key,value. The best plan we found (benchmarks/peers/README.md): a parallel
# scan of communes probing the other layer's GiST index, so each commune's prepared geometry is
# reused; a covers fast path avoids the overlay for what lies wholly inside.
PG_TASKS = {
    "roads": """
SELECT c.code, 'road_' || r.class AS key,
       sum(CASE WHEN ST_Covers(c.geom, r.geom) THEN ST_Length(r.geom)
                ELSE ST_Length(ST_Intersection(c.geom, r.geom)) END) AS value
FROM communes c JOIN roads r ON ST_Intersects(c.geom, r.geom)
GROUP BY c.code, r.class""",
    "points": """
SELECT c.code, 'schools' AS key, count(s.fid)::float8 AS value
FROM communes c LEFT JOIN schools s ON ST_Covers(c.geom, s.geom) GROUP BY c.code
UNION ALL
SELECT c.code, 'schools_standard', count(s.fid)::float8
FROM communes c LEFT JOIN schools s ON s.meets_standard = 'yes' AND ST_Covers(c.geom, s.geom) GROUP BY c.code
UNION ALL
SELECT c.code, 'nearest_standard_school_m', n.d
FROM communes c CROSS JOIN LATERAL (
  SELECT ST_Distance(ST_Centroid(c.geom), s.geom) AS d FROM schools s WHERE s.meets_standard = 'yes'
  ORDER BY s.geom <-> ST_Centroid(c.geom) LIMIT 1) n""",
    "served": f"""
WITH strip AS (
  SELECT c.code, c.geom AS cgeom,
         ST_Union(ST_Buffer(ST_CollectionExtract(ST_Intersection(c.geom, k.geom), 2), {WIDTH_SQL})) AS g
  FROM communes c JOIN canals k ON k.lined = 'yes' AND ST_Intersects(c.geom, k.geom)
  GROUP BY c.code, c.geom)
SELECT s.code, 'served_m2' AS key,
       sum(ST_Area(ST_Intersection(
             CASE WHEN ST_Covers(s.cgeom, f.geom) THEN f.geom ELSE ST_Intersection(s.cgeom, f.geom) END,
             s.g))) AS value
FROM strip s JOIN farmland f ON ST_Intersects(s.cgeom, f.geom) AND ST_Intersects(s.g, f.geom)
GROUP BY s.code""",
}


class Postgres:
    def __init__(self, work, port):
        self.work = os.path.abspath(work)
        self.port = str(port)
        self.sock = os.path.join(self.work, "sock")
        self.data = os.path.join(self.work, "pg")
        self.started = False

    def run_as_postgres(self, *cmd, **kw):
        return subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, **kw)

    def start(self):
        os.makedirs(self.sock, exist_ok=True)
        shutil.chown(self.work, "postgres", "postgres")
        shutil.chown(self.sock, "postgres", "postgres")
        self.run_as_postgres(f"{PG_BIN}/initdb", "-D", self.data, "--auth=trust", "-U", "postgres", "-E", "UTF8",
                             "--locale=C.UTF-8", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        settings = {"shared_buffers": "1GB", "work_mem": "256MB", "maintenance_work_mem": "1GB",
                    "max_parallel_workers_per_gather": "2", "max_parallel_workers": "2", "jit": "off",
                    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        opts = f"-k {self.sock} -p {self.port} -c listen_addresses=''" + "".join(
            f" -c {k}={v}" for k, v in settings.items())
        self.run_as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.work, "postgres.log"),
                             "-w", "-o", opts, "start", stdout=subprocess.DEVNULL)
        self.started = True
        self.psql("postgres", "CREATE DATABASE bench")
        self.psql("bench", "CREATE EXTENSION postgis")

    def stop(self):
        if self.started:
            self.run_as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop",
                                 stdout=subprocess.DEVNULL)
            self.started = False

    def psql(self, db, sql, out=None):
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.sock, "-p", self.port, "-U", "postgres",
               "-d", db, "-c", sql]
        if out is None:
            return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        with open(out, "w") as f:
            subprocess.run(cmd, check=True, stdout=f)
        return None

    def conn(self):
        return f"PG:host={self.sock} port={self.port} dbname=bench user=postgres"

    def postgres_rss_kib(self):
        """Resident memory of every postgres process now (shared buffers counted once per process)."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() not in ("postgres", "postmaster"):
                        continue
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total


def run_postgis(args):
    pg = Postgres(args.work, args.port)
    try:
        pg.start()
        t0 = time.perf_counter()
        subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg.conn(), args.area, "communes", "roads", "canals", "farmland",
                        "schools", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-lco", "FID=fid",
                        "-nlt", "PROMOTE_TO_MULTI"], check=True, stdout=subprocess.DEVNULL)
        pg.psql("bench", "ALTER TABLE communes SET (parallel_workers = 2);"
                         "ALTER TABLE roads SET (parallel_workers = 0); ALTER TABLE canals SET (parallel_workers = 0);"
                         "ALTER TABLE farmland SET (parallel_workers = 0); ALTER TABLE schools SET (parallel_workers = 0);"
                         "ANALYZE")
        emit("postgis", "load", time.perf_counter() - t0, note="ogr2ogr into PostGIS, GiST indexes, ANALYZE")
        version = pg.psql("bench", "SELECT postgis_full_version()").strip().split("\n")[-1].strip()
        for task in args.tasks.split(","):
            if task == "load":
                continue
            sql = PG_TASKS[task]
            out = os.path.join(args.out, f"postgis-{task}.csv")
            copy = f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)"
            peak = 0

            def once():
                nonlocal peak
                proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.sock, "-p", pg.port,
                                         "-U", "postgres", "-d", "bench", "-c", copy],
                                        stdout=open(out, "w"))
                while proc.poll() is None:
                    peak = max(peak, pg.postgres_rss_kib())
                    time.sleep(0.05)
                if proc.returncode != 0:
                    raise SystemExit(f"peers.py: the PostGIS {task} query failed")

            seconds, _ = best_of(args.repeat, once)
            plan = pg.psql("bench", "EXPLAIN " + sql)
            workers = max([int(l.split()[-1]) for l in plan.splitlines() if "Workers Planned" in l] or [0])
            emit("postgis", task, seconds, peak, workers_planned=workers, version=version[:120])
    finally:
        pg.stop()


# --- GDAL's SQLite dialect ------------------------------------------------------------------------

# The GeoPackage's R-tree tables are joined by hand (the dialect does not use them on its own).
SQLITE_TASKS = {
    "roads": """
SELECT c.code AS code, 'road_' || r.class AS key,
       SUM(ST_Length(ST_Intersection(c.geom, r.geom))) AS value
FROM communes c
JOIN rtree_roads_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= ST_MinX(c.geom)
                        AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom)
JOIN roads r ON r.fid = t.id
WHERE ST_Intersects(c.geom, r.geom)
GROUP BY c.code, r.class""",
    "points": """
SELECT c.code AS code, 'schools' AS key, COUNT(*) AS value
FROM communes c
JOIN rtree_schools_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= ST_MinX(c.geom)
                          AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom)
JOIN schools s ON s.fid = t.id
WHERE ST_Covers(c.geom, s.geom)
GROUP BY c.code
UNION ALL
SELECT c.code AS code, 'schools_standard' AS key, COUNT(*) AS value
FROM communes c
JOIN rtree_schools_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= ST_MinX(c.geom)
                          AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom)
JOIN schools s ON s.fid = t.id
WHERE s.meets_standard = 'yes' AND ST_Covers(c.geom, s.geom)
GROUP BY c.code""",
    "served": f"""
SELECT st.code AS code, 'served_m2' AS key,
       SUM(ST_Area(ST_Intersection(ST_Intersection(st.cgeom, f.geom), st.g))) AS value
FROM (SELECT c.code AS code, c.geom AS cgeom,
             ST_Union(ST_Buffer(CollectionExtract(ST_Intersection(c.geom, k.geom), 2), {WIDTH_SQL}, 8)) AS g
      FROM communes c
      JOIN rtree_canals_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= ST_MinX(c.geom)
                               AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom)
      JOIN canals k ON k.fid = t.id
      WHERE k.lined = 'yes' AND ST_Intersects(c.geom, k.geom)
      GROUP BY c.code) st
JOIN rtree_farmland_geom t ON t.minx <= ST_MaxX(st.cgeom) AND t.maxx >= ST_MinX(st.cgeom)
                           AND t.miny <= ST_MaxY(st.cgeom) AND t.maxy >= ST_MinY(st.cgeom)
JOIN farmland f ON f.fid = t.id
WHERE ST_Intersects(st.cgeom, f.geom) AND ST_Intersects(st.g, f.geom)
GROUP BY st.code""",
}


def run_sqlite(args):
    for task in args.tasks.split(","):
        if task not in SQLITE_TASKS:
            continue
        out = os.path.join(args.out, f"sqlite-{task}.csv")

        def once():
            with open(out, "w") as f:
                subprocess.run(["ogr2ogr", "-f", "CSV", "/vsistdout/", args.area, "-dialect", "SQLite", "-sql",
                                SQLITE_TASKS[task]], check=True, stdout=f)
        seconds, _ = best_of(args.repeat, once)
        emit("sqlite", task, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


# --- GeoPandas -------------------------------------------------------------------------------------

def run_geopandas(args):
    import geopandas as gpd  # Debian python3-geopandas
    import pandas as pd
    import warnings
    from shapely.strtree import STRtree
    warnings.filterwarnings("ignore", message="STRtree will be changed")

    layers = ["communes", "roads", "canals", "farmland", "schools", "facilities", "status"]
    tasks = args.tasks.split(",")

    def load():
        out = {}
        for name in layers:
            out[name] = gpd.read_file(args.area, layer=name)
        return out

    seconds, data = best_of(args.repeat if "load" in tasks else 1, load)
    if "load" in tasks:
        emit("geopandas", "load", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             version=f"geopandas {gpd.__version__}")
    communes = data["communes"][["code", "geometry"]]

    def write(task, frame):
        frame[["code", "key", "value"]].to_csv(os.path.join(args.out, f"geopandas-{task}.csv"), index=False,
                                               float_format="%.17g")

    if "roads" in tasks:
        def roads():
            pieces = gpd.overlay(data["roads"][["class", "geometry"]], communes, how="intersection",
                                 keep_geom_type=True)
            pieces["value"] = pieces.geometry.length
            out = pieces.groupby(["code", "class"], as_index=False)["value"].sum()
            out["key"] = "road_" + out["class"]
            return out
        seconds, out = best_of(args.repeat, roads)
        write("roads", out)
        emit("geopandas", "roads", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)

    if "points" in tasks:
        def points():
            schools = data["schools"][["meets_standard", "geometry"]]
            joined = gpd.sjoin(schools, communes, how="inner", predicate="within")
            counts = joined.groupby("code").size()
            std = joined[joined.meets_standard == "yes"].groupby("code").size()
            centroids = gpd.GeoDataFrame({"code": communes.code}, geometry=communes.geometry.centroid,
                                         crs=communes.crs)
            # Debian's GeoPandas (Shapely 1.8, no PyGEOS) has no sjoin_nearest: Shapely's STRtree.
            standard = list(schools[schools.meets_standard == "yes"].geometry)
            tree = STRtree(standard)
            near = pd.DataFrame({"code": centroids.code,
                                 "d": [c.distance(tree.nearest(c)) for c in centroids.geometry]})
            rows = [pd.DataFrame({"code": communes.code, "key": "schools",
                                  "value": communes.code.map(counts).fillna(0).astype(float)}),
                    pd.DataFrame({"code": communes.code, "key": "schools_standard",
                                  "value": communes.code.map(std).fillna(0).astype(float)}),
                    pd.DataFrame({"code": near.code, "key": "nearest_standard_school_m", "value": near.d})]
            return pd.concat(rows, ignore_index=True)
        seconds, out = best_of(args.repeat, points)
        write("points", out)
        emit("geopandas", "points", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)

    if "served" in tasks:
        def served():
            canals = data["canals"]
            canals = canals[canals.lined == "yes"].copy()
            width = canals.service_width_m.where(canals.service_width_m > 0, canals.level.map(DEFAULT_WIDTH))
            canals["width"] = width
            pieces = gpd.overlay(canals[["width", "geometry"]], communes, how="intersection", keep_geom_type=True)
            pieces["geometry"] = pieces.geometry.buffer(pieces.width, resolution=8)
            strips = pieces.dissolve(by="code")[["geometry"]]
            farm = gpd.overlay(data["farmland"][["geometry"]], communes, how="intersection", keep_geom_type=True)
            farm = farm[farm.code.isin(strips.index)]
            strip_of = gpd.GeoSeries(strips.geometry.reindex(farm.code).values, crs=farm.crs)
            area = gpd.GeoSeries(farm.geometry.values, crs=farm.crs).intersection(strip_of, align=False).area
            out = pd.DataFrame({"code": farm.code.values, "value": area.values}).groupby("code", as_index=False).sum()
            out["key"] = "served_m2"
            return out
        seconds, out = best_of(args.repeat, served)
        write("served", out)
        emit("geopandas", "served", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# --- the equality check ----------------------------------------------------------------------------

def read_values(path):
    with open(path, newline="") as f:
        rows = csv.DictReader(f)
        out = {}
        for r in rows:
            out[(r["code"], r["key"])] = out.get((r["code"], r["key"]), 0.0) + float(r["value"])
        return out


def run_compare(args):
    ours, theirs = read_values(args.ours), read_values(args.theirs)
    # A commune-key that one side leaves out is 0 on that side (a peer's GROUP BY drops empties).
    # Only the measures the peer computes (GDAL's SQLite dialect has no nearest-neighbour search).
    names = {k[1] for k in theirs}
    keys = sorted(k for k in set(ours) | set(theirs) if k[1] in names)
    differ = []
    worst = 0.0
    for k in keys:
        a, b = ours.get(k, 0.0), theirs.get(k, 0.0)
        scale = max(abs(a), abs(b))
        rel = 0.0 if scale == 0 else abs(a - b) / scale
        # Below a millimetre (or mm²) both are zero for practical purposes: a peer's overlay may
        # keep a sliver of 1e-9 that the other drops.
        if abs(a - b) <= 1e-3:
            rel = 0.0
        worst = max(worst, rel)
        if rel > args.rel:
            differ.append((k, a, b, rel))
    result = {"pairs": len(keys), "differ": len(differ), "worst_rel": worst}
    print(json.dumps(result))
    for (code, key), a, b, rel in differ[:10]:
        print(f"  {code} {key}: ours {a!r} theirs {b!r} (relative {rel:.3g})", file=sys.stderr)
    return 1 if differ else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="peer", required=True)
    for name in ("postgis", "sqlite", "geopandas"):
        s = sub.add_parser(name)
        s.add_argument("area")
        s.add_argument("--out", required=True)
        s.add_argument("--repeat", type=int, default=1)
        s.add_argument("--tasks", default="load,roads,points,served")
        if name == "postgis":
            s.add_argument("--work", required=True)
            s.add_argument("--port", type=int, default=54329)
    c = sub.add_parser("compare")
    c.add_argument("ours")
    c.add_argument("theirs")
    c.add_argument("--rel", type=float, default=1e-6)
    args = p.parse_args()
    if args.peer == "compare":
        return run_compare(args)
    os.makedirs(args.out, exist_ok=True)
    {"postgis": run_postgis, "sqlite": run_sqlite, "geopandas": run_geopandas}[args.peer](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
