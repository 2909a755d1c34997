// Answers side by side from 1024px, stacked on a phone; screenshots of both and of the
// leaderboard go to test-results/ for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const [width, sideBySide] of [[1280, true], [1024, true], [390, false]]) {
  test(`battle page at ${width}px: answers ${sideBySide ? 'side by side' : 'stacked'}`, async () => {
    const { page, problems, context } = await openPage(browser, { width, height: 900 });
    const battle = new BattlePage(page);
    await battle.open();
    const a = await page.locator('.answer-card').nth(0).boundingBox();
    const b = await page.locator('.answer-card').nth(1).boundingBox();
    if (sideBySide) {
      assert.equal(Math.round(a.y), Math.round(b.y), 'cards share a row');
      assert.ok(b.x > a.x + a.width - 1, 'B is right of A');
    } else {
      assert.ok(b.y >= a.y + a.height - 1, 'B is below A');
      assert.ok(a.width > width * 0.8, 'a card takes the width of the phone');
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    await page.screenshot({ path: `test-results/battle-${width}.png`, fullPage: true });
    await battle.vote('a');
    await page.screenshot({ path: `test-results/battle-${width}-voted.png`, fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('leaderboard screenshot', async () => {
  const { page, context } = await openPage(browser, { width: 1280, height: 900 });
  await page.goto(`${BASE_URL}/leaderboard`);
  await page.getByTestId('leaderboard-table').waitFor();
  await page.screenshot({ path: 'test-results/leaderboard-1280.png', fullPage: true });
  await context.close();
});
