// Browser test of the viewer's Roadmap layer (issue 15): `ntmsim plan` on Can Lộc's district plan
// and a short simulation of the same area are served together; Debian's chromium, headless, driven
// by playwright-core, turns the roadmap on. The expected numbers come from roadmap.csv, read here
// with a CSV parser of its own, never from the server: the works drawn for a year, the money by
// source and year in a commune's panel. Then the roadmap folder is served alone, and a folder
// with half a roadmap is refused with a message naming the missing file.
//
// usage: node roadmap_test.cjs NTMSIM SOURCE_DIR WORK_DIR
// Leaves WORK_DIR/roadmap.png and WORK_DIR/roadmap-only.png (screenshots) and WORK_DIR/serve*.log.
'use strict';
const assert = require('node:assert/strict');
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { args, csv, serve, stop, killServers, launch, open } = require('./support.cjs');

const cli = args('roadmap_test.cjs');
const { ntmsim, source, work } = cli;

function step(name) { console.log(`- ${name}`); }

const idle = (page) => page.evaluate(() => new Promise((r) => {
  const m = window.ntmViewer.maps.a;
  m.once('idle', r);
  m.triggerRepaint();
}));

// The roadmap's works drawn on map a, one per work (a line cut by tiles comes back in pieces).
const drawn = (page) => page.evaluate(() => {
  const map = window.ntmViewer.maps.a;
  const layers = ['roadmap-lines', 'roadmap-canals', 'roadmap-points'].filter((l) => map.getLayer(l));
  const seen = new Map();
  for (const f of map.queryRenderedFeatures({ layers })) {
    const p = f.properties;
    seen.set(`${p.commune_code}/${p.layer}/${p.src_fid}`, Number(p.year));
  }
  return [...seen.values()];
});

