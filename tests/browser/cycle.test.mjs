// The supervision cycle in a real headless Chromium, as its users do it: the administrator's
// first login, accounts for two units, a baseline for a target, a round; two unit reporters
// fill and submit (one with an evidence file); the office returns one and approves the other;
// the resubmission is approved; target and task statuses and the roll-ups change; the public
// sees them once the office publishes the round's results.
//
// Needs the duban binary (DUBAN_BIN) and Debian's Chromium (CHROMIUM). Screenshots go to
// target/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const bin = process.env.DUBAN_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'duban');
const shots = join(root, 'target', 'screenshots');
let server, base, browser, dataDir, adminPassword;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-cycle-'));
  mkdirSync(shots, { recursive: true });
  server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--reminder-interval', '0'], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh', DUBAN_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((ok, fail) => {
    server.on('error', fail);
    server.on('exit', (code) => fail(new Error(`duban serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const pw = line.match(/一次性密码[^：]*：(\S+)/);
      if (pw) adminPassword = pw[1];
      const url = line.match(/http:\/\/[^/ ]+/);
      // Secure cookies: Chromium keeps them for localhost over plain HTTP.
      if (url) ok(url[0].replace('127.0.0.1', 'localhost'));
    });
  });
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

async function login(context, username, password) {
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form.form button[type=submit]');
  return page;
}

async function firstPasswordChange(page, current, next) {
  await page.waitForURL(/\/account\?first=1/);
  assert.ok(await page.isVisible('#must-change'));
  await page.fill('#pw-current', current);
  await page.fill('#pw-new', next);
  await page.fill('#pw-confirm', next);
  await page.click('form[action="/account/password"] button');
  await page.waitForURL(/\/account\?changed=1/);
}

async function statusRow(page, table, key) {
  await page.goto(base + '/plans/1/status');
  return page.locator(`#${table} tr[data-key="${key}"] .badge`).first().getAttribute('class');
}

test('open a round, report, return, resubmit, approve: statuses follow', async () => {
  assert.ok(adminPassword, 'the first start printed a one-time password');
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let admin = await login(office, 'admin', adminPassword);
  await firstPasswordChange(admin, adminPassword, 'Haidong-Office-2025');

  // The road-density target of task 4.1.3, found on the task's page (ids follow the document).
  await admin.goto(base + '/plans/1/nodes/4.1.3');
  const road = (await admin.getAttribute('main table a:has-text("建成区路网密度")', 'href')).split('/').pop();

  // Before: the road-density target and its task have no data.
  assert.match(await statusRow(admin, 'target-status', road), /st-no_data/);
  assert.match(await statusRow(admin, 'task-status', '4.1.3'), /st-no_data/);

  // Baseline for 建成区路网密度 (6.5 by 2030): 5.0 in 2024, split linearly.
  await admin.goto(base + '/plans/1/targets/' + road);
  await admin.fill('#baseline_value', '5.0');
  await admin.fill('#baseline_year', '2024');
  await admin.click('#linear');
  await admin.waitForURL(/saved=1/);
  assert.equal((await admin.locator('#milestones tbody tr').count()), 6);

  // Accounts for the lead unit (交通运输局) and a co unit (住房建设局).
  const accounts = {};
  for (const [username, unit] of [['jtj', '市交通运输局'], ['zjj', '市住房建设局']]) {
    await admin.goto(base + '/admin/users');
    await admin.fill('#new-username', username);
    await admin.selectOption('#new-role', 'reporter');
    await admin.selectOption('#new-unit', { label: unit });
    await admin.click('#new-user button');
    accounts[username] = (await admin.textContent('#issued-password')).trim();
  }
  await admin.screenshot({ path: join(shots, 'users.png'), fullPage: true });

  // A monthly round over all tasks.
  await admin.goto(base + '/rounds');
  await admin.fill('#title', '2025年3月调度');
  await admin.selectOption('#cadence', 'monthly');
  await admin.fill('#period_start', '2025-03-01');
  await admin.fill('#period_end', '2025-03-31');
  await admin.fill('#due_on', '2099-12-31');
  await admin.selectOption('#scope', '1|all');
  await admin.click('#round-form button[type=submit]');
  await admin.waitForURL(/\/rounds\/\d+$/);
  assert.equal(await admin.textContent('#round-title'), '2025年3月调度');
  const roundUrl = admin.url();

  // The lead unit reports with an evidence file.
  const evidence = join(dataDir, '路网建设进展.pdf');
  writeFileSync(evidence, '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const lead = await browser.newContext({ viewport: { width: 390, height: 844 } });
  let jtj = await login(lead, 'jtj', accounts.jtj);
  await firstPasswordChange(jtj, accounts.jtj, 'Jiaotong-Road-2025');
  await jtj.goto(roundUrl);
  const rows = await jtj.locator('#round-reports tbody tr').allTextContents();
  assert.ok(rows.every((r) => r.includes('市交通运输局')), 'a unit sees only its own reports');
  await jtj.click('#round-reports a:has-text("推动城市道路优化提升")');
  await jtj.fill('#progress', '完成主城区路网加密规划，启动3条断头路打通工程。');
  await jtj.fill('#percent_complete', '20');
  await jtj.fill(`#obs_value_${road}`, '5.05');
  await jtj.fill(`#obs_date_${road}`, '2025-03-31');
  await jtj.fill(`#obs_source_${road}`, '交通运输局路网台账');
  await jtj.setInputFiles('#evidence', evidence);
  await jtj.screenshot({ path: join(shots, 'report-form.png'), fullPage: true });
  await jtj.click('#submit-report');
  await jtj.waitForURL(/submitted=1/);
  assert.equal(await jtj.textContent('#report-status'), '已报送');
  assert.ok(await jtj.isVisible('.evidence-link:has-text("路网建设进展.pdf")'));
  const leadReport = jtj.url().split('?')[0];

  // The co unit reports without a file.
  const co = await browser.newContext();
  const zjj = await login(co, 'zjj', accounts.zjj);
  await firstPasswordChange(zjj, accounts.zjj, 'Zhujian-Land-2025');
  await zjj.goto(roundUrl);
  await zjj.click('#round-reports a:has-text("推动城市道路优化提升")');
  await zjj.fill('#progress', '完成道路项目用地预审。');
  await zjj.fill('#percent_complete', '30');
  await zjj.click('#submit-report');
  await zjj.waitForURL(/submitted=1/);
  const coReport = zjj.url().split('?')[0];
  // Another unit's report is refused to it.
  const refused = await zjj.goto(leadReport);
  assert.equal(refused.status(), 403);

  // The office: two waiting; returns the lead's, approves the co unit's.
  await admin.goto(base + '/review');
  assert.ok((await admin.locator('#review-queue tbody tr').count()) >= 2);
  await admin.screenshot({ path: join(shots, 'review.png'), fullPage: true });
  await admin.goto(leadReport);
  await admin.fill('#comment', '路网密度数据请附统计部门核定材料');
  await admin.click('#return');
  await admin.waitForURL(/reviewed=1/);
  assert.equal(await admin.textContent('#report-status'), '已退回');
  await admin.goto(coReport);
  await admin.click('#approve');
  await admin.waitForURL(/reviewed=1/);
  assert.equal(await admin.textContent('#report-status'), '已通过');
  // Pending values did not count: the target still has no data.
  assert.match(await statusRow(admin, 'target-status', road), /st-no_data/);

  // The lead unit sees the comment and its co unit's report, corrects and resubmits.
  await jtj.goto(leadReport);
  assert.equal(await jtj.textContent('#report-status'), '已退回');
  assert.match(await jtj.textContent('main'), /路网密度数据请附统计部门核定材料/);
  assert.match(await jtj.textContent('main'), /完成道路项目用地预审/);
  assert.equal(await jtj.inputValue(`#obs_value_${road}`), '5.05');
  await jtj.fill(`#obs_value_${road}`, '5.1');
  await jtj.fill(`#obs_source_${road}`, '市统计局核定');
  await jtj.click('#submit-report');
  await jtj.waitForURL(/submitted=1/);
  assert.equal(await jtj.locator('.version').count(), 2, 'both versions are kept');

  // The office approves the resubmission.
  await admin.goto(leadReport);
  await admin.click('#approve');
  await admin.waitForURL(/reviewed=1/);

  // After: the target has an approved value behind its milestone; the task has data; the
  // lead unit's roll-up counts them.
  const target = await statusRow(admin, 'target-status', road);
  assert.doesNotMatch(target, /st-no_data/);
  assert.doesNotMatch(await statusRow(admin, 'task-status', '4.1.3'), /st-no_data/);
  const unitRow = await admin.locator('#by-unit tr[data-key="市交通运输局"]').textContent();
  assert.doesNotMatch(unitRow, /^\s*$/);
  await admin.screenshot({ path: join(shots, 'status.png'), fullPage: true });

  // The public sees none of it until the office publishes the round's results.
  const visitor = await browser.newContext();
  const anon = await visitor.newPage();
  const publicStatus = async (table, key) => anon.locator(`#${table} tr[data-key="${key}"] .badge`).first().getAttribute('class');
  await anon.goto(base + '/plans/1/status');
  assert.match(await anon.textContent('#public-note'), /调度结果尚未发布/);
  assert.match(await publicStatus('target-status', road), /st-no_data/);
  assert.match(await publicStatus('task-status', '4.1.3'), /st-no_data/);
  assert.equal(await anon.locator('#by-unit').count(), 0, 'the public sees no unit table');
  await admin.goto(roundUrl);
  await admin.click('#publish-round button[type=submit]');
  await admin.waitForSelector('#round-published');
  await anon.reload();
  assert.match(await anon.textContent('#public-note'), /2025年3月调度/);
  assert.equal(await publicStatus('target-status', road), target);
  assert.doesNotMatch(await publicStatus('task-status', '4.1.3'), /st-no_data/);
  await anon.screenshot({ path: join(shots, 'status-public.png'), fullPage: true });
  await visitor.close();

  await admin.goto(base + '/plans/1/targets/' + road);
  assert.match(await admin.textContent('#observations'), /5\.1/);
  await admin.screenshot({ path: join(shots, 'target-status.png'), fullPage: true });

  // The audit log shows every step.
  await admin.goto(base + '/admin/audit');
  const actions = await admin.locator('#audit tbody tr td:nth-child(4)').allTextContents();
  for (const a of ['round.open', 'round.publish', 'report.submit', 'report.return', 'report.approve', 'user.create', 'target.settings']) {
    assert.ok(actions.includes(a), `${a} in the audit log`);
  }
  await office.close();
  await lead.close();
  await co.close();
});
