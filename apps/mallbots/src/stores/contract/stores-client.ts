import type { Logger } from '@tessera/platform/observability';
import { connectClient, lookUpOverRpc, type ResilienceOptions } from '@tessera/platform/rpc';
import { locateService, type Services } from '@tessera/platform/runtime';
import { StoresService as StoresRpc } from './gen/mallbots/stores/v1/stores_pb.js';
import {
  type ProductSummary,
  STORES_SERVICE,
  type StoreSummary,
  type StoresService,
  StoresUnavailableError,
} from './stores-service.js';

/** The module name Stores goes by in RPC_SERVICES. */
export const STORES_RPC_NAME = 'stores';

export interface StoresRpcOptions extends Partial<Omit<ResilienceOptions, 'target' | 'logger'>> {
  /** Where Stores serves RPC (its RPC port), e.g. http://stores:8085. */
  readonly baseUrl: string;
  readonly logger: Logger;
  /** The caller's token: a module's service token (`ModuleContext.serviceToken`). */
  readonly token?: () => Promise<string>;
}

/**
 * StoresService over Connect RPC (StoresService.GetStore / GetProduct), each call with a timeout, retried on
 * transient failures and behind a circuit breaker. NOT_FOUND is "unknown"; any other failure, or an answer
 * without its store or product, throws StoresUnavailableError.
 */
export function storesRpcClient(options: StoresRpcOptions): StoresService {
  const { baseUrl, ...resilience } = options;
  const client = connectClient(StoresRpc, baseUrl, { ...resilience, target: STORES_RPC_NAME });

  const ask = <T>(what: string, call: () => Promise<T>) =>
    lookUpOverRpc(
      call,
      (reason, cause) =>
        new StoresUnavailableError(`Stores could not answer the ${what} look-up (${reason})`, { cause }),
    );
  const unexpected = (what: string) =>
    new StoresUnavailableError(`Stores answered the ${what} look-up without the ${what}`);

  return {
    async findStore(id): Promise<StoreSummary | undefined> {
      const answer = await ask('store', () => client.getStore({ id }));
      if (!answer) return undefined;
      if (!answer.store) throw unexpected('store');
      const { name, location, participating } = answer.store;
      return { id: answer.store.id, name, location, participating };
    },
    async findProduct(id): Promise<ProductSummary | undefined> {
      const answer = await ask('product', () => client.getProduct({ id }));
      if (!answer) return undefined;
      if (!answer.product) throw unexpected('product');
      const { storeId, name, description, sku, priceCents } = answer.product;
      return { id: answer.product.id, storeId, name, description, sku, priceCents: Number(priceCents) };
    },
  };
}

/**
 * Where a module asks Stores, decided at each call (modules start in any order): this process's Stores when
 * it runs here (its queries join the caller's transaction), else the Stores that RPC_SERVICES names, over RPC.
 * Neither is a StoresUnavailableError, so the caller answers or retries as for an outage.
 */
export function storesServiceFor(context: {
  readonly services: Services;
  readonly rpcServices: ReadonlyMap<string, string>;
  /** What the calls over RPC carry: the module's `serviceToken`. */
  readonly serviceToken: () => Promise<string>;
  readonly logger: Logger;
  /** The asking module, for the breaker's metrics and logs. */
  readonly caller: string;
}): StoresService {
  const current = locateService<StoresService>(context, {
    service: STORES_SERVICE,
    rpcName: STORES_RPC_NAME,
    overRpc: (baseUrl, token) =>
      storesRpcClient({ baseUrl, token, logger: context.logger, caller: context.caller }),
    missing: () =>
      new StoresUnavailableError('Stores is not in this process and RPC_SERVICES names no address for it'),
  });
  return {
    findStore: async (id) => current().findStore(id),
    findProduct: async (id) => current().findProduct(id),
  };
}
