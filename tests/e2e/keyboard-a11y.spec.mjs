// Keyboard only: reach the vote buttons with Tab, vote with Enter, land on "다음 대결".
// Keys 1–4 vote too. (axe-core on every page: accessibility.spec.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a keyboard user can vote and is taken to the next battle button', async () => {
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'vote-b'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.dataset?.testid ?? '');
  }
  assert.equal(focused, 'vote-b', 'Tab reaches the vote buttons');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineWidth);
  assert.equal(ring, '4px', 'the focused button shows a 4px focus ring');
  // The buttons may still sleep for the reading time (reading-time.spec.mjs): Enter counts once awake.
  await battle.waitAwake();
  await page.keyboard.press('Enter');
  await battle.modelName('b').waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'next-battle');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the skip link is the first stop and takes keyboard focus to the main content', async () => {
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '본문 바로가기');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement?.closest('header') === null);
  assert.ok(next, 'the next Tab stays in the main content, not the header');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keys 1–4 vote once the buttons are awake; not while asleep, typing or composing Hangul', async () => {
  const { page, problems, context } = await openPage(browser);
  const votes = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/vote')) votes.push(JSON.parse(r.postData()).choice); });
  const battle = new BattlePage(page);
  await battle.open();
  assert.equal(await battle.voteButton('b').getAttribute('aria-keyshortcuts'), '2');
  // Asleep for the reading time (run.sh: 1.5 s): the key does nothing.
  assert.equal((await battle.sleeping()).b, 'true');
  await page.keyboard.press('2');
  await battle.waitAwake();
  // An input method composing Hangul sends its keys with isComposing / keyCode 229: not votes.
  await page.evaluate(() => {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '1', bubbles: true, isComposing: true }));
    const legacy = new KeyboardEvent('keydown', { key: '1', bubbles: true });
    Object.defineProperty(legacy, 'keyCode', { get: () => 229 });
    document.body.dispatchEvent(legacy);
  });
  // Typing in a field is typing, not voting.
  await page.evaluate(() => {
    const field = document.createElement('input');
    field.id = 'typing-test';
    field.setAttribute('aria-label', 'test field');
    document.querySelector('main').append(field);
  });
  await page.focus('#typing-test');
  await page.keyboard.type('1234');
  await page.evaluate(() => document.getElementById('typing-test').remove());
  await page.waitForTimeout(300);
  assert.deepEqual(votes, [], 'no vote yet');

  await page.keyboard.press('2');
  await battle.modelName('b').waitFor();
  assert.deepEqual(votes, ['b'], 'key 2 voted B, once');
  assert.equal(await battle.voteButton('b').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('1');
  await page.waitForTimeout(300);
  assert.deepEqual(votes, ['b'], 'after the vote the keys do nothing');
  assert.deepEqual(problems, []);
  await context.close();
});
