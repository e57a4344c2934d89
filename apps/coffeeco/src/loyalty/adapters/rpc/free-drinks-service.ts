import { DomainError, isDomainError } from '@tessera/platform/ddd';
import { only, serviceRole } from '@tessera/platform/identity';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import type { LoyaltyCommands } from '../../application/commands.js';
import { FreeDrinksService } from '../../contract/gen/coffeeco/loyalty/v1/free_drinks_pb.js';

/** The contract's names of the request's fields, as the proto names them. */
const PROTO_FIELDS: Readonly<Record<string, string>> = {
  purchaseId: 'purchase_id',
  coffeeLoverId: 'coffee_lover_id',
  storeId: 'store_id',
  drinks: 'drinks',
};

/**
 * FreeDrinksService over RPC, for the coffee shops when they run in another process (their service token; and
 * operators): the in-process redemption's outcome in protobuf. Bad input is INVALID_ARGUMENT naming the proto
 * field; a refusal is an answer (`refused`), not an error.
 */
export function registerFreeDrinksRpc(rpc: RpcRegistrar, commands: Pick<LoyaltyCommands, 'redeem'>) {
  rpc.service(
    FreeDrinksService,
    {
      async redeem({ purchaseId, coffeeLoverId, storeId, drinks }) {
        try {
          const outcome = await commands.redeem({ purchaseId, coffeeLoverId, storeId, drinks });
          return outcome.redeemed
            ? { outcome: { case: 'redeemed', value: { freeDrinksLeft: outcome.freeDrinksLeft } } }
            : {
                outcome: {
                  case: 'refused',
                  value: { reason: outcome.reason, freeDrinksAvailable: outcome.freeDrinksAvailable },
                },
              };
        } catch (error) {
          const field = isDomainError(error) && error.field !== undefined && PROTO_FIELDS[error.field];
          if (!field) throw error;
          const { kind, code, message } = error as DomainError;
          throw new DomainError(kind, code, message, field);
        }
      },
    },
    { audience: only(serviceRole) },
  );
}
