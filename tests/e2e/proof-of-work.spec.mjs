// Proof of work, against the second server run.sh starts with ARENA_POW=on: a browser without a
// voter id is first answered 428 with a challenge; the app solves it (arena_core::pow, in slices)
// and asks again with x-arena-pow. Afterwards its voter id — sent in x-arena-voter from the app's
// own storage, even with no cookie, as in a cross-site frame — needs no more work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, POW_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a new browser solves the proof of work, then votes as a known voter without cookies', { skip: !POW_URL && 'ARENA_POW_URL not set (run.sh sets it)' }, async () => {
  const { page, problems, context } = await openPage(browser, { width: 390, height: 844 });
  const battles = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/v1/battle')) {
      battles.push({ status: r.status(), pow: r.request().headers()['x-arena-pow'], voter: r.request().headers()['x-arena-voter'] });
    }
  });
  const battle = new BattlePage(page, POW_URL);
  const started = Date.now();
  await battle.open();
  const took = Date.now() - started;
  assert.equal(battles.length, 2, JSON.stringify(battles));
  assert.equal(battles[0].status, 428, 'a new voter is asked for proof of work');
  assert.equal(battles[0].pow, undefined);
  assert.equal(battles[1].status, 200, 'the solved challenge is accepted');
  assert.match(battles[1].pow ?? '', /^[\w.-]+:\d+$/, 'the retry carries <challenge>:<nonce>');
  assert.ok(took < 10_000, `solved and shown in ${took} ms`);

  // The voter id is kept by the app, so neither a reload nor a lost cookie costs more work.
  const voter = await page.evaluate(() => localStorage.getItem('kai-voter'));
  assert.match(voter ?? '', /^[0-9a-f]{32}\.\d+\.[0-9a-f]{32}$/, 'id.issued-seconds.signature');
  await context.clearCookies();
  battles.length = 0;
  await battle.open();
  assert.deepEqual(battles.map((b) => [b.status, b.voter]), [[200, voter]], 'no challenge for a known voter');
  await battle.vote('b');
  assert.deepEqual(problems, []);
  await context.close();
});
