// The ntmsim viewer: communes coloured by a forecast measure, a year slider, two scenarios side
// by side, a commune's panel, planned works and funds, and the roadmaps of `ntmsim plan` (works
// by the year they are paid, money by source per commune); a folder with a roadmap alone shows
// that alone. Reads what `ntmsim serve` offers under
// /api/ (docs/user-guide.md). Commune geometry is fetched once per study area; each commune's
// value for the measure and year shown is its MapLibre feature-state `v`, so the year slider and
// the scenario picker only set states: the paint expression (whose change would make MapLibre
// lay out every tile again) changes with the measure alone.
'use strict';

const TEXT = {
  en: {
    title: 'NTM forecast viewer', scenario: 'Scenario', compare: 'Compare with', colour_by: 'Colour by',
    measure_p: 'P(standard by year)', measure_met: 'Criteria met (mean)', measure_median: 'Expected year (P ≥ 0.5)',
    year: 'Year', layers: 'Planned works', road_plan: 'Roads', canal_plan: 'Canals', school_plan: 'Schools',
    facility_plan: 'Facilities', funds_button: 'Funds', close: 'Close', funds_title: 'Funds by source and year',
    not_assessed: 'Not assessed (township)', not_within: 'After the period', works_by_year: 'Works, by median year',
    works_later: 'Not built in most draws', p_by: 'P(standard by {year})', met_by: 'Criteria met in {year}',
    expected_year: 'Expected year', none: 'not within the period', criteria: 'Criteria by year (✓ P(met) ≥ 0.5)',
    criterion: 'Criterion', projects: 'Planned works', kind: 'Kind', indicator: 'Indicator', cost: 'Cost (bn VND)',
    median_year: 'Median year', p_curve: 'P(standard by year)', no_projects: 'No candidate works.',
    funds_note: 'Mean over draws, bn VND per year, realised by source', loading: 'Loading…',
    communes_at_standard: 'Expected communes at the standard', of_criteria: 'of {n} criteria',
    road: 'Road', canal: 'Canal', school: 'School', facility: 'Facility', new_facility: 'New facility',
    src_central: 'Central budget', src_province: 'Province', src_district: 'District', src_commune: 'Commune',
    src_people: "People's contributions", src_enterprise: 'Enterprises', src_credit: 'Credit', src_other: 'Other',
    roadmap: 'Roadmap', roadmap_title: 'Roadmap: works paid by {year}', rm_works: 'works', rm_year: 'Year',
    rm_commune: 'Commune', rm_work: 'Work', rm_quantity: 'Quantity', rm_cost: 'Cost (bn VND)', rm_source: 'Source',
    rm_total: 'Total', rm_works_count: 'Works', rm_panel: 'Roadmap — {name}', rm_money: 'Money by source and year (bn VND)',
    rm_target: 'Target', rm_met: 'met', rm_not_met: 'not met', rm_no_works: 'No works of the roadmap in this commune.',
    rm_rows: 'The works, one row per payment', rm_line_road: 'Road', rm_line_canal: 'Canal', rm_point_school: 'School',
    rm_point_facility: 'Facility', rm_target_outline: 'Target commune', rm_unplaced: '{n} without a place on the map (new facilities, programmes)',
    rm_gap: 'Funding gap: {gap} bn VND more needed', rm_all_met: 'every target met', rm_some_met: '{met} of {n} targets met',
    rm_no_outlines: 'commune outlines are shown when a simulation of the same area is served beside the roadmap',
    rm_criteria: 'Criteria', rm_goal_by: 'at the standard by {by}', rm_goal_count: 'at least {n} criteria by the end of {by}',
    rm_reached: 'at the standard in {year}', rm_not_reached: 'not at the standard within the roadmap',
    rm_why_late: 'at the standard in {year}, after {by}', rm_why_none: 'not at the standard by {year}',
    rm_why_count: '{n} criteria at the end of {year}, {want} asked',
    unit_km: 'km', unit_ha: 'ha', unit_unit: 'unit', unit_year: 'year',
    legend: 'Legend', legend_toggle: 'Show or hide the legend', labels: 'Names',
    start_of: 'Start of {year}', end_of: 'End of {year}', by_year: 'End of each year',
  },
  vi: {
    title: 'Bản đồ dự báo nông thôn mới', scenario: 'Kịch bản', compare: 'So sánh với', colour_by: 'Tô màu theo',
    measure_p: 'Xác suất đạt chuẩn theo năm', measure_met: 'Số tiêu chí đạt (trung bình)',
    measure_median: 'Năm dự kiến đạt chuẩn (xác suất ≥ 0,5)', year: 'Năm', layers: 'Công trình dự kiến',
    road_plan: 'Đường', canal_plan: 'Kênh mương', school_plan: 'Trường học', facility_plan: 'Thiết chế',
    funds_button: 'Nguồn vốn', close: 'Đóng', funds_title: 'Nguồn vốn theo nguồn và năm',
    not_assessed: 'Không đánh giá (thị trấn)', not_within: 'Sau kỳ', works_by_year: 'Công trình, theo năm trung vị',
    works_later: 'Không xây trong đa số lần mô phỏng', p_by: 'Xác suất đạt chuẩn đến {year}', met_by: 'Số tiêu chí đạt năm {year}',
    expected_year: 'Năm dự kiến', none: 'không đạt trong kỳ', criteria: 'Tiêu chí theo năm (✓ xác suất đạt ≥ 0,5)',
    criterion: 'Tiêu chí', projects: 'Công trình dự kiến', kind: 'Loại', indicator: 'Chỉ tiêu', cost: 'Kinh phí (tỷ đồng)',
    median_year: 'Năm trung vị', p_curve: 'Xác suất đạt chuẩn theo năm', no_projects: 'Không có công trình.',
    funds_note: 'Trung bình các lần mô phỏng, tỷ đồng mỗi năm, theo nguồn', loading: 'Đang tải…',
    communes_at_standard: 'Số xã đạt chuẩn (kỳ vọng)', of_criteria: 'trên {n} tiêu chí',
    road: 'Đường', canal: 'Kênh', school: 'Trường', facility: 'Thiết chế', new_facility: 'Thiết chế mới',
    src_central: 'Ngân sách trung ương', src_province: 'Ngân sách tỉnh', src_district: 'Ngân sách huyện',
    src_commune: 'Ngân sách xã', src_people: 'Nhân dân đóng góp', src_enterprise: 'Doanh nghiệp', src_credit: 'Tín dụng',
    src_other: 'Khác',
    roadmap: 'Lộ trình', roadmap_title: 'Lộ trình: công trình chi đến năm {year}', rm_works: 'công trình', rm_year: 'Năm',
    rm_commune: 'Xã', rm_work: 'Công trình / nội dung', rm_quantity: 'Khối lượng', rm_cost: 'Kinh phí (tỷ đồng)',
    rm_source: 'Nguồn vốn', rm_total: 'Tổng cộng', rm_works_count: 'Số công trình', rm_panel: 'Lộ trình — {name}',
    rm_money: 'Kinh phí theo nguồn vốn và năm (tỷ đồng)', rm_target: 'Mục tiêu', rm_met: 'đạt', rm_not_met: 'không đạt',
    rm_no_works: 'Lộ trình không có công trình ở xã này.', rm_rows: 'Các công trình, mỗi dòng một khoản chi',
    rm_line_road: 'Đường', rm_line_canal: 'Kênh mương', rm_point_school: 'Trường học', rm_point_facility: 'Thiết chế',
    rm_target_outline: 'Xã mục tiêu', rm_unplaced: '{n} chưa có vị trí trên bản đồ (thiết chế mới, chương trình)',
    rm_gap: 'Thiếu vốn: cần bổ sung {gap} tỷ đồng', rm_all_met: 'mọi mục tiêu đều đạt', rm_some_met: '{met}/{n} mục tiêu đạt',
    rm_no_outlines: 'ranh giới xã hiện khi có kết quả mô phỏng cùng địa bàn bên cạnh lộ trình',
    rm_criteria: 'Tiêu chí', rm_goal_by: 'đạt chuẩn năm {by}', rm_goal_count: 'ít nhất {n} tiêu chí cuối năm {by}',
    rm_reached: 'đạt chuẩn năm {year}', rm_not_reached: 'chưa đạt chuẩn trong lộ trình',
    rm_why_late: 'đạt chuẩn năm {year}, sau năm {by}', rm_why_none: 'chưa đạt chuẩn đến năm {year}',
    rm_why_count: '{n} tiêu chí cuối năm {year}, cần {want}',
    unit_km: 'km', unit_ha: 'ha', unit_unit: 'công trình', unit_year: 'năm',
    legend: 'Chú giải', legend_toggle: 'Hiện hoặc ẩn chú giải', labels: 'Tên xã',
    start_of: 'Đầu năm {year}', end_of: 'Cuối năm {year}', by_year: 'Cuối mỗi năm',
  },
};

