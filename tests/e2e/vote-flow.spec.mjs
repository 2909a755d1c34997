// A citizen reads a battle, votes, learns which models answered, and sees the leaderboard count it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { LeaderboardPage } from './pages/leaderboard-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function totalVotes() {
  const res = await fetch(`${BASE_URL}/api/v1/leaderboard`);
  return (await res.json()).total_votes;
}

test('vote on a battle, see both models, see the vote on the leaderboard', async () => {
  const before = await totalVotes();
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();

  assert.ok((await battle.prompt().innerText()).trim().length > 0, 'the prompt is shown');
  assert.ok((await battle.answer('a').innerText()).trim().length > 0, 'answer A is shown');
  assert.ok((await battle.answer('b').innerText()).trim().length > 0, 'answer B is shown');
  assert.equal(await battle.modelName('a').count(), 0, 'no model is named before the vote');

  const models = await battle.vote('a');
  assert.ok(models.a && models.b, 'both model names are revealed');
  assert.notEqual(models.a, models.b, 'a battle is between two different models');
  assert.equal(await battle.voteButton('b').isDisabled(), true, 'a voted battle cannot be voted again');
  await battle.nextBattle().waitFor();

  // The table is recomputed off the request path; wait until the server has it, then look.
  for (let i = 0; i < 100 && await totalVotes() !== before + 1; i++) {
    await page.waitForTimeout(100);
  }
  const board = new LeaderboardPage(page);
  await board.open();
  const rows = await board.rows();
  const names = rows.map((r) => r.name);
  assert.ok(names.includes(models.a) && names.includes(models.b), `both models are ranked: ${JSON.stringify(rows)}`);
  assert.ok(rows.every((r) => r.votes >= 1));
  const summary = await page.getByTestId('leaderboard-summary').innerText();
  assert.match(summary, new RegExp(`총 ${(before + 1).toLocaleString('ko-KR')}표`));

  // The browser recomputes the table from the published counts and finds it identical.
  await page.getByTestId('verification').getByText('검증됨').waitFor();
  assert.equal(await page.getByTestId('ci-chart').count(), 1, 'the intervals are drawn');
  const chartText = await page.locator('#ci-chart-desc').textContent();
  assert.ok(chartText.includes(models.a) && chartText.includes(models.b), 'the chart has a text alternative');
  await page.getByTestId('win-rate-heatmap').waitFor();

  // A category's own table, reached from the category links.
  const category = await page.locator('.chip-list a').nth(1).innerText();
  await page.locator('.chip-list a').nth(1).click();
  await page.waitForFunction((c) => document.querySelector('[data-testid=leaderboard-summary]')?.textContent.startsWith(c), category);
  await page.getByTestId('verification').getByText('검증됨').waitFor();

  await page.goto(`${BASE_URL}/`);
  await battle.answer('a').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the next battle button loads a new battle that can be voted on', async () => {
  const { page, problems, context } = await openPage(browser, { width: 390, height: 844 });
  const battle = new BattlePage(page);
  await battle.open();
  await battle.vote('tie');
  await battle.nextBattle().click();
  await page.getByTestId('vote-a').and(page.locator(':enabled')).waitFor();
  assert.equal(await battle.modelName('a').count(), 0, 'the new battle is anonymous again');
  await battle.vote('both-bad');
  assert.deepEqual(problems, []);
  await context.close();
});
