// The operators' pages (/admin) against a server of this spec's own with one operator token:
// signing in (a wrong token is refused, the right one opens the pages), editing a model's card,
// which citizens then see at the reveal, importing a prompt set (a bad line is shown by file and
// line and nothing is stored; a good one is checked first, then imported with progress), the
// audit log of each change, and a snapshot published there: frozen while votes go on, verified in
// the browser, its battles downloadable. axe finds nothing on the signed-in pages. Screenshots are kept in
// test-results/ for the closing note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';
import { axeViolations } from './support/axe.mjs';

const TOKEN = 'kaiop_e2e-operator-token-0123456789';
const LABEL = '평가사무국';
const SETTINGS = {
  ARENA_MIN_READ_MS: '0',
  ARENA_POW: 'off',
  ARENA_RATE_LIMITS: 'off',
  ARENA_LEADERBOARD_INTERVAL_MS: '200',
  ARENA_OPERATOR_TOKEN_SHA256: `${LABEL}:${createHash('sha256').update(TOKEN).digest('hex')}`,
};

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

async function signIn(page, token = TOKEN) {
  await page.goto(`${arena.url}/admin`);
  await page.getByTestId('operator-token').fill(token);
  await page.getByTestId('operator-sign-in').click();
}

test('a wrong token is refused; the right one opens the pages, kept for the tab only', { skip }, async () => {
  const { page, problems, context } = await openPage(browser);
  await signIn(page, 'kaiop_not-the-token');
  await page.getByRole('alert').filter({ hasText: '운영자 토큰이 맞지 않습니다' }).waitFor();
  assert.equal(await page.getByTestId('model-form-sample-haneul').count(), 0);

  await page.getByTestId('operator-token').fill(TOKEN);
  await page.getByTestId('operator-sign-in').click();
  await page.getByTestId('model-form-sample-haneul').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('kai-operator')), TOKEN);
  assert.equal(await page.evaluate(() => localStorage.getItem('kai-operator')), null);
  // A reload keeps the tab signed in; signing out forgets the token.
  await page.reload();
  await page.getByTestId('model-form-sample-haneul').waitFor();
  await page.getByTestId('operator-sign-out').click();
  await page.getByTestId('operator-token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('kai-operator')), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an edited model card is logged and shown to citizens at the reveal', { skip }, async () => {
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  for (const id of ['sample-haneul', 'sample-gaon', 'sample-dure', 'sample-pado']) {
    const form = page.getByTestId(`model-form-${id}`);
    await form.getByLabel('개발 기관').fill(`${id.slice(7)} 연구소`);
    await form.getByLabel('라이선스').selectOption('open');
    await form.getByLabel('크기 (예: 32B)').fill('32B');
    await form.getByLabel('소개 링크 (https://…)').fill(`https://example.org/${id}`);
    await form.getByRole('button', { name: '저장' }).click();
    await form.getByRole('status').filter({ hasText: '저장했습니다.' }).waitFor();
  }
  // A link that is not http(s) is refused with a message, and nothing changes.
  const haneul = page.getByTestId('model-form-sample-haneul');
  await haneul.getByLabel('소개 링크 (https://…)').fill('javascript:alert(1)');
  await haneul.getByRole('button', { name: '저장' }).click();
  await haneul.getByRole('status').filter({ hasText: '입력한 값을 확인해 주세요: url must be' }).waitFor();

  // The four saves, beside the CLI's import of the sample set.
  const log = page.getByTestId('audit-log');
  const mine = log.locator('tbody tr', { hasText: LABEL });
  await mine.nth(3).waitFor();
  assert.equal(await mine.count(), 4);
  assert.match(await log.locator('tbody tr').last().innerText(), /cli\s+import/);
  const newest = await log.locator('tbody tr').first().innerText();
  assert.match(newest, new RegExp(LABEL));
  assert.match(newest, /model\.update/);
  assert.match(newest, /organisation: — → pado 연구소/);
  assert.deepEqual(await axeViolations(page), [], 'admin page, signed in');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'test-results/admin-models.png' });
  // Never framed, never indexed.
  const response = await fetch(`${arena.url}/admin`);
  assert.match(response.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-robots-tag'), 'noindex, nofollow');

  // A citizen's reveal shows the card.
  const citizen = await openPage(browser, { width: 1280, height: 900 });
  const battle = new BattlePage(citizen.page, arena.url);
  await battle.open();
  await battle.vote('a');
  const card = citizen.page.getByTestId('card-a');
  await card.waitFor();
  const text = await card.innerText();
  assert.match(text, /개발\s*:?\s*\S+ 연구소/);
  assert.match(text, /공개 \(가중치 공개\)/);
  assert.match(text, /32B/);
  assert.equal(await card.getByRole('link').getAttribute('target'), '_blank');
  assert.deepEqual(await axeViolations(citizen.page), [], 'the reveal with model cards');
  await citizen.page.getByTestId('prompt').scrollIntoViewIfNeeded();
  await citizen.page.screenshot({ path: 'test-results/reveal-model-cards.png' });
  assert.deepEqual(citizen.problems, []);
  await citizen.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

const GOOD = JSON.stringify({
  id: 'e2e-q1', category: '생활', prompt: '분리수거할 때 페트병 라벨은 떼야 하나요?',
  answers: [
    { model: 'sample-haneul', text: '네, **라벨을 떼고** 헹군 뒤 압착해 버립니다.' },
    { model: 'sample-gaon', text: '그냥 버려도 됩니다.' },
  ],
});

test('an upload with a bad line is refused by line; a good one is checked, then imported', { skip }, async () => {
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  const files = page.getByTestId('import-files');
  const check = page.getByTestId('import-check');
  const run = page.getByTestId('import-run');
  assert.equal(await run.isDisabled(), true, 'no import before a check');

  await files.setInputFiles({ name: 'round-2.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${GOOD}\n{"id": "e2e-bad", "prompt": ""}\n`) });
  await check.click();
  const list = page.getByTestId('import-problems');
  await list.waitFor();
  assert.match(await list.innerText(), /round-2\.jsonl:2:/);
  assert.match(await page.getByRole('alert').innerText(), /아무것도 저장하지 않았습니다/);
  assert.equal(await run.isDisabled(), true, 'a refused check does not open the import');

  await files.setInputFiles({ name: 'round-2.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${GOOD}\n`) });
  await check.click();
  const report = page.getByTestId('import-report');
  await report.waitFor();
  assert.match(await page.getByTestId('import-result').innerText(), /아무것도 저장하지 않았습니다/);
  assert.match(await report.locator('tr', { hasText: '질문' }).innerText(), /1\s+0/);
  // The dry run stored nothing.
  const before = await fetch(`${arena.url}/api/v1/admin/models`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json());
  assert.equal(before.find((m) => m.id === 'sample-haneul').answers, 48);

  await run.click();
  await page.getByTestId('import-result').getByText('불러왔습니다.').waitFor();
  const after = await fetch(`${arena.url}/api/v1/admin/models`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json());
  assert.equal(after.find((m) => m.id === 'sample-haneul').answers, 49);
  const log = page.getByTestId('audit-log');
  await log.locator('tbody tr', { hasText: LABEL }).filter({ hasText: 'import' }).waitFor();
  assert.match(await log.locator('tbody tr').first().innerText(), /round-2\.jsonl.*질문 1 추가/s);
  await page.getByTestId('import-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-import.png' });
  assert.deepEqual(await axeViolations(page), [], 'admin page after an import');
  assert.deepEqual(problems, []);
  await context.close();
});

async function castVotes(n) {
  for (let i = 0; i < n; i++) {
    const battle = await fetch(`${arena.url}/api/v1/battle`).then((r) => r.json());
    const res = await fetch(`${arena.url}/api/v1/vote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arena-voter': battle.voter },
      body: JSON.stringify({ token: battle.token, choice: i % 3 === 0 ? 'b' : 'a' }),
    });
    assert.equal(res.status, 200);
  }
}

test('a snapshot published on the operator page stays frozen and is verified in the browser', { skip }, async () => {
  await castVotes(12);
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  await page.getByTestId('snapshot-title').fill('2026년 12월 1차 평가');
  await page.getByTestId('snapshot-publish').click();
  const status = page.getByTestId('snapshot-status');
  await status.getByRole('link', { name: '2026년 12월 1차 평가' }).waitFor();
  await page.getByTestId('snapshot-list').waitFor();
  const frozenVotes = (await fetch(`${arena.url}/api/v1/snapshots`).then((r) => r.json()))[0].total_votes;

  // Later votes move the live table only.
  await castVotes(5);
  await status.getByRole('link').click();
  await page.getByTestId('snapshot-notice').waitFor();
  const verification = page.getByTestId('verification');
  await verification.locator('.notice-success').waitFor();
  assert.match(await verification.innerText(), /검증됨/);
  const summary = await page.getByTestId('leaderboard-summary').innerText();
  assert.match(summary, new RegExp(`총 ${frozenVotes}표`));
  const notice = page.getByTestId('snapshot-notice');
  assert.match(await notice.innerText(), /2026년 12월 1차 평가/);
  assert.match(await notice.innerText(), /공공누리 제1유형/);
  // The downloads are the snapshot's battles: as many as its votes.
  const csvHref = await page.getByTestId('download-csv').getAttribute('href');
  const csv = await fetch(`${arena.url}${csvHref}`).then((r) => r.text());
  assert.equal(csv.trim().split('\n').length, frozenVotes + 1);
  const jsonlHref = await page.getByTestId('download-jsonl').getAttribute('href');
  const jsonl = await fetch(`${arena.url}${jsonlHref}`).then((r) => r.text());
  const sha = createHash('sha256').update(jsonl).digest('hex');
  assert.match(await notice.innerText(), new RegExp(sha));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'test-results/snapshot-leaderboard.png' });
  assert.deepEqual(await axeViolations(page), [], 'a snapshot on the leaderboard page');

  // A category of the snapshot is verified the same way; "실시간" goes back to the live table.
  await page.getByTestId('leaderboard-table').waitFor();
  const category = page.locator('nav.category-nav').nth(1).getByRole('link').nth(1);
  await category.click();
  await page.waitForURL(/snapshot=1&category=/);
  await verification.locator('.notice-success').waitFor();
  // The live table takes the 5 later votes at its next recomputation (a pass rests nine times
  // as long as it took, seconds on this debug build): wait for it, then go back to it.
  let live;
  for (let i = 0; i < 120; i++) {
    live = await fetch(`${arena.url}/api/v1/leaderboard`).then((r) => r.json());
    if (live.total_votes === frozenVotes + 5) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(live.total_votes, frozenVotes + 5, 'the live table moved on');
  await page.getByTestId('snapshot-nav').getByRole('link', { name: '실시간' }).click();
  await page.waitForURL(/\/leaderboard$/);
  await page.getByTestId('leaderboard-summary').filter({ hasText: `총 ${frozenVotes + 5}표` }).waitFor();
  assert.equal(await page.getByTestId('snapshot-notice').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an answer held back for naming its model is read and let into battles, logged', { skip }, async () => {
  const upload = {
    files: [{
      name: 'self-naming.jsonl',
      text: `${JSON.stringify({ id: 'e2e-who', category: '생활', prompt: '누구세요?', answers: [
        { model: 'sample-haneul', text: '저는 LG AI연구원이 만든 EXAONE입니다.' },
        { model: 'sample-gaon', text: '안녕하세요, 무엇을 도와드릴까요?' },
      ] })}\n`,
    }],
  };
  const started = await fetch(`${arena.url}/api/v1/admin/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(upload),
  }).then((r) => r.json());
  for (let job = started; job.state === 'running'; await new Promise((r) => setTimeout(r, 100))) {
    job = await fetch(`${arena.url}/api/v1/admin/imports/${job.id}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json());
    if (job.state !== 'running') break;
  }
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  const item = page.getByTestId('held-e2e-who-sample-haneul');
  await item.waitFor();
  assert.match(await item.innerText(), /EXAONE/);
  assert.match(await item.innerText(), /대결에서 뺌/);
  await item.getByRole('button', { name: '읽어 보았고 대결에 내보내기' }).click();
  await page.getByTestId('held-e2e-who-sample-haneul').filter({ hasText: '대결에 나감' }).waitFor();
  const log = page.getByTestId('audit-log');
  await log.locator('tbody tr', { hasText: 'answer.allow' }).waitFor();
  assert.match(await log.locator('tbody tr').first().innerText(), /e2e-who \/ sample-haneul/);
  await page.getByTestId('held-answers').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-held-answers.png' });
  assert.deepEqual(await axeViolations(page), [], 'admin page with an answer held back');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a voter the audit left out is reviewed on the operator page and counted, logged', { skip }, async () => {
  // Three counted votes by one voter, through the API (reading time 0 on this arena).
  const first = await fetch(`${arena.url}/api/v1/battle`).then((r) => r.json());
  const voter = first.voter;
  for (let i = 0; i < 3; i++) {
    const b = i === 0 ? first : await fetch(`${arena.url}/api/v1/battle`, { headers: { 'x-arena-voter': voter } }).then((r) => r.json());
    const res = await fetch(`${arena.url}/api/v1/vote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arena-voter': voter },
      body: JSON.stringify({ token: b.token, choice: 'a' }),
    });
    assert.equal(res.status, 200);
  }
  // What the audit does when it finds a one-sided voter: flag the votes in the database (flags
  // are a bit set; 16 is arena_core::Flag::OneSided.bit()).
  const dbFile = arena.db.replace(/^sqlite:\/\//, '');
  const script = [
    'import sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1])',
    "n = db.execute(\"UPDATE votes SET flags = 16 WHERE flags = 0 AND voter_id = ?\", (sys.argv[2],)).rowcount",
    'db.commit()',
    'print(n)',
  ].join('\n');
  assert.equal(execFileSync('python3', ['-c', script, dbFile, voter.split('.')[0]]).toString().trim(), '3');

  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  const table = page.getByTestId('flagged-voters');
  await table.waitFor();
  const row = table.locator(`[data-testid="flagged-${voter.split('.')[0]}-one_sided"]`);
  assert.match(await row.innerText(), /집계에서 뺌/);
  await row.getByRole('button', { name: '살펴보았고 집계에 넣기' }).click();
  await table.locator('tbody tr', { hasText: '집계에 넣음' }).first().waitFor();
  const log = page.getByTestId('audit-log');
  await log.locator('tbody tr', { hasText: 'votes.count' }).waitFor();
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-flagged-voters.png' });
  assert.deepEqual(await axeViolations(page), [], 'admin page with a reviewed voter');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a category weighed 0 on the operator page is no longer drawn, logged', { skip }, async () => {
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  const list = page.getByTestId('category-weights');
  await list.waitFor();
  const form = list.locator('form').first();
  const category = (await form.locator('strong').innerText()).trim();
  await form.getByRole('spinbutton').fill('0');
  await form.getByRole('button', { name: '저장' }).click();
  await form.getByText('저장했습니다.').waitFor();
  await page.getByTestId('audit-log').locator('tbody tr', { hasText: 'category.weight' }).waitFor();
  await list.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-categories.png' });
  // Every server draws by it within a second.
  await page.waitForTimeout(1100);
  for (let i = 0; i < 20; i++) {
    const b = await fetch(`${arena.url}/api/v1/battle`).then((r) => r.json());
    assert.notEqual(b.prompt.category, category);
  }
  // A bad weight is refused with a readable message and changes nothing.
  await form.getByRole('spinbutton').fill('500');
  await form.getByRole('button', { name: '저장' }).click();
  await form.getByText(/입력한 값을 확인해 주세요/).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'admin page with category weights');
  // Back to the default, so the other tests draw every category.
  await form.getByRole('spinbutton').fill('1');
  await form.getByRole('button', { name: '저장' }).click();
  await form.getByText('저장했습니다.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a round drafted on the operator page is sealed, opened one step at a time, and public once open', { skip }, async () => {
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 1000 });
  await signIn(page);
  const form = page.getByTestId('round-form');
  await form.getByTestId('round-model-sample-haneul').waitFor();
  // Too few models: the page says so before anything is sent.
  await page.locator('#round-name').fill('2026년 12월 1차 시민 평가');
  await form.getByTestId('round-model-sample-haneul').check();
  await page.locator('#round-opens').fill('2026-12-08T09:00');
  await page.locator('#round-closes').fill('2026-12-15T18:00');
  await page.getByTestId('round-create').click();
  await page.getByTestId('round-status').filter({ hasText: '2 to' }).waitFor();
  await form.getByTestId('round-model-sample-pado').check();
  await form.getByTestId('round-category-역사').check();
  await page.getByTestId('round-create').click();
  const rounds = page.getByTestId('rounds');
  const item = rounds.locator('li.round-item').first();
  await item.waitFor();
  const text = await item.innerText();
  assert.match(text, /2026년 12월 1차 시민 평가/);
  assert.match(text, /초안/);
  assert.match(text, /질문 6개/);

  // What the server sealed, and the window read as Korea time.
  const drafts = await fetch(`${arena.url}/api/v1/admin/rounds`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  }).then((r) => r.json());
  assert.equal(drafts.length, 1);
  const round = drafts[0];
  assert.equal(round.opens_at_ms, Date.UTC(2026, 11, 8, 0, 0));
  assert.equal(round.closes_at_ms, Date.UTC(2026, 11, 15, 9, 0));
  assert.deepEqual(round.categories, ['역사']);
  assert.deepEqual(round.models.map((m) => m.id), ['sample-haneul', 'sample-pado']);
  assert.equal(round.reveal, 'after_close');
  assert.ok(text.includes(round.prompts_sha256.slice(0, 12)));
  assert.deepEqual(await fetch(`${arena.url}/api/v1/rounds`).then((r) => r.json()), []);
  await page.evaluate(() => document.getElementById('admin-rounds').scrollIntoView());
  await page.screenshot({ path: 'test-results/admin-rounds-draft.png' });
  assert.deepEqual(await axeViolations(page), [], 'rounds section with a draft');

  await page.getByTestId(`round-step-${round.id}`).click();
  await item.locator('.round-state', { hasText: '진행 중' }).waitFor();
  const open = await fetch(`${arena.url}/api/v1/rounds/${round.id}`).then((r) => r.json());
  assert.equal(open.state, 'open');
  assert.deepEqual(open.models, round.models);
  const log = await fetch(`${arena.url}/api/v1/admin/audit?limit=2`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  }).then((r) => r.json());
  assert.deepEqual(log.map((e) => e.action), ['round.open', 'round.create']);

  await item.screenshot({ path: 'test-results/admin-round-open.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await item.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/admin-rounds-open-390.png' });
  assert.deepEqual(await axeViolations(page), [], 'rounds section at 390 px');
  assert.deepEqual(problems, []);
  await context.close();
});
