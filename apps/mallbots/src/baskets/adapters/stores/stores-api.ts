import { z } from 'zod';
import {
  type ProductInfo,
  type StoreInfo,
  type StoresDirectory,
  StoresUnavailableError,
} from '../../application/ports.js';

/**
 * Stores' public REST API (the spec's gRPC fallback, over HTTP): GET /api/stores/{id} and
 * GET /api/stores/products/{id}. Only the fields Baskets keeps are read; others are ignored, so Stores may
 * add fields freely.
 */
const storeAnswer = z.object({ store: z.object({ id: z.string(), name: z.string() }) });
const productAnswer = z.object({
  product: z.object({
    id: z.string(),
    storeId: z.string(),
    name: z.string(),
    price: z.number().nonnegative(),
  }),
});

export interface StoresApiOptions {
  /** The base URL of the Stores API (e.g. http://stores:8080), read at each call. */
  baseUrl: () => string;
  /** Per request (default 5 s): a Stores that hangs must not hold the basket request forever. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The API speaks decimal currency units with at most 2 places. Rounding price × 100 is exact for those: the
 * float product is within far less than half a cent of the whole number.
 */
const centsOf = (price: number) => Math.round(price * 100);

export function storesApiDirectory(options: StoresApiOptions): StoresDirectory {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;

  /** The parsed answer, or undefined on 404; anything else Stores cannot answer properly is unavailability. */
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
    async findStore(id): Promise<StoreInfo | undefined> {
      const answer = await get(`/api/stores/${encodeURIComponent(id)}`, storeAnswer, 'store');
      return answer && { id: answer.store.id, name: answer.store.name };
    },

    async findProduct(id): Promise<ProductInfo | undefined> {
      const answer = await get(`/api/stores/products/${encodeURIComponent(id)}`, productAnswer, 'product');
      if (!answer) return undefined;
      const { product } = answer;
      return {
        id: product.id,
        storeId: product.storeId,
        name: product.name,
        priceCents: centsOf(product.price),
      };
    },
  };
}
