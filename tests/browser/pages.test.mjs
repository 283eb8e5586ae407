// duban's pages in a real headless Chromium, as a user would use them: open the overview, go to a
// task and to its lead unit, switch to English, search. Screenshots go to target/screenshots/.
//
// Needs the duban binary (DUBAN_BIN, default target/debug/duban) and Debian's Chromium
// (CHROMIUM, default /usr/bin/chromium). Run: (cd tests/browser && npm ci && npm test).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const bin = process.env.DUBAN_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'duban');
const shots = join(root, 'target', 'screenshots');
let server, base, browser, dataDir;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-browser-'));
  mkdirSync(shots, { recursive: true });
  server = spawn(bin, ['serve', '--listen', '127.0.0.1:0'], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh', DUBAN_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise((ok, fail) => {
    server.on('error', fail);
    server.on('exit', (code) => fail(new Error(`duban serve exited with ${code}`)));
    // A fresh database prints the administrator's one-time password first.
    createInterface({ input: server.stdout }).on('line', (line) => { if (line.includes('http://')) ok(line); });
  });
  base = firstLine.match(/http:\/\/[^/ ]+/)[0];
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

test('overview → task → lead unit, in Chinese then English, and search', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + '/');
  assert.match(page.url(), /\/plans\/1$/);
  assert.equal(await page.textContent('#plan-title'), '海东市推进西宁—海东都市圈一体化发展行动计划');
  assert.equal(await page.textContent('#doc-number'), '东政〔2024〕18号');
  await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });

  // Contents → a task.
  await page.click('nav >> text=目录');
  await page.click('text=推动城乡公共资源均衡配置');
  assert.match(await page.textContent('#node-title'), /推动城乡公共资源均衡配置/);
  assert.match(await page.textContent('#leads'), /市住房建设局/);
  await page.screenshot({ path: join(shots, 'task.png'), fullPage: true });

  // Its lead unit.
  await page.click('#leads a');
  assert.equal(await page.textContent('#unit-name'), '市住房建设局');
  assert.ok((await page.locator('#unit-leads li').count()) > 3, 'the unit leads several tasks');

  // English, remembered on the next page.
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('main'), /Tasks it leads/);
  await page.click('nav >> text=Targets');
  assert.match(await page.textContent('main'), /Indicator/);
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');

  // Search in Chinese.
  await page.fill('#q', '污水');
  await page.press('#q', 'Enter');
  await page.waitForURL(/\/search\?/);
  const hits = await page.locator('.hits-nodes li').allTextContents();
  assert.ok(hits.some((h) => h.includes('落实“厂网一体”污水处理设施建设')), hits.join(' | '));
  await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
  await page.close();
});

test('a phone-sized screen shows the same page without sideways scrolling', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(base + '/plans/1/nodes/2.3.2');
  assert.match(await page.textContent('#node-title'), /推动城乡公共资源均衡配置/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: join(shots, 'task-phone.png'), fullPage: true });
  await page.close();
});

test('an unknown address shows a real 404 page', async () => {
  const page = await browser.newPage();
  const response = await page.goto(base + '/nowhere');
  assert.equal(response.status(), 404);
  assert.match(await page.textContent('h1'), /页面不存在/);
  await page.close();
});
