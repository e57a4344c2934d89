import { defineRoles } from '@tessera/platform/identity';

/**
 * Who works with issued LCs in the bank: underwriting (the EventStorming board's "Manager — Underwriting", who
 * issues LCs). Trade finance managers and the applicants (their own LCs only) are LC Application Processing's
 * roles, admitted here too.
 */
export const issuanceRoles = defineRoles({
  underwriter: {
    description: 'Manager — Underwriting: the LCs the bank issued, every one of them',
  },
});