// The colours of each measure come with the scenario's values (values.json `palettes`): the
// classes of the PNG maps and the QGIS styles, defined once in engine/render/style.h.
const SOURCE_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
// A roadmap's works by the year they are paid: a few years, so distinct colours rather than a ramp.
// No reds: the forecast's planned works use them.
const ROADMAP_COLOURS = ['#0571b0', '#1a9850', '#ff7f00', '#984ea3', '#00bcd4', '#a65628', '#f781bf', '#666666', '#e6ab02'];
const ROADMAP_LAYERS = ['roadmap-lines', 'roadmap-canals', 'roadmap-points'];
const TARGET_OUTLINE = '#c51b7d';

const state = {
  lang: localStorage.getItem('ntm-lang') || 'en',
  index: null,
  scenarios: new Map(),   // id → values.json
  areas: new Map(),       // area path → GeoJSON promise
  plans: new Map(),       // "id/layer" → GeoJSON promise
  a: null, b: null, compare: false,
  measure: 'p', year: 0,  // year: index into the period
  layers: new Set(),
  selected: null,         // commune code
  roadmap: null,          // id of the roadmap shown, when the Roadmap layer is on
  roadmapPick: null,      // id of the roadmap chosen in the picker
  roadmaps: new Map(),    // id → {summary, works} promise
  maps: {},
  ready: false,
  timings: [],            // [what, ms since the page started], to see where time goes
};

function timing(what) { state.timings.push([what, Math.round(performance.now())]); }

