// A new battle gives its reader time: the vote buttons sleep for the battle's min_read_ms
// (run.sh: ARENA_MIN_READ_MS=1500). Asleep they can be reached and read but send nothing; then
// they wake, and a vote cast after waking counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { leaderboardTotals, waitForLeaderboard } from './pages/leaderboard-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the vote buttons sleep for the reading time, then wake, and the vote counts', async () => {
  const start = await leaderboardTotals();
  const { page, problems, context } = await openPage(browser);
  const votes = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/vote')) votes.push(r); });
  // When the battle's answer reached the browser: the app can start the reading time no sooner.
  const drawn = page.waitForResponse((r) => r.url().includes('/api/v1/battle'))
    .then((response) => ({ response, at: Date.now() }));
  const battle = new BattlePage(page);
  await battle.open();
  const { response, at: drawnAt } = await drawn;
  const body = await response.json();
  assert.equal(body.min_read_ms, 1500, 'run.sh sets a reading time of 1.5 s');

  // Asleep: aria-disabled, not disabled, so Tab still reaches them.
  assert.deepEqual(await battle.sleeping(), { a: 'true', b: 'true', tie: 'true', 'both-bad': 'true' });
  assert.equal(await battle.voteButton('a').evaluate((b) => b.disabled), false);
  assert.match(await battle.readingTime().innerText(), /두 답변을 읽어 주세요/);
  assert.match(await battle.announcement().innerText(), /2초 뒤에 투표할 수 있습니다/);

  // Scrolled to the end, as a voter on a phone is when the buttons are in reach.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const buttonTop = await battle.voteButton('a').evaluate((b) => b.getBoundingClientRect().top);

  // A click (forced past Playwright's own wait for enabled) and Enter on a focused button do nothing.
  await battle.voteButton('a').click({ force: true });
  await battle.voteButton('b').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
  assert.equal(votes.length, 0, 'no vote was sent while asleep');
  assert.equal(await battle.modelName('a').count(), 0, 'nothing was revealed');
  assert.equal(await battle.voteButton('a').getAttribute('aria-pressed'), 'false');

  await battle.waitAwake(body.min_read_ms + 1000);
  const slept = Date.now() - drawnAt;
  assert.ok(slept >= body.min_read_ms - 100, `not before the reading time (${slept} ms)`);
  assert.ok(slept <= body.min_read_ms + 1000, `but within a second of it (${slept} ms)`);
  assert.deepEqual(await battle.sleeping(), { a: 'false', b: 'false', tie: 'false', 'both-bad': 'false' });
  assert.equal(await battle.readingTime().isVisible(), false, 'the reading hint is gone');
  const [asleepTop, awakeTop] = [buttonTop, await battle.voteButton('a').evaluate((b) => b.getBoundingClientRect().top)];
  assert.equal(awakeTop, asleepTop, 'waking moves no button, even on a page scrolled to its end');
  assert.equal(await battle.announcement().innerText(), '이제 투표할 수 있습니다.');

  const models = await battle.vote('a');
  assert.ok(models.a && models.b);
  assert.equal(votes.length, 1);
  assert.equal(votes[0].headers()['x-arena-voter'], body.voter, 'the vote says which voter sends it');

  const end = await waitForLeaderboard((t) => t.totalVotes === start.totalVotes + 1);
  assert.equal(end.totalVotes, start.totalVotes + 1, 'the vote is counted');
  assert.equal(end.excluded.total, start.excluded.total, 'and not left out');
  assert.deepEqual(problems, []);
  await context.close();
});

test('with reduced motion the reading bar stands still', async () => {
  const { page, problems, context } = await openPage(browser, { reducedMotion: 'reduce' });
  const battle = new BattlePage(page);
  await battle.open();
  await battle.readingTime().waitFor();
  const animations = await battle.readingTime().evaluate((el) => el.getAnimations({ subtree: true }).length);
  assert.equal(animations, 0, 'no animation runs');
  await battle.vote('tie');
  assert.deepEqual(problems, []);
  await context.close();
});