async function main() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const out = path.join(work, 'out');
  const area = path.join(source, 'datasets/canloc');
  step('simulating Can Lộc (baseline, 20 draws) for the commune outlines');
  execFileSync(ntmsim, ['simulate', area, path.join(source, 'scenarios/canloc/baseline.yaml'), '--draws', '20', '-o', out],
               { stdio: ['ignore', 'ignore', 'inherit'] });
  step('planning the district plan (--time-limit 10)');
  const plandir = path.join(out, 'plan');
  execFileSync(ntmsim, ['plan', area, path.join(source, 'scenarios/canloc/district-plan.yaml'), '-o', plandir, '--time-limit', '10'],
               { stdio: ['ignore', 'ignore', 'inherit'] });

  const rows = csv(path.join(plandir, 'roadmap.csv'));
  assert.ok(rows.length > 0, 'roadmap.csv has no rows');
  const placed = new Map();  // commune/layer/fid → year: the works that have a place on the map
  for (const r of rows) if (r.layer && r.fid !== '') placed.set(`${r.commune_code}/${r.layer}/${r.fid}`, Number(r.year));
  const years = [...new Set(rows.map((r) => Number(r.year)))].sort();
  const perYear = (y) => [...placed.values()].filter((v) => v === y).length;
  const upTo = (y) => [...placed.values()].filter((v) => v <= y).length;
  // The year to look at: the one with the most works on the map, and not the last when possible
  // (so that later works must be hidden).
  const busiest = (ys) => ys.filter((y) => perYear(y) > 0).sort((a, b) => perYear(b) - perYear(a) || a - b)[0];
  const year = busiest(years.slice(0, -1)) || busiest(years);
  assert.ok(year, 'no work of roadmap.csv has a place on the map');
  step(`roadmap.csv: ${rows.length} payments, ${placed.size} works on the map; ${year}: ${perYear(year)} works, ${upTo(year)} up to it`);

  step('a folder with half a roadmap is refused, naming what is missing');
  const half = path.join(work, 'half');
  fs.mkdirSync(half);
  fs.copyFileSync(path.join(plandir, 'roadmap.csv'), path.join(half, 'roadmap.csv'));
  const refused = spawnSync(ntmsim, ['serve', half, '--port', '0', '--viewer', path.join(source, 'viewer/dist')], { encoding: 'utf8', timeout: 30000 });
  assert.equal(refused.status, 1, `serve on half a roadmap: exit ${refused.status}, ${refused.stderr}`);
  assert.match(refused.stderr, /roadmap\.csv but no works\.gpkg/);

  const browser = await launch(source);
  try {
    step('serving the results and the roadmap together');
    const both = await serve(cli, out, 'serve.log');
    const index = await (await fetch(both.url + 'api/index.json')).json();
    assert.deepEqual(index.scenarios.map((s) => s.id), ['baseline']);
    assert.equal(index.roadmaps.length, 1);
    const info = index.roadmaps[0];
    assert.equal(info.id, 'plan');
    assert.equal(info.area, 'baseline', 'the roadmap is not tied to the simulation of its area');
    const csvTotal = rows.reduce((a, r) => a + Number(r.cost_bn), 0);
    assert.ok(Math.abs(info.total_bn - csvTotal) < 1e-3, `index total ${info.total_bn}, roadmap.csv ${csvTotal}`);
    assert.equal(typeof info.all_met, 'boolean', 'the targets were not read from roadmap.xlsx');
    const start = index.scenarios[0].start;

    const page = await open(browser, both.url);
    await idle(page);
    step('the Roadmap layer is offered and turned on');
    assert.equal(await page.isVisible('[data-testid=roadmap]'), true);
    await page.check('[data-testid=roadmap]');
    await page.waitForFunction(() => window.ntmViewer.maps.a.getLayer('roadmap-points') && window.ntmViewer.maps.a.getLayer('roadmap-targets'));
    const setYear = async (y) => {
      await page.evaluate((v) => { const s = document.getElementById('year'); s.value = String(v); s.dispatchEvent(new Event('input')); }, y - start);
      await idle(page);
    };
    await setYear(year);
    step(`the works drawn up to ${year} are roadmap.csv's`);
    const shown = await drawn(page);
    assert.equal(shown.filter((y) => y === year).length, perYear(year), `works drawn for ${year}`);
    assert.equal(shown.length, upTo(year), `works drawn up to ${year}`);
    assert.match(await page.textContent(`[data-testid=legend-roadmap-${year}]`), new RegExp(`\\(${perYear(year)} works\\)`));
    await setYear(years[years.length - 1]);
    assert.equal((await drawn(page)).length, placed.size, 'works drawn up to the last year');
    await setYear(year);

    step('a click on a work opens its popup and its commune\'s roadmap');
    const spot = await page.evaluate(() => {
      const map = window.ntmViewer.maps.a;
      const canvas = map.getCanvas().getBoundingClientRect();
      const legend = document.getElementById('legend').getBoundingClientRect();
      const inside = (r, x, y) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
      for (const f of map.queryRenderedFeatures({ layers: ['roadmap-points', 'roadmap-lines', 'roadmap-canals'] })) {
        const g = f.geometry;
        const c = g.type === 'Point' ? g.coordinates : g.type === 'LineString' ? g.coordinates[Math.floor(g.coordinates.length / 2)] : null;
        if (!c) continue;
        const p = map.project(c);
        const x = canvas.left + p.x, y = canvas.top + p.y;
        if (x > canvas.left + 20 && x < canvas.right - 60 && y > canvas.top + 20 && y < canvas.bottom - 20 && !inside(legend, x, y)) {
          return { x, y, code: f.properties.commune_code };
        }
      }
      return null;
    });
    assert.ok(spot, 'no work to click on the map');
    await page.mouse.click(spot.x, spot.y);
    await page.waitForSelector('[data-testid=work-popup]');
    await page.waitForSelector('#panel:not([hidden]) [data-testid=roadmap-table]');
    const code = /\((\d+)\)/.exec(await page.textContent('[data-testid=panel-title]'))[1];
    assert.match(await page.textContent('[data-testid=work-popup]'), new RegExp(`\\(${code}\\)`));
    step(`commune ${code}: money by source and year as in roadmap.csv`);
    const mine = rows.filter((r) => r.commune_code === code);
    const sources = [...new Set(mine.map((r) => r.source))];
    for (const s of sources) {
      const want = mine.filter((r) => r.source === s).reduce((a, r) => a + Number(r.cost_bn), 0);
      assert.equal(await page.textContent(`[data-testid=rm-money-${s}]`), want.toFixed(3), `total from ${s}`);
      for (const y of years) {
        const inYear = mine.filter((r) => r.source === s && Number(r.year) === y).reduce((a, r) => a + Number(r.cost_bn), 0);
        if (inYear) assert.equal(await page.textContent(`[data-testid=rm-money-${s}-${y}]`), inYear.toFixed(3), `${s} in ${y}`);
      }
    }
    for (const y of years) {
      const n = new Set(mine.filter((r) => Number(r.year) === y).map((r) => `${r.layer}/${r.fid}/${r.work}`)).size;
      assert.equal(Number(await page.textContent(`[data-testid=rm-works-${y}]`)), n, `works of ${code} in ${y}`);
    }

    step('VI / EN switches the roadmap\'s labels');
    await page.click('[data-testid=lang-vi]');
    assert.equal(await page.textContent('[data-i18n=roadmap]'), 'Lộ trình');
    await page.waitForFunction(() => document.querySelector('[data-testid=roadmap-table] th').textContent === 'Năm');
    assert.match(await page.textContent('[data-testid=legend-roadmap]'), /Lộ trình: công trình chi đến năm/);
    await page.click('[data-testid=lang-en]');
    assert.equal(await page.textContent('[data-i18n=roadmap]'), 'Roadmap');
    await page.waitForFunction(() => document.querySelector('[data-testid=roadmap-table] th').textContent === 'Year');

    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(work, 'roadmap.png') });
    assert.deepEqual(page.errors, [], 'console errors');
    assert.deepEqual(page.outside, [], 'requests outside the server');
    await page.close();
    await stop(both.server);

    step('the roadmap folder alone is served too');
    const alone = await serve(cli, plandir, 'serve-roadmap.log');
    const page2 = await open(browser, alone.url);
    await page2.waitForFunction(() => window.ntmViewer.maps.a.getLayer('roadmap-points'));
    await idle(page2);
    assert.equal(await page2.evaluate(() => document.body.classList.contains('roadmap-only')), true);
    assert.equal((await drawn(page2)).length, placed.size, 'works drawn with the roadmap alone');
    await page2.screenshot({ path: path.join(work, 'roadmap-only.png') });
    assert.deepEqual(page2.errors, [], 'console errors (roadmap alone)');
    assert.deepEqual(page2.outside, [], 'requests outside the server (roadmap alone)');
    await page2.close();
    step('Ctrl-C stops the server cleanly');
    await stop(alone.server);
  } finally {
    await browser.close();
  }
  console.log(`roadmap test passed; screenshots: ${path.join(work, 'roadmap.png')}, ${path.join(work, 'roadmap-only.png')}`);
}

main().catch((e) => {
  console.error(e);
  killServers();
  process.exit(1);
});
