// Korean first, English on request: `?lang=en`, the switch in the header, the choice kept in the
// browser; <html lang> and the title follow; numbers and dates in the chosen locale; an API
// error is told in the chosen language from its code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

test('Korean by default; ?lang=en is English; the switch changes and keeps the choice', async () => {
  const { page, problems, context } = await openPage(browser);
  const battle = new BattlePage(page);
  await battle.open();
  assert.equal(await htmlLang(page), 'ko');
  await page.getByRole('heading', { name: '어느 AI가 더 잘 답했을까요?' }).waitFor();

  await battle.open('?lang=en');
  assert.equal(await htmlLang(page), 'en');
  assert.match(await page.title(), /^K-AI Arena/);
  await page.getByRole('heading', { name: 'Which AI answered better?' }).waitFor();
  assert.equal((await battle.voteButton('tie').innerText()).replace(/\s+/g, ' ').trim(), '3 About the same');
  const toKorean = page.getByTestId('lang-switch');
  assert.equal(await toKorean.innerText(), '한국어');
  assert.equal(await toKorean.getAttribute('lang'), 'ko', 'the switch is named in its own language');

  // The switch: the page changes in place (the battle stays), the address follows.
  const prompt = await battle.prompt().innerText();
  await toKorean.click();
  await page.getByRole('heading', { name: '어느 AI가 더 잘 답했을까요?' }).waitFor();
  assert.equal(await htmlLang(page), 'ko');
  assert.equal(await battle.prompt().innerText(), prompt, 'the same battle, not a new one');
  assert.match(page.url(), /lang=ko/);

  // Kept: a new visit without ?lang shows what was chosen last.
  await page.getByTestId('lang-switch').click();
  await page.goto(`${BASE_URL}/about`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'About K-AI Arena');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the leaderboard in English: English words, English numbers and dates', async () => {
  const { page, problems, context } = await openPage(browser);
  await page.goto(`${BASE_URL}/leaderboard?lang=en`);
  const summary = page.getByTestId('leaderboard-summary');
  await summary.waitFor();
  const text = await summary.innerText();
  assert.match(text, /votes/);
  assert.doesNotMatch(text, /[가-힣]{2}/, `no Korean words in "${text}" (category names aside)`);
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => /표/.test(document.querySelector('[data-testid=leaderboard-summary]')?.textContent ?? ''));
  assert.deepEqual(problems, []);
  await context.close();
});

test('an API error is told in the chosen language from its code', async () => {
  for (const [lang, message] of [['en', 'No battles are ready yet.'], ['ko', '아직 준비된 대결이 없습니다.']]) {
    const { page, context } = await openPage(browser);
    // A field with no prompts: the server answers no_battle.
    await page.goto(`${BASE_URL}/?category=${encodeURIComponent('없는 분야')}&lang=${lang}`);
    await page.locator('.notice-danger', { hasText: message }).waitFor();
    await context.close();
  }
});
