// The whole round in the browser: the operator drafts a round on /admin (four sample
// models, panel and public, two votes a person, models named only after the close, open now for
// an hour), opens it, makes a batch of 40 invitation codes and downloads them as CSV, and uploads
// the sample margins with a target of 40. Forty citizens, each in a browser of their own (a few
// at a time), open their card's link (`/join?code=…`, as its QR code carries it), give a profile
// spread over the quota cells (some "prefer not to say"), start evaluating and vote up to the cap.
// A public voter votes once in the same window. Until the close no battle, vote, reasons or join
// answer, header or error names a model. The quota box counts 40 panelists and each region's
// panelists and votes as they were made; the closed round's results hold 80 panel votes and 1
// public vote, and the open arena's table none. The join page in Korean at 390 px and in English
// at 1280 px; axe (all rules) finds nothing there nor on the operators' page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';
import { axeViolations } from './support/axe.mjs';

const TOKEN = 'kaiop_e2e-panel-round-operator-0123456789';
const SETTINGS = {
  ARENA_MIN_READ_MS: '0',
  ARENA_POW: 'off',
  ARENA_RATE_LIMITS: 'off',
  ARENA_LEADERBOARD_INTERVAL_MS: '200',
  ARENA_OPERATOR_TOKEN_SHA256: `평가사무국:${createHash('sha256').update(TOKEN).digest('hex')}`,
};
const MODELS = ['sample-haneul', 'sample-gaon', 'sample-dure', 'sample-pado'];
const ROUND_NAME = '2026년 12월 시민 평가단 1차 (시험)';
const PANELISTS = 40;
const CAP = 2;
/** Browsers voting at once. */
const AT_ONCE = 4;

// The profiles, spread over the cells: each question cycles with its own period (null: "prefer
// not to say"), so the combinations vary. Labels as the Korean join page shows them.
const AGES = [['18-29', '18–29세'], ['30-39', '30대'], ['40-49', '40대'], ['50-59', '50대'], ['60-69', '60대'], ['70+', '70세 이상'], null];
const SEXES = [['female', '여성'], ['male', '남성'], ['female', '여성'], ['male', '남성'], null];
const REGIONS = [
  ['seoul', '서울특별시'], ['gyeonggi', '경기도'], ['busan', '부산광역시'], ['seoul', '서울특별시'],
  ['gyeonggi', '경기도'], ['daegu', '대구광역시'], ['jeju', '제주특별자치도'], null, ['gyeonggi', '경기도'],
];
const AI_USES = [['never', '써 본 적 없음'], ['sometimes', '가끔'], ['often', '자주'], null];
const PROFILES = Array.from({ length: PANELISTS }, (_, i) => ({
  age: AGES[i % AGES.length],
  sex: SEXES[i % SEXES.length],
  region: REGIONS[i % REGIONS.length],
  aiUse: AI_USES[i % AI_USES.length],
}));
/** The choices on the page and as the counts spell them. */
const CHOICES = [['a', 'a'], ['b', 'b'], ['tie', 'tie'], ['both-bad', 'both_bad']];
const choiceOf = (panelist, n) => CHOICES[(panelist + n) % CHOICES.length];

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

/** `ms` as a `datetime-local` value in Korea time (UTC+9), to the minute. */
function kst(ms) {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * Keeps, for the check at the end, what `page` was told: every answer of the API but the round's
 * own page (`/api/v1/rounds/{id}`, which lists the round's models on purpose: who takes part is
 * public, which answer is whose is not) with its status and headers, every failed request and
 * every console message. A join's answer carries that same public round object: it is kept
 * apart (`joins`) and checked to be exactly the round's public page.
 */
function record(page, seen, joins) {
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith('/api/v1/') || path.startsWith('/api/v1/rounds/')) return;
    seen.push((async () => {
      const headers = JSON.stringify(await r.allHeaders().catch(() => r.headers()));
      let body = await r.text().catch(() => '');
      if (path === '/api/v1/join' && r.status() === 201) {
        const { round, ...rest } = JSON.parse(body);
        joins.push(round);
        body = JSON.stringify({ ...rest, round: '(the round\'s public page, checked apart)' });
      }
      return `${r.request().method()} ${path} ${r.status()} ${headers}\n${body}`;
    })());
  });
  page.on('requestfailed', (r) => seen.push(`failed ${r.url()} ${r.failure()?.errorText}`));
  page.on('console', (m) => seen.push(`console ${m.type()}: ${m.text()}`));
}

