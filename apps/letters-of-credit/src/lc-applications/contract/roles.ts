import { defineRoles } from '@tessera/platform/identity';

/** Who works with LC applications: the importers who apply, and the trade-finance desk that decides. */
export const lcApplicationsRoles = defineRoles({
  applicant: {
    description: 'An importer applying for letters of credit: their own applications only',
    own: true,
  },
  tradeFinanceManager: {
    description: 'Trade finance: works the queues of submitted applications, approves and declines them',
  },
});
