// An evaluation round in the browser, as a citizen meets it: `/?round=ID` draws only the round's
// battles, says which round and its rules, and with the reveal policy `after_close` thanks the
// voter without naming any model (the page, the announcement and every response checked for
// every model's id and name), until the round's votes-per-person cap ends the round for them
// with a readable message. Korean and English, 390 and 1280 px, axe (all rules) finds nothing.
// The round's votes stay out of the open arena's table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';
import { axeViolations } from './support/axe.mjs';

const TOKEN = 'kaiop_e2e-round-operator-0123456789';
const SETTINGS = {
  ARENA_MIN_READ_MS: '0',
  ARENA_POW: 'off',
  ARENA_RATE_LIMITS: 'off',
  ARENA_LEADERBOARD_INTERVAL_MS: '200',
  ARENA_OPERATOR_TOKEN_SHA256: `평가사무국:${createHash('sha256').update(TOKEN).digest('hex')}`,
};
const MODELS = ['sample-haneul', 'sample-gaon', 'sample-dure', 'sample-pado'];

let browser;
let arena;
before(async () => {
  if (!SERVER_BIN) return;
  browser = await launch();
  arena = await OwnArena.create(SETTINGS);
});
after(async () => {
  await browser?.close();
  await arena?.close();
});

const skip = !SERVER_BIN && 'ARENA_SERVER_BIN not set (run.sh sets it)';

async function admin(method, path, body) {
  const res = await fetch(`${arena.url}/api/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

test('a citizen votes in a round sealed until it closes, and its cap ends it with a clear message', { skip }, async () => {
  const now = Date.now();
  const round = await admin('POST', '/rounds', {
    name: '2026년 12월 시민 평가 (시험)',
    models: MODELS,
    categories: [],
    opens_at_ms: now - 60_000,
    closes_at_ms: now + 3_600_000,
    audience: 'public',
    votes_per_person: 2,
    reveal: 'after_close',
  });
  await admin('PUT', `/rounds/${round.id}/state`, { state: 'open' });
  const names = [...MODELS, ...round.models.map((m) => m.name)];
  assert.ok(names.length >= 8);

  const { page, problems, context } = await openPage(browser, { width: 1280, height: 900 });
  const bodies = [];
  // Every answer of the battle, vote and reasons routes (errors too), with its headers. The
  // round's own page (`/api/v1/rounds/{id}`, the banner's source) lists its models and their
  // seals on purpose: who takes part is public; which answer is whose is not.
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/rounds/')) {
      bodies.push(r.text().then((t) => `${path} ${r.status()} ${JSON.stringify(r.headers())}\n${t}`, () => ''));
    }
  });
  const battle = new BattlePage(page, arena.url);
  await battle.open(`?round=${round.id}`);
  const banner = page.getByTestId('round-banner');
  await banner.waitFor();
  const bannerText = await banner.innerText();
  assert.match(bannerText, /2026년 12월 시민 평가 \(시험\)/);
  assert.match(bannerText, /한 사람당 2표/);
  assert.match(bannerText, /마감 뒤에 공개/);
  await page.locator('.lead', { hasText: '평가 라운드가 마감된 뒤에 공개됩니다' }).waitFor();

  await battle.waitAwake();
  await battle.voteButton('a').click();
  const sealed = page.getByTestId('sealed');
  await sealed.waitFor();
  const box = await page.locator('.result-box').innerText();
  assert.match(box, /투표해 주셔서 감사합니다/);
  assert.match(box, /마감한 뒤 어떤 모델이 답했는지 공개합니다/);
  assert.equal(await battle.modelName('a').count(), 0, 'no model named on the page');
  assert.equal(await page.getByRole('link', { name: '리더보드 보기' }).count(), 0, 'a round is not the open arena\'s table');
  assert.match(await battle.announcement().innerText(), /마감한 뒤/);
  await page.screenshot({ path: 'test-results/round-sealed-ko-1280.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'a sealed vote in a round, Korean, 1280 px');

  // The second and last vote, in English at 390 px.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${arena.url}/?round=${round.id}&lang=en`);
  await battle.answer('a').waitFor();
  assert.match(await banner.innerText(), /2 votes per person/);
  await battle.waitAwake();
  await battle.voteButton('b').click();
  await sealed.waitFor();
  assert.match(await page.locator('.result-box').innerText(), /revealed when it closes/);
  await page.screenshot({ path: 'test-results/round-sealed-en-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'a sealed vote in a round, English, 390 px');

  // The cap: no third battle, and the page says why.
  await battle.nextBattle().click();
  const refusal = page.locator('.notice-danger');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /every vote this evaluation round allows one person/);
  assert.equal(await refusal.getByRole('button', { name: 'Try again' }).count(), 0, 'trying again would not help');
  assert.equal(await refusal.getByRole('link', { name: 'Go on in the open arena' }).getAttribute('href'), '/');
  await page.screenshot({ path: 'test-results/round-cap-en-390.png', fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the round\'s cap reached, English, 390 px');

  // Not one response before the close named a model.
  const seen = (await Promise.all(bodies)).join('\n');
  for (const path of ['/api/v1/battle', '/api/v1/vote']) assert.ok(seen.includes(path), `${path} was seen`);
  for (const name of names) assert.ok(!seen.includes(name), `a response named ${name}:\n${seen}`);
  // Tabulated apart: the open arena counted nothing; the round's own table holds both votes.
  const table = await fetch(`${arena.url}/api/v1/leaderboard`).then((r) => r.json());
  assert.equal(table.total_votes, 0);
  const results = await admin('GET', `/rounds/${round.id}/results`);
  assert.equal(results.public.table.total_votes, 2);
  assert.deepEqual(problems, []);
  await context.close();
});
