// The ntmsim viewer: communes coloured by a forecast measure, a year slider, two scenarios side
// by side, a commune's panel, planned works and funds. Reads what `ntmsim serve` offers under
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
    not_assessed: 'Not assessed (township)', not_within: 'Not within the period', works_by_year: 'Works, by median year',
    works_later: 'Later or unlikely', p_by: 'P(standard by {year})', met_by: 'Criteria met in {year}',
    expected_year: 'Expected year', none: 'not within the period', criteria: 'Criteria by year (✓ P(met) ≥ 0.5)',
    criterion: 'Criterion', projects: 'Planned works', kind: 'Kind', indicator: 'Indicator', cost: 'Cost (bn VND)',
    median_year: 'Median year', p_curve: 'P(standard by year)', no_projects: 'No candidate works.',
    funds_note: 'Mean over draws, bn VND per year, realised by source', loading: 'Loading…',
    communes_at_standard: 'Expected communes at the standard', of_criteria: 'of {n} criteria',
    road: 'Road', canal: 'Canal', school: 'School', facility: 'Facility', new_facility: 'New facility',
    src_central: 'Central budget', src_province: 'Province', src_district: 'District', src_commune: 'Commune',
    src_people: "People's contributions", src_enterprise: 'Enterprises', src_credit: 'Credit', src_other: 'Other',
  },
  vi: {
    title: 'Bản đồ dự báo nông thôn mới', scenario: 'Kịch bản', compare: 'So sánh với', colour_by: 'Tô màu theo',
    measure_p: 'Xác suất đạt chuẩn theo năm', measure_met: 'Số tiêu chí đạt (trung bình)',
    measure_median: 'Năm dự kiến đạt chuẩn (xác suất ≥ 0,5)', year: 'Năm', layers: 'Công trình dự kiến',
    road_plan: 'Đường', canal_plan: 'Kênh mương', school_plan: 'Trường học', facility_plan: 'Thiết chế',
    funds_button: 'Nguồn vốn', close: 'Đóng', funds_title: 'Nguồn vốn theo nguồn và năm',
    not_assessed: 'Không đánh giá (thị trấn)', not_within: 'Không đạt trong kỳ', works_by_year: 'Công trình, theo năm trung vị',
    works_later: 'Sau kỳ hoặc khó xảy ra', p_by: 'Xác suất đạt chuẩn đến {year}', met_by: 'Số tiêu chí đạt năm {year}',
    expected_year: 'Năm dự kiến', none: 'không đạt trong kỳ', criteria: 'Tiêu chí theo năm (✓ xác suất đạt ≥ 0,5)',
    criterion: 'Tiêu chí', projects: 'Công trình dự kiến', kind: 'Loại', indicator: 'Chỉ tiêu', cost: 'Kinh phí (tỷ đồng)',
    median_year: 'Năm trung vị', p_curve: 'Xác suất đạt chuẩn theo năm', no_projects: 'Không có công trình.',
    funds_note: 'Trung bình các lần mô phỏng, tỷ đồng mỗi năm, theo nguồn', loading: 'Đang tải…',
    communes_at_standard: 'Số xã đạt chuẩn (kỳ vọng)', of_criteria: 'trên {n} tiêu chí',
    road: 'Đường', canal: 'Kênh', school: 'Trường', facility: 'Thiết chế', new_facility: 'Thiết chế mới',
    src_central: 'Ngân sách trung ương', src_province: 'Ngân sách tỉnh', src_district: 'Ngân sách huyện',
    src_commune: 'Ngân sách xã', src_people: 'Nhân dân đóng góp', src_enterprise: 'Doanh nghiệp', src_credit: 'Tín dụng',
    src_other: 'Khác',
  },
};

// Sequential colours (viridis stops) for probabilities and shares; years use the same ramp.
const RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
// Works by median year: red for soon, pale orange for late, apart from the communes' ramp.
const WORKS_RAMP = ['#99000d', '#e31a1c', '#fc4e2a', '#fd8d3c', '#feb24c'];
const GREY_NA = '#bdbdbd';
const GREY_LATE = '#f0f0f0';
const SOURCE_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

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

function rampStops(min, max) {
  const out = [];
  RAMP.forEach((c, i) => out.push(min + ((max - min) * i) / (RAMP.length - 1), c));
  return out;
}

// Colour of a year of the period on a ramp.
function yearColour(v, year, ramp = RAMP) {
  const n = v.end - v.start;
  return ramp[Math.round(((year - v.start) / Math.max(n, 1)) * (ramp.length - 1))];
}

function yearStops(v, ramp) {
  const stops = [];
  for (let y = v.start; y <= v.end; ++y) stops.push(y, yearColour(v, y, ramp));
  return stops;
}

function fillColour(v) {
  const x = ['to-number', ['feature-state', 'v'], 0];
  let value;
  if (state.measure === 'p') {
    value = ['interpolate', ['linear'], x, ...rampStops(0, 1)];
  } else if (state.measure === 'met') {
    value = ['interpolate', ['linear'], x, ...rampStops(0, v.criteria_count || 20)];
  } else {
    const cases = [];
    for (let yr = v.start; yr <= v.end; ++yr) cases.push(['==', x, yr], yearColour(v, yr));
    value = ['case', ...cases, GREY_LATE];
  }
  return ['case', ['boolean', ['feature-state', 'assessed'], false], value, GREY_NA];
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
    for (const l of ['communes-fill', 'communes-line', 'communes-selected']) if (map.getLayer(l)) map.removeLayer(l);
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
    if (side === 'a') map.fitBounds(map.__bounds, { padding: 20, duration: 0 });
  }
  document.getElementById(`title-${side}`).textContent = scenarioInfo(id).name;
  await showPlans(side);
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
    const colour = ['case', planned, ['step', ['to-number', ['get', 'median_year']], ...yearStops(v, WORKS_RAMP).slice(1)], GREY_LATE];
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
  const v = state.scenarios.get(state.a);
  if (v) document.getElementById('year-label').textContent = String(v.start + state.year);
  legend();
  if (state.selected) renderPanel();
}

