import { randomUUID } from 'node:crypto';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { isDomainError } from '@tessera/platform/ddd';
import { createLogger } from '@tessera/platform/observability';
import { bearerToken, ERROR_CODE_HEADER, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import type { Services } from '@tessera/platform/runtime';
import { freePort, pgliteTestDatabase, TEST_OPERATOR } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssuedLCsService } from '../../../src/issuance/contract/gen/lettersofcredit/issuance/v1/issued_lcs_pb.js';
import { issuedLCsRpcClient, issuedLCsServiceFor } from '../../../src/issuance/contract/issued-lcs-client.js';
import {
  ISSUED_LCS_SERVICE,
  IssuanceUnavailableError,
  type IssuedLCsService as IssuedLCs,
} from '../../../src/issuance/contract/issued-lcs-service.js';
import { approval, type IssuanceHost, type IssuedLCDto, startIssuanceHost } from '../support/host.js';

const logger = createLogger({ level: 'silent', format: 'json' });

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

const services = (service?: IssuedLCs): Services => ({
  provide: () => {},
  find: <S>(name: string) => (name === ISSUED_LCS_SERVICE ? (service as S) : undefined),
});

// What modules of other processes see of Issuance: its RPC port, as a stock Connect client calls it, and the
// contract's client (issuedLCsServiceFor) that LC Application Processing's scatter-gather query uses.
describe('the IssuedLCsService of LC Issuance, on pglite', () => {
  let api: IssuanceHost;
  const applicantId = `importer-${randomUUID().slice(0, 8)}`;
  /** The applicant's LCs, newest first. */
  let lcs: IssuedLCDto[];
  const clientAs = (token?: () => Promise<string>) =>
    createClient(
      IssuedLCsService,
      createConnectTransport({
        baseUrl: api.host.rpcUrl!,
        httpVersion: '2',
        ...(token ? { interceptors: [bearerToken(token)] } : {}),
      }),
    );
  beforeAll(async () => {
    api = await startIssuanceHost(pgliteTestDatabase);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) await api.deliver(approval(id, applicantId));
    await api.issueFor('someone-else');
    lcs = (await Promise.all(ids.map((id) => api.lcOf(id)))).reverse();
  });
  afterAll(() => api?.close());

  it('admits the other modules (the service role) and operators only', async () => {
    const request = { applicantId, limit: 0, after: '' };
    const anonymous = ConnectError.from(await failure(clientAs().listIssuedLCs(request)));
    expect(anonymous.code).toBe(Code.Unauthenticated);
    for (const roles of [['underwriter'], ['trade-finance-manager'], ['applicant'], ['sanctions-officer']]) {
      const who = { subject: applicantId, roles };
      const refused = ConnectError.from(
        await failure(clientAs(() => api.tokenFor(who)).listIssuedLCs(request)),
      );
      expect(refused.code, roles[0]).toBe(Code.PermissionDenied);
      expect(refused.metadata.get(ERROR_CODE_HEADER)).toBe('forbidden');
    }
    const forged = ConnectError.from(
      await failure(clientAs(async () => 'not.a.token').listIssuedLCs(request)),
    );
    expect(forged.code).toBe(Code.Unauthenticated);
    const operator = await clientAs(() => api.tokenFor(TEST_OPERATOR)).listIssuedLCs(request);
    expect(operator.lcs).toHaveLength(5);
    expect((await clientAs(api.host.serviceToken).listIssuedLCs(request)).lcs).toHaveLength(5);
  });

  it("answers an applicant's issued LCs, newest first, a page at a time, the amount in whole cents", async () => {
    const client = clientAs(api.host.serviceToken);
    const first = await client.listIssuedLCs({ applicantId, limit: 2, after: '' });
    expect(first.lcs.map((lc) => lc.lcId)).toEqual(lcs.slice(0, 2).map((lc) => lc.id));
    expect(first.lcs[0]).toMatchObject({
      lcId: lcs[0]!.id,
      lcNumber: lcs[0]!.lcNumber,
      lcApplicationId: lcs[0]!.lcApplicationId,
      applicantId,
      clientReference: 'Cocoa for winter',
      amountCents: 950_000n,
      currency: 'USD',
      expiryDate: '2026-12-31',
    });
    expect(timestampDate(first.lcs[0]!.issuedAt!).toISOString()).toBe(lcs[0]!.issuedAt);
    const second = await client.listIssuedLCs({ applicantId, limit: 2, after: first.next });
    const third = await client.listIssuedLCs({ applicantId, limit: 2, after: second.next });
    expect([...second.lcs, ...third.lcs].map((lc) => lc.lcId)).toEqual(lcs.slice(2).map((lc) => lc.id));
    expect(third.next).toBe('');
    expect((await client.listIssuedLCs({ applicantId: 'no-one', limit: 0, after: '' })).lcs).toEqual([]);
  });

  it('answers INVALID_ARGUMENT naming the field for no applicant, a limit out of range, or a foreign cursor', async () => {
    const client = clientAs(api.host.serviceToken);
    for (const [request, field] of [
      [{ applicantId: '', limit: 0, after: '' }, 'applicant_id'],
      [{ applicantId, limit: 101, after: '' }, 'limit'],
      [{ applicantId, limit: -1, after: '' }, 'limit'],
      [{ applicantId, limit: 0, after: 'not-a-cursor' }, 'after'],
    ] as const) {
      const error = ConnectError.from(await failure(client.listIssuedLCs(request)));
      expect(error.code, field).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe(field);
    }
  });

  describe('through the contract (issuedLCsServiceFor)', () => {
    const context = (found: Services, rpcServices: ReadonlyMap<string, string>) => ({
      services: found,
      rpcServices,
      serviceToken: api.host.serviceToken!,
      logger,
      caller: 'test',
    });

    it('asks the Issuance of another process over RPC, paging as in one process', async () => {
      const remote = issuedLCsServiceFor(context(services(), new Map([['issuance', api.host.rpcUrl!]])));
      const first = await remote.listIssuedLCs(applicantId, { limit: 3 });
      expect(first.lcs.map((lc) => lc.lcId)).toEqual(lcs.slice(0, 3).map((lc) => lc.id));
      expect(first.lcs[0]).toEqual({
        lcId: lcs[0]!.id,
        lcNumber: lcs[0]!.lcNumber,
        lcApplicationId: lcs[0]!.lcApplicationId,
        applicantId,
        clientReference: 'Cocoa for winter',
        amountCents: 950_000,
        currency: 'USD',
        issuedAt: lcs[0]!.issuedAt,
        expiryDate: '2026-12-31',
      });
      const rest = await remote.listIssuedLCs(applicantId, { after: first.next! });
      expect(rest.lcs.map((lc) => lc.lcId)).toEqual(lcs.slice(3).map((lc) => lc.id));
      expect(rest.next).toBeUndefined();
      // A cursor this list did not give is the asker's mistake, as in one process: not an outage.
      const bad = await failure(remote.listIssuedLCs(applicantId, { after: 'not-a-cursor' }));
      expect(isDomainError(bad) && [bad.kind, bad.code, bad.field]).toEqual([
        'invalid_argument',
        'bad_cursor',
        'after',
      ]);
    });

    it('calls the Issuance of this process directly when there is one, whatever RPC_SERVICES says', async () => {
      const asked: string[] = [];
      const here: IssuedLCs = {
        async listIssuedLCs(id) {
          asked.push(id);
          return { lcs: [] };
        },
      };
      const service = issuedLCsServiceFor(
        context(services(here), new Map([['issuance', 'http://127.0.0.1:1']])),
      );
      expect(await service.listIssuedLCs(applicantId)).toEqual({ lcs: [] });
      expect(asked).toEqual([applicantId]);
    });

    it('is unavailable when Issuance is neither here nor named, or cannot be reached', async () => {
      const nowhere = issuedLCsServiceFor(context(services(), new Map()));
      expect(await failure(nowhere.listIssuedLCs(applicantId))).toBeInstanceOf(IssuanceUnavailableError);
      const unreachable = issuedLCsRpcClient({
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        logger,
        token: api.host.serviceToken,
        maxAttempts: 1,
      });
      const error = await failure(unreachable.listIssuedLCs(applicantId));
      expect(error).toBeInstanceOf(IssuanceUnavailableError);
      expect((error as Error).message).toMatch(/Unavailable/);
      const anonymous = issuedLCsRpcClient({ baseUrl: api.host.rpcUrl!, logger });
      expect(await failure(anonymous.listIssuedLCs(applicantId))).toBeInstanceOf(IssuanceUnavailableError);
    });
  });
});
