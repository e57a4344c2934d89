import { DomainError } from '@tessera/platform/ddd';
import type { StoresQueries } from '../../application/queries.js';
import type { StoresService } from '../../contract/stores-service.js';

const unlessNotFound = async <T>(find: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await find();
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') return undefined;
    throw error;
  }
};

/** The in-process StoresService: the queries the REST routes use, answered as the contract's data. */
export function storesService(queries: StoresQueries): StoresService {
  return {
    findStore: (id) => unlessNotFound(() => queries.getStore({ id })),
    findProduct: (id) => unlessNotFound(() => queries.getProduct({ id })),
  };
}
