import { invalidArgument } from '@tessera/platform/ddd';
import { only, serviceRole } from '@tessera/platform/identity';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import { z } from 'zod';
import type { StoresQueries } from '../../application/queries.js';
import { StoresService } from '../../contract/gen/mallbots/stores/v1/stores_pb.js';

const uuid = z.uuid();

/** Ids are UUIDs, named as the contract names the field, so that a caller's mistake is INVALID_ARGUMENT. */
function idOf(value: string): string {
  if (!uuid.safeParse(value).success) throw invalidArgument('id_not_uuid', 'id must be a UUID', 'id');
  return value.toLowerCase();
}

/**
 * StoresService over RPC, for modules of other processes (their service token; and operators): the queries the
 * REST routes use. An unknown id is the queries' not_found, which the platform answers as NOT_FOUND.
 */
export function registerStoresRpc(rpc: RpcRegistrar, queries: StoresQueries) {
  rpc.service(
    StoresService,
    {
      async getStore({ id }) {
        return { store: await queries.getStore({ id: idOf(id) }) };
      },
      async getProduct({ id }) {
        const product = await queries.getProduct({ id: idOf(id) });
        return { product: { ...product, priceCents: BigInt(product.priceCents) } };
      },
    },
    { audience: only(serviceRole) },
  );
}
