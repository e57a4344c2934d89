import { Code, ConnectError } from '@connectrpc/connect';
import { alreadyExists, invalidArgument } from '@tessera/platform/ddd';
import {
  connectClient,
  ERROR_CODE_HEADER,
  ERROR_FIELD_HEADER,
  type ModuleClientOptions,
} from '@tessera/platform/rpc';
import { locateService, type ServiceLookup } from '@tessera/platform/runtime';
import {
  FREE_DRINKS_SERVICE,
  type FreeDrinksOutcome,
  type FreeDrinksService,
  LoyaltyUnavailableError,
} from './free-drinks.js';
import {
  FreeDrinksService as FreeDrinksRpc,
  type RedeemResponse,
} from './gen/coffeeco/loyalty/v1/free_drinks_pb.js';

/** The module name Loyalty goes by in RPC_SERVICES. */
export const LOYALTY_RPC_NAME = 'loyalty';

/** The proto's names of the request's fields, as the contract names them. */
const CONTRACT_FIELDS: Readonly<Record<string, string>> = {
  purchase_id: 'purchaseId',
  coffee_lover_id: 'coffeeLoverId',
  store_id: 'storeId',
  drinks: 'drinks',
};

const toOutcome = ({ outcome }: RedeemResponse): FreeDrinksOutcome => {
  switch (outcome.case) {
    case 'redeemed':
      return { redeemed: true, freeDrinksLeft: outcome.value.freeDrinksLeft };
    case 'refused':
      return {
        redeemed: false,
        reason: outcome.value.reason,
        freeDrinksAvailable: outcome.value.freeDrinksAvailable,
      };
    default:
      throw new LoyaltyUnavailableError('Loyalty answered a redemption with no outcome');
  }
};

/**
 * FreeDrinksService over Connect RPC (FreeDrinksService.Redeem), each call with a timeout, retried on transient
 * failures (safe: a redemption is idempotent by purchase) and behind a circuit breaker. INVALID_ARGUMENT and
 * ALREADY_EXISTS are the asker's mistakes, the same DomainErrors the in-process service throws (naming the
 * field in the contract's words); any other failure is a LoyaltyUnavailableError.
 */
export function freeDrinksRpcClient(options: ModuleClientOptions): FreeDrinksService {
  const { baseUrl, ...resilience } = options;
  const client = connectClient(FreeDrinksRpc, baseUrl, { ...resilience, target: LOYALTY_RPC_NAME });
  return {
    async redeem(redemption) {
      try {
        return toOutcome(await client.redeem(redemption));
      } catch (error) {
        if (error instanceof LoyaltyUnavailableError) throw error;
        const failure = ConnectError.from(error);
        const code = failure.metadata.get(ERROR_CODE_HEADER);
        const protoField = failure.metadata.get(ERROR_FIELD_HEADER);
        const field = protoField === null ? undefined : (CONTRACT_FIELDS[protoField] ?? protoField);
        if (failure.code === Code.InvalidArgument) {
          throw invalidArgument(code ?? 'invalid_argument', failure.rawMessage, field);
        }
        if (failure.code === Code.AlreadyExists) {
          throw alreadyExists(code ?? 'already_exists', failure.rawMessage, field);
        }
        throw new LoyaltyUnavailableError(
          `Loyalty could not redeem free drinks (${Code[failure.code]}: ${failure.rawMessage})`,
          { cause: error },
        );
      }
    },
  };
}

/**
 * How another module asks Loyalty, decided at each call (modules start in any order): this process's Loyalty
 * when it runs here (its redemption joins the caller's transaction), else the Loyalty that RPC_SERVICES names,
 * over RPC with this process's service token. Neither is a LoyaltyUnavailableError. In a module's `start`:
 * `freeDrinksServiceFor({ ...context, caller: '<module>' })`.
 */
export function freeDrinksServiceFor(context: ServiceLookup): FreeDrinksService {
  const current = locateService<FreeDrinksService>(context, {
    service: FREE_DRINKS_SERVICE,
    rpcName: LOYALTY_RPC_NAME,
    overRpc: freeDrinksRpcClient,
    missing: () =>
      new LoyaltyUnavailableError('Loyalty is not in this process and RPC_SERVICES names no address for it'),
  });
  return { redeem: async (redemption) => current().redeem(redemption) };
}
