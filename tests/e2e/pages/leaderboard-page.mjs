// Page object of the leaderboard page.
import { BASE_URL } from '../browser.mjs';

export class LeaderboardPage {
  constructor(page) { this.page = page; }

  async open() {
    await this.page.goto(`${BASE_URL}/leaderboard`);
    await this.page.getByTestId('leaderboard-summary').waitFor();
  }

  table() { return this.page.getByTestId('leaderboard-table'); }
  /** The line and list of votes kept but left out of the table, with their reasons. */
  excludedVotes() { return this.page.getByTestId('excluded-votes'); }

  /** Rows as {name, votes}; the model name is the row header. */
  async rows() {
    return this.table().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      name: tr.querySelector('th').childNodes[0].textContent.trim(),
      votes: Number(tr.lastElementChild.textContent.replace(/,/g, '')),
    })));
  }
}

/** What `GET /api/v1/leaderboard` says now: counted votes and votes left out, by reason. */
export async function leaderboardTotals(baseUrl = BASE_URL) {
  const res = await fetch(`${baseUrl}/api/v1/leaderboard`);
  const body = await res.json();
  return { totalVotes: body.total_votes, excluded: body.excluded };
}

/** Polls the leaderboard (recomputed off the request path) until `done(totals)` holds. */
export async function waitForLeaderboard(done, { baseUrl = BASE_URL, timeout = 10_000 } = {}) {
  const until = Date.now() + timeout;
  let totals = await leaderboardTotals(baseUrl);
  while (!done(totals) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    totals = await leaderboardTotals(baseUrl);
  }
  return totals;
}
