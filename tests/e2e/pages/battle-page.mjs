// Page object of the battle page: what a voter sees and does, by data-testid.
import { BASE_URL } from '../browser.mjs';

export class BattlePage {
  constructor(page) { this.page = page; }

  async open(query = '') {
    await this.page.goto(`${BASE_URL}/${query}`);
    await this.answer('a').waitFor();
    await this.answer('b').waitFor();
  }

  prompt() { return this.page.getByTestId('prompt'); }
  answer(side) { return this.page.getByTestId(`answer-${side}`); }
  voteButton(choice) { return this.page.getByTestId(`vote-${choice}`); }
  modelName(side) { return this.page.getByTestId(`model-${side}`); }
  nextBattle() { return this.page.getByTestId('next-battle'); }

  async vote(choice) {
    await this.voteButton(choice).click();
    await this.modelName('a').waitFor();
    await this.modelName('b').waitFor();
    return { a: (await this.modelName('a').innerText()).trim(), b: (await this.modelName('b').innerText()).trim() };
  }
}
