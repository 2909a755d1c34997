// Nothing is learned for free: a vote that is kept but not counted (here: beyond the voter's
// daily cap, on a server that counts one vote per voter a day) names no model. The page says
// why, in Korean and in English, and stays accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, CAPPED_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';
import { axeViolations } from './support/axe.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a vote beyond the daily cap is kept, explained, and reveals no model', { skip: !CAPPED_URL && 'ARENA_CAPPED_URL is not set (tests/e2e/run.sh starts it)' }, async () => {
  const { page, problems, context } = await openPage(browser);
  // Every battle drawn and every vote sent, in order: the second vote's answer is found by its
  // battle's token (not "the next vote response"), and a failure says what the browser did.
  const seen = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/v1/battle' && r.ok()) {
      seen.push(r.json().then((b) => ({ battle: b.token, voter: b.voter?.split('.')[0] }), () => ({})));
    } else if (path === '/api/v1/vote') {
      const sent = JSON.parse(r.request().postData() ?? '{}');
      seen.push(r.json().catch(() => null).then((body) => ({ vote: sent.token, choice: sent.choice, status: r.status(), body })));
    }
  });
  const battle = new BattlePage(page, CAPPED_URL);
  await battle.open();
  const first = await battle.vote('a');
  assert.ok(first.a && first.b, 'the first vote counts and names both models');

  await battle.nextBattle().click();
  await battle.waitAwake();
  await battle.voteButton('b').click();
  await page.getByTestId('not-counted').or(battle.modelName('a')).waitFor();
  const traffic = await Promise.all(seen);
  const said = JSON.stringify(traffic, null, 1);
  const battles = traffic.filter((t) => t.battle);
  assert.equal(battles.length, 2, `two battles drawn: ${said}`);
  assert.equal(battles[1].voter, battles[0].voter, `both battles sealed to one voter: ${said}`);
  const second = traffic.find((t) => t.vote === battles[1].battle);
  assert.ok(second, `the second battle's vote was sent: ${said}`);
  assert.deepEqual(second.body, { not_counted: ['voter_daily_cap'] }, `the answer names no model: ${said}`);

  const notice = page.getByTestId('not-counted');
  await notice.waitFor();
  const box = await page.locator('.result-box').innerText();
  assert.match(box, /집계되지 않습니다/);
  assert.match(box, /오늘 집계할 수 있는 투표 수를 모두 쓰셨습니다/);
  assert.match(box, /모델을 공개하지 않습니다|어떤 모델이 답했는지 공개하지 않습니다/);
  assert.equal(await battle.modelName('a').count(), 0, 'no model name on the page');
  assert.equal(await battle.modelName('b').count(), 0);
  assert.match(await battle.announcement().innerText(), /오늘 집계할 수 있는 투표 수/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: 'test-results/not-counted-ko.png' });

  // The same in English, on the next battle (the cap holds all day).
  await page.goto(`${CAPPED_URL}/?lang=en`);
  await battle.answer('a').waitFor();
  await battle.waitAwake();
  await battle.voteButton('tie').click();
  await page.getByTestId('not-counted').waitFor();
  const english = await page.locator('.result-box').innerText();
  assert.match(english, /kept but not counted/);
  assert.match(english, /reached today's number of counted votes/);
  assert.match(english, /reveals no model/);
  await page.screenshot({ path: 'test-results/not-counted-en.png' });
  assert.deepEqual(problems, []);
  await context.close();
});
