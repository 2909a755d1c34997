// A vote is never lost by the network: voted while the server is down, it is kept in the browser
// and shown as saved and pending; when the server is back it arrives (the reveal follows), once.
// A reload while it waits neither loses nor doubles it. Against a server of this spec's own
// (support/arena-server.mjs) that it stops and starts again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { waitForLeaderboard, leaderboardTotals } from './pages/leaderboard-page.mjs';
import { OwnArena, SERVER_BIN } from './support/arena-server.mjs';

const SETTINGS = {
  ARENA_MIN_READ_MS: '0',
  ARENA_POW: 'off',
  ARENA_RATE_LIMITS: 'off',
  ARENA_LEADERBOARD_INTERVAL_MS: '200',
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
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('kai-outbox') ?? '[]'));

test('a vote cast while the server is down arrives once it is back', { skip }, async () => {
  const start = await leaderboardTotals(arena.url);
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page, arena.url);
  await battle.open();
  await battle.waitAwake();
  await arena.stop();

  await battle.voteButton('a').click();
  await page.getByTestId('vote-pending').waitFor();
  assert.match(await page.getByTestId('announcement').innerText(), /저장해 두었습니다/);
  const kept = await outbox(page);
  assert.equal(kept.length, 1, 'the vote is kept in the browser');
  assert.equal(kept[0].choice, 'a');

  await arena.start();
  // The outbox tries again every few seconds: the reveal follows without a click.
  await battle.modelName('a').waitFor({ timeout: 15_000 });
  assert.deepEqual(await outbox(page), [], 'delivered votes leave the outbox');
  const totals = await waitForLeaderboard((t) => t.totalVotes >= start.totalVotes + 1, { baseUrl: arena.url });
  assert.equal(totals.totalVotes, start.totalVotes + 1);
  // The failed sends are the browser's own network errors, not the page's.
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reload while a vote waits neither loses nor doubles it', { skip }, async () => {
  const start = await leaderboardTotals(arena.url);
  const { page, context } = await openPage(browser);
  const battle = new BattlePage(page, arena.url);
  await battle.open();
  await battle.waitAwake();
  await arena.stop();
  await battle.voteButton('b').click();
  await page.getByTestId('vote-pending').waitFor();
  const [pending] = await outbox(page);

  await arena.start();
  const sent = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/vote')) sent.push(JSON.parse(r.postData()).token);
  });
  await page.reload();
  await battle.answer('a').waitFor();
  for (let i = 0; i < 50 && (await outbox(page)).length > 0; i++) await page.waitForTimeout(100);
  assert.deepEqual(await outbox(page), [], 'the vote left the outbox after the reload');
  assert.ok(sent.includes(pending.token), 'sent again with the same battle token');
  const totals = await waitForLeaderboard((t) => t.totalVotes >= start.totalVotes + 1, { baseUrl: arena.url });
  await page.waitForTimeout(500);
  assert.equal((await leaderboardTotals(arena.url)).totalVotes, start.totalVotes + 1, 'counted exactly once');
  assert.equal(totals.totalVotes, start.totalVotes + 1);
  await context.close();
});
