import { defineRoles } from '@tessera/platform/identity';

/**
 * Who the subscription business knows. `marketer` is the same name Marketing admits: one person, one role, and
 * each context says in its own words what a marketer does there (UL-4).
 */
export const subscriptionsRoles = defineRoles({
  subscriber: {
    description:
      'Someone who signed up with a login (a lead, then a customer): sees their own, selects a subscription, churns',
    own: true,
  },
  marketer: {
    description:
      'Grows the subscription business: records leads met elsewhere, converts one on their behalf, marks a lead ' +
      'lost, churns a customer, reads users and the campaigns that reached subscriptions; asks the open host',
  },
});
