import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { API, type CoffeeCoWorld, must, type Person } from '../support/world.js';

const SHOPS = `${API}/coffee-shops`;

interface Sale {
  readonly purchaseId: string;
  readonly body: Record<string, unknown>;
}

const usd = (amount: number) => ({ amount, currency: 'USD' });
const sale = (world: CoffeeCoWorld): Sale => must(world.scene.get('sale'), 'nothing was sold yet');

async function sell(world: CoffeeCoWorld, who: Person, items: string[], payment: Record<string, unknown>) {
  const purchaseId = randomUUID();
  const body = { storeId: must(world.scene.get('store'), 'no store yet'), items, ...payment };
  world.scene.set('sale', { purchaseId, body });
  const answer = await world.call(who, 'PUT', `${SHOPS}/purchases/${purchaseId}`, body);
  world.scene.set('answers', [answer]);
}

Given(
  'a store that sells {string} at USD {float} and {string} at USD {float}',
  async function (
    this: CoffeeCoWorld,
    first: string,
    firstPrice: number,
    second: string,
    secondPrice: number,
  ) {
    const manager = await this.staff('store-manager');
    const { id } = await this.ok(manager, 'POST', `${SHOPS}/stores`, { location: 'Seattle, Pike Place' });
    await this.ok(manager, 'PUT', `${SHOPS}/stores/${id}/products`, {
      products: [
        { itemName: first, basePrice: usd(firstPrice) },
        { itemName: second, basePrice: usd(secondPrice) },
      ],
    });
    this.scene.set('store', id);
  },
);

Given('the store gives {int} percent off', async function (this: CoffeeCoWorld, percent: number) {
  const manager = await this.staff('store-manager');
  await this.ok(manager, 'PUT', `${SHOPS}/stores/${this.scene.get('store')}/discount`, { percent });
});

Given('a coffee lover who registered', async function (this: CoffeeCoWorld) {
  const login = { username: `lover-${randomUUID().slice(0, 8)}`, password: 'a long enough password' };
  const { id } = await this.ok('anonymous', 'POST', `${SHOPS}/coffee-lovers`, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    ...login,
  });
  this.scene.set('coffee lover', { subject: id, login } satisfies Person);
});

When(
  'the till sells {string} and {string} paid by card {string}',
  async function (this: CoffeeCoWorld, first: string, second: string, cardToken: string) {
    await sell(this, await this.staff('barista'), [first, second], { means: 'card', cardToken });
  },
);

When(
  'the till sells {string} paid by card {string}',
  async function (this: CoffeeCoWorld, item: string, cardToken: string) {
    await sell(this, await this.staff('barista'), [item], { means: 'card', cardToken });
  },
);

When('the till sells {string} paid in cash', async function (this: CoffeeCoWorld, item: string) {
  await sell(this, await this.staff('barista'), [item], { means: 'cash' });
});

When(
  'they buy {string} paid by card {string}',
  async function (this: CoffeeCoWorld, item: string, cardToken: string) {
    await sell(this, must(this.scene.get('coffee lover'), 'no coffee lover yet'), [item], {
      means: 'card',
      cardToken,
    });
  },
);

When('the till submits the same sale again', async function (this: CoffeeCoWorld) {
  const { purchaseId, body } = sale(this);
  const answer = await this.call(
    await this.staff('barista'),
    'PUT',
    `${SHOPS}/purchases/${purchaseId}`,
    body,
  );
  this.scene.get('answers').push(answer);
});

Then(
  'the purchase is completed with a total of USD {float}',
  async function (this: CoffeeCoWorld, total: number) {
    const reply = must(this.last, 'nothing was sold yet');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.purchase.status, 'completed');
    assert.deepEqual(reply.body.purchase.total, usd(total));
  },
);

Then(
  'the sale is refused with {string} \\({word})',
  function (this: CoffeeCoWorld, detail: string, code: string) {
    const reply = must(this.last, 'nothing was sold yet');
    assert.equal(reply.status, 402, JSON.stringify(reply.body));
    assert.equal(reply.body.detail, detail);
    assert.equal(reply.body.code, code);
  },
);

Then('the purchase has failed', async function (this: CoffeeCoWorld) {
  const purchase = await this.ok(
    await this.staff('barista'),
    'GET',
    `${SHOPS}/purchases/${sale(this).purchaseId}`,
  );
  assert.equal(purchase.purchase.status, 'failed');
});

Then('both answers are the same completed purchase', function (this: CoffeeCoWorld) {
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies
  const [first, second] = this.scene.get('answers') as Array<{ status: number; body: any }>;
  assert.ok(first && second, 'two answers');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(second.body, first.body);
  assert.equal(first.body.purchase.status, 'completed');
});

/** The fake card provider's dashboard, as the operator reads it. */
const chargesOf = async (world: CoffeeCoWorld) =>
  (await world.ok('operator', 'GET', `${SHOPS}/card-provider/charges?purchaseId=${sale(world).purchaseId}`))
    .charges as Array<{ amount: { amount: number; currency: string } }>;

Then(
  'the card provider charged USD {float} for it, once',
  async function (this: CoffeeCoWorld, amount: number) {
    assert.deepEqual(
      (await chargesOf(this)).map((charge) => charge.amount),
      [usd(amount)],
    );
  },
);

Then('the card provider charged nothing for it', async function (this: CoffeeCoWorld) {
  assert.deepEqual(await chargesOf(this), []);
});

Then(
  'their purchases list it, completed at USD {float}',
  async function (this: CoffeeCoWorld, total: number) {
    const lover: Person = must(this.scene.get('coffee lover'), 'no coffee lover yet');
    const { purchases } = await this.ok(lover, 'GET', `${SHOPS}/coffee-lovers/${lover.subject}/purchases`);
    assert.deepEqual(
      purchases.map((purchase: { id: string; status: string; total: unknown }) => [
        purchase.id,
        purchase.status,
        purchase.total,
      ]),
      [[sale(this).purchaseId, 'completed', usd(total)]],
    );
  },
);
