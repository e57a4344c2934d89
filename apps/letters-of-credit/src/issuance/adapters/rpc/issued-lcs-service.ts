import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { only, serviceRole } from '@tessera/platform/identity';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import type { IssuanceQueries } from '../../application/queries.js';
import { IssuedLCsService } from '../../contract/gen/lettersofcredit/issuance/v1/issued_lcs_pb.js';
import { issuedLCsService } from '../services/issued-lcs-service.js';

/**
 * IssuedLCsService over RPC, for modules of other processes (their service token; and operators): the
 * in-process service's answer in protobuf. Bad input is INVALID_ARGUMENT naming the proto field.
 */
export function registerIssuedLCsRpc(rpc: RpcRegistrar, queries: Pick<IssuanceQueries, 'listLCs'>) {
  const service = issuedLCsService(queries, 'applicant_id');
  rpc.service(
    IssuedLCsService,
    {
      async listIssuedLCs({ applicantId, limit, after }) {
        const page = await service.listIssuedLCs(applicantId, {
          ...(limit !== 0 && { limit }),
          ...(after !== '' && { after }),
        });
        return {
          lcs: page.lcs.map(({ amountCents, issuedAt, expiryDate, ...lc }) => ({
            ...lc,
            amountCents: BigInt(amountCents),
            issuedAt: timestampFromDate(new Date(issuedAt)),
            expiryDate: expiryDate ?? '',
          })),
          next: page.next ?? '',
        };
      },
    },
    { audience: only(serviceRole) },
  );
}