/**
 * Every save on the operators' page reloads its lists, and the rounds list builds each round's
 * boxes anew (their fields empty again): `quiet()` waits until no operator request is in flight,
 * and stays so over a frame, so a field is not filled in a box about to be replaced.
 */
function quietly(page) {
  let pending = 0;
  const waiting = [];
  const operatorApi = (r) => new URL(r.url()).pathname.startsWith('/api/v1/admin/');
  page.on('request', (r) => { if (operatorApi(r)) pending += 1; });
  const done = (r) => {
    if (!operatorApi(r)) return;
    pending -= 1;
    if (pending === 0) for (const resolve of waiting.splice(0)) resolve();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return async () => {
    do {
      if (pending > 0) await new Promise((resolve) => waiting.push(resolve));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
    } while (pending > 0);
  };
}

/** The operator's page, signed in. */
async function signIn(page) {
  await page.goto(`${arena.url}/admin`);
  await page.getByTestId('operator-token').fill(TOKEN);
  await page.getByTestId('operator-sign-in').click();
  await page.getByTestId('round-form').waitFor();
}

test('a whole round: the operator\'s page, forty panelists who joined by their cards\' links, the public, the quotas and the close', { skip, timeout: 240_000 }, async () => {
  const started = Date.now();
  const seen = [];
  const joins = [];

  // 1. The operator drafts the round on the page, opens it, makes the codes and sets the quotas.
  const operator = await openPage(browser, { width: 1280, height: 1000 });
  const { page } = operator;
  const quiet = quietly(page);
  await signIn(page);
  const form = page.getByTestId('round-form');
  await form.getByLabel('이름').fill(ROUND_NAME);
  for (const id of MODELS) await form.getByTestId(`round-model-${id}`).check();
  const now = Date.now();
  await form.getByLabel('시작 (한국 시간)').fill(kst(now - 60_000));
  await form.getByLabel('마감 (한국 시간)').fill(kst(now + 3_600_000));
  await form.getByLabel('투표하는 사람').selectOption('both');
  await form.getByLabel('모델 공개').selectOption('after_close');
  await form.getByLabel('1인당 최대 투표 수').fill(String(CAP));
  await form.getByTestId('round-create').click();
  await page.getByTestId('round-status').filter({ hasText: '저장했습니다' }).waitFor();
  const item = page.getByTestId('rounds').locator('li.round-item', { hasText: ROUND_NAME });
  await item.waitFor();
  const id = (await item.getAttribute('data-testid')).replace(/^round-/, '');
  assert.equal(await item.locator('.round-state').getAttribute('data-state'), 'draft');
  assert.match(await item.innerText(), /패널과 일반 시민\(따로 집계\) · 마감 뒤에야 모델 공개 · 1인당 2표/);

  await quiet();
  await item.getByTestId(`round-step-${id}`).click();
  await item.locator('.round-state[data-state="open"]').waitFor();
  const round = await fetch(`${arena.url}/api/v1/rounds/${id}`).then((r) => r.json());
  assert.equal(round.state, 'open');
  assert.equal(round.audience, 'both');
  assert.equal(round.reveal, 'after_close');
  assert.equal(round.votes_per_person, CAP);
  assert.ok(round.opens_at_ms <= Date.now() && round.closes_at_ms > Date.now() + 3_000_000, 'open now, for about an hour');
  assert.deepEqual(round.models.map((m) => m.id).sort(), [...MODELS].sort());
  const names = [...new Set([...round.models.map((m) => m.id), ...round.models.map((m) => m.name)])];
  assert.ok(names.length >= 8, `${names}`);
  assert.equal(await page.getByTestId(`round-link-${id}`).locator('a').getAttribute('href'), `/?round=${id}`);

  const invitations = page.getByTestId(`invitations-${id}`);
  await quiet();
  await invitations.getByTestId('invite-count').fill(String(PANELISTS));
  await invitations.getByTestId('invite-create').click();
  const batch = invitations.locator('li.batch-item').first();
  await batch.filter({ hasText: `셀 없음 · ${PANELISTS}장 · 참여 0 · 중지 0` }).waitFor();
  await quiet();
  const [csv] = await Promise.all([page.waitForEvent('download'), batch.getByTestId('batch-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'code,join_url');
  const cards = lines.slice(1).map((line) => {
    const [code, link] = line.split(',');
    return { code, link };
  });
  assert.equal(cards.length, PANELISTS);
  assert.equal(new Set(cards.map((c) => c.code)).size, PANELISTS, 'forty different codes');
  for (const { code, link } of cards) assert.equal(link, `${arena.url}/join?code=${code}`);

  const quotas = page.getByTestId(`quotas-${id}`);
  await quiet();
  await quotas.getByTestId('quota-target').fill(String(PANELISTS));
  await quotas.getByTestId('quota-margins').fill(await readFile('sample/panel-margins.csv', 'utf8'));
  await quotas.getByTestId('quota-save').click();
  // Seoul is 18.2 % of adults: 7.3 of forty.
  await quotas.getByTestId('quota-region').locator('tr[data-level="seoul"]').filter({ hasText: '7.3' }).waitFor();
  await quiet();
  assert.match(await quotas.getByTestId('quota-summary').innerText(), /목표 40명 · 참여 0명 · 집계된 투표 0표/);

  // 7. The join page as a card's link opens it, before anyone joined: Korean at 390 px, English
  // at 1280 px (nothing is sent until "Join").
  {
    const { page: join, problems, context } = await openPage(browser, { width: 390, height: 844 });
    await join.goto(cards[0].link);
    const field = join.getByTestId('join-code');
    await field.waitFor();
    assert.equal(await field.inputValue(), cards[0].code);
    await join.getByRole('heading', { name: '시민 평가단 참여' }).waitFor();
    await join.screenshot({ path: 'test-results/join-ko-390.png', fullPage: true });
    assert.deepEqual(await axeViolations(join), [], 'the join page, Korean, 390 px');
    await join.setViewportSize({ width: 1280, height: 900 });
    await join.goto(`${cards[0].link}&lang=en`);
    await join.getByRole('heading', { name: 'Join the citizens\' panel' }).waitFor();
    assert.equal(await field.inputValue(), cards[0].code);
    assert.match(await join.getByTestId('join-stored').innerText(), /No name, phone number, e-mail or address is asked/);
    await join.screenshot({ path: 'test-results/join-en-1280.png', fullPage: true });
    assert.deepEqual(await axeViolations(join), [], 'the join page, English, 1280 px');
    assert.deepEqual(problems, [], 'the join page');
    await context.close();
  }

  // 2. Forty panelists, each in a browser of their own, a few at a time.
  const tally = { a: 0, b: 0, tie: 0, both_bad: 0 };
  let reasonsGiven = 0;
  let capsMet = 0;
  const panelist = async (i) => {
    const profile = PROFILES[i];
    const phone = i % 2 === 1;
    const { page: p, problems, context } = await openPage(browser, phone ? { width: 390, height: 844 } : { width: 1280, height: 900 });
    record(p, seen, joins);
    const panelHeaders = [];
    p.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/battle') panelHeaders.push(r.headers()['x-arena-panelist']);
    });
    try {
      await p.goto(cards[i].link);
      const field = p.getByTestId('join-code');
      await field.waitFor();
      assert.equal(await field.inputValue(), cards[i].code);
      const answer = async (question, option) => {
        await p.getByTestId(`join-${question}`).getByLabel(option ? option[1] : '응답하지 않음', { exact: true }).check();
      };
      await answer('age', profile.age);
      await answer('sex', profile.sex);
      await answer('ai-use', profile.aiUse);
      await p.getByTestId('join-region').selectOption({ label: profile.region ? profile.region[1] : '응답하지 않음' });
      const [joined] = await Promise.all([
        p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/join'),
        p.getByTestId('join-submit').click(),
      ]);
      assert.equal(joined.status(), 201, `panelist ${i} joined`);
      const box = p.getByTestId('joined');
      await box.waitFor();
      assert.match(await box.innerText(), /한 사람당 2표/);

      await p.getByTestId('start-voting').click();
      await p.waitForURL(`${arena.url}/?round=${id}`);
      const battle = new BattlePage(p, arena.url);
      await battle.answer('a').waitFor();
      await p.getByTestId('round-banner').filter({ hasText: ROUND_NAME }).waitFor();
      for (let n = 0; n < CAP; n++) {
        const [choice, counted] = choiceOf(i, n);
        await battle.waitAwake();
        const [vote] = await Promise.all([
          p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/vote'),
          battle.voteButton(choice).click(),
        ]);
        assert.equal(vote.status(), 200, `panelist ${i}, vote ${n + 1}`);
        await p.getByTestId('sealed').waitFor();
        assert.equal(await battle.modelName('a').count(), 0, 'no model named on the page');
        tally[counted] += 1;
        // Some give a reason for their first vote.
        if (n === 0 && i % 5 === 0 && choice !== 'both-bad') {
          await p.getByTestId('reasons').locator('[data-reason=korean_context]').click();
          await p.getByTestId('reasons-status').filter({ hasText: '이유를 저장했습니다' }).waitFor();
          reasonsGiven += 1;
        }
        if (n + 1 < CAP || i % 10 === 9) {
          // The next battle; after the last vote (for some), the cap's refusal instead.
          await Promise.all([
            p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/battle'),
            battle.nextBattle().click(),
          ]);
          await p.locator('.result-box').waitFor({ state: 'detached' });
        }
      }
      if (i % 10 === 9) {
        const refusal = p.locator('.notice-danger');
        await refusal.waitFor();
        assert.match(await refusal.innerText(), /이 평가 라운드에서 한 사람이 할 수 있는 투표를 모두 하셨습니다/);
        capsMet += 1;
      }
      assert.ok(panelHeaders.length >= CAP && panelHeaders.every(Boolean), `panelist ${i}'s battles carry the credential`);
      assert.deepEqual(problems, [], `panelist ${i}`);
    } finally {
      await context.close();
    }
  };
  const queue = PROFILES.map((_, i) => i);
  await Promise.all(Array.from({ length: AT_ONCE }, async () => {
    while (queue.length) await panelist(queue.shift());
  }));
  assert.equal(Object.values(tally).reduce((a, b) => a + b, 0), PANELISTS * CAP);
  assert.equal(joins.length, PANELISTS);
  assert.ok(reasonsGiven >= 5 && capsMet === 4, `${reasonsGiven} reasons, ${capsMet} caps`);

  // 5. A public voter (no panel credential) in the same window.
  {
    const { page: p, problems, context } = await openPage(browser, { width: 1280, height: 900 });
    record(p, seen, joins);
    const battle = new BattlePage(p, arena.url);
    await battle.open(`?round=${id}`);
    await p.getByTestId('round-banner').filter({ hasText: ROUND_NAME }).waitFor();
    await battle.waitAwake();
    const [vote] = await Promise.all([
      p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/vote'),
      battle.voteButton('b').click(),
    ]);
    assert.equal(vote.status(), 200);
    assert.equal(vote.request().headers()['x-arena-panelist'], undefined, 'not a panelist');
    await p.getByTestId('sealed').waitFor();
    assert.deepEqual(problems, [], 'the public voter');
    await context.close();
  }

  // 3. Not one answer, header or error before the close named a model; each join's round is
  // exactly the round's public page.
  const said = (await Promise.all(seen)).join('\n');
  for (const path of ['/api/v1/join', '/api/v1/battle', '/api/v1/vote', '/api/v1/vote/reasons']) {
    assert.ok(said.includes(` ${path} `), `${path} was seen`);
  }
  for (const name of names) assert.ok(!said.includes(name), `something before the close named ${name}:\n${said}`);
  for (const joined of joins) assert.deepEqual(joined, round);

  // 4. The quota box counts what was made: 40 panelists, and each region's panelists and votes.
  await page.reload();
  await quotas.getByTestId('quota-summary').waitFor();
  await quiet();
  assert.match(await quotas.getByTestId('quota-summary').innerText(), new RegExp(`목표 40명 · 참여 ${PANELISTS}명 · 집계된 투표 ${PANELISTS * CAP}표`));
  const inRegion = (code) => PROFILES.filter((p) => (p.region?.[0] ?? null) === code).length;
  for (const code of ['seoul', 'gyeonggi', 'busan', 'jeju']) {
    const cells = quotas.getByTestId('quota-region').locator(`tr[data-level="${code}"] td`);
    assert.equal(await cells.nth(2).innerText(), String(inRegion(code)), `${code}: panelists`);
    assert.equal(await cells.nth(3).innerText(), String(inRegion(code) * CAP), `${code}: votes`);
  }
  const unstated = quotas.getByTestId('quota-region').locator('tbody tr').last().locator('td');
  assert.equal(await unstated.nth(2).innerText(), String(inRegion(null)), 'region not given: panelists');
  const ages = quotas.getByTestId('quota-age');
  for (const [code] of AGES.filter(Boolean)) {
    const n = PROFILES.filter((p) => p.age?.[0] === code).length;
    assert.equal(await ages.locator(`tr[data-level="${code}"] td`).nth(2).innerText(), String(n), `age ${code}`);
  }
  assert.match(await invitations.locator('li.batch-item').first().innerText(), new RegExp(`참여 ${PANELISTS} · 중지 0`));
  await quotas.scrollIntoViewIfNeeded();
  await quotas.screenshot({ path: 'test-results/panel-round-quotas.png' });
  await item.screenshot({ path: 'test-results/panel-round-operator.png' });
  assert.deepEqual(await axeViolations(page), [], 'the operators\' page with the round, its codes and quotas');

  // 6. The operator closes the round; its results are public now, the panel's and the public's
  // apart, and the open arena counted none of it.
  assert.equal((await fetch(`${arena.url}/api/v1/rounds/${id}/results`)).status, 409, 'no results while it runs');
  await item.getByTestId(`round-step-${id}`).filter({ hasText: '마감하기' }).click();
  await item.locator('.round-state[data-state="closed"]').waitFor();
  const res = await fetch(`${arena.url}/api/v1/rounds/${id}/results`);
  assert.equal(res.status, 200);
  const results = await res.json();
  assert.equal(results.panel.table.total_votes, PANELISTS * CAP);
  assert.equal(results.public.table.total_votes, 1);
  const sum = (rows) => rows.reduce((n, r) => n + r.count, 0);
  assert.equal(sum(results.panel.counts.rows), PANELISTS * CAP);
  assert.equal(sum(results.public.counts.rows), 1);
  for (const [, choice] of CHOICES) {
    assert.equal(sum(results.panel.counts.rows.filter((r) => r.choice === choice)), tally[choice], `panel votes for ${choice}`);
  }
  assert.deepEqual(results.public.counts.rows.map((r) => r.choice), ['b']);
  for (const row of [...results.panel.counts.rows, ...results.public.counts.rows]) {
    assert.ok(MODELS.includes(row.model_a) && MODELS.includes(row.model_b) && row.model_a !== row.model_b, JSON.stringify(row));
  }
  const table = await fetch(`${arena.url}/api/v1/leaderboard`).then((r) => r.json());
  assert.equal(table.total_votes, 0, 'a round\'s votes never enter the open arena\'s table');
  assert.deepEqual(operator.problems, [], 'the operators\' page');
  await operator.context.close();
  console.log(`panel round: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
