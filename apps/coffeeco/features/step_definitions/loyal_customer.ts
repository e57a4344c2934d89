import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Then, When } from '@cucumber/cucumber';
import { eventually, succeeded } from '@tessera/platform/testing';
import { API, type CoffeeCoWorld, must, type Person } from '../support/world.js';

const coffeeLover = (world: CoffeeCoWorld): Person =>
  must(world.scene.get('coffee lover'), 'no coffee lover yet: "Given a coffee lover who registered" first');

/** The coffee lover buys at the scenario's store, as the purchases' steps do, under a new purchase id. */
async function buy(world: CoffeeCoWorld, item: string, payment: Record<string, unknown>) {
  const purchaseId = randomUUID();
  const body = { storeId: must(world.scene.get('store'), 'no store yet'), items: [item], ...payment };
  world.scene.set('sale', { purchaseId, body });
  await world.call(coffeeLover(world), 'PUT', `${API}/coffee-shops/purchases/${purchaseId}`, body);
}

When(
  'they buy {string} paid by card {string} {int} times',
  async function (this: CoffeeCoWorld, item: string, cardToken: string, times: number) {
    for (let bought = 0; bought < times; bought += 1) {
      await buy(this, item, { means: 'card', cardToken });
      assert.equal(must(this.last, 'no answer').status, 200, JSON.stringify(this.last?.body));
    }
  },
);

When('they buy {string} paid with CoffeeBux', async function (this: CoffeeCoWorld, item: string) {
  await buy(this, item, { means: 'coffeebux', coffeeLoverId: coffeeLover(this).subject });
});

Then(
  /^their CoffeeBux card at the store holds (\d+) free drinks?, (\d+) drinks? to go$/,
  async function (this: CoffeeCoWorld, freeDrinks: string, toGo: string) {
    const lover = coffeeLover(this);
    const store = this.scene.get('store');
    // Stamps follow the purchases' events: the card shows them shortly after the last purchase.
    await eventually(
      `the card at ${store} holds ${freeDrinks} free drinks, ${toGo} to go`,
      async () => {
        const { cards } = succeeded(await this.client.call(lover.login, 'GET', `${API}/loyalty/cards`));
        return (cards as Array<{ storeId: string; freeDrinksAvailable: number; drinksToGo: number }>).find(
          (card) => card.storeId === store,
        );
      },
      (card) => card?.freeDrinksAvailable === Number(freeDrinks) && card.drinksToGo === Number(toGo),
    );
  },
);
