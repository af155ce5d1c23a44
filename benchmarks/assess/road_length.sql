-- Road length by class per commune, clipped to the commune, in metres.
-- Fast path: a road the commune covers whole is measured without an overlay; only the roads that
-- cross the boundary go through ST_Intersection.
-- Only assessed communes (kind 'commune', as ntmsim assess) and the four classes assess reports.
--
-- run.sh sets, before this query: communes parallel_workers = 2 and roads parallel_workers = 0,
-- so that the plan is a Parallel Seq Scan on communes, each commune probing the roads' GiST
-- index. Rows then arrive commune by commune and ST_Intersects / ST_Covers reuse the commune's
-- prepared geometry (PostGIS caches it while the same geometry repeats). Left to itself the
-- planner scans roads in parallel and probes communes, which misses that cache: 4-5x slower.
COPY (
  SELECT c.code,
         r.class,
         sum(CASE WHEN ST_Covers(c.geom, r.geom) THEN ST_Length(r.geom)
                  ELSE ST_Length(ST_Intersection(c.geom, r.geom)) END) AS length_m
  FROM communes c
  JOIN roads r ON ST_Intersects(c.geom, r.geom)
  WHERE c.kind = 'commune'
    AND r.class IN ('commune_axis', 'village_axis', 'alley', 'field')
  GROUP BY c.code, r.class
) TO STDOUT (FORMAT csv, HEADER);
