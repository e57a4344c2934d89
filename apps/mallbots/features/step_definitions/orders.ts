import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import { cents } from '../support/assertions.js';
import { type MallBotsWorld, must } from '../support/world.js';

const SETTLED = new Set(['approved', 'rejected', 'canceled', 'ready', 'completed']);

async function basketTotal(world: MallBotsWorld): Promise<number> {
  return (await world.ok('GET', `/api/baskets/${world.basket}`)).basket.total;
}

async function authorize(world: MallBotsWorld, customerId: string, amount: number) {
  const { id } = await world.ok('POST', '/api/payments', { customerId, amountCents: cents(amount) });
  world.scene.payment = id;
}

async function checkOut(world: MallBotsWorld, paymentId: string) {
  const reply = await world.call('PUT', `/api/baskets/${world.basket}/checkout`, { paymentId });
  if (reply.status === 204) {
    // The order takes the basket's id.
    world.scene.order = world.basket;
    world.scene.orders.add(world.basket);
  }
  return reply;
}

export async function readOrder(world: MallBotsWorld, id = world.order) {
  return (await world.find(`/api/ordering/${id}`))?.order;
}

/** The order once the create-order saga has decided (or anything after). */
export async function settledOrder(world: MallBotsWorld) {
  return eventually(
    'the order is settled',
    () => readOrder(world),
    (order) => order !== undefined && SETTLED.has(order.status),
  );
}

export async function orderReaches(world: MallBotsWorld, status: string) {
  return eventually(
    `the order is ${status}`,
    () => readOrder(world),
    (order) => order?.status === status,
  );
}

export async function shoppingList(world: MallBotsWorld) {
  const order = await readOrder(world);
  const id = must(order?.shoppingListId, `the order has no shopping list: ${JSON.stringify(order)}`);
  return (await world.ok('GET', `/api/depot/shopping/${id}`)).shoppingList;
}

export async function checkOutApproved(world: MallBotsWorld) {
  await authorize(world, world.customer, await basketTotal(world));
  const reply = await checkOut(world, world.scene.payment!);
  assert.equal(reply.status, 204, JSON.stringify(reply.body));
  const order = await settledOrder(world);
  assert.equal(order.status, 'approved', JSON.stringify(order));
}

Given('I authorize a payment for the basket total', async function (this: MallBotsWorld) {
  await authorize(this, this.customer, await basketTotal(this));
});

Given('I authorize a payment of {float}', async function (this: MallBotsWorld, amount: number) {
  await authorize(this, this.customer, amount);
});

When(
  'someone who never registered authorizes a payment of {float}',
  async function (this: MallBotsWorld, amount: number) {
    await this.call('POST', '/api/payments', { customerId: crypto.randomUUID(), amountCents: cents(amount) });
  },
);

Given(
  '{string} authorizes a payment for the basket total',
  async function (this: MallBotsWorld, name: string) {
    await authorize(this, this.id('customer', name), await basketTotal(this));
  },
);

Given('I have an approved order for', async function (this: MallBotsWorld, table: DataTable) {
  await this.ok('POST', '/api/baskets', { customerId: this.customer }).then(({ id }) => {
    this.scene.basket = id;
  });
  for (const row of table.hashes()) {
    const productId = this.id('product', row.Name!);
    await this.ok('PUT', `/api/baskets/${this.basket}/addItem`, {
      productId,
      quantity: Number(row.Quantity),
    });
  }
  await checkOutApproved(this);
});

When('I check out the basket with that payment', async function (this: MallBotsWorld) {
  await checkOut(this, must(this.scene.payment, 'no payment authorized'));
});

When('I check out the basket with a payment that was never authorized', async function (this: MallBotsWorld) {
  await checkOut(this, crypto.randomUUID());
});

When('I check out the basket without a payment', async function (this: MallBotsWorld) {
  await checkOut(this, ' ');
});

When('I check out the basket', async function (this: MallBotsWorld) {
  await authorize(this, this.customer, await basketTotal(this));
  await checkOut(this, this.scene.payment!);
});

When('I cancel my order', async function (this: MallBotsWorld) {
  // Ordering makes the order from the checked-out basket on its own time: cancel it as soon as it is there.
  await eventually(
    'the order is placed',
    () => readOrder(this),
    (order) => order !== undefined,
  );
  await this.actingAs(this.myLogin, () => this.call('DELETE', `/api/ordering/${this.order}`));
});

When('{string} tries to cancel my order', async function (this: MallBotsWorld, name: string) {
  const login = this.scene.logins.get(name);
  if (!login) throw new Error(`no customer called "${name}" registered in this scenario`);
  await eventually(
    'the order is placed',
    () => readOrder(this),
    (order) => order !== undefined,
  );
  await this.actingAs(login, () => this.call('DELETE', `/api/ordering/${this.order}`));
});

When('I try to cancel my order as the depot staff do', async function (this: MallBotsWorld) {
  await this.actingAs(this.myLogin, () =>
    this.call('POST', `/api/ordering/${this.order}/staff-cancel`, { reason: 'I am staff, honestly' }),
  );
});

When(
  'the depot staff cancel my order because {string}',
  async function (this: MallBotsWorld, reason: string) {
    const depotStaff = await this.staffLogin('depot-staff');
    await this.actingAs(depotStaff, () =>
      this.call('POST', `/api/ordering/${this.order}/staff-cancel`, { reason }),
    );
  },
);

When('I cancel an order that does not exist', async function (this: MallBotsWorld) {
  await this.call('DELETE', `/api/ordering/${crypto.randomUUID()}`);
});

