// Page object of the battle page: what a voter sees and does, by data-testid.
import { BASE_URL } from '../browser.mjs';

const CHOICES = ['a', 'b', 'tie', 'both-bad'];

export class BattlePage {
  constructor(page, baseUrl = BASE_URL) { this.page = page; this.baseUrl = baseUrl; }

  async open(query = '') {
    await this.page.goto(`${this.baseUrl}/${query}`);
    await this.answer('a').waitFor();
    await this.answer('b').waitFor();
  }

  prompt() { return this.page.getByTestId('prompt'); }
  answer(side) { return this.page.getByTestId(`answer-${side}`); }
  voteButton(choice) { return this.page.getByTestId(`vote-${choice}`); }
  modelName(side) { return this.page.getByTestId(`model-${side}`); }
  nextBattle() { return this.page.getByTestId('next-battle'); }
  /** The thin bar and the "read both answers" line shown while the buttons sleep. */
  readingTime() { return this.page.getByTestId('reading-time'); }
  /** The polite live region that tells screen readers what changed. */
  announcement() { return this.page.getByTestId('announcement'); }

  /** Each vote button's `aria-disabled` ("true" while asleep for the reading time). */
  async sleeping() {
    const values = await Promise.all(CHOICES.map((c) => this.voteButton(c).getAttribute('aria-disabled')));
    return Object.fromEntries(CHOICES.map((c, i) => [c, values[i]]));
  }

  /** Waits until the vote buttons have woken up after the battle's reading time. */
  async waitAwake(timeout = 15_000) {
    await this.page.locator('[data-testid=vote-a][aria-disabled="false"]').waitFor({ timeout });
  }

  async vote(choice) {
    // Playwright's click waits for an enabled button and counts aria-disabled="true" as disabled;
    // waiting for the buttons to wake first says so and does not depend on that.
    await this.waitAwake();
    await this.voteButton(choice).click();
    await this.modelName('a').waitFor();
    await this.modelName('b').waitFor();
    return { a: (await this.modelName('a').innerText()).trim(), b: (await this.modelName('b').innerText()).trim() };
  }
}
