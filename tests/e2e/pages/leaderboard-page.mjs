// Page object of the leaderboard page.
import { BASE_URL } from '../browser.mjs';

export class LeaderboardPage {
  constructor(page) { this.page = page; }

  async open() {
    await this.page.goto(`${BASE_URL}/leaderboard`);
    await this.page.getByTestId('leaderboard-summary').waitFor();
  }

  table() { return this.page.getByTestId('leaderboard-table'); }

  /** Rows as {name, votes}; the model name is the row header. */
  async rows() {
    return this.table().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      name: tr.querySelector('th').childNodes[0].textContent.trim(),
      votes: Number(tr.lastElementChild.textContent.replace(/,/g, '')),
    })));
  }
}
