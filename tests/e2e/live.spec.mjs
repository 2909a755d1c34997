// Live battles (/live) against a stand-in model provider speaking the OpenAI-compatible API:
// a citizen types a Korean prompt (Enter while an input method composes sends nothing), both
// answers stream in side by side as rendered Markdown, the vote buttons come only when both are
// done, and then it is the battle page's own flow: vote, reveal, reasons. A prompt with personal
// data is refused with a clear message and reaches no model; a failing model ends the battle
// without a vote. Screenshots (test-results/live-*.png) are kept for the closing note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';
import { ProviderStandIn } from './support/openai-standin.mjs';
import { axeViolations } from './support/axe.mjs';

const skip = !SERVER_BIN && 'ARENA_SERVER_BIN not set (run.sh sets it)';

let browser;
let provider;
let arena;
let failing;
let dir;

/** An arena whose live models are these stand-in models, with every setting written out. */
async function arenaWith(models) {
  const file = join(dir, `models-${models.join('-')}.json`);
  writeFileSync(file, JSON.stringify(models.map((m) => ({
    id: `live-${m}`, name: `라이브 ${m}`, base_url: provider.baseUrl, model: m, timeout_secs: 20,
  }))));
  const blocklist = join(dir, 'blocklist.txt');
  writeFileSync(blocklist, '# 보내지 않는 말\n필로폰\n');
  return OwnArena.create({
    ARENA_LIVE_MODELS: file,
    ARENA_LIVE_BLOCKLIST: blocklist,
    ARENA_LIMIT_VOTER_LIVE: '100/hour',
    ARENA_MIN_READ_MS: '0',
    ARENA_POW: 'off',
    ARENA_RATE_LIMITS: 'off',
    ARENA_LEADERBOARD_INTERVAL_MS: '200',
  });
}

before(async () => {
  if (!SERVER_BIN) return;
  dir = mkdtempSync(join(tmpdir(), 'arena-live-'));
  browser = await launch();
  provider = await ProviderStandIn.start();
  arena = await arenaWith(['steady-1', 'held-2']);
  failing = await arenaWith(['steady-1', 'broken']);
});
after(async () => {
  await browser?.close();
  await arena?.close();
  await failing?.close();
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Presses Enter in the prompt field as an input method does while it composes a syllable. */
async function composingEnter(page) {
  await page.getByTestId('live-prompt').evaluate((field) => {
    for (const init of [{ isComposing: true }, { keyCode: 229 }]) {
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
    }
  });
}

test('a Korean prompt is answered live by two anonymous models, then voted and revealed', { skip }, async () => {
  const { page, problems, context } = await openPage(browser);
  await page.goto(`${arena.url}/live`);
  const field = page.getByTestId('live-prompt');
  await field.fill('김장은 언제 하나요');
  // Enter while composing: nothing is sent and nothing is doubled.
  await composingEnter(page);
  await page.waitForTimeout(300);
  assert.equal(provider.requests.length, 0, 'no prompt went out during composition');
  assert.equal(await field.inputValue(), '김장은 언제 하나요');
  // Shift+Enter is a new line; the send button sends.
  await field.press('End');
  await field.press('Shift+Enter');
  await field.type('?');
  assert.equal(await field.inputValue(), '김장은 언제 하나요\n?');
  await field.fill('김장은 언제, 어떻게 하나요?');
  await page.getByTestId('live-send').click();

  // Mid-stream: the held model has written three pieces and waits; the other goes on.
  const battle = new BattlePage(page, arena.url);
  await page.locator('[data-testid=answer-a] h3, [data-testid=answer-b] h3').first().waitFor();
  await page.locator('[data-testid^=answer-] strong', { hasText: '입동' }).first().waitFor();
  assert.equal(await battle.voteButton('a').count(), 0, 'no vote while the answers are still coming');
  assert.equal(await battle.modelName('a').count(), 0, 'anonymous');
  await page.screenshot({ path: 'test-results/live-mid-stream.png', fullPage: true });
  const phone = await openPage(browser, { width: 390, height: 844 });
  await phone.page.goto(`${arena.url}/live`);
  await phone.page.getByTestId('live-prompt').fill('동지에 팥죽을 먹는 까닭은?');
  await phone.page.getByTestId('live-prompt').press('Enter');
  await phone.page.locator('[data-testid^=answer-] strong', { hasText: '입동' }).first().waitFor();
  await phone.page.screenshot({ path: 'test-results/live-mid-stream-390.png', fullPage: true });
  provider.release();

  // Both done: the battle page's own hooks take over.
  await battle.waitAwake();
  assert.match(await battle.prompt().innerText(), /김장은 언제, 어떻게 하나요\?/);
  assert.match(await battle.answer('a').innerText(), /젓갈이 다릅니다/);
  assert.match(await battle.answer('b').innerText(), /젓갈이 다릅니다/);
  assert.equal(await battle.answer('a').locator('ol li').count(), 3, 'rendered as Markdown');
  const revealed = await battle.vote('a');
  assert.deepEqual([revealed.a, revealed.b].sort(), ['라이브 held-2', '라이브 steady-1']);
  await page.getByTestId('reasons').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: 'test-results/live-voted.png', fullPage: true });

  // The vote counts in the live table.
  let table;
  for (let i = 0; i < 50; i++) {
    table = await (await fetch(`${arena.url}/api/v1/leaderboard?category=live`)).json();
    if (table.total_votes === 1) break;
    await page.waitForTimeout(100);
  }
  assert.equal(table.total_votes, 1);

  // Another question: the form again, with the focus in the field.
  await battle.nextBattle().click();
  await field.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'live-prompt');
  phone.page.isClosed() || await phone.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a prompt with personal data or a listed term is refused, clearly, and reaches no model', { skip }, async () => {
  const { page, problems, context } = await openPage(browser);
  await page.goto(`${arena.url}/live`);
  const asked = provider.requests.length;
  const field = page.getByTestId('live-prompt');
  await field.fill('제 연락처 010-1234-5678로 김장 일정을 알려 주세요');
  await page.getByTestId('live-send').click();
  const problem = page.getByTestId('live-problem');
  await problem.waitFor();
  assert.match(await problem.innerText(), /개인정보\(전화번호\)/);
  await page.screenshot({ path: 'test-results/live-personal-data.png' });
  await field.fill('필로 폰 구하는 법');
  await page.getByTestId('live-send').click();
  await problem.filter({ hasText: '보내지 않는 표현' }).waitFor();
  assert.equal(provider.requests.length, asked, 'no model was asked');
  assert.equal(await field.inputValue(), '필로 폰 구하는 법', 'the prompt is kept to be mended');

  await page.goto(`${arena.url}/live?lang=en`);
  await field.fill('My number is 010-1234-5678');
  await page.getByTestId('live-send').click();
  await problem.waitFor();
  assert.match(await problem.innerText(), /personal data \(phone number\)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a model that fails is replaced by a plain message and the battle is not voted', { skip }, async () => {
  const { page, problems, context } = await openPage(browser);
  await page.goto(`${failing.url}/live`);
  await page.getByTestId('live-prompt').fill('동치미 담그는 법');
  await page.getByTestId('live-send').click();
  const problem = page.getByTestId('live-problem');
  await problem.waitFor();
  assert.match(await problem.innerText(), /한 모델이 답하지 못해/);
  await page.locator('.answer-failed', { hasText: '이 모델이 답하지 못했습니다' }).waitFor();
  assert.equal(await page.getByTestId('vote-a').count(), 0);
  await page.screenshot({ path: 'test-results/live-model-failed.png', fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
