// Why did you choose? After the vote, one-tap reasons (optional, editable): the last set tapped
// is stored with the vote, and the leaderboard shows per model how often each reason was given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function reasonsOf(name) {
  const body = await (await fetch(`${BASE_URL}/api/v1/leaderboard`)).json();
  const model = body.models.find((m) => m.name === name);
  return { id: model?.id, given: (model && body.reasons?.[model.id]) ?? {} };
}

test('reasons tapped after the vote reach the leaderboard for the chosen model', async () => {
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();
  const { a: chosen } = await battle.vote('a');
  const before = await reasonsOf(chosen);

  const reasons = page.getByTestId('reasons');
  await reasons.waitFor();
  const chip = (code) => reasons.locator(`[data-reason=${code}]`);
  // Taps faster than the network: the last set is what counts.
  await chip('accuracy').click();
  await chip('korean_context').click();
  await chip('accuracy').click();
  assert.equal(await chip('korean_context').getAttribute('aria-pressed'), 'true');
  assert.equal(await chip('accuracy').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('reasons-status').filter({ hasText: '이유를 저장했습니다' }).waitFor();

  // The table may first show a set saved on the way (accuracy and korean_context, before the
  // last tap's save): wait for the final one.
  const settled = (n) => (n.given.korean_context ?? 0) > (before.given.korean_context ?? 0)
    && (n.given.accuracy ?? 0) === (before.given.accuracy ?? 0);
  let now = await reasonsOf(chosen);
  for (let i = 0; i < 50 && !settled(now); i++) {
    await page.waitForTimeout(100);
    now = await reasonsOf(chosen);
  }
  assert.equal(now.given.korean_context ?? 0, (before.given.korean_context ?? 0) + 1, 'korean_context given once more');
  assert.equal(now.given.accuracy ?? 0, before.given.accuracy ?? 0, 'accuracy was taken back');

  await page.goto(`${BASE_URL}/leaderboard`);
  const row = page.getByTestId('reasons-table').locator('tbody tr', { has: page.getByRole('rowheader', { name: chosen, exact: true }) });
  const cell = await row.locator('[data-reason=korean_context]').innerText();
  assert.equal(Number(cell.replace(/,/g, '')), now.given.korean_context);
  assert.deepEqual(problems, []);
  await context.close();
});

test('"both bad" asks for no reasons', async () => {
  const { page, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();
  await battle.vote('both-bad');
  assert.equal(await page.getByTestId('reasons').count(), 0);
  await context.close();
});
