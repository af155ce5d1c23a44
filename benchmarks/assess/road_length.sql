-- Road length by class per commune, clipped to the commune, in metres.
-- Fast path: a road the commune covers whole is measured without an overlay (ST_Covers uses the
-- commune's prepared geometry, cached across the consecutive rows of one commune); only the
-- roads that cross the boundary go through ST_Intersection.
-- Only assessed communes (kind 'commune', as ntmsim assess) and the four classes assess reports.
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
