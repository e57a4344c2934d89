import { connectClient, lookUpOverRpc, type ModuleClientOptions } from '@tessera/platform/rpc';
import { locateService, type ServiceLookup } from '@tessera/platform/runtime';
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

/**
 * StoresService over Connect RPC (StoresService.GetStore / GetProduct), each call with a timeout, retried on
 * transient failures and behind a circuit breaker. NOT_FOUND is "unknown"; any other failure, or an answer
 * without its store or product, throws StoresUnavailableError.
 */
export function storesRpcClient(options: ModuleClientOptions): StoresService {
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
export function storesServiceFor(context: ServiceLookup): StoresService {
  const current = locateService<StoresService>(context, {
    service: STORES_SERVICE,
    rpcName: STORES_RPC_NAME,
    overRpc: storesRpcClient,
    missing: () =>
      new StoresUnavailableError('Stores is not in this process and RPC_SERVICES names no address for it'),
  });
  return {
    findStore: async (id) => current().findStore(id),
    findProduct: async (id) => current().findProduct(id),
  };
}
