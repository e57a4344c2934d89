import type { Activity } from './activities.js';
import { CallFailed, type RestApi } from './api.js';
import { between, oneOf, type Random } from './random.js';
import type { OrderTracker } from './tracker.js';

interface Product {
  id: string;
  name: string;
}
interface Store {
  id: string;
  name: string;
  products: Product[];
}

/** What the clients know of the mall: the participating stores and their products, and the customers. */
export interface Mall {
  stores: Map<string, Store>;
  customers: string[];
}

export interface ClientContext {
  api: RestApi;
  mall: Mall;
  tracker: OrderTracker;
  random: Random;
  /** Think time: `seconds` of the reference's pace, scaled by the run's (0: none); ends early on stop. */
  pause(seconds: number): Promise<void>;
  now(): number;
  /** The share of orders their customer cancels right after checking out. */
  customerCancelShare: number;
}

const WORDS = ['Robot', 'Gadget', 'Widget', 'Gizmo', 'Sprocket', 'Bolt', 'Servo', 'Circuit', 'Lamp', 'Cable'];
const word = (random: Random) => oneOf(random, WORDS);
const price = (random: Random) => between(random, 100, 5_000) / 100;
const smsNumber = (random: Random) => `+1555${String(between(random, 0, 9_999_999)).padStart(7, '0')}`;

const created = (answer: { body: Record<string, unknown> }) => String(answer.body.id);

async function registerCustomer({ api, mall, random }: ClientContext) {
  const id = created(
    await api.call('registerCustomer', 'POST', '/api/customers', {
      name: `${word(random)} Shopper ${between(random, 1, 9999)}`,
      smsNumber: smsNumber(random),
    }),
  );
  mall.customers.push(id);
  return id;
}

async function addProducts(context: ClientContext, store: Store, count: number) {
  const { api, random } = context;
  for (let index = 0; index < count; index++) {
    const name = `${word(random)} ${word(random)} ${between(random, 1, 999)}`;
    const id = created(
      await api.call('addProduct', 'POST', `/api/stores/${store.id}/products`, {
        name,
        description: `A ${name.toLowerCase()}`,
        sku: `BW-${between(random, 0, 99_999_999)}`,
        price: price(random),
      }),
    );
    store.products.push({ id, name });
    await context.pause(between(random, 500, 2_000) / 1000);
  }
}

async function setUpStore(context: ClientContext) {
  const { api, mall, random } = context;
  const name = `${word(random)} Store ${between(random, 1, 9999)}`;
  const id = created(
    await api.call('createStore', 'POST', '/api/stores', {
      name,
      location: `Level ${between(random, 1, 5)}`,
    }),
  );
  const store: Store = { id, name, products: [] };
  await addProducts(context, store, between(random, 2, 5));
  await api.call('enableParticipation', 'PUT', `/api/stores/${id}/participating`);
  mall.stores.set(id, store);
}

async function browse({ api, mall, random, pause }: ClientContext) {
  const { body } = await api.call<{ stores: Array<{ id: string; name: string }> }>(
    'browseStores',
    'GET',
    '/api/stores/participating',
  );
  if (body.stores.length === 0) return;
  await pause(between(random, 500, 2_000) / 1000);
  const { id, name } = oneOf(random, body.stores);
  const products = await api.call<{ products: Product[] }>(
    'browseProducts',
    'GET',
    `/api/stores/${id}/products`,
  );
  mall.stores.set(id, {
    id,
    name,
    products: products.body.products.map((p) => ({ id: p.id, name: p.name })),
  });
}

const stocked = (mall: Mall) => [...mall.stores.values()].filter((store) => store.products.length > 0);

async function buy(context: ClientContext) {
  const { api, mall, random, pause, tracker } = context;
  const stores = stocked(mall);
  if (stores.length === 0) return browse(context);
  const customerId =
    mall.customers.length > 0 && random() < 0.5
      ? oneOf(random, mall.customers)
      : await registerCustomer(context);
  const basketId = created(await api.call('startBasket', 'POST', '/api/baskets', { customerId }));
  for (let count = between(random, 1, 3); count > 0; count--) {
    const product = oneOf(random, oneOf(random, stores).products);
    await pause(between(random, 500, 2_000) / 1000);
    await api.call('addItem', 'PUT', `/api/baskets/${basketId}/addItem`, {
      productId: product.id,
      quantity: between(random, 1, 3),
    });
  }
  const basket = await api.call<{ basket: { total: number } }>(
    'readBasket',
    'GET',
    `/api/baskets/${basketId}`,
  );
  const amountCents = Math.round(basket.body.basket.total * 100);
  const paymentId = created(
    await api.call('authorizePayment', 'POST', '/api/payments', { customerId, amountCents }),
  );
  await api.call('checkout', 'PUT', `/api/baskets/${basketId}/checkout`, { paymentId });
  tracker.add(basketId, paymentId, context.now());
  if (random() < context.customerCancelShare) {
    await pause(between(random, 500, 2_000) / 1000);
    // Too late (409) or not yet an order (404) are answers a customer can get.
    await api.call('customerCancel', 'DELETE', `/api/ordering/${basketId}`, undefined, [204, 404, 409]);
  }
}

async function rebrandStore({ api, mall, random }: ClientContext) {
  if (mall.stores.size === 0) return;
  const store = oneOf(random, [...mall.stores.values()]);
  store.name = `${word(random)} Store ${between(random, 1, 9999)}`;
  await api.call('rebrandStore', 'PUT', `/api/stores/${store.id}/rebrand`, { name: store.name });
}

async function rebrandProduct({ api, mall, random }: ClientContext) {
  const stores = stocked(mall);
  if (stores.length === 0) return;
  const product = oneOf(random, oneOf(random, stores).products);
  product.name = `${word(random)} ${word(random)} ${between(random, 1, 999)}`;
  await api.call('rebrandProduct', 'PUT', `/api/stores/products/${product.id}/rebrand`, {
    name: product.name,
    description: `A ${product.name.toLowerCase()}`,
  });
}

/** One turn of a client. A failed call ends the turn (it is counted as an error of its action). */
export async function act(activity: Activity, context: ClientContext): Promise<void> {
  try {
    switch (activity) {
      case 'browse':
        return await browse(context);
      case 'buy':
        return await buy(context);
      case 'registerCustomer':
        return void (await registerCustomer(context));
      case 'setUpStore':
        return await setUpStore(context);
      case 'addProducts': {
        const stores = [...context.mall.stores.values()];
        if (stores.length === 0) return await setUpStore(context);
        return await addProducts(context, oneOf(context.random, stores), between(context.random, 1, 3));
      }
      case 'rebrandStore':
        return await rebrandStore(context);
      case 'rebrandProduct':
        return await rebrandProduct(context);
    }
  } catch (error) {
    if (!(error instanceof CallFailed)) throw error;
  }
}

/** Enough participating stores with products for the shoppers, made through the API if there are too few. */
export async function stockTheMall(context: ClientContext, stores = 3) {
  await browse(context).catch(() => undefined);
  const { body } = await context.api.call<{ stores: Array<{ id: string; name: string }> }>(
    'browseStores',
    'GET',
    '/api/stores/participating',
  );
  for (const { id, name } of body.stores.slice(0, 10)) {
    const products = await context.api.call<{ products: Product[] }>(
      'browseProducts',
      'GET',
      `/api/stores/${id}/products`,
    );
    context.mall.stores.set(id, { id, name, products: products.body.products });
  }
  for (let missing = stores - stocked(context.mall).length; missing > 0; missing--) await setUpStore(context);
}
