// A vote sent sooner than the reading time is kept but not counted, and the leaderboard says so:
// how many votes were left out, and why, in Korean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { LeaderboardPage, leaderboardTotals, waitForLeaderboard } from './pages/leaderboard-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Draws a battle and votes on it at once, as a script would: a too_fast vote. */
async function voteTooFast() {
  const drawn = await (await fetch(`${BASE_URL}/api/v1/battle`)).json();
  const res = await fetch(`${BASE_URL}/api/v1/vote`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-arena-voter': drawn.voter },
    body: JSON.stringify({ token: drawn.token, choice: 'a' }),
  });
  assert.equal(res.status, 200, 'the vote is stored');
}

test('votes cast too fast are left out, counted by reason, and the page says they are kept', async () => {
  const start = await leaderboardTotals();
  await voteTooFast();
  await voteTooFast();
  const end = await waitForLeaderboard((t) => t.excluded.total === start.excluded.total + 2);
  assert.equal(end.excluded.total, start.excluded.total + 2);
  assert.equal(end.excluded.reasons.too_fast, (start.excluded.reasons.too_fast ?? 0) + 2);
  assert.equal(end.totalVotes, start.totalVotes, 'the table counts neither');

  const { page, problems, context } = await openPage(browser);
  const board = new LeaderboardPage(page);
  await board.open();
  const text = await board.excludedVotes().innerText();
  assert.match(text, new RegExp(`집계에서 제외된 투표 ${end.excluded.total.toLocaleString('ko-KR')}건`));
  assert.match(text, new RegExp(`너무 빨리 투표됨\\(읽는 시간 미달\\): ${end.excluded.reasons.too_fast.toLocaleString('ko-KR')}건`));
  assert.match(text, /삭제하지 않고/);
  assert.deepEqual(problems, []);
  await context.close();
});
