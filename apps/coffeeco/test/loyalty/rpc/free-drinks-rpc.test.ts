import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { isDomainError } from '@tessera/platform/ddd';
import { createLogger } from '@tessera/platform/observability';
import { bearerToken, ERROR_CODE_HEADER, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import type { Services } from '@tessera/platform/runtime';
import { freePort, pgliteTestDatabase, TEST_OPERATOR } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FREE_DRINKS_SERVICE,
  type FreeDrinksService,
  LoyaltyUnavailableError,
} from '../../../src/loyalty/contract/free-drinks.js';
import {
  freeDrinksRpcClient,
  freeDrinksServiceFor,
} from '../../../src/loyalty/contract/free-drinks-client.js';
import { FreeDrinksService as FreeDrinksRpc } from '../../../src/loyalty/contract/gen/coffeeco/loyalty/v1/free_drinks_pb.js';
import { type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from '../support/host.js';

const logger = createLogger({ level: 'silent', format: 'json' });

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

const services = (service?: FreeDrinksService): Services => ({
  provide: () => {},
  find: <S>(name: string) => (name === FREE_DRINKS_SERVICE ? (service as S) : undefined),
});

// What the coffee shops of another process see of Loyalty: its RPC port, as a stock Connect client calls it, and
// the contract's client (freeDrinksServiceFor) that they use.
describe('the FreeDrinksService of Loyalty over RPC, on pglite', () => {
  let api: LoyaltyHost;
  const who = { coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() };
  const clientAs = (token?: () => Promise<string>) =>
    createClient(
      FreeDrinksRpc,
      createConnectTransport({
        baseUrl: api.host.rpcUrl!,
        httpVersion: '2',
        ...(token ? { interceptors: [bearerToken(token)] } : {}),
      }),
    );
  const request = (drinks = 1) => ({ purchaseId: randomUUID(), ...who, drinks });
  beforeAll(async () => {
    api = await startLoyaltyHost(pgliteTestDatabase);
    // Five free drinks on the card.
    await api.deliver(purchaseCompleted({ ...who, drinks: 50 }));
  });
  afterAll(() => api?.close());

  it('admits the other modules (the service role) and operators only', async () => {
    const asked = request();
    expect(ConnectError.from(await failure(clientAs().redeem(asked))).code).toBe(Code.Unauthenticated);
    for (const roles of [['coffee-lover'], ['barista'], ['store-manager']]) {
      const refused = ConnectError.from(
        await failure(clientAs(() => api.tokenFor({ subject: who.coffeeLoverId, roles })).redeem(asked)),
      );
      expect(refused.code, roles[0]).toBe(Code.PermissionDenied);
      expect(refused.metadata.get(ERROR_CODE_HEADER)).toBe('forbidden');
    }
    const operator = await clientAs(() => api.tokenFor(TEST_OPERATOR)).redeem(asked);
    expect(operator.outcome).toEqual({
      case: 'redeemed',
      value: expect.objectContaining({ freeDrinksLeft: 4 }),
    });
    const again = await clientAs(api.host.serviceToken).redeem(asked);
    expect(again.outcome).toEqual({
      case: 'redeemed',
      value: expect.objectContaining({ freeDrinksLeft: 4 }),
    });
  });

  it('answers a refusal as an outcome, and INVALID_ARGUMENT naming the proto field for bad input', async () => {
    const client = clientAs(api.host.serviceToken);
    const refused = await client.redeem(request(9));
    expect(refused.outcome.case).toBe('refused');
    expect(refused.outcome.value).toMatchObject({
      reason: 'not enough coffeeBux to cover entire purchase. Have 4, need 9',
      freeDrinksAvailable: 4,
    });
    for (const [bad, field] of [
      [{ drinks: 0 }, 'drinks'],
      [{ coffeeLoverId: '' }, 'coffee_lover_id'],
      [{ storeId: '' }, 'store_id'],
      [{ purchaseId: '' }, 'purchase_id'],
    ] as const) {
      const error = ConnectError.from(await failure(client.redeem({ ...request(), ...bad })));
      expect(error.code, field).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe(field);
    }
  });

  describe('through the contract (freeDrinksServiceFor)', () => {
    const context = (found: Services, rpcServices: ReadonlyMap<string, string>) => ({
      services: found,
      rpcServices,
      serviceToken: api.host.serviceToken!,
      logger,
      caller: 'coffee-shops',
    });

    it('asks the Loyalty of another process over RPC: the same outcomes, once per purchase, the same errors', async () => {
      const remote = freeDrinksServiceFor(context(services(), new Map([['loyalty', api.host.rpcUrl!]])));
      const asked = request(2);
      const before = (await api.cardOf(who.coffeeLoverId, who.storeId))!.freeDrinksAvailable;
      expect(await remote.redeem(asked)).toEqual({ redeemed: true, freeDrinksLeft: before - 2 });
      expect(await remote.redeem(asked)).toEqual({ redeemed: true, freeDrinksLeft: before - 2 });
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
        freeDrinksAvailable: before - 2,
      });
      expect(await remote.redeem(request(before))).toEqual({
        redeemed: false,
        reason: `not enough coffeeBux to cover entire purchase. Have ${before - 2}, need ${before}`,
        freeDrinksAvailable: before - 2,
      });
      // The asker's mistakes, as in one process: DomainErrors naming the field in the contract's words.
      const bad = await failure(remote.redeem({ ...request(), coffeeLoverId: '' }));
      expect(isDomainError(bad) && [bad.kind, bad.code, bad.field]).toEqual([
        'invalid_argument',
        'coffee_lover_missing',
        'coffeeLoverId',
      ]);
      const otherwise = await failure(remote.redeem({ ...asked, drinks: 1 }));
      expect(isDomainError(otherwise) && [otherwise.kind, otherwise.code, otherwise.field]).toEqual([
        'already_exists',
        'purchase_redeemed_otherwise',
        'purchaseId',
      ]);
    });

    it('calls the Loyalty of this process directly when there is one, whatever RPC_SERVICES says', async () => {
      const asked: string[] = [];
      const here: FreeDrinksService = {
        async redeem(redemption) {
          asked.push(redemption.purchaseId);
          return { redeemed: true, freeDrinksLeft: 7 };
        },
      };
      const service = freeDrinksServiceFor(
        context(services(here), new Map([['loyalty', 'http://127.0.0.1:1']])),
      );
      const redemption = request();
      expect(await service.redeem(redemption)).toEqual({ redeemed: true, freeDrinksLeft: 7 });
      expect(asked).toEqual([redemption.purchaseId]);
    });

    it('is unavailable when Loyalty is neither here nor named, or cannot be reached', async () => {
      const nowhere = freeDrinksServiceFor(context(services(), new Map()));
      expect(await failure(nowhere.redeem(request()))).toBeInstanceOf(LoyaltyUnavailableError);
      const unreachable = freeDrinksRpcClient({
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        logger,
        token: api.host.serviceToken,
        maxAttempts: 1,
      });
      const error = await failure(unreachable.redeem(request()));
      expect(error).toBeInstanceOf(LoyaltyUnavailableError);
      expect((error as Error).message).toMatch(/Unavailable/);
      const anonymous = freeDrinksRpcClient({ baseUrl: api.host.rpcUrl!, logger });
      expect(await failure(anonymous.redeem(request()))).toBeInstanceOf(LoyaltyUnavailableError);
    });
  });
});
