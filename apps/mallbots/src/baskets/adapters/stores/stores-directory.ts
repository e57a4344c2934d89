import type { StoresService } from '../../../stores/contract/stores-service.js';
import type { StoresDirectory } from '../../application/ports.js';

/** What Baskets keeps of Stores' answers (its anti-corruption layer): names and prices. */
export function storesDirectory(service: StoresService): StoresDirectory {
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
