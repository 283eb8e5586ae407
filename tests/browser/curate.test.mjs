// The coordination office curates the plan in a real headless Chromium (计划校对): the first
// login, the to-do list (a data-owner unit for a target no unit reports, a diagnostic
// confirmed), a task's deadline, units and roles and people, a descriptive paragraph marked as
// not a task, a target marked approximate; each change seen on the plan's own pages and in the
// edit history with its reason. Then a revised copy of the plan is imported with the CLI while
// the server runs; the office reads its diff, approves it, and the edits made before stay.
// The same pages at phone size; and what an anonymous visitor sees before any round is published.
//
// Needs the duban binary (DUBAN_BIN) and Debian's Chromium (CHROMIUM). Screenshots go to
// target/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const bin = process.env.DUBAN_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'duban');
const shots = join(root, 'target', 'screenshots');
const fixture = join(root, 'fixtures', 'plans', 'haidong-action-plan-2024.txt');
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
const password = 'Haidong-Curate-2025';
let server, base, browser, dataDir, adminPassword;

const duban = (...args) => execFileSync(bin, [...args, '--data-dir', join(dataDir, 'data')], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh' } }).toString().trim();

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-curate-'));
  mkdirSync(shots, { recursive: true });
  server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--reminder-interval', '0', '--data-dir', join(dataDir, 'data')], { cwd: dataDir, env: { ...process.env, DUBAN_LANG: 'zh', DUBAN_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
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

let changed = false;
/** The administrator signs in; the first time, the one-time password is changed. */
async function signIn(context) {
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('#username', 'admin');
  await page.fill('#password', changed ? password : adminPassword);
  await page.click('form.form button[type=submit]');
  if (!changed) {
    await page.waitForURL(/\/account\?first=1/);
    assert.ok(await page.isVisible('#must-change'));
    await page.fill('#pw-current', adminPassword);
    await page.fill('#pw-new', password);
    await page.fill('#pw-confirm', password);
    await page.click('form[action="/account/password"] button');
    await page.waitForURL(/\/account\?changed=1/);
    changed = true;
  } else {
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }
  return page;
}

/** Submit a form by its button and wait for the redirect back (every edit redirects). */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
  assert.ok(!(await page.locator('h1').first().textContent()).includes('错误'), `${selector}: ${await page.textContent('main')}`);
}

