import { defineRoles } from '@tessera/platform/identity';

/** Who Marketing knows: its marketers (Subscriptions admits the same role, in its own words). */
export const marketingRoles = defineRoles({
  marketer: { description: 'Launches marketing campaigns' },
});
