// What the browser tests share: their command line, a CSV reader of their own (the expected
// numbers never come from the server), `ntmsim serve` on a free loopback port, and Debian's
// chromium, headless, through playwright-core, with a page that records console errors and any
// request outside the server.
'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// NTMSIM SOURCE_DIR WORK_DIR, or the usage and exit code 2.
function args(script) {
  const [ntmsim, source, work] = process.argv.slice(2);
  if (!ntmsim || !source || !work) {
    console.error(`usage: node ${script} NTMSIM SOURCE_DIR WORK_DIR`);
    process.exit(2);
  }
  return { ntmsim, source, work };
}

// An RFC 4180 CSV file (quoted cells may hold commas, quotes and line ends) as objects keyed by
// the header.
function csv(file) {
  const text = fs.readFileSync(file, 'utf8');
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  const head = rows[0];
  return rows.slice(1).filter((r) => r.length === head.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

const servers = [];  // every ntmsim serve started here, killed by killServers() after a failure

// `ntmsim serve DIR` on a free loopback port, its output in WORK/LOG; resolves to {server, url}.
async function serve({ ntmsim, source, work }, dir, logName) {
  const server = spawn(ntmsim, ['serve', dir, '--port', '0', '--viewer', path.join(source, 'viewer/dist')], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(server);
  const log = fs.createWriteStream(path.join(work, logName));
  server.stderr.pipe(log);
  const url = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      log.write(d);
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) resolve(m[1]);
    });
    server.on('exit', (c) => reject(new Error(`ntmsim serve exited with ${c}; see ${work}/${logName}`)));
    setTimeout(() => reject(new Error('ntmsim serve printed no address in 30 s')), 30000);
  });
  return { server, url };
}

// Ctrl-C, and the server must end with exit code 0.
async function stop(server) {
  const code = await new Promise((resolve) => { server.on('exit', (c, s) => resolve(c === null ? s : c)); server.kill('SIGINT'); });
  assert.equal(code, 0);
}

function killServers() {
  for (const s of servers) if (s.exitCode === null) s.kill('SIGTERM');
}

function launch(source) {
  const { chromium } = require(path.join(source, 'viewer/node_modules/playwright-core'));
  return chromium.launch({
    executablePath: process.env.NTM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

// A page on the viewer at `url` once it is ready; page.errors holds the console errors and
// page.outside the requests for anything not on the server (refused: the page must work offline).
async function open(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.errors = [];
  page.outside = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (!u.startsWith(url) && !u.startsWith('data:') && !u.startsWith('blob:')) {
      page.outside.push(u);
      return route.abort();
    }
    return route.continue();
  });
  await page.goto(url);
  await page.waitForFunction(() => window.ntmViewer && window.ntmViewer.ready, null, { timeout: 60000 });
  return page;
}

module.exports = { args, csv, serve, stop, killServers, launch, open };
