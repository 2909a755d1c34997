// The leaderboard's rating options: the same table with sandwich intervals and with pair
// reweighting, chosen on the page (links, so they can be shared), each recomputed in this browser
// from the published counts and found identical ("검증됨"), like the default table. Relies on
// run.sh's arena: a fixed reading time of 1500 ms (ARENA_MIN_READ_MS), rate limits wide enough
// for a few new voters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { axeViolations } from './support/axe.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const total = async () => (await (await fetch(`${BASE_URL}/api/v1/leaderboard`)).json()).total_votes;

/** Casts `n` counted votes through the API, as n new voters, after the reading time. */
async function vote(n) {
  const battles = await Promise.all(Array.from({ length: n }, async () => {
    const res = await fetch(`${BASE_URL}/api/v1/battle`);
    assert.equal(res.status, 200);
    return res.json();
  }));
  await new Promise((r) => setTimeout(r, 1700));
  for (const [i, b] of battles.entries()) {
    const res = await fetch(`${BASE_URL}/api/v1/vote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arena-voter': b.voter },
      body: JSON.stringify({ token: b.token, choice: ['a', 'b', 'tie'][i % 3] }),
    });
    assert.equal(res.status, 200);
  }
}

test('sandwich intervals and pair reweighting are offered, said and verified in the browser', async () => {
  const before = await total();
  await vote(6);
  for (let i = 0; i < 100 && await total() < before + 6; i++) await new Promise((r) => setTimeout(r, 100));

  const { page, problems, context } = await openPage(browser);
  await page.goto(`${BASE_URL}/leaderboard`);
  const nav = page.getByTestId('method-nav');
  await page.getByTestId('verification').getByText('검증됨').waitFor();
  assert.equal(await nav.getByRole('link', { name: '부트스트랩' }).getAttribute('aria-current'), 'page');

  // Sandwich, from the page's own link.
  await nav.getByRole('link', { name: '샌드위치' }).click();
  await page.waitForURL(/intervals=sandwich/);
  await page.getByTestId('verification').getByText('검증됨').waitFor();
  // The page marks the method it shows once it has rendered it: wait for that, not for the old
  // page's "검증됨".
  await nav.locator('a[aria-current="page"]', { hasText: '샌드위치' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: '샌드위치' }).getAttribute('aria-current'), 'page');
  assert.match(await nav.innerText(), /강건\(샌드위치\) 표준오차/);

  // And every pair alike: both choices kept in the address, verified again.
  await nav.getByRole('link', { name: '쌍마다 같게' }).click();
  await page.waitForURL(/intervals=sandwich.*reweight=true|reweight=true.*intervals=sandwich/);
  await page.getByTestId('verification').getByText('검증됨').waitFor();
  const shown = await page.evaluate(async () => {
    const r = await fetch('/api/v1/leaderboard?intervals=sandwich&reweight=true');
    return r.json();
  });
  assert.equal(shown.intervals, 'sandwich');
  assert.equal(shown.reweighted, true);
  // A category keeps the chosen method.
  const category = page.locator('nav.category-nav').first().locator('a').nth(1);
  if (await category.count()) {
    assert.match(await category.getAttribute('href'), /intervals=sandwich/);
  }
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: 'test-results/leaderboard-sandwich-reweighted.png', fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
