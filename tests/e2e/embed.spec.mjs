// A portal embeds the arena with the webmaster's snippet: a host page on another origin
// (http://localhost:P, while the arena is http://127.0.0.1:Q) loads embed.js, which frames /embed.
// Inside the frame a citizen votes and sees the reveal, and the frame's height follows its
// content. A host that the arena's ARENA_EMBED_ORIGINS does not list gets no arena.
// run.sh starts the arena with ARENA_EMBED_ORIGINS=http://localhost:$EMBED_HOST_PORT.
// Screenshots of the embed at 390 and 1280 px, in Korean and English, go to test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, openPage, BASE_URL } from './browser.mjs';
import { BattlePage } from './pages/battle-page.mjs';

const ALLOWED_PORT = Number(process.env.EMBED_HOST_PORT);
const DENIED_PORT = Number(process.env.EMBED_DENIED_PORT);

/** A portal's page: some text of its own, the snippet, more text. */
function hostPage(attributes, pageLang) {
  return `<!DOCTYPE html><html lang="${pageLang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>portal</title>
<style>body{margin:0;font-family:sans-serif;background:#eef}header,footer{padding:16px;background:#235;color:#fff}main{padding:8px}</style></head>
<body><header><h1>○○시청 누리집</h1></header><main>
<p>시민 여러분, 한국어 AI 평가에 참여해 주세요.</p>
<div data-kai-arena ${attributes}></div>
<script src="${BASE_URL}/embed.js" async></script>
</main><footer id="portal-footer">portal footer</footer></body></html>`;
}

let browser;
const hosts = [];
function serveHost(port) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, `http://localhost:${port}`);
    const attributes = url.searchParams.get('attrs') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(hostPage(attributes, url.searchParams.get('page_lang') ?? 'ko'));
  });
  hosts.push(server);
  return new Promise((resolve) => server.listen(port, 'localhost', resolve));
}

before(async () => {
  assert.ok(ALLOWED_PORT && DENIED_PORT, 'run.sh sets EMBED_HOST_PORT and EMBED_DENIED_PORT');
  browser = await launch();
  await serveHost(ALLOWED_PORT);
  await serveHost(DENIED_PORT);
});
after(async () => {
  await browser?.close();
  for (const h of hosts) h.close();
});

async function arenaFrame(page) {
  const element = await page.waitForSelector('iframe[data-kai-arena-frame]');
  return { element, frame: await element.contentFrame() };
}

/** The frame's height as the host set it, and the height of the content inside. */
async function heights(element, frame) {
  const outer = await element.evaluate((f) => f.getBoundingClientRect().height);
  const inner = await frame.evaluate(() => document.querySelector('.embed-content').offsetHeight);
  return { outer, inner };
}

/** The whole host page, frame included. Not `fullPage`: Chromium paints a cross-origin frame only
 * where the viewport is, so the viewport is made as tall as the page for the picture. */
async function snapshot(page, path) {
  const { width, height } = page.viewportSize();
  const full = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: full });
  await page.waitForTimeout(300);
  await page.screenshot({ path });
  await page.setViewportSize({ width, height });
}

async function waitFitted(element, frame) {
  for (let i = 0; i < 50; i++) {
    const h = await heights(element, frame);
    if (Math.abs(h.outer - h.inner) <= 1) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  const h = await heights(element, frame);
  assert.fail(`the frame (${h.outer}px) never fitted its content (${h.inner}px)`);
}

for (const width of [1280, 390]) {
  test(`an allowed portal embeds the arena; a vote goes through in the frame at ${width}px`, async () => {
    const { page, problems, context } = await openPage(browser, { width, height: 900 });
    await page.goto(`http://localhost:${ALLOWED_PORT}/?attrs=${encodeURIComponent('data-lang="ko"')}`);
    const { element, frame } = await arenaFrame(page);
    assert.equal(await element.getAttribute('title'), 'K-AI 아레나: 두 AI 답변을 비교하고 투표하기');
    const battle = new BattlePage(frame);
    await battle.answer('a').waitFor();
    await battle.answer('b').waitFor();
    // Nothing of the site's chrome: no header, no site footer.
    assert.equal(await frame.locator('.site-header, .site-footer').count(), 0);
    const before = await waitFitted(element, frame);
    await snapshot(page, `test-results/embed-ko-${width}.png`);

    const models = await battle.vote('a');
    assert.ok(models.a && models.b, 'the reveal shows inside the frame');
    const afterVote = await waitFitted(element, frame);
    assert.ok(afterVote.outer > before.outer, `the frame grew with the reveal (${before.outer} → ${afterVote.outer})`);
    const leaderboard = frame.getByRole('link', { name: /리더보드 보기/ });
    assert.equal(await leaderboard.getAttribute('target'), '_blank', 'the leaderboard opens in a new tab');
    await snapshot(page, `test-results/embed-ko-${width}-voted.png`);

    // The next battle replaces the reveal: the frame follows its new content (waitFitted fails
    // unless the host's frame and the content inside agree).
    await battle.nextBattle().click();
    await frame.locator('.result-box').waitFor({ state: 'detached' });
    await battle.answer('a').waitFor();
    await waitFitted(element, frame);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`the embed speaks English on an English page at ${width}px`, async () => {
    const { page, problems, context } = await openPage(browser, { width, height: 900 });
    // No data-lang: the page's own <html lang="en"> decides.
    await page.goto(`http://localhost:${ALLOWED_PORT}/?page_lang=en`);
    const { element, frame } = await arenaFrame(page);
    assert.equal(await element.getAttribute('title'), 'K-AI Arena: compare two AI answers and vote');
    const battle = new BattlePage(frame);
    await battle.answer('a').waitFor();
    assert.equal(await frame.evaluate(() => document.documentElement.lang), 'en');
    await frame.getByRole('heading', { name: 'Which AI answered better?' }).waitFor();
    await waitFitted(element, frame);
    await snapshot(page, `test-results/embed-en-${width}.png`);
    await battle.vote('b');
    await frame.getByText('Thank you for voting!').waitFor();
    await waitFitted(element, frame);
    await snapshot(page, `test-results/embed-en-${width}-voted.png`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a category chosen by the snippet is the only one drawn', async () => {
  const { page, context } = await openPage(browser);
  const category = '법률·행정';
  await page.goto(`http://localhost:${ALLOWED_PORT}/?attrs=${encodeURIComponent(`data-category="${category}"`)}`);
  const { frame } = await arenaFrame(page);
  await frame.locator('.badge-category').waitFor();
  assert.equal((await frame.locator('.badge-category').innerText()).trim(), category);
  await context.close();
});

test('a portal that is not allowed gets no arena in its frame', async () => {
  const { page, context } = await openPage(browser);
  const blocked = [];
  page.on('console', (m) => { if (/frame-ancestors/.test(m.text())) blocked.push(m.text()); });
  await page.goto(`http://localhost:${DENIED_PORT}/`);
  const { element } = await arenaFrame(page);
  await page.waitForTimeout(2000);
  const frame = await element.contentFrame();
  const arenaLoaded = frame ? await frame.locator('[data-testid=prompt], .embed-content').count() : 0;
  assert.equal(arenaLoaded, 0, 'nothing of the arena renders in a frame the arena did not allow');
  assert.ok(blocked.length > 0 || !frame || frame.url().startsWith('chrome-error:'), `the browser refused the frame (${frame?.url()})`);
  assert.equal(await element.evaluate((f) => f.style.height), '640px', 'no height message came');
  await context.close();
});