function t(key, vars) {
  let s = (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.en[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace('{' + k + '}', v);
  return s;
}

function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const s = Number(x).toFixed(digits);
  return state.lang === 'vi' ? s.replace('.', ',') : s;
}

function status(text, error) {
  const el = document.getElementById('status');
  el.textContent = text || '';
  el.classList.toggle('error', !!error);
  if (error) console.error(text);
}

async function fetchJson(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${(await r.text()).trim()}`);
  return r.json();
}

function scenarioInfo(id) { return state.index.scenarios.find((s) => s.id === id); }
function roadmapInfo(id) { return state.index.roadmaps.find((r) => r.id === id); }

function roadmapData(id) {
  if (!state.roadmaps.has(id)) {
    const base = `api/roadmap/${encodeURIComponent(id)}`;
    state.roadmaps.set(id, Promise.all([fetchJson(`${base}/summary.json`), fetchJson(`${base}/works.geojson`)])
      .then(([summary, works]) => ({ summary, works })));
  }
  return state.roadmaps.get(id);
}

// The calendar year the slider shows: in the forecast's period, or the roadmap's when alone.
function currentYear() {
  const v = state.a && state.scenarios.get(state.a);
  if (v) return v.start + state.year;
  const r = state.roadmapPick && roadmapInfo(state.roadmapPick);
  return r ? r.start + state.year : null;
}

async function values(id) {
  if (!state.scenarios.has(id)) state.scenarios.set(id, await fetchJson(`api/values/${encodeURIComponent(id)}.json`));
  return state.scenarios.get(id);
}

function area(id) {
  const key = scenarioInfo(id).area;
  if (!state.areas.has(key)) state.areas.set(key, fetchJson(`api/area/${encodeURIComponent(id)}.geojson`));
  return state.areas.get(key);
}

function plan(id, layer) {
  const key = `${id}/${layer}`;
  if (!state.plans.has(key)) state.plans.set(key, fetchJson(`api/plan/${encodeURIComponent(id)}/${layer}.geojson`));
  return state.plans.get(key);
}

// ---- colours -------------------------------------------------------------------------------

// A classed palette as a MapLibre `step` on `x`: class i holds [breaks[i], breaks[i + 1]).
function stepOf(pal, x) {
  const out = ['step', x, pal.colors[0]];
  for (let i = 1; i < pal.colors.length; ++i) out.push(pal.breaks[i], pal.colors[i]);
  return out;
}

function fillColour(v) {
  const pal = v.palettes[state.measure];
  const x = ['to-number', ['feature-state', 'v'], 0];
  let value;
  if (state.measure === 'median') {
    // No median year within the period: the palette's last class ("after the period").
    const after = pal.colors[pal.colors.length - 1];
    value = ['case', ['==', ['feature-state', 'v'], null], after, stepOf(pal, x)];
  } else {
    value = stepOf(pal, x);
  }
  return ['case', ['boolean', ['feature-state', 'assessed'], false], value, pal.no_data];
}

// A commune's value (row i of values.json) for the measure and year shown; null: none.
function valueOf(v, i) {
  const c = v.communes;
  if (state.measure === 'p') return c.p[i][state.year];
  if (state.measure === 'met') return c.met[i][state.year];
  return c.median[i];
}

// ---- maps ----------------------------------------------------------------------------------

function makeMap(container, view) {
  const style = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8eef2' } }] };
  if (state.index.basemap) {
    style.sources.basemap = { type: 'raster', tiles: [state.index.basemap], tileSize: 256 };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  const map = new maplibregl.Map({ container, style, ...(view || { center: [105.8, 18.4], zoom: 9 }), attributionControl: false,
                                   preserveDrawingBuffer: true, fadeDuration: 0 });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('error', (e) => status(String(e.error && e.error.message ? e.error.message : e.error), true));
  // The panel opening or the second map appearing changes the container's size.
  new ResizeObserver(() => map.resize()).observe(document.getElementById(container));
  return new Promise((resolve) => map.on('load', () => resolve(map)));
}

function bounds(geojson) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(visit);
  };
  for (const f of geojson.features) if (f.geometry) visit(f.geometry.coordinates);
  return [[b[0], b[1]], [b[2], b[3]]];
}

// Where a commune's name goes: the area-weighted centroid of its largest ring (a shoelace sum),
// good enough for commune shapes, which are rarely crescents.
function labelPoint(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = null, bestArea = -1;
  for (const poly of polygons) {
    const ring = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f; cx += (ring[j][0] + ring[i][0]) * f; cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (Math.abs(a) > bestArea && a !== 0) { bestArea = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
  }
  return best;
}

// Commune names on the map, as HTML markers (the viewer has no font server for map text);
// up to 500 communes, beyond which they would cover the map.
function showLabels(map, geo) {
  for (const m of map.__labels || []) m.remove();
  map.__labels = [];
  if (geo.features.length > 500) return;
  for (const f of geo.features) {
    const at = f.geometry && labelPoint(f.geometry);
    if (!at) continue;
    const el = document.createElement('div');
    el.className = 'commune-label';
    el.dataset.testid = 'commune-label';
    el.textContent = f.properties.name;
    map.__labels.push(new maplibregl.Marker({ element: el, anchor: 'center' }).setLngLat(at).addTo(map));
  }
}

// Puts the value shown of each of the scenario's communes into the map's feature-state.
function applyValues(map, v) {
  if (map.__values !== v) map.removeFeatureState({ source: 'communes' });
  map.__values = v;
  const code = v.communes.code;
  for (let i = 0; i < code.length; ++i) map.setFeatureState({ source: 'communes', id: code[i] }, { assessed: true, v: valueOf(v, i) });
}

async function showScenario(side) {
  const id = state[side];
  const map = state.maps[side];
  const [v, geo] = await Promise.all([values(id), area(id)]);
  timing(`${side}: values and area fetched`);
  const src = map.getSource('communes');
  if (!src || map.__area !== scenarioInfo(id).area) {
    for (const l of ['roadmap-targets', 'communes-fill', 'communes-line', 'communes-selected']) if (map.getLayer(l)) map.removeLayer(l);
    if (src) map.removeSource('communes');
    map.addSource('communes', { type: 'geojson', data: geo, promoteId: 'code' });
    map.__values = null;
    map.__style = null;
    map.addLayer({ id: 'communes-fill', type: 'fill', source: 'communes', paint: { 'fill-color': fillColour(v), 'fill-opacity': 0.85 } },
                 map.getLayer('road_plan') ? 'road_plan' : undefined);
    map.addLayer({ id: 'communes-line', type: 'line', source: 'communes', paint: { 'line-color': '#444', 'line-width': 0.6 } });
    map.addLayer({ id: 'communes-selected', type: 'line', source: 'communes', filter: ['==', ['get', 'code'], state.selected || ''],
                   paint: { 'line-color': '#00e5ff', 'line-width': 3.5 } });
    map.__area = scenarioInfo(id).area;
    map.__bounds = bounds(geo);
    showLabels(map, geo);
    if (side === 'a') map.fitBounds(map.__bounds, { padding: 20, duration: 0 });
  }
  document.getElementById(`title-${side}`).textContent = scenarioInfo(id).name;
  await showPlans(side);
  if (side === 'a' && state.roadmap) await showRoadmap();
  restyle();
  timing(`${side}: scenario ${id} shown`);
}

async function showPlans(side) {
  const map = state.maps[side];
  const id = state[side];
  const v = await values(id);
  for (const layer of ['road_plan', 'canal_plan', 'school_plan', 'facility_plan']) {
    const on = state.layers.has(layer);
    if (map.getLayer(layer)) map.removeLayer(layer);
    if (map.getSource(layer)) map.removeSource(layer);
    if (!on) continue;
    const data = await plan(id, layer);
    if (map.getLayer(layer)) continue;  // added by a call that overtook this one
    map.addSource(layer, { type: 'geojson', data });
    const planned = ['has', 'median_year'];
    const colour = ['case', planned, stepOf(v.palettes.works, ['to-number', ['get', 'median_year']]), v.palettes.works.no_data];
    if (layer === 'road_plan' || layer === 'canal_plan') {
      map.addLayer({ id: layer, type: 'line', source: layer,
                     paint: { 'line-color': colour, 'line-width': ['case', planned, layer === 'road_plan' ? 1.8 : 1.5, 0.6],
                              'line-dasharray': layer === 'canal_plan' ? [2, 1] : [1, 0] } }, 'communes-selected');
    } else {
      map.addLayer({ id: layer, type: 'circle', source: layer,
                     paint: { 'circle-color': colour, 'circle-radius': ['case', planned, layer === 'school_plan' ? 5 : 4, 2.5],
                              'circle-stroke-color': layer === 'school_plan' ? '#000' : '#555', 'circle-stroke-width': 1 } },
                   'communes-selected');
    }
  }
}

function restyle() {
  for (const side of ['a', 'b']) {
    const map = state.maps[side];
    if (!map || !state[side] || !map.getLayer('communes-fill')) continue;
    const v = state.scenarios.get(state[side]);
    if (!v) continue;
    const key = `${state.measure}/${v.criteria_count}/${v.start}/${v.end}`;
    if (map.__style !== key) {
      map.setPaintProperty('communes-fill', 'fill-color', fillColour(v));
      map.__style = key;
    }
    applyValues(map, v);
  }
  const year = currentYear();
  if (year !== null) document.getElementById('year-label').textContent = String(year);
  roadmapFilter();
  legend();
  if (state.selected) renderPanel().catch((e) => status(e.message, true));
}

function legend() {
  const el = document.getElementById('legend');
  const v = state.scenarios.get(state.a);
  if (!v) {
    setLegend(el, roadmapLegend());
    return;
  }
  const year = v.start + state.year;
  const pal = v.palettes[state.measure];
  const title = state.measure === 'median' ? t('measure_median') : state.measure === 'p' ? t('p_by', { year }) : t('met_by', { year });
  let html = `<h3>${title}</h3>`;
  pal.colors.forEach((c, i) => {
    const label = state.measure === 'median' && i === pal.colors.length - 1 ? t('not_within') : pal.labels[i];
    html += `<div class="row" data-testid="legend-class"><span class="sw" style="background:${c}"></span>${esc(label)}</div>`;
  });
  html += `<div class="row"><span class="sw na" style="background:${pal.no_data}"></span>${t('not_assessed')}</div>`;
  if (state.layers.size) {
    const works = v.palettes.works;
    html += `<h3 style="margin-top:6px">${t('works_by_year')}</h3>`;
    works.colors.forEach((c, i) => { html += `<div class="row"><span class="line" style="border-color:${c}"></span>${works.labels[i]}</div>`; });
    html += `<div class="row"><span class="line thin" style="border-color:${works.no_data}"></span>${t('works_later')}</div>`;
  }
  setLegend(el, html + roadmapLegend());
}

// The legend's content under a button that folds it away (remembered across visits).
function setLegend(el, html) {
  const folded = localStorage.getItem('ntm-legend') === 'folded';
  el.classList.toggle('folded', folded);
  el.innerHTML = `<button id="legend-toggle" data-testid="legend-toggle" aria-expanded="${!folded}" title="${t('legend_toggle')}">` +
                 `${t('legend')} ${folded ? '▸' : '▾'}</button><div class="legend-body" data-testid="legend-body">${html}</div>`;
  el.hidden = !html;
  document.getElementById('legend-toggle').addEventListener('click', () => {
    localStorage.setItem('ntm-legend', folded ? 'open' : 'folded');
    setLegend(el, html);
  });
}

// ---- the commune panel ---------------------------------------------------------------------

const commune = new Map();  // "id/code" → commune JSON promise
function communeDetail(id, code) {
  const key = `${id}/${code}`;
  if (!commune.has(key)) commune.set(key, fetchJson(`api/commune/${encodeURIComponent(id)}/${encodeURIComponent(code)}.json`));
  return commune.get(key);
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function curveSvg(series, years) {
  const w = 500, h = 160, l = 34, r = 10, top = 10, b = 24;
  const x = (i) => l + ((w - l - r) * i) / Math.max(years.length - 1, 1);
  const y = (p) => top + (h - top - b) * (1 - p);
  let s = `<svg width="${w}" height="${h}" role="img" aria-label="${esc(t('p_curve'))}">`;
  for (const p of [0, 0.5, 1]) s += `<line x1="${l}" x2="${w - r}" y1="${y(p)}" y2="${y(p)}" stroke="#ddd"/><text x="${l - 4}" y="${y(p) + 4}" text-anchor="end">${fmt(p, 1)}</text>`;
  years.forEach((yr, i) => { s += `<text x="${x(i)}" y="${h - 8}" text-anchor="middle">${yr}</text>`; });
  series.forEach(({ p, colour, dash, label }) => {
    s += `<polyline fill="none" stroke="${colour}" stroke-width="2" ${dash ? 'stroke-dasharray="5,3"' : ''} points="${p.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`;
    p.forEach((v, i) => { s += `<circle cx="${x(i)}" cy="${y(v)}" r="2.5" fill="${colour}"><title>${esc(label)} ${years[i]}: ${fmt(v, 3)}</title></circle>`; });
  });
  return s + '</svg>';
}

