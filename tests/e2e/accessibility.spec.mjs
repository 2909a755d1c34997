// Accessible to the letter: axe-core with all its rules (best practices included, not only serious
// and critical) finds nothing on every page a citizen or webmaster sees — the battle before and
// after the vote, the leaderboard, about, privacy, webmasters and the embed — at 390 and 1280 px,
// in Korean and English. Reflow at 320 px (no sideways scrolling), reduced motion (nothing moves)
// and forced colors (high contrast: every control keeps a visible edge).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { axeViolations } from './support/axe.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = [
  ['leaderboard', '/leaderboard', (p) => p.getByTestId('verification').locator('.notice-success, .notice-danger, .notice-info:not(:has(.spinner))').first().waitFor()],
  ['about', '/about', (p) => p.getByRole('heading', { level: 1 }).waitFor()],
  ['privacy', '/privacy', (p) => p.getByTestId('privacy-page').waitFor()],
  ['webmasters', '/webmasters', (p) => p.getByTestId('embed-snippet').waitFor()],
];

for (const lang of ['ko', 'en']) {
  for (const width of [390, 1280]) {
    test(`axe: no violations at ${width}px in ${lang}`, async () => {
      const { page, problems, context } = await openPage(browser, { width, height: 900 });
      const battle = new BattlePage(page);
      await battle.open(`?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), [], `battle page at ${width}px`);
      await battle.waitAwake();
      assert.deepEqual(await axeViolations(page), [], `battle page awake at ${width}px`);
      await battle.vote('a');
      assert.deepEqual(await axeViolations(page), [], `battle page after the vote at ${width}px`);
      for (const [name, path, ready] of PAGES) {
        await page.goto(`${BASE_URL}${path}`);
        await ready(page);
        assert.deepEqual(await axeViolations(page), [], `${name} at ${width}px`);
      }
      await page.goto(`${BASE_URL}/embed?lang=${lang}`);
      await battle.answer('a').waitFor();
      assert.deepEqual(await axeViolations(page), [], `embed at ${width}px`);
      await battle.vote('b');
      assert.deepEqual(await axeViolations(page), [], `embed after the vote at ${width}px`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('reflow: nothing scrolls sideways at 320 px', async () => {
  const { page, problems, context } = await openPage(browser, { width: 320, height: 640 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const battle = new BattlePage(page);
  await battle.open();
  assert.ok(await overflow() <= 0, `battle page overflows by ${await overflow()}px`);
  await battle.vote('tie');
  assert.ok(await overflow() <= 0, `battle page after the vote overflows by ${await overflow()}px`);
  for (const [name, path, ready] of PAGES) {
    await page.goto(`${BASE_URL}${path}`);
    await ready(page);
    assert.ok(await overflow() <= 0, `${name} overflows by ${await overflow()}px`);
  }
  await page.goto(`${BASE_URL}/embed?lang=en`);
  await battle.answer('a').waitFor();
  assert.ok(await overflow() <= 0, `embed overflows by ${await overflow()}px`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('reduced motion: nothing animates', async () => {
  const { page, context } = await openPage(browser, { reducedMotion: 'reduce' });
  const battle = new BattlePage(page);
  await battle.open();
  const running = await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
  assert.equal(running, 0, 'no running animation while the buttons sleep');
  const transitions = await page.evaluate(() => getComputedStyle(document.querySelector('[data-testid=vote-a]')).transitionDuration);
  assert.match(transitions, /^0s(, 0s)*$/);
  await context.close();
});

test('forced colors (high contrast): controls keep their edges and the pressed vote is marked', async () => {
  const { page, problems, context } = await openPage(browser);
  await page.emulateMedia({ forcedColors: 'active' });
  const battle = new BattlePage(page);
  await battle.open();
  assert.equal(await page.evaluate(() => matchMedia('(forced-colors: active)').matches), true);
  const edges = await page.evaluate(() => [...document.querySelectorAll('.vote-btn, .lang-switch')]
    .map((b) => getComputedStyle(b).borderTopStyle));
  assert.ok(edges.every((s) => s !== 'none' && s !== 'hidden'), `every button has a border: ${edges}`);
  await battle.vote('b');
  const pressed = await page.evaluate(() => {
    const b = document.querySelector('[data-testid=vote-b]');
    const s = getComputedStyle(b);
    return { outline: s.outlineStyle, width: parseFloat(s.borderTopWidth) };
  });
  assert.ok(pressed.outline !== 'none' || pressed.width >= 3, `the chosen button stands out: ${JSON.stringify(pressed)}`);
  await page.screenshot({ path: 'test-results/forced-colors-voted.png', fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
