import { expectPagedList, expectProblem, testDatabases, unknownId } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BARISTA,
  coffeeLover,
  HOST_START_MS,
  purchaseOf,
  type ShopsHost,
  STORE_MANAGER,
  startShopsHost,
} from './support.js';

const BASE = '/api/coffee-shops';
const at = (purchaseId: string) => `${BASE}/purchases/${purchaseId}`;

describe.each(testDatabases)('Purchases over HTTP, on $backend', (backend) => {
  let api: ShopsHost;
  let storeId: string;
  beforeAll(async () => {
    api = await startShopsHost(backend);
    storeId = await api.openStore([
      ['Latte', 330],
      ['Drip coffee', 200],
      ['Beans', 3300],
      ['Water', 0],
    ]);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const till = () => api.as(BARISTA);
  const card = (items: string[], cardToken = 'tok_visa') => ({ storeId, items, means: 'card', cardToken });
  const chargesFor = (purchaseId: string) =>
    api.provider.charges.filter((charge) => charge.idempotencyKey === purchaseId);
  const settledTimes = (purchaseId: string) => api.settled.items.filter((p) => p.id === purchaseId).length;

  it('a till records a card purchase: charged once at the store’s price, completed, PurchaseCompleted published', async () => {
    const id = unknownId();
    const answer = await till().call('PUT', at(id), card(['Latte', 'Drip coffee']));
    expect(answer.statusCode, answer.body).toBe(200);
    const purchase = purchaseOf(answer);
    expect(purchase).toMatchObject({ id, status: 'completed', total: { amount: 5.3, currency: 'USD' } });
    expect(chargesFor(id)).toEqual([
      expect.objectContaining({ amount: 530, currency: 'usd', source: 'tok_visa' }),
    ]);
    expect(purchase.chargeId).toBe(chargesFor(id)[0]?.id);
    const message = await api.published.waitFor((m) => m.key === id);
    expect(message).toMatchObject({
      type: 'coffeeshops.PurchaseCompleted',
      data: { purchaseId: id, storeId, means: 'card', total: { amount: 530, currency: 'USD' } },
    });
    expect((await api.as(STORE_MANAGER).call('GET', at(id))).json()).toEqual(answer.json());
  });

  it('the same PUT again answers the same purchase and charges nothing more', async () => {
    const id = unknownId();
    const first = await till().call('PUT', at(id), card(['Beans']));
    const again = await till().call('PUT', at(id), card(['Beans']));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(chargesFor(id)).toHaveLength(1);
    expect(settledTimes(id)).toBe(1);
  });

  it('the same PUTs at the same time: one purchase, one charge, both answered alike', async () => {
    const id = unknownId();
    const answers = await Promise.all([1, 2, 3].map(() => till().call('PUT', at(id), card(['Latte']))));
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(chargesFor(id)).toHaveLength(1);
    expect(settledTimes(id)).toBe(1);
  });

  it('another purchase under a taken id is refused (409), charging nothing', async () => {
    const id = unknownId();
    await till().call('PUT', at(id), card(['Latte']));
    expectProblem(await till().call('PUT', at(id), card(['Beans'])), 409, { code: 'purchase_id_taken' });
    expect(chargesFor(id)).toHaveLength(1);
  });

  it('a declined card: 402 with the book’s message, the purchase failed, nothing charged, the same again', async () => {
    const id = unknownId();
    for (let attempt = 0; attempt < 2; attempt++) {
      expectProblem(await till().call('PUT', at(id), card(['Latte'], 'tok_chargeDeclined')), 402, {
        code: 'card_declined',
        detail: 'card charge failed, cancelling purchase',
      });
    }
    expect(purchaseOf(await till().call('GET', at(id)))).toMatchObject({
      status: 'failed',
      failure: { code: 'card_declined', reason: 'card charge failed, cancelling purchase' },
    });
    expect(chargesFor(id)).toEqual([]);
    expectProblem(
      await till().call('PUT', at(id), card(['Latte'], 'tok_chargeDeclinedInsufficientFunds')),
      409,
    );
  });

  it('the store’s discount: 10% off USD 33.00 charges USD 29.70', async () => {
    const discounted = await api.openStore([['Beans', 3300]], 10);
    const id = unknownId();
    const answer = await till().call('PUT', at(id), { ...card(['Beans']), storeId: discounted });
    expect(purchaseOf(answer).total).toEqual({ amount: 29.7, currency: 'USD' });
    expect(chargesFor(id).map((charge) => charge.amount)).toEqual([2970]);
  });

  it('cash: completed, nothing charged', async () => {
    const id = unknownId();
    const answer = await till().call('PUT', at(id), { storeId, items: ['Latte'], means: 'cash' });
    expect(purchaseOf(answer)).toMatchObject({
      status: 'completed',
      total: { amount: 3.3, currency: 'USD' },
    });
    expect(chargesFor(id)).toEqual([]);
  });

  it('a card provider that does not answer: 503, the purchase pending; the same PUT again completes it, charged once', async () => {
    const id = unknownId();
    api.provider.failNext('timeOutAfterCharging');
    expectProblem(await till().call('PUT', at(id), card(['Latte'])), 503, {
      code: 'card_provider_unavailable',
    });
    expect(purchaseOf(await till().call('GET', at(id))).status).toBe('pending');
    const again = await till().call('PUT', at(id), card(['Latte']));
    expect(purchaseOf(again).status).toBe('completed');
    expect(chargesFor(id)).toHaveLength(1);
  });

  describe('paying with CoffeeBux (Loyalty’s free drinks)', () => {
    it('two free drinks pay for two lattes: completed at no charge, redeemed once', async () => {
      const lover = await api.registerCoffeeLover();
      api.freeDrinks.give(lover, 2);
      const id = unknownId();
      const body = { storeId, items: ['Latte', 'Latte'], means: 'coffeebux', coffeeLoverId: lover };
      const answer = await till().call('PUT', at(id), body);
      expect(purchaseOf(answer)).toMatchObject({
        status: 'completed',
        total: { amount: 0, currency: 'USD' },
      });
      expect((await till().call('PUT', at(id), body)).json()).toEqual(answer.json());
      expect(api.freeDrinks.available.get(lover)).toBe(0);
    });

    it('not enough free drinks: 402 with Loyalty’s reason, the purchase failed', async () => {
      const lover = await api.registerCoffeeLover();
      api.freeDrinks.give(lover, 1);
      const id = unknownId();
      const body = { storeId, items: ['Latte', 'Latte'], means: 'coffeebux', coffeeLoverId: lover };
      expectProblem(await till().call('PUT', at(id), body), 402, {
        code: 'coffeebux_refused',
        detail:
          'failed to charge loyalty card: not enough coffeeBux to cover entire purchase. Have 1, need 2',
      });
      expect(purchaseOf(await till().call('GET', at(id))).status).toBe('failed');
    });

    it('Loyalty down: 503, the purchase pending; once it is back the same PUT completes it', async () => {
      const lover = await api.registerCoffeeLover();
      api.freeDrinks.give(lover, 1);
      const id = unknownId();
      const body = { storeId, items: ['Latte'], means: 'coffeebux', coffeeLoverId: lover };
      api.freeDrinks.down(true);
      try {
        expectProblem(await till().call('PUT', at(id), body), 503, { code: 'loyalty_unavailable' });
      } finally {
        api.freeDrinks.down(false);
      }
      expect(purchaseOf(await till().call('PUT', at(id), body)).status).toBe('completed');
    });
  });

  describe('a coffee lover', () => {
    it('buys for themselves: the purchase is theirs to read and list, no other coffee lover’s', async () => {
      const lover = await api.registerCoffeeLover();
      const self = api.as(coffeeLover(lover));
      const ids = [unknownId(), unknownId(), unknownId()];
      for (const id of ids) {
        const answer = await self.call('PUT', at(id), card(['Latte']));
        expect(purchaseOf(answer).coffeeLoverId).toBe(lover);
      }
      expect((await self.call('GET', at(ids[0]!))).statusCode).toBe(200);
      const stranger = api.as(coffeeLover(unknownId()));
      expectProblem(await stranger.call('GET', at(ids[0]!)), 403);
      expectProblem(await stranger.call('GET', `${BASE}/coffee-lovers/${lover}/purchases`), 403);
      // Neither names another, nor records under another's purchase id.
      expectProblem(
        await stranger.call('PUT', at(unknownId()), { ...card(['Latte']), coffeeLoverId: lover }),
        403,
      );
      expectProblem(await stranger.call('PUT', at(ids[0]!), card(['Latte'])), 403);

      const listed = await expectPagedList(api, `${BASE}/coffee-lovers/${lover}/purchases`, 'purchases', {
        atLeast: 3,
      });
      expect([...listed].sort()).toEqual([...ids].sort());
    });

    it('cannot read a purchase nobody named', async () => {
      const id = unknownId();
      await till().call('PUT', at(id), { storeId, items: ['Latte'], means: 'cash' });
      expectProblem(await api.as(coffeeLover(unknownId())).call('GET', at(id)), 403);
    });
  });

  describe('bad input is a 400 naming the field, never a 5xx, and records nothing', () => {
    it.each([
      ['an empty purchase', { items: [] }, 'body.items', 'purchase must consist of at least one product'],
      [
        'a zero total',
        { items: ['Water'], means: 'cash', cardToken: undefined },
        'body.items',
        /likely mistake/,
      ],
      ['an unknown means', { means: 'bitcoin' }, 'body.means', /unknown payment type/],
      [
        'an unknown item',
        { items: ['Latte', 'Unicorn frappe'] },
        'body.items.1',
        /does not sell "Unicorn frappe"/,
      ],
      ['a card without a token', { cardToken: undefined }, 'body.cardToken', /needs a card token/],
      ['cash with a card token', { means: 'cash' }, 'body.cardToken', /only a card payment/],
      [
        'CoffeeBux without a coffee lover',
        { means: 'coffeebux', cardToken: undefined },
        'body.coffeeLoverId',
        /coffee lover/,
      ],
      ['an unknown store', { storeId: unknownId() }, 'body.storeId', 'no store with that id'],
      ['an unknown coffee lover', { coffeeLoverId: unknownId() }, 'body.coffeeLoverId', /no coffee lover/],
      ['a malformed store id', { storeId: 'store-1' }, 'body.storeId', undefined],
    ] as const)('%s', async (_case, change, field, detail) => {
      const id = unknownId();
      const body = JSON.parse(JSON.stringify({ ...card(['Latte']), ...change }));
      const answer = await till().call('PUT', at(id), body);
      const problem = expectProblem(answer, 400, { field });
      if (detail !== undefined)
        expect(problem.errors?.find((e) => e.field === field)?.message).toMatch(detail);
      expectProblem(await till().call('GET', at(id)), 404);
      expect(chargesFor(id)).toEqual([]);
    });
  });

  it('ignores an Idempotency-Key: the purchase id is the key, and the purchase is not one transaction', async () => {
    const id = unknownId();
    const answer = await api.as(BARISTA).call('PUT', at(id), card(['Latte']));
    const keyed = await api.host.http.inject({
      method: 'PUT',
      url: at(id),
      headers: { 'idempotency-key': 'k-1', authorization: `Bearer ${await api.tokenFor(BARISTA)}` },
      payload: card(['Latte']),
    });
    expect(keyed.statusCode, keyed.body).toBe(200);
    expect(keyed.headers['idempotent-replayed']).toBeUndefined();
    expect(keyed.json()).toEqual(answer.json());
  });
});
