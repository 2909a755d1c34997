// Launches Debian's Chromium headless for the end-to-end tests (Playwright cannot download its own
// browser here). Flags keep Chromium off the network: this machine refuses outside connections.
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.ARENA_URL ?? 'http://127.0.0.1:8080';
/** A second server that asks new voters for proof of work (ARENA_POW=on), started by run.sh. */
export const POW_URL = process.env.ARENA_POW_URL;
/** A third that counts one vote per voter a day (ARENA_CAP_VOTER_DAY=1), started by run.sh. */
export const CAPPED_URL = process.env.ARENA_CAPPED_URL;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** A page that fails the test on any uncaught error or dialog (alert = script ran). */
export async function openPage(browser, { width = 1280, height = 900, reducedMotion = 'no-preference' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR', timezoneId: 'Asia/Seoul', reducedMotion });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  return { context, page, problems };
}
