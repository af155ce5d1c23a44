// Browser test of the viewer: Debian's chromium, headless, driven by playwright-core, against
// `ntmsim serve` on a free loopback port, on two Can Lộc scenarios simulated here. The expected
// numbers come from the results' CSV tables and ogrinfo, not from the server.
//
// usage: node viewer_test.cjs NTMSIM SOURCE_DIR WORK_DIR
// Leaves WORK_DIR/viewer.png (the screenshot artefact) and WORK_DIR/serve.log.
'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { args, csv, serve, stop, killServers, launch, open } = require('./support.cjs');

const cli = args('viewer_test.cjs');
const { ntmsim, source, work } = cli;

function step(name) { console.log(`- ${name}`); }

async function main() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const out = path.join(work, 'out');
  step('simulating two Can Lộc scenarios (200 draws)');
  execFileSync(ntmsim, ['simulate', path.join(source, 'datasets/canloc'), path.join(source, 'scenarios/canloc/baseline.yaml'),
                        path.join(source, 'scenarios/canloc/targets-first.yaml'), '--draws', '200', '-o', out],
               { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = csv(path.join(out, 'baseline/communes.csv'));
  const other = csv(path.join(out, 'targets-first/communes.csv'));
  const years = [...new Set(base.map((r) => Number(r.year)))].sort();
  const first = years[0], last = years[years.length - 1];
  const p = (rows, code, year) => Number(rows.find((r) => r.code === code && Number(r.year) === year).p_standard_by_year);
  const criteria = [...new Set(csv(path.join(out, 'baseline/criteria.csv')).map((r) => r.criterion))];
  const featureCount = Number(/Feature Count: (\d+)/.exec(execFileSync('ogrinfo', ['-ro', '-so', path.join(out, 'baseline/results.gpkg'), 'communes'], { encoding: 'utf8' }))[1]);

  // A commune whose P(standard) climbs over the period and differs between the two scenarios at
  // the end: its colour must change with the year, its numbers with the scenario.
  const codes = [...new Set(base.map((r) => r.code))];
  const scored = codes.map((c) => ({ c, rise: p(base, c, last) - p(base, c, first), diff: Math.abs(p(base, c, last) - p(other, c, last)) }))
    .sort((a, b) => (b.rise + b.diff) - (a.rise + a.diff));
  const target = scored[0];
  assert.ok(target.rise >= 0.3, `no commune climbs enough to test the slider: ${JSON.stringify(scored[0])}`);
  assert.ok(target.diff >= 0.01, `scenarios too alike at ${last}: ${JSON.stringify(target)}`);
  const code = target.c;
  const name = base.find((r) => r.code === code).name;
  step(`commune ${code} ${name}: P ${first} ${p(base, code, first)}, ${last} ${p(base, code, last)} / other ${p(other, code, last)}`);

  step('starting ntmsim serve on a free loopback port');
  const { server, url } = await serve(cli, out, 'serve.log');
  step(`serving at ${url}`);

  const browser = await launch(source);
  try {
    const page = await open(browser, url);
    const idle = () => page.evaluate(() => new Promise((r) => { const m = window.ntmViewer.maps.a; if (m.loaded() && !m.isMoving()) { m.once('idle', r); m.triggerRepaint(); } else m.once('idle', r); }));
    await idle();

    step('the map holds one feature per commune');
    const served = await page.evaluate(() => new Set(window.ntmViewer.maps.a.querySourceFeatures('communes').map((f) => f.properties.code)).size);
    assert.equal(served, featureCount);

    step('every commune is labelled with its name');
    assert.equal(await page.locator('[data-testid=commune-label]').count(), featureCount);
    const labels = await page.locator('[data-testid=commune-label]').allTextContents();
    assert.ok(labels.includes(name), `no label '${name}' among ${labels}`);

    step('the works are off on opening');
    assert.equal(await page.locator('#layers input:checked').count(), 0);
    assert.equal(await page.evaluate(() => ['road_plan', 'canal_plan', 'school_plan', 'facility_plan'].filter((l) => window.ntmViewer.maps.a.getLayer(l)).length), 0);

    step('the legend has the QGIS style\'s classes and colours, and folds away');
    const qml = execFileSync('ogrinfo', ['-ro', '-q', path.join(out, 'baseline/results.gpkg'), '-sql',
                                         "SELECT styleQML FROM layer_styles WHERE f_table_name = 'communes' AND useAsDefault = 1"], { encoding: 'utf8' });
    const qgisColours = [...qml.matchAll(/k="color" v="(\d+),(\d+),(\d+),255"/g)].map((m) => `rgb(${m[1]}, ${m[2]}, ${m[3]})`);
    const qgisLabels = [...qml.matchAll(/<rule [^>]*label="([^"]*)"/g)].map((m) => m[1]);
    const legendColours = await page.$$eval('[data-testid=legend-class] .sw', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const legendLabels = await page.$$eval('[data-testid=legend-class]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(legendColours, qgisColours.slice(0, legendColours.length));
    assert.deepEqual(legendLabels, qgisLabels.slice(0, legendLabels.length));
    assert.equal(legendColours.length, 5);
    const opened = await page.locator('#legend').boundingBox();
    await page.click('[data-testid=legend-toggle]');
    assert.equal(await page.locator('[data-testid=legend-body]').isVisible(), false);
    const folded = await page.locator('#legend').boundingBox();
    assert.ok(folded.height < opened.height / 3, `folded legend ${folded.height} px high, open ${opened.height}`);
    await page.click('[data-testid=legend-toggle]');
    assert.equal(await page.locator('[data-testid=legend-body]').isVisible(), true);

    step('moving the year slider changes the commune\'s colour');
    const spot = await page.evaluate((c) => {
      const map = window.ntmViewer.maps.a;
      const canvas = map.getCanvas();
      const w = canvas.clientWidth, h = canvas.clientHeight;
      for (let y = 10; y < h; y += 6) for (let x = 10; x < w; x += 6) {
        const hits = map.queryRenderedFeatures([x, y]);
        // Only the commune's fill there: no outline, works or other commune near.
        const near = map.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]]);
        if (hits.length === 1 && hits[0].layer.id === 'communes-fill' && hits[0].properties.code === c &&
            near.every((f) => f.layer.id === 'communes-fill' && f.properties.code === c)) return { x, y };
      }
      return null;
    }, code);
    assert.ok(spot, `no clear pixel of commune ${code} on the map`);
    const pixel = () => page.evaluate(({ x, y }) => {
      const src = window.ntmViewer.maps.a.getCanvas();
      const ratio = src.width / src.clientWidth;
      const c = document.createElement('canvas');
      c.width = src.width; c.height = src.height;
      const g = c.getContext('2d');
      g.drawImage(src, 0, 0);
      return Array.from(g.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data);
    }, spot);
    const setYear = async (i) => {
      await page.evaluate((v) => { const s = document.getElementById('year'); s.value = String(v); s.dispatchEvent(new Event('input')); }, i);
      await idle();
    };
    await setYear(0);
    const early = await pixel();
    await setYear(years.length - 1);
    const late = await pixel();
    assert.notDeepEqual(early, late, 'the commune kept its colour from the first to the last year');
    // YlGnBu runs from pale yellow (P = 0) to dark blue (P = 1): a likelier commune is darker.
    assert.ok(late[0] + late[1] + late[2] < early[0] + early[1] + early[2], `colour did not move up the ramp: ${early} → ${late}`);
    assert.equal(await page.textContent('#year-label'), String(last));

    step('clicking the commune opens its panel with every criterion of the set');
    await page.mouse.click(spot.x + (await page.evaluate(() => window.ntmViewer.maps.a.getCanvas().getBoundingClientRect().left)),
                           spot.y + (await page.evaluate(() => window.ntmViewer.maps.a.getCanvas().getBoundingClientRect().top)));
    await page.waitForSelector('#panel:not([hidden]) .criterion-row');
    assert.equal(await page.locator('.criterion-row').count(), criteria.length);
    assert.match(await page.textContent('[data-testid=panel-title]'), new RegExp(name));
    const shownP = Number(await page.textContent('[data-testid=panel-p-a]'));
    assert.ok(Math.abs(shownP - p(base, code, last)) <= 0.0005, `panel shows ${shownP}, communes.csv ${p(base, code, last)}`);
    const englishName = await page.textContent('.criterion-row td.name');

    step('the checklist shows each criterion at the start and at the end of the chosen year');
    const startRows = csv(path.join(out, 'baseline/criteria_start.csv')).filter((r) => r.code === code);
    const critRows = csv(path.join(out, 'baseline/criteria.csv')).filter((r) => r.code === code);
    const sign = (met) => (met ? '✓' : '✗');
    const endOf = (crit, year) => Number(critRows.find((r) => r.criterion === crit && Number(r.year) === year).p_met) >= 0.5;
    const checklist = async () => page.$$eval('.criterion-row', (rows) => rows.map((r) => [
      r.querySelector('td').textContent, r.querySelector('[data-testid=criterion-start]').textContent,
      r.querySelector('[data-testid=criterion-end]').textContent]));
    await setYear(0);
    await page.waitForFunction((y) => document.querySelector('#panel-body').textContent.includes(y), `Start of ${first}`);
    const atFirst = await checklist();
    assert.equal(atFirst.length, criteria.length);
    for (const [crit, start, end] of atFirst) {
      assert.equal(start, sign(startRows.find((r) => r.criterion === crit).met === '1'), `criterion ${crit} at the start of ${first}`);
      assert.equal(end, sign(endOf(crit, first)), `criterion ${crit} at the end of ${first}`);
    }
    await setYear(1);
    await page.waitForFunction((y) => document.querySelector('#panel-body').textContent.includes(y), `Start of ${first + 1}`);
    for (const [crit, start] of await checklist()) assert.equal(start, sign(endOf(crit, first)), `criterion ${crit} at the start of ${first + 1}`);
    await setYear(years.length - 1);

    step('the language switch changes the labels');
    await page.click('[data-testid=lang-vi]');
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.textContent('[data-i18n=year]'), 'Năm');
    await page.waitForFunction((en) => document.querySelector('.criterion-row td.name').textContent !== en, englishName);
    const vietnameseName = await page.textContent('.criterion-row td.name');
    assert.notEqual(vietnameseName, englishName);
    await page.click('[data-testid=lang-en]');
    assert.equal(await page.textContent('[data-i18n=year]'), 'Year');
    await page.waitForFunction((en) => document.querySelector('.criterion-row td.name').textContent === en, englishName);

    step('switching scenario changes the numbers');
    await page.selectOption('[data-testid=scenario-a]', 'targets-first');
    const want = p(other, code, last).toFixed(3);
    await page.waitForFunction((w) => document.querySelector('[data-testid=panel-p-a]').textContent === w, want);
    assert.notEqual(want, p(base, code, last).toFixed(3));

    step('two scenarios side by side');
    await page.selectOption('[data-testid=scenario-a]', 'baseline');
    await page.check('[data-testid=compare]');
    await page.selectOption('[data-testid=scenario-b]', 'targets-first');
    await page.waitForFunction((w) => { const e = document.querySelector('[data-testid=panel-p-b]'); return e && e.textContent === w; }, want);
    const inB = await page.evaluate(() => new Set(window.ntmViewer.maps.b.querySourceFeatures('communes').map((f) => f.properties.code)).size);
    assert.equal(inB, featureCount);

    step('the funds chart has one bar segment per source and year');
    await page.click('[data-testid=funds-button]');
    const funding = csv(path.join(out, 'baseline/funding.csv'));
    const sources = new Set(funding.filter((r) => r.item.startsWith('realised_')).map((r) => r.item));
    assert.equal(await page.locator('[data-testid=funds-chart] rect').count(), sources.size * years.length);
    await page.click('#funds-close');

    await setYear(2);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(work, 'viewer.png') });
    assert.deepEqual(page.errors, [], 'console errors');
    assert.deepEqual(page.outside, [], 'requests outside the server');
  } finally {
    await browser.close();
  }

  step('Ctrl-C stops the server cleanly');
  await stop(server);
  console.log(`viewer test passed; screenshot: ${path.join(work, 'viewer.png')}`);
}

main().catch((e) => {
  console.error(e);
  killServers();
  process.exit(1);
});
