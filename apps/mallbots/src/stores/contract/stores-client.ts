import type { Services } from '@tessera/platform/runtime';
import { z } from 'zod';
import {
  type ProductSummary,
  STORES_SERVICE,
  type StoreSummary,
  type StoresService,
  StoresUnavailableError,
} from './stores-service.js';

const storeAnswer = z.object({
  store: z.object({ id: z.string(), name: z.string(), location: z.string(), participating: z.boolean() }),
});
const productAnswer = z.object({
  product: z.object({
    id: z.string(),
    storeId: z.string(),
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    price: z.number().nonnegative(),
  }),
});

/**
 * The API speaks decimal currency units with at most 2 places. Rounding price × 100 is exact for those: the
 * float product is within far less than half a cent of the whole number.
 */
const centsOf = (price: number) => Math.round(price * 100);

export interface StoresHttpOptions {
  /** The base URL of the Stores API (e.g. http://stores:8080), read at each call. */
  readonly baseUrl: () => string;
  /** Per request (default 5 s): a Stores that hangs must not hold the caller's request or handling forever. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * StoresService over Stores' public REST API (the spec's gRPC fallback): GET /api/stores/{id} and
 * GET /api/stores/products/{id}. Fields it does not know are ignored, so Stores may add some freely. A 404 is
 * "unknown"; anything else that is not a proper answer throws StoresUnavailableError.
 */
export function storesHttpClient(options: StoresHttpOptions): StoresService {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;

  async function get<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
    let url: string;
    try {
      // Appended, not resolved: a base with a path prefix (behind a proxy) keeps it.
      url = new URL(options.baseUrl().replace(/\/+$/, '') + path).toString();
    } catch (error) {
      throw new StoresUnavailableError('the Stores API address is not known', { cause: error });
    }
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new StoresUnavailableError(`Stores could not be reached to look up the ${what}`, {
        cause: error,
      });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new StoresUnavailableError(`Stores answered ${response.status} when looking up the ${what}`);
    }
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new StoresUnavailableError(`Stores answered the ${what} look-up with an unexpected body`);
    }
    return parsed.data;
  }

  return {
    async findStore(id): Promise<StoreSummary | undefined> {
      return (await get(`/api/stores/${encodeURIComponent(id)}`, storeAnswer, 'store'))?.store;
    },
    async findProduct(id): Promise<ProductSummary | undefined> {
      const answer = await get(`/api/stores/products/${encodeURIComponent(id)}`, productAnswer, 'product');
      if (!answer) return undefined;
      const { price, ...product } = answer.product;
      return { ...product, priceCents: centsOf(price) };
    },
  };
}

/**
 * Where a module asks Stores: an address given (`storesUrl`) means Stores runs elsewhere; otherwise this
 * process's Stores is called directly when it runs here (its queries join the caller's transaction: with
 * PGlite's one connection, a request that holds a transaction could not wait for a second HTTP request),
 * and the process's own HTTP API when it does not. Decided at each call: modules start in any order.
 */
export function storesServiceFor(context: {
  readonly services: Services;
  readonly storesUrl: string | undefined;
  readonly selfUrl: () => string;
}): StoresService {
  const { storesUrl } = context;
  const overHttp = storesHttpClient({ baseUrl: () => storesUrl ?? context.selfUrl() });
  const current = () =>
    (storesUrl ? undefined : context.services.find<StoresService>(STORES_SERVICE)) ?? overHttp;
  return {
    findStore: (id) => current().findStore(id),
    findProduct: (id) => current().findProduct(id),
  };
}
