import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { invalidArgument } from '@tessera/platform/ddd';
import type { Logger } from '@tessera/platform/observability';
import {
  connectClient,
  ERROR_CODE_HEADER,
  ERROR_FIELD_HEADER,
  type ResilienceOptions,
} from '@tessera/platform/rpc';
import { locateService, type Services } from '@tessera/platform/runtime';
import {
  type IssuedLC,
  IssuedLCsService as IssuedLCsRpc,
} from './gen/lettersofcredit/issuance/v1/issued_lcs_pb.js';
import {
  ISSUED_LCS_SERVICE,
  IssuanceUnavailableError,
  type IssuedLCSummary,
  type IssuedLCsService,
} from './issued-lcs-service.js';

/** The module name Issuance goes by in RPC_SERVICES. */
export const ISSUANCE_RPC_NAME = 'issuance';

export interface IssuedLCsRpcOptions extends Partial<Omit<ResilienceOptions, 'target' | 'logger'>> {
  /** Where Issuance serves RPC (its RPC port), e.g. http://issuance:8085. */
  readonly baseUrl: string;
  readonly logger: Logger;
  /** The caller's token: a module's service token (`ModuleContext.serviceToken`). */
  readonly token?: () => Promise<string>;
}

const toSummary = (lc: IssuedLC): IssuedLCSummary => {
  if (!lc.issuedAt) throw new IssuanceUnavailableError('Issuance answered an LC without its issue time');
  return {
    lcId: lc.lcId,
    lcNumber: lc.lcNumber,
    lcApplicationId: lc.lcApplicationId,
    applicantId: lc.applicantId,
    clientReference: lc.clientReference,
    amountCents: Number(lc.amountCents),
    currency: lc.currency,
    issuedAt: timestampDate(lc.issuedAt).toISOString(),
    ...(lc.expiryDate === '' ? {} : { expiryDate: lc.expiryDate }),
  };
};

/**
 * IssuedLCsService over Connect RPC (IssuedLCsService.ListIssuedLCs), each call with a timeout, retried on
 * transient failures and behind a circuit breaker. INVALID_ARGUMENT is the asker's mistake, the same
 * DomainError the in-process service throws (naming the field); any other failure is an
 * IssuanceUnavailableError.
 */
export function issuedLCsRpcClient(options: IssuedLCsRpcOptions): IssuedLCsService {
  const { baseUrl, ...resilience } = options;
  const client = connectClient(IssuedLCsRpc, baseUrl, { ...resilience, target: ISSUANCE_RPC_NAME });
  return {
    async listIssuedLCs(applicantId, page = {}) {
      try {
        const answer = await client.listIssuedLCs({
          applicantId,
          limit: page.limit ?? 0,
          after: page.after ?? '',
        });
        return { lcs: answer.lcs.map(toSummary), ...(answer.next === '' ? {} : { next: answer.next }) };
      } catch (error) {
        if (error instanceof IssuanceUnavailableError) throw error;
        const failure = ConnectError.from(error);
        if (failure.code === Code.InvalidArgument) {
          throw invalidArgument(
            failure.metadata.get(ERROR_CODE_HEADER) ?? 'invalid_argument',
            failure.rawMessage,
            failure.metadata.get(ERROR_FIELD_HEADER) ?? undefined,
          );
        }
        throw new IssuanceUnavailableError(
          `Issuance could not list the issued LCs (${Code[failure.code]}: ${failure.rawMessage})`,
          { cause: error },
        );
      }
    },
  };
}

/**
 * How another module asks Issuance, decided at each call (modules start in any order): this process's
 * Issuance when it runs here (its query joins the caller's transaction), else the Issuance that RPC_SERVICES
 * names, over RPC with this process's service token. Neither is an IssuanceUnavailableError. In a module's
 * `start`: `issuedLCsServiceFor({ ...context, caller: '<module>' })`.
 */
export function issuedLCsServiceFor(context: {
  readonly services: Services;
  readonly rpcServices: ReadonlyMap<string, string>;
  /** What the calls over RPC carry: the module's `serviceToken`. */
  readonly serviceToken: () => Promise<string>;
  readonly logger: Logger;
  /** The asking module, for the breaker's metrics and logs. */
  readonly caller: string;
}): IssuedLCsService {
  const current = locateService<IssuedLCsService>(context, {
    service: ISSUED_LCS_SERVICE,
    rpcName: ISSUANCE_RPC_NAME,
    overRpc: (baseUrl, token) =>
      issuedLCsRpcClient({ baseUrl, token, logger: context.logger, caller: context.caller }),
    missing: () =>
      new IssuanceUnavailableError(
        'Issuance is not in this process and RPC_SERVICES names no address for it',
      ),
  });
  return { listIssuedLCs: async (applicantId, page) => current().listIssuedLCs(applicantId, page) };
}