Then('my order is approved', async function (this: MallBotsWorld) {
  const order = await settledOrder(this);
  assert.equal(order.status, 'approved', JSON.stringify(order));
  assert.equal(order.paymentId, this.scene.payment);
  assert.equal(order.customerId, this.customer);
});

Then('my order is rejected with the reason {string}', async function (this: MallBotsWorld, reason: string) {
  const order = await settledOrder(this);
  assert.equal(order.status, 'rejected', JSON.stringify(order));
  assert.equal(order.rejectionReason, reason);
});

Then(/^my order is (ready|completed|canceled)$/, async function (this: MallBotsWorld, status: string) {
  await orderReaches(this, status);
});

Then('my order stays {word}', async function (this: MallBotsWorld, status: string) {
  assert.equal((await readOrder(this))?.status, status);
});

Then('the order holds', async function (this: MallBotsWorld, table: DataTable) {
  const order = await readOrder(this);
  const held = order.items.map((item: { productName: string; price: number; quantity: number }) => ({
    Name: item.productName,
    Price: item.price.toFixed(2),
    Quantity: String(item.quantity),
  }));
  assert.deepEqual(held, table.hashes());
});

Then('the order total is {float}', async function (this: MallBotsWorld, total: number) {
  assert.equal((await readOrder(this)).total, total);
});

Then('no order is made', async function (this: MallBotsWorld) {
  assert.equal(await readOrder(this, this.basket), undefined);
});

Then(/^the payment is (confirmed|not confirmed)$/, async function (this: MallBotsWorld, state: string) {
  const { payment } = await this.ok('GET', `/api/payments/${this.scene.payment}`);
  assert.equal(payment.confirmed, state === 'confirmed', JSON.stringify(payment));
});

Then(
  /^its shopping list is (pending|available|assigned|active|completed|canceled)$/,
  async function (this: MallBotsWorld, status: string) {
    await eventually(
      `the shopping list is ${status}`,
      () => shoppingList(this),
      (list) => list.status === status,
    );
  },
);

Then('its shopping list sends a robot to', async function (this: MallBotsWorld, table: DataTable) {
  const list = await shoppingList(this);
  const stops = list.stops.flatMap(
    (stop: { storeName: string; items: Array<{ productName: string; quantity: number }> }) =>
      stop.items.map((item) => ({
        Store: stop.storeName,
        Name: item.productName,
        Quantity: String(item.quantity),
      })),
  );
  assert.deepEqual(stops, table.hashes());
});

Then('the shopping list made for my order is canceled', async function (this: MallBotsWorld) {
  // A rejected order does not name its list; the canceled lists do name their order.
  await eventually(
    'a canceled shopping list names the order',
    () => this.all<{ orderId: string }>('/api/depot/shopping?status=canceled', 'shoppingLists'),
    (lists: Array<{ orderId: string }>) => lists.some((list) => list.orderId === this.order),
  );
});

Then('my order was canceled by me', async function (this: MallBotsWorld) {
  const order = await orderReaches(this, 'canceled');
  assert.equal(order.canceledBy, 'customer');
  assert.equal(order.cancelReason, undefined);
});

Then(
  'my order was canceled by the depot staff because {string}',
  async function (this: MallBotsWorld, reason: string) {
    const order = await orderReaches(this, 'canceled');
    assert.deepEqual({ by: order.canceledBy, reason: order.cancelReason }, { by: 'staff', reason });
  },
);

Then('the payment is voided', async function (this: MallBotsWorld) {
  await eventually(
    'the payment is voided',
    async () => (await this.ok('GET', `/api/payments/${this.scene.payment}`)).payment,
    (payment) => payment.voided === true,
  );
});

Then('the payment is not taken', async function (this: MallBotsWorld) {
  // Canceled before the saga confirmed it (never confirmed) or after (confirmed, then voided).
  await eventually(
    'the payment is not taken',
    async () => (await this.ok('GET', `/api/payments/${this.scene.payment}`)).payment,
    (payment) => !payment.confirmed || payment.voided === true,
  );
});

async function readInvoice(world: MallBotsWorld) {
  return (await world.find(`/api/payments/invoices/${world.order}`))?.invoice;
}

Then('I am invoiced {float}', async function (this: MallBotsWorld, amount: number) {
  const invoice = await eventually(
    'the order is invoiced',
    () => readInvoice(this),
    (found) => found !== undefined,
  );
  assert.deepEqual(
    { amountCents: invoice.amountCents, paymentId: invoice.paymentId, status: invoice.status },
    { amountCents: cents(amount), paymentId: this.scene.payment, status: 'pending' },
  );
});

/** The invoice is made once Payments hears the order is ready: the customer pays the one handed over. */
async function payInvoice(world: MallBotsWorld) {
  await eventually(
    'the order is invoiced',
    () => readInvoice(world),
    (invoice) => invoice !== undefined,
  );
  return world.call('PUT', `/api/payments/invoices/${world.order}/pay`);
}

When('I pay the invoice', async function (this: MallBotsWorld) {
  await payInvoice(this);
});

Given('I have paid the invoice', async function (this: MallBotsWorld) {
  const reply = await payInvoice(this);
  assert.equal(reply.status, 204, JSON.stringify(reply.body));
});

Then(/^the invoice is (pending|paid|canceled)$/, async function (this: MallBotsWorld, status: string) {
  await eventually(
    `the invoice is ${status}`,
    () => readInvoice(this),
    (invoice) => invoice?.status === status,
  );
});

Then(
  'the order lists {string} as unavailable and does not charge it',
  async function (this: MallBotsWorld, product: string) {
    const order = await readOrder(this);
    const unavailable = order.items
      .filter((item: { unavailable: boolean }) => item.unavailable)
      .map((item: { productName: string }) => item.productName);
    assert.deepEqual(unavailable, [product]);
  },
);
