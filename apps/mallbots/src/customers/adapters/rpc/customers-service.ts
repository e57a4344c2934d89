import { invalidArgument } from '@tessera/platform/ddd';
import { only, serviceRole } from '@tessera/platform/identity';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import { z } from 'zod';
import type { CustomersQueries } from '../../application/queries.js';
import { CustomersService } from '../../contract/gen/mallbots/customers/v1/customers_pb.js';

const uuid = z.uuid();

/**
 * CustomersService over RPC, for modules of other processes (their service token; and operators): the query
 * the REST route uses. An unknown id is
 * the query's not_found, answered as NOT_FOUND; an id that is not a UUID is INVALID_ARGUMENT naming `id`.
 */
export function registerCustomersRpc(rpc: RpcRegistrar, queries: CustomersQueries) {
  rpc.service(
    CustomersService,
    {
      async getCustomer({ id }) {
        if (!uuid.safeParse(id).success) throw invalidArgument('id_not_uuid', 'id must be a UUID', 'id');
        const { name, smsNumber, enabled } = await queries.getCustomer({ id: id.toLowerCase() });
        return { customer: { id: id.toLowerCase(), name, smsNumber, enabled } };
      },
    },
    { audience: only(serviceRole) },
  );
}
