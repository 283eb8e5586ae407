// What leaders and units see, in a real headless Chromium at desktop and phone sizes: the
// dashboard with its county map, a county page (by clicking the map), a target's chart, the
// unit workbench. Charts and the map must draw on their canvas; the language switch works on
// each page. Data is entered first through the API as the office and county reporters would.
// Screenshots go to target/screenshots/ (docs/screenshots/ holds the ones the README shows).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const bin = process.env.DUBAN_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'duban');
const shots = join(root, 'target', 'screenshots');
let server, base, browser, dataDir;
const tokens = {};
const passwords = {};

const duban = (...args) => execFileSync(bin, [...args, '--data-dir', join(dataDir, 'data')], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh' } }).toString().trim();

async function api(token, method, path, body) {
  const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-see-'));
  mkdirSync(shots, { recursive: true });
  server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--reminder-interval', '0', '--data-dir', join(dataDir, 'data')], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh', DUBAN_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((ok, fail) => {
    server.on('error', fail);
    server.on('exit', (code) => fail(new Error(`duban serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const url = line.match(/http:\/\/[^/ ]+/);
      if (url) ok(url[0].replace('127.0.0.1', 'localhost'));
    });
  });
  // Accounts: the office, a leader, and reporters of four counties.
  duban('user', 'add', 'office', '--role', 'reviewer');
  tokens.office = duban('token', 'office');
  passwords.leader = duban('user', 'add', 'leader', '--role', 'leader').split('：').pop();
  for (const [name, unit] of [['ld', '乐都区政府'], ['pa', '平安区政府'], ['mh', '民和县政府'], ['hl', '化隆县政府']]) {
    const out = duban('user', 'add', name, '--role', 'reporter', '--unit', unit);
    passwords[name] = out.split('：').pop();
    tokens[name] = duban('token', name);
  }
  // Targets: baselines and values that put them on track, at risk, behind or achieved.
  const targets = (await api(tokens.office, 'GET', '/api/v1/plans/1/targets?per_page=500')).items
    .filter((t) => t.comparator === '>=' && t.year && t.value > 0).slice(0, 12);
  const today = new Date();
  const start = Date.UTC(2024, 11, 31);
  for (const [i, t] of targets.entries()) {
    const b = t.value * 0.5;
    await api(tokens.office, 'PUT', `/api/v1/plans/1/targets/${t.id}/milestones`, { row_version: 0, baseline: { value: b, year: 2024 } });
    const share = (today - start) / (Date.UTC(t.year, 11, 31) - start);
    const pace = [1.0, 0.9, 0.3, 2.0][i % 4];
    const value = Math.min(t.value, b + (t.value - b) * share * pace);
    await api(tokens.office, 'POST', `/api/v1/plans/1/targets/${t.id}/observations`, { observed_on: today.toISOString().slice(0, 10), value: Math.round(value * 100) / 100, source: '市统计局' });
  }
  // A round over every task: counties report different progress; the office approves.
  const round = (await api(tokens.office, 'POST', '/api/v1/rounds', { plan_id: 1, title: '2026年第四季度调度', cadence: 'quarterly', period_start: '2026-10-01', period_end: '2026-12-31', due_on: '2099-12-31', scope: { kind: 'all' } })).round;
  for (const [name, percent] of [['ld', 70], ['pa', 45], ['mh', 5]]) {
    const reports = (await api(tokens[name], 'GET', `/api/v1/reports?round=${round.id}&per_page=500`)).items;
    for (const r of reports) {
      const done = await api(tokens[name], 'POST', `/api/v1/reports/${r.id}/submit`, { row_version: r.row_version, submission_key: `see-${r.id}`, body: { progress: '按计划推进', percent_complete: percent, problems: '', next_steps: '', coordination: '' } });
      await api(tokens.office, 'POST', `/api/v1/reports/${r.id}/review`, { row_version: done.submitted.row_version, decision: 'approve' });
    }
  }
  // An earlier special round for 化隆县 that it let pass: overdue.
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await api(tokens.office, 'POST', '/api/v1/rounds', { plan_id: 1, title: '专项督办', cadence: 'ad_hoc', period_start: '2026-09-01', period_end: yesterday, due_on: yesterday, scope: { kind: 'unit', value: '化隆县政府' } });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

const changed = new Set();
async function signIn(context, username, password, next) {
  const page = await context.newPage();
  await page.goto(base + '/login?next=' + encodeURIComponent(next));
  await page.fill('#username', username);
  await page.fill('#password', changed.has(username) ? 'Haidong-Metro-2030' : password);
  await page.click('form.form button[type=submit]');
  if (!changed.has(username)) {
    await page.waitForURL(/\/account\?first=1/);
    await page.fill('#pw-current', password);
    await page.fill('#pw-new', 'Haidong-Metro-2030');
    await page.fill('#pw-confirm', 'Haidong-Metro-2030');
    await page.click('form[action="/account/password"] button');
    await page.waitForURL(/changed=1/);
    changed.add(username);
  }
  await page.goto(base + next);
  return page;
}

/** Non-blank pixels drawn on the canvas inside `selector`. */
async function drawn(page, selector) {
  await page.waitForSelector(`${selector} canvas`);
  await page.waitForTimeout(300);
  return page.evaluate((sel) => {
    const c = document.querySelector(`${sel} canvas`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  }, selector);
}

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`dashboard, map, county, chart and workbench on a ${label} screen`, async () => {
    const context = await browser.newContext({ viewport });
    const leader = await signIn(context, 'leader', passwords.leader, '/plans/1/dashboard');
    // Status tiles, the map drawn, the table beside it.
    assert.match(await leader.textContent('#tile-targets'), /\d/);
    assert.ok(await drawn(leader, '#county-map') > 5000, 'the county map is drawn');
    assert.equal(await leader.locator('#by-county tbody tr').count(), 6);
    assert.ok((await leader.locator('#at-risk tbody tr').count()) >= 1);
    assert.match(await leader.textContent('#lagging'), /化隆县政府/);
    assert.ok((await leader.locator('#changes li').count()) >= 1);
    const horizontal = await leader.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    assert.ok(horizontal, 'no sideways scrolling');
    await leader.screenshot({ path: join(shots, `dashboard-${label}.png`), fullPage: true });
    await leader.screenshot({ path: join(shots, `dashboard-${label}-top.png`) });
    await leader.locator('#county-map').screenshot({ path: join(shots, `map-${label}.png`) });

    const target = await leader.locator('#at-risk tbody tr a').first().getAttribute('href');
    // Clicking 乐都区 on the map opens its page.
    const point = await leader.evaluate(() => {
      const el = document.querySelector('#county-map');
      const chart = echarts.getInstanceByDom(el);
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [102.4017, 36.4821]);
      const box = el.getBoundingClientRect();
      return { x: box.left + x, y: box.top + y };
    });
    await leader.mouse.click(point.x, point.y);
    await leader.waitForURL(/\/counties\/630202$/);
    assert.match(await leader.textContent('#county-name'), /乐都区/);
    assert.ok((await leader.locator('#county-tasks tbody tr').count()) > 3);

    // A target's chart, its table and CSV; then English.
    await leader.goto(base + target);
    assert.ok(await drawn(leader, '#target-chart') > 3000, 'the target chart is drawn');
    assert.ok((await leader.locator('#milestones tbody tr').count()) >= 2);
    // The leader's own download (values are not public before the office publishes a round).
    const csv = await (await leader.request.get(base + (await leader.getAttribute('#chart-csv', 'href')))).text();
    assert.match(csv, /planned,\d{4}-12-31/);
    assert.match(csv, /observed,/);
    const anonymous = await (await fetch(base + (await leader.getAttribute('#chart-csv', 'href')))).text();
    assert.match(anonymous, /planned,\d{4}-12-31/);
    assert.doesNotMatch(anonymous, /observed,/, 'the public sees no value before a round is published');
    await leader.screenshot({ path: join(shots, `target-chart-${label}.png`), fullPage: true });
    await leader.click('#lang-switch');
    assert.equal(await leader.getAttribute('html', 'lang'), 'en');
    assert.match(await leader.textContent('main'), /Progress and status/);
    await leader.goto(base + '/plans/1/dashboard');
    assert.match(await leader.textContent('main'), /Targets most at risk/);
    await leader.click('#lang-switch');
    await context.close();

    // A county reporter's workbench.
    const unitContext = await browser.newContext({ viewport });
    const hl = await signIn(unitContext, 'hl', passwords.hl, '/workbench');
    assert.match(await hl.textContent('#workbench-unit'), /化隆县政府/);
    assert.ok(Number(await hl.textContent('#count-overdue')) >= 1, 'the special round is overdue');
    assert.ok((await hl.locator('#wb-targets tbody tr').count()) >= 1);
    await hl.screenshot({ path: join(shots, `workbench-${label}.png`), fullPage: true });
    await hl.screenshot({ path: join(shots, `workbench-${label}-top.png`) });
    // A reporter has no dashboard.
    const refused = await hl.goto(base + '/plans/1/dashboard');
    assert.equal(refused.status(), 403);
    await unitContext.close();
  });
}

test('pages stay light: a chart page with its scripts under 300 KB compressed', async () => {
  const sizes = [];
  for (const path of ['/plans/1/targets/t18', '/static/style.css', '/static/duban.js', '/static/vendor/echarts.min.js']) {
    const size = Number(execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download}', '-H', 'Accept-Encoding: gzip', base + path]).toString());
    sizes.push(size);
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  assert.ok(sum < 300 * 1024, `${sizes.join(' + ')} = ${sum} bytes`);
});

test('every page opens at desktop and phone sizes without sideways scrolling', async () => {
  const pages = ['/', '/plans/1', '/plans/1/tree', '/plans/1/targets', '/plans/1/projects', '/plans/1/status',
    '/plans/1/dashboard', '/plans/1/counties/630222', '/plans/1/targets/t18', '/plans/1/nodes/4.1.3',
    '/plans/1/units/' + encodeURIComponent('市交通运输局'), '/search?q=' + encodeURIComponent('公路'),
    '/rounds', '/rounds/1', '/review', '/notices', '/workbench?unit=1', '/account', '/admin/audit', '/login'];
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const context = await browser.newContext({ viewport });
    const page = await signIn(context, 'leader', passwords.leader, '/');
    for (const path of pages) {
      const response = await page.goto(base + path);
      const expected = ['/review', '/admin/audit'].includes(path) ? 403 : 200;
      assert.equal(response.status(), expected, path);
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
      assert.ok(fits, `${path} scrolls sideways at ${viewport.width}px`);
      assert.ok(await page.locator('main').isVisible(), path);
      assert.ok((await page.locator('#lang-switch').count()) === 1, `${path} has the language switch`);
    }
    await context.close();
  }
});
