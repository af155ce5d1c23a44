-- The same result as road_length.sql, for one process (max_parallel_workers_per_gather = 0).
-- Without parallel workers the planner drives the join from the roads (one commune index probe
-- per road), which defeats PostGIS's prepared-geometry cache (it needs the same commune on
-- consecutive rows) and is several times slower. The LATERAL subquery with OFFSET 0 cannot be
-- flattened, so the plan goes commune by commune and every predicate on a commune reuses its
-- prepared geometry.
COPY (
  SELECT c.code, x.class, sum(x.len) AS length_m
  FROM communes c
  CROSS JOIN LATERAL (
    SELECT r.class,
           CASE WHEN ST_Covers(c.geom, r.geom) THEN ST_Length(r.geom)
                ELSE ST_Length(ST_Intersection(c.geom, r.geom)) END AS len
    FROM roads r
    WHERE ST_Intersects(c.geom, r.geom)
      AND r.class IN ('commune_axis', 'village_axis', 'alley', 'field')
    OFFSET 0
  ) x
  WHERE c.kind = 'commune'
  GROUP BY c.code, x.class
) TO STDOUT (FORMAT csv, HEADER);
