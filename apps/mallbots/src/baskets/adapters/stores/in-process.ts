import type { StoresService } from '../../../stores/contract/stores-service.js';
import type { StoresDirectory } from '../../application/ports.js';

/**
 * Stores in the same process, through its contract's service: no HTTP hop, and its queries join the caller's
 * transaction (with PGlite's one connection, a request that holds a transaction could not wait for a second
 * HTTP request to Stores). Only what Baskets keeps is taken from the answers.
 */
export function inProcessStoresDirectory(service: StoresService): StoresDirectory {
  return {
    async findStore(id) {
      const store = await service.findStore(id);
      return store && { id: store.id, name: store.name };
    },
    async findProduct(id) {
      const product = await service.findProduct(id);
      return (
        product && {
          id: product.id,
          storeId: product.storeId,
          name: product.name,
          priceCents: product.priceCents,
        }
      );
    },
  };
}