async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${what} is ${overflow}px wider than the screen`);
}

/** The rows of the edit history on the curate page, newest first. */
async function history(page) {
  await page.goto(base + '/plans/1/curate');
  return page.locator('#edits tbody tr').allTextContents();
}

test('an anonymous visitor sees the published plan, and no statuses before a round is published', async () => {
  const context = await browser.newContext({ viewport: desktop });
  const page = await context.newPage();
  await page.goto(base + '/plans/1/status');
  assert.match(await page.textContent('#public-note'), /调度结果尚未发布/);
  assert.equal(await page.locator('#by-unit').count(), 0, 'no unit table for the public');
  assert.equal(await page.locator('#by-county').count(), 0, 'no county table for the public');
  assert.equal(await page.locator('#curate-link, #preview-link').count(), 0);
  await page.screenshot({ path: join(shots, 'status-anonymous.png'), fullPage: true });
  // The office's pages ask for a login.
  await page.goto(base + '/plans/1/curate');
  assert.match(page.url(), /\/login/);
  await context.close();
});

test('the office curates a plan, then approves a revised document; the edits stay', async () => {
  assert.ok(adminPassword, 'the first start printed a one-time password');
  const context = await browser.newContext({ viewport: desktop });
  const page = await signIn(context);

  // Overview → 计划校对.
  await page.goto(base + '/plans/1');
  await page.click('#curate-link');
  await page.waitForURL(/\/plans\/1\/curate$/);
  assert.match(await page.textContent('h1'), /计划校对/);
  assert.ok(await page.isVisible('#plan-published'), 'the demo plan is published');

  // A target no unit reports: assign 市统计局 as its data source.
  const unownedBefore = await page.locator('#unowned tbody tr').count();
  assert.ok(unownedBefore >= 1, 'the reference plan has targets no unit reports');
  const ownerSelect = page.locator('#unowned tbody tr select').first();
  const owned = (await ownerSelect.getAttribute('id')).replace(/^owner-/, '');
  const ownedIndicator = (await page.locator('#unowned tbody tr td a').first().textContent()).trim();
  await ownerSelect.selectOption({ label: '市统计局' });
  await page.fill(`#owner-reason-${owned}`, '统计局负责该指标的统计口径');
  await submit(page, `#unowned tbody tr:has(#owner-${owned}) button[type=submit]`);
  assert.match(page.url(), /\/plans\/1\/curate$/);
  assert.equal(await page.locator(`#owner-${owned}`).count(), 0, 'the target left the to-do list');
  assert.equal(await page.locator('#unowned tbody tr').count(), unownedBefore - 1);
  await page.goto(base + `/plans/1/targets/${owned}/edit`);
  assert.equal(await page.locator('#data_owner option:checked').textContent(), '市统计局');

  // A diagnostic confirmed as read.
  await page.goto(base + '/plans/1/curate');
  const diagnosticsBefore = await page.locator('#diagnostics tbody tr').count();
  assert.ok(diagnosticsBefore >= 1);
  const firstFinding = (await page.locator('#diagnostics tbody tr td:nth-child(2)').first().textContent()).trim();
  await page.fill('#dg-reason-1', '已核对原文，属实');
  await submit(page, '#diagnostics tbody tr:first-child button[type=submit]');
  assert.equal(await page.locator('#diagnostics tbody tr').count(), diagnosticsBefore - 1);
  const findings = await page.locator('#diagnostics tbody tr td:nth-child(2)').allTextContents();
  assert.ok(!findings.some((f) => f.trim() === firstFinding), 'the confirmed finding left the list');

  // A task (2.3.2 推动城乡公共资源均衡配置), from its own page: deadline, roles, a unit, people.
  await page.goto(base + '/plans/1/nodes/2.3.2');
  await page.click('#edit-node');
  await page.waitForURL(/\/plans\/1\/nodes\/2\.3\.2\/edit$/);
  assert.match(await page.textContent('h1'), /推动城乡公共资源均衡配置/);
  await page.fill('#deadline', '2026年底');
  await page.fill('#node-reason', '按市委督查室要求明确完成时限');
  await submit(page, '#node-form button[type=submit]');
  assert.match(page.url(), /\/nodes\/2\.3\.2\/edit$/);
  assert.equal(await page.inputValue('#deadline'), '2026年底');

  await page.selectOption('#units-form tr[data-unit="市交通运输局"] select', 'lead');
  await page.fill('#new-unit', '市统计局');
  await page.selectOption('#new-role', 'co');
  await page.fill('#units-reason', '交通运输局牵头乡镇公路建设，统计局提供数据');
  await submit(page, '#units-form button[type=submit]');
  assert.equal(await page.inputValue('#units-form tr[data-unit="市交通运输局"] select'), 'lead');
  assert.equal(await page.inputValue('#units-form tr[data-unit="市统计局"] select'), 'co');
  assert.equal(await page.inputValue('#units-form tr[data-unit="市住房建设局"] select'), 'lead');

  const housing = page.locator('details.people[data-unit="市住房建设局"]');
  await housing.locator('summary').click();
  await housing.locator('[name=leader_name]').fill('李明');
  await housing.locator('[name=leader_post]').fill('市住房建设局局长');
  await housing.locator('[name=responsible_name]').fill('王芳');
  await housing.locator('[name=responsible_post]').fill('城建科科长');
  await housing.locator('[name=liaison_name]').fill('张强');
  await housing.locator('[name=liaison_post]').fill('城建科科员');
  await housing.locator('[name=liaison_phone]').fill('0972-8612345');
  await housing.locator('[name=reason]').fill('住房建设局报送责任人名单');
  await submit(page, 'details.people[data-unit="市住房建设局"] button[type=submit]');
  const saved = page.locator('details.people[data-unit="市住房建设局"]');
  assert.ok(await saved.evaluate((d) => d.open), 'a unit with people is shown open');
  assert.equal(await saved.locator('[name=leader_name]').inputValue(), '李明');
  assert.equal(await saved.locator('[name=liaison_phone]').inputValue(), '0972-8612345');
  await fits(page, 'the node edit page');
  await page.screenshot({ path: join(shots, 'node-edit.png'), fullPage: true });
  await page.screenshot({ path: join(shots, 'node-edit-top.png') });

  // The task's page shows the deadline and the new roles.
  await page.goto(base + '/plans/1/nodes/2.3.2');
  assert.match(await page.textContent('main'), /完成时限：2026年底/);
  assert.match(await page.textContent('#leads'), /市住房建设局/);
  assert.match(await page.textContent('#leads'), /市交通运输局/);
  assert.doesNotMatch(await page.textContent('#cos'), /市交通运输局/);
  assert.match(await page.textContent('#cos'), /市统计局/);

  // A descriptive paragraph (“一核”包括…), found in the contents, is not a task.
  await page.goto(base + '/plans/1/status');
  assert.equal(await page.locator('#task-status tr[data-key="2.1.1.1"]').count(), 1, 'graded as a task before');
  await page.goto(base + '/plans/1/tree');
  await page.click('main a:has-text("“一核”包括")');
  await page.waitForURL(/\/nodes\/2\.1\.1\.1$/);
  await page.click('#edit-node');
  assert.ok(await page.isChecked('#supervised'));
  await page.uncheck('#supervised');
  await page.fill('#node-reason', '该段为“一核”范围说明，不是任务');
  await submit(page, '#node-form button[type=submit]');
  assert.equal(await page.isChecked('#supervised'), false);
  await page.goto(base + '/plans/1/status');
  assert.equal(await page.locator('#task-status tr[data-key="2.1.1.1"]').count(), 0, 'no longer graded as a task');

  // A target of the task marked approximate (约): the one the revision below changes.
  await page.goto(base + '/plans/1/nodes/2.3.2');
  await page.click('main table a:has-text("乡镇通三级及以上公路比例")');
  await page.waitForURL(/\/targets\/t\d+$/);
  const road = page.url().split('/').pop();
  await page.click('#edit-target');
  await page.waitForURL(/\/edit$/);
  assert.equal(await page.isChecked('#approx'), false);
  await page.check('#approx');
  await page.fill('#target-reason', '乡镇公路比例按约数考核');
  await submit(page, '#target-form button[type=submit]');
  assert.ok(await page.isChecked('#approx'));
  assert.equal(Number(await page.inputValue('#value')), 85);
  await page.screenshot({ path: join(shots, 'target-edit.png'), fullPage: true });
  await page.goto(base + `/plans/1/targets/${road}`);
  assert.match(await page.textContent('#target-indicator'), /乡镇通三级及以上公路比例/);

  // The edit history: who, what, why, newest first.
  const rows = await history(page);
  assert.ok(rows.length >= 6, rows.join(' | '));
  for (const [what, why] of [
    [`修改指标 ${road}`, '按约数考核'],
    ['修改节点 2.1.1.1', '不是任务'],
    ['设置节点 2.3.2 中 市住房建设局 的责任人', '报送责任人名单'],
    ['市交通运输局（牵头）', '统计局提供数据'],
    ['修改节点 2.3.2', '明确完成时限'],
    ['确认导入提示', '已核对原文'],
    [`修改指标 ${owned}`, '统计口径'],
  ]) {
    assert.ok(rows.some((r) => r.includes(what) && r.includes(why) && r.includes('管理员')), `${what} / ${why} in ${rows.join(' | ')}`);
  }
  assert.ok(rows[0].includes(`修改指标 ${road}`), 'newest first');
  await fits(page, 'the curate page');
  await page.screenshot({ path: join(shots, 'curate.png'), fullPage: true });
  await page.screenshot({ path: join(shots, 'curate-top.png') });

  // A revised copy of the plan (same 文号): one value changed; imported while the server runs.
  const revised = join(dataDir, '海东都市圈行动计划（修订）.txt');
  const text = readFileSync(fixture, 'utf8');
  assert.ok(text.includes('比例达到85%'));
  writeFileSync(revised, text.replace('比例达到85%', '比例达到90%'));
  const out = duban('import', revised);
  assert.match(out, /修订|revision/i, out);
  await page.goto(base + '/plans/1/curate');
  assert.match(await page.textContent('#revisions'), /待批准/);
  await page.click('#revisions tbody tr:last-child a');
  await page.waitForURL(/\/plans\/1\/revisions\/\d+$/);
  assert.equal(await page.textContent('#revision-status'), '待批准');
  const changes = page.locator('#changes article');
  assert.ok((await changes.count()) >= 1);
  const change = page.locator('#changes article:has-text("推动城乡公共资源均衡配置")');
  assert.equal(await change.count(), 1, await page.textContent('#changes'));
  assert.match(await change.textContent(), /90%/);
  // Only what changed is marked, in its words: 公路比例达到85% → 90%.
  const textChange = change.locator('.text-change').first();
  assert.equal(await textChange.locator('del').textContent(), '85');
  assert.equal(await textChange.locator('ins').textContent(), '90');
  assert.match(await textChange.textContent(), /公路比例达到.*%/);
  await fits(page, 'the revision page');
  await page.screenshot({ path: join(shots, 'revision.png'), fullPage: true });
  await page.fill('#approve-reason', '市政府常务会议同意调整乡镇公路目标');
  await submit(page, '#approve-form button[type=submit]');
  assert.equal(await page.textContent('#revision-status'), '已批准');
  assert.match(await page.textContent('main'), /市政府常务会议同意调整乡镇公路目标/);

  // The version in force has the new text; the edits made before are still there.
  await page.goto(base + '/plans/1/nodes/2.3.2');
  const main = await page.textContent('main');
  assert.match(main, /比例达到90%/);
  assert.doesNotMatch(main, /比例达到85%/);
  assert.match(main, /完成时限：2026年底/);
  assert.match(await page.textContent('#leads'), /市交通运输局/);
  assert.match(await page.textContent('#cos'), /市统计局/);
  const roadTarget = page.locator('main table tr:has-text("乡镇通三级及以上公路比例")');
  assert.match(await roadTarget.textContent(), /90/);
  await page.goto(base + '/plans/1/nodes/2.3.2/edit');
  assert.equal(await page.inputValue('#deadline'), '2026年底');
  assert.equal(await page.locator('details.people[data-unit="市住房建设局"] [name=liaison_phone]').inputValue(), '0972-8612345');
  await page.goto(base + `/plans/1/targets/${road}/edit`);
  assert.ok(await page.isChecked('#approx'), 'the target stays approximate');
  assert.equal(Number(await page.inputValue('#value')), 90, 'with the revised value');
  await page.goto(base + '/plans/1/nodes/2.1.1.1/edit');
  assert.equal(await page.isChecked('#supervised'), false, 'the paragraph stays no task');
  await page.goto(base + '/plans/1/curate');
  assert.equal(await page.locator(`#owner-${owned}`).count(), 0, `${ownedIndicator} keeps its data owner`);
  assert.match(await page.textContent('#revisions'), /已批准/);
  await context.close();
});

