import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import type { Reply } from '@tessera/platform/testing';
import { API, type CoffeeCoWorld, must } from '../support/world.js';

/** "250.00" US dollars as cents, the API's unit; never through a float. */
const cents = (dollars: string) => {
  const match = /^(\d+)\.(\d{2})$/.exec(dollars);
  if (!match) throw new Error(`write an amount as dollars and cents, e.g. 250.00, not ${dollars}`);
  return String(Number(match[1]) * 100 + Number(match[2]));
};

async function ask(world: CoffeeCoWorld, times: number, trip: Record<string, string>) {
  const path = `${API}/recommendations?${new URLSearchParams(trip)}`;
  const answers: Reply[] = [];
  // Anyone may ask: a recommendation reads nothing of the person asking.
  for (let n = 0; n < times; n++) answers.push(await world.call('anonymous', 'GET', path));
  world.scene.set('recommendations', answers);
}

When(
  'a coffee lover asks {int} times for a hotel in {word} from {word} to {word} within a budget of {word} US dollars',
  async function (
    this: CoffeeCoWorld,
    times: number,
    location: string,
    from: string,
    to: string,
    budget: string,
  ) {
    await ask(this, times, { location, from, to, budget: cents(budget) });
  },
);

When(
  'a coffee lover asks for a hotel in {word} from {word} to {word} within a budget of {word} US dollars',
  async function (this: CoffeeCoWorld, location: string, from: string, to: string, budget: string) {
    await ask(this, 1, { location, from, to, budget: cents(budget) });
  },
);

Then(
  'every answer recommends {string} for {word} US dollars',
  function (this: CoffeeCoWorld, hotel: string, total: string) {
    const answers = must(this.scene.get('recommendations') as Reply[] | undefined, 'nothing was asked yet');
    for (const answer of answers) {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.hotelName, hotel);
      assert.deepEqual(answer.body.totalCost, { cost: Number(cents(total)), currency: 'USD' });
    }
  },
);

Then('CoffeeCo says no trip fits the budget', function (this: CoffeeCoWorld) {
  const reply = must(this.last, 'nothing was asked yet');
  assert.equal(reply.status, 404, JSON.stringify(reply.body));
  assert.equal(reply.body.code, 'no_trips_within_budget');
});