async function renderPanel() {
  const code = state.selected;
  const panel = document.getElementById('panel');
  const body = document.getElementById('panel-body');
  panel.hidden = false;
  const rm = state.roadmap ? await roadmapData(state.roadmap) : null;
  if (code !== state.selected) return;
  const roadmapHtml = rm ? roadmapPanel(rm.summary, code) : '';
  // A commune of the roadmap that the forecasts shown do not hold (or none served): the roadmap alone.
  const known = state.a && state.scenarios.get(state.a) && state.scenarios.get(state.a).communes.code.includes(code);
  if (!known) {
    const c = rm && rm.summary.communes.find((x) => x.code === code);
    body.innerHTML = `<h2 data-testid="panel-title">${esc(c ? c.name : code)} <small>(${esc(code)})</small></h2>` + roadmapHtml;
    return;
  }
  const sides = state.compare && state.b ? ['a', 'b'] : ['a'];
  const details = await Promise.all(sides.map((s) => communeDetail(state[s], code)));
  if (code !== state.selected) return;
  const d = details[0];
  const yi = state.year;
  const year = d.years[Math.min(yi, d.years.length - 1)];
  const set = state.index.criteria_sets[scenarioInfo(state.a).criteria];
  const n = set ? set.criteria.length : d.criteria.length;
  let html = `<h2 data-testid="panel-title">${esc(d.name)} <small>(${esc(d.code)})</small></h2>` + roadmapHtml;
  html += '<table><tr><th class="name"></th>' + sides.map((s) => `<th>${esc(scenarioInfo(state[s]).name)}</th>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('p_by', { year })}</td>` +
          details.map((x, i) => `<td class="num" data-testid="panel-p-${sides[i]}">${fmt(x.p[yi], 3)}</td>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('met_by', { year })} (${t('of_criteria', { n })})</td>` +
          details.map((x) => `<td class="num">${fmt(x.met_mean[yi], 1)} [${x.met_p5[yi]}–${x.met_p95[yi]}]</td>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('expected_year')}</td>` +
          details.map((x) => `<td>${x.median_year === null ? t('none') : x.median_year}</td>`).join('') + '</tr></table>';
  html += `<h3>${t('p_curve')}</h3>` + curveSvg(details.map((x, i) => ({ p: x.p, colour: i ? '#d95f02' : '#1b9e77', dash: i > 0, label: scenarioInfo(state[sides[i]]).name })), d.years);
  // The checklist of the year chosen: where each criterion stands at its start (the end of the
  // year before, or for the first year the assessment the run starts from) and at its end; then
  // the end of every year, the chosen one outlined.
  const mark = (p, testid) => {
    const cls = p === null || p === undefined ? '' : p >= 0.5 ? 'met' : p > 0.05 ? 'maybe' : 'not';
    const sign = p === null || p === undefined ? '–' : p >= 0.5 ? '✓' : '✗';
    return `<td class="${cls}"${testid ? ` data-testid="${testid}"` : ''} title="P = ${fmt(p, 3)}">${sign}</td>`;
  };
  html += `<h3>${t('criteria')} — ${esc(scenarioInfo(state.a).name)}</h3><table data-testid="criteria-table"><tr><th>#</th><th class="name">${t('criterion')}</th>` +
          `<th class="chosen">${t('start_of', { year })}</th><th class="chosen">${t('end_of', { year })}</th>` +
          d.years.map((y, i) => `<th class="${i === yi ? 'chosen' : ''}">${y}</th>`).join('') + '</tr>';
  for (const c of d.criteria) {
    const start = yi > 0 ? c.p[yi - 1] : c.start === null || c.start === undefined ? null : c.start ? 1 : 0;
    html += `<tr class="criterion-row"><td>${esc(c.id)}</td><td class="name">${esc(state.lang === 'vi' ? c.vi : c.en)}</td>` +
            mark(start, 'criterion-start') + mark(c.p[yi], 'criterion-end');
    for (const p of c.p) html += mark(p);
    html += '</tr>';
  }
  html += '</table>';
  html += `<h3>${t('projects')} — ${esc(scenarioInfo(state.a).name)}</h3>`;
  if (!d.projects.length) html += `<p>${t('no_projects')}</p>`;
  else {
    const rows = [...d.projects].sort((p, q) => (p.median_year || 9999) - (q.median_year || 9999) || q.cost_bn - p.cost_bn);
    html += `<table data-testid="projects-table"><tr><th>${t('kind')}</th><th class="name">${t('indicator')}</th><th>${t('cost')}</th><th>${t('median_year')}</th><th>P ${year}</th></tr>`;
    for (const p of rows) {
      const ind = (state.lang === 'vi' ? p.indicator_vi : p.indicator_en) || '';
      html += `<tr><td>${t(p.kind)}</td><td class="name">${esc(p.indicator)} ${esc(ind)}</td><td class="num">${fmt(p.cost_bn, 2)}</td>` +
              `<td>${p.median_year === null ? '–' : p.median_year}</td><td class="num">${fmt(p.p[yi], 2)}</td></tr>`;
    }
    html += '</table>';
  }
  body.innerHTML = html;
}

function select(code) {
  state.selected = code;
  for (const side of ['a', 'b']) {
    const map = state.maps[side];
    if (map && map.getLayer('communes-selected')) map.setFilter('communes-selected', ['==', ['get', 'code'], code || '']);
  }
  if (code) renderPanel().catch((e) => status(e.message, true));
  else document.getElementById('panel').hidden = true;
}

// ---- funds chart ---------------------------------------------------------------------------

async function renderFunds() {
  const v = await values(state.a);
  const sources = Object.keys(v.funding);
  const years = [];
  for (let y = v.start; y <= v.end; ++y) years.push(y);
  const totals = years.map((_, i) => sources.reduce((s, k) => s + (v.funding[k][i] || 0), 0));
  const max = Math.max(...totals, 1e-9);
  const w = 600, h = 300, l = 44, r = 10, top = 10, b = 26;
  const bw = (w - l - r) / years.length;
  const y = (val) => top + (h - top - b) * (1 - val / max);
  let s = `<p>${esc(scenarioInfo(state.a).name)} — ${t('funds_note')}</p><svg width="${w}" height="${h}" data-testid="funds-chart">`;
  for (const f of [0, 0.5, 1]) s += `<line x1="${l}" x2="${w - r}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#ddd"/><text x="${l - 4}" y="${y(max * f) + 4}" text-anchor="end">${fmt(max * f, 0)}</text>`;
  years.forEach((yr, i) => {
    let acc = 0;
    sources.forEach((k, j) => {
      const val = v.funding[k][i] || 0;
      s += `<rect x="${l + i * bw + 3}" width="${bw - 6}" y="${y(acc + val)}" height="${y(acc) - y(acc + val)}" fill="${SOURCE_COLOURS[j % SOURCE_COLOURS.length]}"><title>${esc(t('src_' + k))} ${yr}: ${fmt(val, 1)}</title></rect>`;
      acc += val;
    });
    s += `<text x="${l + i * bw + bw / 2}" y="${h - 8}" text-anchor="middle">${yr}</text>`;
  });
  s += '</svg><div>';
  sources.forEach((k, j) => { s += `<span style="margin-right:10px"><span class="sw" style="display:inline-block;width:12px;height:12px;background:${SOURCE_COLOURS[j % SOURCE_COLOURS.length]}"></span> ${esc(TEXT[state.lang]['src_' + k] || k)}</span>`; });
  s += `</div><h3>${t('communes_at_standard')}</h3><table><tr>` + years.map((yr) => `<th>${yr}</th>`).join('') + '</tr><tr>' +
       v.summary.expected_reached.map((x) => `<td class="num">${fmt(x, 1)}</td>`).join('') + '</tr></table>';
  document.getElementById('funds-body').innerHTML = s;
}

// ---- the roadmap (`ntmsim plan`) -------------------------------------------------------------

function roadmapColour(info, year) {
  return ROADMAP_COLOURS[(year - info.start) % ROADMAP_COLOURS.length];
}

function roadmapColourExpr(info) {
  const cases = [];
  for (let y = info.start; y <= info.end; ++y) cases.push(y, roadmapColour(info, y));
  return ['match', ['to-number', ['get', 'year']], ...cases, '#000000'];
}

const IS_LINE = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
const IS_CANAL = ['==', ['get', 'layer'], 'canals'];
// Each layer's own part of the works (line-dasharray cannot follow the data: canals get a layer).
const ROADMAP_FILTERS = {
  'roadmap-lines': ['all', IS_LINE, ['!', IS_CANAL]],
  'roadmap-canals': ['all', IS_LINE, IS_CANAL],
  'roadmap-points': ['!', IS_LINE],
};

// Draws the roadmap chosen on map a (works by year; target communes outlined when the map holds
// their area), or removes it when the layer is off.
async function showRoadmap() {
  const map = state.maps.a;
  if (!map) return;
  for (const l of [...ROADMAP_LAYERS, 'roadmap-targets']) if (map.getLayer(l)) map.removeLayer(l);
  if (map.getSource('roadmap-works')) map.removeSource('roadmap-works');
  const id = state.roadmap;
  if (!id) { legend(); return; }
  const { summary, works } = await roadmapData(id);
  if (id !== state.roadmap || map.getSource('roadmap-works')) return;  // overtaken by another call
  const info = roadmapInfo(id);
  // No simplification: a short road piece must stay on the map at every zoom.
  map.addSource('roadmap-works', { type: 'geojson', data: works, tolerance: 0 });
  const colour = roadmapColourExpr(info);
  map.addLayer({ id: 'roadmap-lines', type: 'line', source: 'roadmap-works', filter: ROADMAP_FILTERS['roadmap-lines'],
                 layout: { 'line-cap': 'round' }, paint: { 'line-color': colour, 'line-width': 3 } });
  map.addLayer({ id: 'roadmap-canals', type: 'line', source: 'roadmap-works', filter: ROADMAP_FILTERS['roadmap-canals'],
                 paint: { 'line-color': colour, 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'roadmap-points', type: 'circle', source: 'roadmap-works', filter: ROADMAP_FILTERS['roadmap-points'],
                 paint: { 'circle-color': colour, 'circle-radius': 6, 'circle-stroke-width': 1.5,
                          'circle-stroke-color': ['case', ['==', ['get', 'layer'], 'schools'], '#000000', '#ffffff'] } });
  const targets = (summary.targets || []).map((x) => x.code);
  if (map.getSource('communes') && info.area && scenarioInfo(info.area) && map.__area === scenarioInfo(info.area).area) {
    map.addLayer({ id: 'roadmap-targets', type: 'line', source: 'communes', filter: ['in', ['get', 'code'], ['literal', targets]],
                   paint: { 'line-color': TARGET_OUTLINE, 'line-width': 3 } }, 'roadmap-lines');
  }
  if (!map.getSource('communes')) map.fitBounds(bounds(works), { padding: 40, duration: 0 });
  roadmapFilter();
  legend();
  timing(`roadmap ${id} shown`);
}

// Works paid up to the year of the slider.
function roadmapFilter() {
  const map = state.maps.a;
  const year = currentYear();
  if (!map || year === null) return;
  const upTo = ['<=', ['to-number', ['get', 'year']], year];
  for (const l of ROADMAP_LAYERS) if (map.getLayer(l)) map.setFilter(l, ['all', ROADMAP_FILTERS[l], upTo]);
}

function roadmapLegend() {
  if (!state.roadmap) return '';
  const info = roadmapInfo(state.roadmap);
  const data = state.roadmapLoaded && state.roadmapLoaded.id === state.roadmap ? state.roadmapLoaded : null;
  const year = currentYear();
  let html = `<div data-testid="legend-roadmap"><h3 style="margin-top:6px">${esc(t('roadmap_title', { year }))}</h3>`;
  html += `<div>${esc(info.name)}</div>`;
  for (let y = info.start; y <= info.end; ++y) {
    const n = data ? data.works.features.filter((f) => Number(f.properties.year) === y).length : 0;
    const off = y > year ? ' style="opacity:.4"' : '';
    html += `<div class="row"${off}><span class="sw" style="background:${roadmapColour(info, y)}"></span>${y}` +
            `<span data-testid="legend-roadmap-${y}">${data ? ` (${n} ${t('rm_works')})` : ''}</span></div>`;
  }
  html += `<div class="row"><span class="line" style="border-color:#333"></span>${t('rm_line_road')}` +
          `<span class="dash"></span>${t('rm_line_canal')}</div>`;
  html += `<div class="row"><span class="pt" style="background:#999;border-color:#000"></span>${t('rm_point_school')}` +
          `<span class="pt" style="background:#999;border-color:#fff;outline:1px solid #999"></span>${t('rm_point_facility')}</div>`;
  const map = state.maps.a;
  if (map && map.getLayer('roadmap-targets')) html += `<div class="row"><span class="outline"></span>${t('rm_target_outline')}</div>`;
  else if (!state.index.scenarios.length) html += `<div style="color:#666">${t('rm_no_outlines')}</div>`;
  if (data) {
    const placed = data.works.features.length;
    const unplaced = info.works - placed;
    if (unplaced > 0) html += `<div style="color:#666">${t('rm_unplaced', { n: unplaced })}</div>`;
  }
  if (info.targets !== null) {
    html += `<div class="${info.all_met ? 'target-met' : 'target-not'}">${info.all_met ? t('rm_all_met') : t('rm_some_met', { met: info.targets_met, n: info.targets })}</div>`;
  }
  if (info.funding_gap_bn) html += `<div class="target-not" data-testid="roadmap-gap">${t('rm_gap', { gap: fmt(info.funding_gap_bn, 3) })}</div>`;
  return html + '</div>';
}

function unitLabel(u) { return TEXT.en['unit_' + u] ? t('unit_' + u) : u; }
function sourceLabel(s) { return TEXT.en['src_' + s] ? t('src_' + s) : s; }

// "people 0.500; province 1.000" (works.gpkg's sources) in words.
function sourcesLabel(text) {
  return String(text || '').split(';').map((part) => {
    const [src, amount] = part.trim().split(' ');
    return `${sourceLabel(src)} ${fmt(Number(amount), 3)}`;
  }).join('; ');
}

function workPopup(map, f, lngLat) {
  const p = f.properties;
  const rows = [[t('rm_commune'), `${p.commune} (${p.commune_code})`], [t('rm_work'), p.work], [t('rm_criteria'), p.criteria],
                [t('rm_quantity'), `${fmt(Number(p.quantity), 2)} ${unitLabel(p.unit)}`], [t('rm_cost'), fmt(Number(p.cost_bn), 3)],
                [t('rm_source'), sourcesLabel(p.sources)], [t('rm_year'), p.year]];
  if (state.popup) state.popup.remove();
  state.popup = new maplibregl.Popup({ closeButton: true, maxWidth: '340px' }).setLngLat(lngLat)
    .setHTML(`<table data-testid="work-popup">${rows.map(([k, v]) => `<tr><td><b>${esc(k)}</b></td><td>${esc(v)}</td></tr>`).join('')}</table>`)
    .addTo(map);
}

function targetText(x) {
  let goal = t('rm_goal_by', { by: x.by });
  if (x.min_criteria) goal += ', ' + t('rm_goal_count', { n: x.min_criteria, by: x.min_criteria_by });
  const reached = x.reached ? t('rm_reached', { year: x.reached }) : t('rm_not_reached');
  // Why not, from the numbers (summary.json's `why` is the same in English).
  const why = [];
  if (!x.reached) why.push(t('rm_why_none', { year: state.index.roadmaps.find((r) => r.id === state.roadmap).end }));
  else if (x.reached > x.by) why.push(t('rm_why_late', { year: x.reached, by: x.by }));
  if (x.min_criteria && (x.criteria_at_min_by === null || x.criteria_at_min_by < x.min_criteria)) {
    why.push(t('rm_why_count', { n: x.criteria_at_min_by || 0, year: x.min_criteria_by, want: x.min_criteria }));
  }
  const verdict = x.met ? `<span class="target-met">✓ ${t('rm_met')}</span>`
                        : `<span class="target-not">✗ ${t('rm_not_met')}</span> (${esc(why.join('; '))})`;
  return `${t('rm_target')}: ${esc(goal)} — ${esc(reached)} — ${verdict}`;
}

// The commune's part of the roadmap: its target, works per year and money by source and year.
function roadmapPanel(summary, code) {
  let html = `<h3>${esc(t('rm_panel', { name: summary.name }))}</h3>`;
  const c = summary.communes.find((x) => x.code === code);
  const target = c ? c.target : (summary.targets || []).find((x) => x.code === code);
  if (target) html += `<p data-testid="roadmap-target">${targetText(target)}</p>`;
  if (!c) return html + `<p>${t('rm_no_works')}</p>`;
  const sources = summary.sources.filter((s) => c.money[s]);
  html += `<table data-testid="roadmap-table"><tr><th>${t('rm_year')}</th><th>${t('rm_works_count')}</th>` +
          sources.map((s) => `<th>${esc(sourceLabel(s))}</th>`).join('') + `<th>${t('rm_total')}</th></tr>`;
  summary.years.forEach((y, i) => {
    const total = sources.reduce((acc, s) => acc + c.money[s][i], 0);
    html += `<tr><td>${y}</td><td class="num" data-testid="rm-works-${y}">${c.works[i]}</td>` +
            sources.map((s) => `<td class="num" data-testid="rm-money-${s}-${y}">${fmt(c.money[s][i], 3)}</td>`).join('') +
            `<td class="num">${fmt(total, 3)}</td></tr>`;
  });
  html += `<tr class="total"><td>${t('rm_total')}</td><td class="num">${c.works.reduce((a, b) => a + b, 0)}</td>` +
          sources.map((s) => `<td class="num" data-testid="rm-money-${s}">${fmt(c.money[s].reduce((a, b) => a + b, 0), 3)}</td>`).join('') +
          `<td class="num" data-testid="rm-total">${fmt(c.total_bn, 3)}</td></tr></table>`;
  html += `<details><summary>${t('rm_rows')}</summary><table><tr><th>${t('rm_year')}</th><th>${t('rm_criteria')}</th>` +
          `<th class="name">${t('rm_work')}</th><th>${t('rm_quantity')}</th><th>${t('rm_cost')}</th><th>${t('rm_source')}</th></tr>`;
  for (const r of c.rows) {
    html += `<tr><td>${r.year}</td><td>${esc(r.criteria)}</td><td class="name">${esc(r.work)}</td>` +
            `<td class="num">${r.quantity === null ? '–' : fmt(r.quantity, 2)} ${esc(unitLabel(r.unit))}</td>` +
            `<td class="num">${fmt(r.cost_bn, 3)}</td><td>${esc(sourceLabel(r.source))}</td></tr>`;
  }
  return html + '</table></details>';
}

async function setRoadmap(on) {
  state.roadmap = on ? state.roadmapPick : null;
  if (state.roadmap) {
    const { works } = await roadmapData(state.roadmap);
    state.roadmapLoaded = { id: state.roadmap, works };
  }
  await showRoadmap();
  if (state.selected) await renderPanel();
}

// ---- controls ------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const b of document.querySelectorAll('#lang button')) b.classList.toggle('active', b.dataset.lang === state.lang);
  document.title = t('title');
  restyle();
  if (!document.getElementById('funds').hidden) renderFunds();
}

function fillScenarioSelect(select, chosen) {
  select.innerHTML = '';
  for (const s of state.index.scenarios) {
    const o = document.createElement('option');
    o.value = s.id;
    o.textContent = s.name === s.id ? s.id : `${s.name} (${s.id})`;
    select.appendChild(o);
  }
  select.value = chosen;
}

function syncMaps() {
  let moving = false;
  const link = (from, to) => from.on('move', () => {
    if (moving || !state.compare) return;
    moving = true;
    to.jumpTo({ center: from.getCenter(), zoom: from.getZoom() });
    moving = false;
  });
  link(state.maps.a, state.maps.b);
  link(state.maps.b, state.maps.a);
}

function hover(map) {
  const tip = document.getElementById('tooltip');
  map.on('mousemove', 'communes-fill', (e) => {
    const f = e.features[0];
    const fs = map.getFeatureState({ source: 'communes', id: f.properties.code });
    let val = t('not_assessed');
    if (fs.assessed) {
      val = state.measure === 'p' ? fmt(fs.v, 2) : state.measure === 'met' ? fmt(fs.v, 1) : fs.v ? String(fs.v) : t('none');
    }
    tip.hidden = false;
    tip.textContent = `${f.properties.name}: ${val}`;
    const rect = map.getContainer().getBoundingClientRect(), host = document.getElementById('maps').getBoundingClientRect();
    tip.style.left = `${rect.left - host.left + e.point.x + 12}px`;
    tip.style.top = `${rect.top - host.top + e.point.y + 12}px`;
    map.getCanvas().style.cursor = 'pointer';
  });
  map.on('mouseleave', 'communes-fill', () => { tip.hidden = true; map.getCanvas().style.cursor = ''; });
  map.on('click', (e) => {
    // A work of the roadmap first (a few pixels around the click, lines are thin), then a commune.
    const near = [[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]];
    const rmLayers = ROADMAP_LAYERS.filter((l) => map.getLayer(l));
    const work = rmLayers.length ? map.queryRenderedFeatures(near, { layers: rmLayers })[0] : null;
    if (work) {
      workPopup(map, work, e.lngLat);
      select(work.properties.commune_code);
      return;
    }
    const f = map.getLayer('communes-fill') ? map.queryRenderedFeatures(e.point, { layers: ['communes-fill'] })[0] : null;
    const assessed = f && map.getFeatureState({ source: 'communes', id: f.properties.code }).assessed;
    select(assessed ? f.properties.code : null);
  });
  for (const l of ROADMAP_LAYERS) {
    map.on('mouseenter', l, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', l, () => { map.getCanvas().style.cursor = ''; });
  }
}

async function main() {
  status(t('loading'));
  state.index = await fetchJson('api/index.json');
  state.index.roadmaps = state.index.roadmaps || [];
  const ids = state.index.scenarios.map((s) => s.id);
  const slider = document.getElementById('year');
  const roadmapBox = document.getElementById('roadmap');
  if (state.index.roadmaps.length) {
    const pick = document.getElementById('roadmap-pick');
    for (const r of state.index.roadmaps) {
      const o = document.createElement('option');
      o.value = r.id;
      o.textContent = r.name === r.id ? r.id : `${r.name} (${r.id})`;
      pick.appendChild(o);
    }
    pick.hidden = state.index.roadmaps.length < 2;
    state.roadmapPick = state.index.roadmaps[0].id;
    document.getElementById('roadmap-control').hidden = false;
  }
  if (ids.length) {
    state.a = ids[0];
    state.b = ids[1] || ids[0];
    fillScenarioSelect(document.getElementById('scenario-a'), state.a);
    fillScenarioSelect(document.getElementById('scenario-b'), state.b);
    const v = await values(state.a);
    slider.max = String(v.end - v.start);
    state.year = Math.min(2, v.end - v.start);  // two years in: something to see on opening
    slider.value = String(state.year);
    // Works are off on opening: the communes first; each layer is a tick away.
    for (const box of document.querySelectorAll('#layers input')) box.checked = false;
    timing('index and first values fetched');
    state.maps.a = await makeMap('map-a');
    timing('map a ready');
    hover(state.maps.a);
    await showScenario('a');
  } else {
    // A roadmap alone: its works on the map, the slider over its years, the roadmap layer on.
    document.body.classList.add('roadmap-only');
    const r = roadmapInfo(state.roadmapPick);
    slider.max = String(r.end - r.start);
    state.year = r.end - r.start;
    slider.value = String(state.year);
    state.maps.a = await makeMap('map-a');
    hover(state.maps.a);
    document.getElementById('title-a').textContent = r.name;
    roadmapBox.checked = true;
    await setRoadmap(true);
  }
  roadmapBox.addEventListener('change', () => setRoadmap(roadmapBox.checked).catch((e) => status(e.message, true)));
  document.getElementById('roadmap-pick').addEventListener('change', (e) => {
    state.roadmapPick = e.target.value;
    if (!document.body.classList.contains('roadmap-only')) return setRoadmap(roadmapBox.checked).catch((x) => status(x.message, true));
    const r = roadmapInfo(state.roadmapPick);
    document.getElementById('title-a').textContent = r.name;
    slider.max = String(r.end - r.start);
    state.year = Math.min(state.year, r.end - r.start);
    slider.value = String(state.year);
    return setRoadmap(true).then(restyle).catch((x) => status(x.message, true));
  });

  slider.addEventListener('input', () => { state.year = Number(slider.value); restyle(); });
  document.getElementById('measure').addEventListener('change', (e) => { state.measure = e.target.value; restyle(); });
  document.getElementById('scenario-a').addEventListener('change', async (e) => {
    state.a = e.target.value;
    await showScenario('a');
    if (!document.getElementById('funds').hidden) await renderFunds();
  });
  document.getElementById('scenario-b').addEventListener('change', async (e) => { state.b = e.target.value; await showScenario('b'); if (state.selected) renderPanel(); });
  document.getElementById('compare').addEventListener('change', async (e) => {
    state.compare = e.target.checked;
    document.getElementById('scenario-b').disabled = !state.compare;
    document.getElementById('pane-b').hidden = !state.compare;
    const a = state.maps.a;
    a.resize();
    a.fitBounds(a.__bounds, { padding: 20, duration: 0 });
    if (state.compare && !state.maps.b) {
      state.maps.b = await makeMap('map-b', { center: a.getCenter(), zoom: a.getZoom() });
      hover(state.maps.b);
      syncMaps();
    }
    if (state.compare) {
      state.maps.b.resize();
      await showScenario('b');
      state.maps.b.jumpTo({ center: a.getCenter(), zoom: a.getZoom() });
    }
    if (state.selected) renderPanel();
  });
  for (const box of document.querySelectorAll('#layers input')) {
    box.addEventListener('change', async () => {
      if (box.checked) state.layers.add(box.dataset.layer); else state.layers.delete(box.dataset.layer);
      await showPlans('a');
      if (state.compare) await showPlans('b');
      legend();
    });
  }
  for (const b of document.querySelectorAll('#lang button')) {
    b.addEventListener('click', () => { state.lang = b.dataset.lang; localStorage.setItem('ntm-lang', state.lang); applyLanguage(); });
  }
  document.getElementById('panel-close').addEventListener('click', () => select(null));
  document.getElementById('funds-button').addEventListener('click', async () => {
    const el = document.getElementById('funds');
    el.hidden = !el.hidden;
    if (!el.hidden) await renderFunds();
  });
  document.getElementById('funds-close').addEventListener('click', () => { document.getElementById('funds').hidden = true; });
  applyLanguage();
  status('');
  timing('ready');
  state.maps.a.once('idle', () => timing('map a drawn'));
  state.ready = true;
}

// For the browser tests and for the curious: the state and the maps.
window.ntmViewer = state;
main().catch((e) => status(String(e && e.message ? e.message : e), true));
