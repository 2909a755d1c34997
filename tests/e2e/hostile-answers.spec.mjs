// An answer carrying <script>, onerror= and javascript: links, imported through the CLI, renders as
// text and runs nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('hostile Markdown is shown as text and never executed', async () => {
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open(`?category=${encodeURIComponent('보안시험')}`);

  const answers = page.locator('.markdown');
  const text = (await answers.allInnerTexts()).join('\n');
  assert.match(text, /<script>window.__pwned = 'script'/, 'the script tag is visible as text');
  assert.match(text, /onerror=/, 'the onerror attribute is visible as text');

  for (const selector of ['script', 'img', 'svg', 'iframe', '[onerror]', '[onload]', 'a[href^="javascript"]', 'a[href^="JAVASCRIPT" i]']) {
    assert.equal(await answers.locator(selector).count(), 0, `no ${selector} inside the answers`);
  }
  assert.equal(await answers.locator('a[href="https://www.gov.kr"]').count(), 1, 'a safe link survives');

  // The text of the javascript: link is plain text; clicking it does nothing.
  await page.getByText('여기를 누르세요').click();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no hostile code ran');
  assert.deepEqual(problems, []);

  const models = await battle.vote('both-bad');
  assert.deepEqual(new Set([models.a, models.b]), new Set(['공격 시험 모델 1', '공격 시험 모델 2']));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});
