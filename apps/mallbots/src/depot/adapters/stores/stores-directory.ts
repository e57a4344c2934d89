import { z } from 'zod';
import type { StoresService } from '../../../stores/contract/stores-service.js';
import {
  type ProductInfo,
  type StoreInfo,
  type StoresDirectory,
  StoresUnavailableError,
} from '../../application/ports.js';

/**
 * Stores in the same process, through its contract's service: no HTTP hop, and its queries join the caller's
 * transaction (the command handling's). Only what Depot keeps is taken from the answers.
 */
export function inProcessStoresDirectory(service: StoresService): StoresDirectory {
  return {
    async findStore(id) {
      const store = await service.findStore(id);
      return store && { id: store.id, name: store.name, location: store.location };
    },
    async findProduct(id) {
      const product = await service.findProduct(id);
      return product && { id: product.id, storeId: product.storeId, name: product.name };
    },
  };
}

const storeAnswer = z.object({
  store: z.object({ id: z.string(), name: z.string(), location: z.string() }),
});
const productAnswer = z.object({
  product: z.object({ id: z.string(), storeId: z.string(), name: z.string() }),
});

export interface StoresApiOptions {
  /** The base URL of the Stores API (e.g. http://stores:8080), read at each call. */
  baseUrl: () => string;
  /** Per request (default 5 s): a Stores that hangs must not hold a command handling forever. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Stores' public REST API (the spec's gRPC fallback, over HTTP): GET /api/stores/{id} and
 * GET /api/stores/products/{id}. Other fields are ignored, so Stores may add fields freely. 404 is "unknown";
 * anything else that is not a proper answer is unavailability (retried by the broker).
 */
export function storesApiDirectory(options: StoresApiOptions): StoresDirectory {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;

  async function get<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
    let response: Response;
    try {
      // Appended, not resolved: a base with a path prefix (behind a proxy) keeps it.
      const url = new URL(options.baseUrl().replace(/\/+$/, '') + path);
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
      return answer && { id: answer.store.id, name: answer.store.name, location: answer.store.location };
    },
    async findProduct(id): Promise<ProductInfo | undefined> {
      const answer = await get(`/api/stores/products/${encodeURIComponent(id)}`, productAnswer, 'product');
      return answer && { id: answer.product.id, storeId: answer.product.storeId, name: answer.product.name };
    },
  };
}