function legend() {
  const v = state.scenarios.get(state.a);
  if (!v) return;
  const el = document.getElementById('legend');
  const year = v.start + state.year;
  let html;
  if (state.measure === 'median') {
    html = `<h3>${t('measure_median')}</h3>`;
    for (let y = v.start; y <= v.end; ++y) html += `<div class="row"><span class="sw" style="background:${yearColour(v, y)}"></span>${y}</div>`;
    html += `<div class="row"><span class="sw" style="background:${GREY_LATE}"></span>${t('not_within')}</div>`;
  } else {
    const max = state.measure === 'p' ? 1 : v.criteria_count || 20;
    html = `<h3>${state.measure === 'p' ? t('p_by', { year }) : t('met_by', { year })}</h3>` +
           `<div class="ramp" style="background:linear-gradient(to right,${RAMP.join(',')})"></div>` +
           `<div class="ticks"><span>0</span><span>${fmt(max / 2, state.measure === 'p' ? 1 : 0)}</span><span>${fmt(max, state.measure === 'p' ? 1 : 0)}</span></div>`;
  }
  html += `<div class="row"><span class="sw" style="background:${GREY_NA}"></span>${t('not_assessed')}</div>`;
  if (state.layers.size) {
    html += `<h3 style="margin-top:6px">${t('works_by_year')}</h3>`;
    for (let y = v.start; y <= v.end; ++y) html += `<div class="row"><span class="line" style="border-color:${yearColour(v, y, WORKS_RAMP)}"></span>${y}</div>`;
    html += `<div class="row"><span class="line" style="border-color:${GREY_LATE}"></span>${t('works_later')}</div>`;
  }
  el.innerHTML = html;
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
  const sides = state.compare && state.b ? ['a', 'b'] : ['a'];
  const details = await Promise.all(sides.map((s) => communeDetail(state[s], code)));
  if (code !== state.selected) return;
  const d = details[0];
  const yi = state.year;
  const year = d.years[Math.min(yi, d.years.length - 1)];
  const set = state.index.criteria_sets[scenarioInfo(state.a).criteria];
  const n = set ? set.criteria.length : d.criteria.length;
  let html = `<h2 data-testid="panel-title">${esc(d.name)} <small>(${esc(d.code)})</small></h2>`;
  html += '<table><tr><th class="name"></th>' + sides.map((s) => `<th>${esc(scenarioInfo(state[s]).name)}</th>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('p_by', { year })}</td>` +
          details.map((x, i) => `<td class="num" data-testid="panel-p-${sides[i]}">${fmt(x.p[yi], 3)}</td>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('met_by', { year })} (${t('of_criteria', { n })})</td>` +
          details.map((x) => `<td class="num">${fmt(x.met_mean[yi], 1)} [${x.met_p5[yi]}–${x.met_p95[yi]}]</td>`).join('') + '</tr>';
  html += `<tr><td class="name">${t('expected_year')}</td>` +
          details.map((x) => `<td>${x.median_year === null ? t('none') : x.median_year}</td>`).join('') + '</tr></table>';
  html += `<h3>${t('p_curve')}</h3>` + curveSvg(details.map((x, i) => ({ p: x.p, colour: i ? '#d95f02' : '#1b9e77', dash: i > 0, label: scenarioInfo(state[sides[i]]).name })), d.years);
  html += `<h3>${t('criteria')} — ${esc(scenarioInfo(state.a).name)}</h3><table data-testid="criteria-table"><tr><th>#</th><th class="name">${t('criterion')}</th>` +
          d.years.map((y) => `<th>${y}</th>`).join('') + '</tr>';
  for (const c of d.criteria) {
    html += `<tr class="criterion-row"><td>${esc(c.id)}</td><td class="name">${esc(state.lang === 'vi' ? c.vi : c.en)}</td>`;
    for (const p of c.p) {
      const cls = p === null ? '' : p >= 0.5 ? 'met' : p > 0.05 ? 'maybe' : 'not';
      html += `<td class="${cls}" title="P = ${fmt(p, 3)}">${p === null ? '–' : p >= 0.5 ? '✓' : '✗'}</td>`;
    }
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
    const f = map.queryRenderedFeatures(e.point, { layers: ['communes-fill'] })[0];
    const assessed = f && map.getFeatureState({ source: 'communes', id: f.properties.code }).assessed;
    select(assessed ? f.properties.code : null);
  });
}

async function main() {
  status(t('loading'));
  state.index = await fetchJson('api/index.json');
  const ids = state.index.scenarios.map((s) => s.id);
  state.a = ids[0];
  state.b = ids[1] || ids[0];
  fillScenarioSelect(document.getElementById('scenario-a'), state.a);
  fillScenarioSelect(document.getElementById('scenario-b'), state.b);
  const v = await values(state.a);
  const slider = document.getElementById('year');
  slider.max = String(v.end - v.start);
  state.year = Math.min(2, v.end - v.start);  // two years in: something to see on opening
  slider.value = String(state.year);
  const defaults = (await area(state.a)).features.length <= 500;
  for (const box of document.querySelectorAll('#layers input')) {
    box.checked = defaults && box.dataset.layer === 'road_plan';
    if (box.checked) state.layers.add(box.dataset.layer);
  }
  timing('index and first values fetched');
  state.maps.a = await makeMap('map-a');
  timing('map a ready');
  hover(state.maps.a);
  await showScenario('a');

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