test('the office curates at phone size: pages fit the screen, a form works', async () => {
  const context = await browser.newContext({ viewport: phone });
  const page = await signIn(context);
  for (const path of ['/plans/1/curate', '/plans/1/nodes/2.3.2/edit', '/plans/1/targets/t1/edit', '/plans/1/revisions/1']) {
    const response = await page.goto(base + path);
    assert.equal(response.status(), 200, path);
    await fits(page, path);
  }
  await page.screenshot({ path: join(shots, 'revision-phone.png'), fullPage: true });
  await page.goto(base + '/plans/1/curate');
  await page.screenshot({ path: join(shots, 'curate-phone.png'), fullPage: true });

  // People of a second unit, named on the phone.
  await page.goto(base + '/plans/1/nodes/2.3.2/edit');
  const transport = page.locator('details.people[data-unit="市交通运输局"]');
  await transport.locator('summary').click();
  await transport.locator('[name=liaison_name]').fill('马晓东');
  await transport.locator('[name=liaison_post]').fill('公路科科员');
  await transport.locator('[name=liaison_phone]').fill('13897000000');
  await transport.locator('[name=reason]').fill('交通运输局报送联络员');
  await submit(page, 'details.people[data-unit="市交通运输局"] button[type=submit]');
  assert.equal(await page.locator('details.people[data-unit="市交通运输局"] [name=liaison_phone]').inputValue(), '13897000000');
  await fits(page, 'the node edit page');
  await page.screenshot({ path: join(shots, 'node-edit-phone.png'), fullPage: true });
  await page.screenshot({ path: join(shots, 'node-edit-phone-top.png') });
  await context.close();
});
