// Joining a round's citizens' panel in the browser (/join): the code from the card (in the
// address, as a QR code would carry it, or typed), a typo caught before anything is sent, what is
// stored and why, the optional profile, and then the round's battles counted in the panel's own
// table. A used code is refused with a readable message. Korean and English, 390 and 1280 px;
// axe (all rules) finds nothing on any of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';
import { axeViolations } from './support/axe.mjs';

const TOKEN = 'kaiop_e2e-join-operator-0123456789';
const SETTINGS = {
  ARENA_MIN_READ_MS: '0',
  ARENA_POW: 'off',
  ARENA_RATE_LIMITS: 'off',
  ARENA_LEADERBOARD_INTERVAL_MS: '200',
  ARENA_OPERATOR_TOKEN_SHA256: `평가사무국:${createHash('sha256').update(TOKEN).digest('hex')}`,
};

let browser;
let arena;
// A portal's page on another origin that embeds the join page (`data-join`).
let portal;
let portalUrl;
before(async () => {
  if (!SERVER_BIN) return;
  browser = await launch();
  portal = createServer((req, res) => {
    const lang = new URL(req.url, 'http://localhost').searchParams.get('lang') ?? 'ko';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>portal</title></head>
<body><main><h1>○○시 시민 평가단</h1><div data-kai-arena data-join></div>
<script src="${arena.url}/embed.js" async></script></main></body></html>`);
  });
  await new Promise((resolve) => portal.listen(0, 'localhost', resolve));
  portalUrl = `http://localhost:${portal.address().port}`;
  arena = await OwnArena.create({ ...SETTINGS, ARENA_EMBED_ORIGINS: portalUrl });
});
after(async () => {
  await browser?.close();
  await arena?.close();
  portal?.close();
});

const skip = !SERVER_BIN && 'ARENA_SERVER_BIN not set (run.sh sets it)';

/** Waits until `locator`'s rendered text (cells apart) matches `pattern`. */
async function innerTextMatches(locator, pattern, timeout) {
  const until = Date.now() + timeout;
  let text = '';
  while (Date.now() < until) {
    text = await locator.innerText().catch(() => '');
    if (pattern.test(text)) return;
    await locator.page().waitForTimeout(200);
  }
  assert.fail(`${pattern} never matched; last: ${JSON.stringify(text)}`);
}

async function admin(method, path, body) {
  const res = await fetch(`${arena.url}/api/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

/** A round opened now for an hour (the four sample models unless `fields` say otherwise). */
async function openRound(fields) {
  const now = Date.now();
  const round = await admin('POST', '/rounds', {
    models: ['sample-haneul', 'sample-gaon', 'sample-dure', 'sample-pado'],
    categories: [],
    opens_at_ms: now - 60_000,
    closes_at_ms: now + 3_600_000,
    ...fields,
  });
  await admin('PUT', `/rounds/${round.id}/state`, { state: 'open' });
  return round;
}

test('a citizen joins the panel with the code on their card and votes in its table', { skip }, async () => {
  const round = await openRound({ name: '2026년 12월 시민 평가단', audience: 'panel', votes_per_person: 5, reveal: 'after_close' });
  const { codes } = await admin('POST', `/rounds/${round.id}/invitations`, { count: 2, cell: '서울 30대' });

  // Scanned: the code arrives in the address.
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 900 });
  await page.goto(`${arena.url}/join?code=${codes[0]}`);
  const field = page.getByTestId('join-code');
  await field.waitFor();
  assert.equal(await field.inputValue(), codes[0]);
  const stored = await page.getByTestId('join-stored').innerText();
  assert.match(stored, /무작위 가명/);
  assert.match(stored, /이름, 전화번호, 이메일, 주소는 묻지 않습니다/);
  await page.screenshot({ path: 'test-results/join-ko-1280.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the join page, Korean, 1280 px');

  // Typed with a typo, in English on a phone: caught here, nothing sent.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${arena.url}/join?lang=en`);
  await field.waitFor();
  const chars = [...codes[0]];
  chars[5] = chars[5] === 'Z' ? 'Y' : 'Z';
  await field.fill(chars.join(''));
  let joins = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/join') joins += 1; });
  await page.getByTestId('join-submit').click();
  await page.getByTestId('join-code-problem').filter({ hasText: 'wrong' }).waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(joins, 0, 'a mistyped code is not sent');
  await page.screenshot({ path: 'test-results/join-typo-en-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the join page with a typo, English, 390 px');

  // The right code, lower case with spaces, and a profile: joined.
  await field.fill(codes[0].toLowerCase().replaceAll('-', ' '));
  await page.getByTestId('join-age').getByLabel('30–39').check();
  await page.getByTestId('join-ai-use').getByLabel('Sometimes').check();
  await page.getByTestId('join-region').selectOption({ label: 'Seoul' });
  await page.getByTestId('join-submit').click();
  const joined = page.getByTestId('joined');
  await joined.waitFor();
  assert.match(await joined.innerText(), /2026년 12월 시민 평가단/);
  assert.match(await joined.innerText(), /5 votes per person/);
  await page.screenshot({ path: 'test-results/joined-en-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'joined, English, 390 px');

  // Its battles now count in the panel's table.
  await page.getByTestId('start-voting').click();
  const battle = new BattlePage(page, arena.url);
  await battle.answer('a').waitFor();
  await page.getByTestId('round-banner').waitFor();
  await battle.waitAwake();
  await battle.voteButton('a').click();
  await page.getByTestId('sealed').waitFor();
  const results = await admin('GET', `/rounds/${round.id}/results`);
  assert.equal(results.panel.table.total_votes, 1);
  assert.equal(results.public.table.total_votes, 0);

  // The same code again: refused, readably, in Korean.
  await page.goto(`${arena.url}/join?lang=ko&code=${codes[0]}`);
  await page.getByTestId('join-submit').click();
  const refused = page.getByTestId('join-problem');
  await refused.waitFor();
  assert.match(await refused.innerText(), /이미 사용된 초대 코드/);
  await page.screenshot({ path: 'test-results/join-used-ko-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'a used code, Korean, 390 px');
  const batches = await admin('GET', `/rounds/${round.id}/invitations`);
  assert.equal(batches[0].redeemed, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an operator makes a batch of codes on the round\'s page and downloads it as CSV and printable cards', { skip }, async () => {
  const round = await openRound({ name: '카드 인쇄 시험', models: ['sample-haneul', 'sample-pado'], audience: 'both', votes_per_person: 5, reveal: 'after_vote' });
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await page.goto(`${arena.url}/admin`);
  await page.getByTestId('operator-token').fill(TOKEN);
  await page.getByTestId('operator-sign-in').click();
  const box = page.getByTestId(`invitations-${round.id}`);
  await box.waitFor();
  assert.match(await page.getByTestId(`round-link-${round.id}`).innerText(), new RegExp(`/\\?round=${round.id}`));
  await box.getByTestId('invite-count').fill('3');
  await box.getByTestId('invite-cell').fill('서울 30대');
  await box.getByTestId('invite-recovery').check();
  // Typed but not saved in the round's quota form: a save elsewhere on the page keeps it.
  const quotas = page.getByTestId(`quotas-${round.id}`);
  await quotas.getByTestId('quota-target').fill('123');
  await box.getByTestId('invite-create').click();
  const item = box.locator('li.batch-item').first();
  await item.waitFor();
  assert.equal(await quotas.getByTestId('quota-target').inputValue(), '123', 'the quota form kept what was typed');
  assert.match(await item.innerText(), /서울 30대 · 3장 · 참여 0 · 중지 0 · 복구 허용\(복구 0회\)/);

  const [csv] = await Promise.all([page.waitForEvent('download'), item.getByTestId('batch-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'code,join_url');
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^[0-9A-Z]{4}(-[0-9A-Z]{4}){6},http:\/\/127\.0\.0\.1:\d+\/join\?code=/);
  const [pdf] = await Promise.all([page.waitForEvent('download'), item.getByTestId('batch-pdf').click()]);
  assert.match(pdf.suggestedFilename(), /cards\.pdf$/);
  const bytes = await readFile(await pdf.path());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');

  await box.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-invitations.png' });
  assert.deepEqual(await axeViolations(page), [], 'a round\'s invitation codes on the operators\' page');
  await page.setViewportSize({ width: 390, height: 844 });
  await box.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-invitations-390.png' });
  assert.deepEqual(await axeViolations(page), [], 'invitation codes at 390 px');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the quota page takes the population margins and counts each cell\'s panelists live', { skip }, async () => {
  const round = await openRound({ name: '할당 시험', models: ['sample-haneul', 'sample-pado'], audience: 'panel', votes_per_person: 5, reveal: 'after_close' });
  const { codes } = await admin('POST', `/rounds/${round.id}/invitations`, { count: 2, cell: '' });
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await page.goto(`${arena.url}/admin`);
  await page.getByTestId('operator-token').fill(TOKEN);
  await page.getByTestId('operator-sign-in').click();
  const box = page.getByTestId(`quotas-${round.id}`);
  await box.waitFor();

  // A bad file: every problem by line, nothing saved.
  await box.getByTestId('quota-target').fill('400');
  await box.getByTestId('quota-margins').fill('dimension,level,share\nsex,female,0.5\nsex,alien,0.5\n');
  await box.getByTestId('quota-save').click();
  await box.locator('.form-problems li', { hasText: 'line 3:' }).waitFor();

  // The sample margins (labelled sample data), then a panelist of Seoul joins.
  await box.getByTestId('quota-margins').fill(await readFile('sample/panel-margins.csv', 'utf8'));
  await box.getByTestId('quota-save').click();
  const seoul = box.getByTestId('quota-region').locator('tr[data-level="seoul"]');
  await seoul.filter({ hasText: '72.8' }).waitFor();
  assert.match(await seoul.innerText(), /서울특별시\s+18\.2%\s+72\.8\s+0\s+0/);
  const joined = await fetch(`${arena.url}/api/v1/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: codes[0], profile: { age: '30-39', sex: 'male', region: 'seoul' } }),
  });
  assert.equal(joined.status, 201);
  // Read again within its refresh period (ten seconds).
  await innerTextMatches(seoul, /72\.8\s+1\s+0/, 15_000);
  assert.match(await box.getByTestId('quota-summary').innerText(), /목표 400명 · 참여 1명/);
  await box.scrollIntoViewIfNeeded();
  await box.screenshot({ path: 'test-results/admin-quotas.png' });
  assert.deepEqual(await axeViolations(page), [], 'the quota page');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a panelist who lost their membership comes back with the same code on the same kind of device', { skip }, async () => {
  const round = await openRound({ name: '복구 시험 라운드', audience: 'panel', votes_per_person: 3, reveal: 'after_close' });
  const { codes, batch } = await admin('POST', `/rounds/${round.id}/invitations`, { count: 1, cell: '', recovery: true });
  assert.equal(batch.recovery, true);

  // Joined and voted once on a computer.
  const first = await openPage(browser, { width: 1280, height: 900 });
  await first.page.goto(`${arena.url}/join?code=${codes[0]}`);
  await first.page.getByTestId('join-submit').click();
  await first.page.getByTestId('joined').waitFor();
  await first.page.getByTestId('start-voting').click();
  const battle = new BattlePage(first.page, arena.url);
  await battle.answer('a').waitFor();
  await battle.waitAwake();
  await battle.voteButton('a').click();
  await first.page.getByTestId('sealed').waitFor();
  assert.deepEqual(first.problems, []);
  await first.context.close();

  // The browser's data is gone (a fresh context): the same code on a computer brings them back.
  const again = await openPage(browser, { width: 1280, height: 900 });
  await again.page.goto(`${arena.url}/join?lang=en&code=${codes[0]}`);
  await again.page.getByTestId('join-submit').click();
  const back = again.page.getByTestId('joined');
  await back.waitFor();
  assert.match(await back.innerText(), /Your panel membership is back/);
  assert.match(await again.page.getByTestId('recovered').innerText(), /votes you cast so far carry on/);
  await again.page.screenshot({ path: 'test-results/join-recovered-en-1280.png', fullPage: true });
  assert.deepEqual(await axeViolations(again.page), [], 'membership recovered, English, 1280 px');
  // Its votes carried on: two more, then the cap.
  await again.page.getByTestId('start-voting').click();
  const voting = new BattlePage(again.page, arena.url);
  for (let n = 0; n < 2; n += 1) {
    if (n > 0) await voting.nextBattle().click();
    await voting.answer('a').waitFor();
    await voting.waitAwake();
    await voting.voteButton('b').click();
    await again.page.getByTestId('sealed').waitFor();
  }
  const results = await admin('GET', `/rounds/${round.id}/results`);
  assert.equal(results.panel.table.total_votes, 3);
  assert.deepEqual(again.problems, []);
  await again.context.close();

  // On a phone: refused, saying why, in Korean.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'ko-KR',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  });
  const page = await phone.newPage();
  await page.goto(`${arena.url}/join?lang=ko&code=${codes[0]}`);
  await page.getByTestId('join-submit').click();
  const refused = page.getByTestId('join-problem');
  await refused.waitFor();
  assert.match(await refused.innerText(), /같은 종류의 기기/);
  await page.screenshot({ path: 'test-results/join-other-device-ko-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'another kind of device, Korean, 390 px');
  await phone.close();
  const [listed] = await admin('GET', `/rounds/${round.id}/invitations`);
  assert.equal(listed.recovered, 1);
});

test('a portal embeds the join page: an invited citizen joins and votes in the frame', { skip }, async () => {
  const round = await openRound({ name: '포털 평가단', audience: 'panel', votes_per_person: 2, reveal: 'after_close' });
  const { codes } = await admin('POST', `/rounds/${round.id}/invitations`, { count: 1, cell: '' });

  const { page, problems, context } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${portalUrl}/?lang=ko`);
  const frameElement = page.locator('iframe[data-kai-arena-frame]');
  await frameElement.waitFor();
  assert.equal(await frameElement.getAttribute('title'), 'K-AI 아레나: 시민 평가단 참여');
  const frame = page.frameLocator('iframe[data-kai-arena-frame]');
  await frame.getByTestId('join-code').fill(codes[0]);
  await frame.getByTestId('join-age').getByLabel('60대').check();
  await frame.getByTestId('join-submit').click();
  await frame.getByTestId('joined').waitFor();
  const inner = page.frames().find((f) => new URL(f.url()).pathname === '/embed/join');
  assert.ok(inner, 'the frame is the arena\'s /embed/join');
  assert.deepEqual(await axeViolations(inner), [], 'joined inside a portal\'s frame, Korean, 390 px');
  await page.screenshot({ path: 'test-results/join-embedded-ko-390.png', fullPage: true });
  const privacy = frame.locator('a[href="/privacy"]').first();
  assert.equal(await privacy.getAttribute('target'), '_blank');

  // The round's battles follow in the frame, for this panelist.
  await frame.getByTestId('start-voting').click();
  await frame.getByTestId('round-banner').waitFor();
  // Focus follows to the battle that replaced the button.
  await inner.waitForFunction(() => document.activeElement?.id === 'battle-heading');
  const battle = new BattlePage(frame, arena.url);
  await battle.answer('a').waitFor();
  await battle.waitAwake();
  await battle.voteButton('a').click();
  await frame.getByTestId('sealed').waitFor();
  // The same page goes on (a credential kept only in memory, where a frame gets no storage, is
  // not lost); the round is in its address.
  const moved = page.frames().find((f) => new URL(f.url()).pathname === '/embed/join');
  const address = new URL(moved.url());
  assert.equal(address.searchParams.get('round'), round.id);
  assert.equal(address.searchParams.get('parent'), portalUrl);
  assert.equal(address.searchParams.get('lang'), 'ko');
  const results = await admin('GET', `/rounds/${round.id}/results`);
  assert.equal(results.panel.table.total_votes, 1);
  assert.deepEqual(problems, []);
  await context.close();
});
