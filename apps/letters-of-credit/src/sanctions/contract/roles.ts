import { defineRoles } from '@tessera/platform/identity';

/** Who keeps the sanctions list: the bank's sanctions (compliance) officers. */
export const sanctionsRoles = defineRoles({
  sanctionsOfficer: {
    description: 'Keeps the list of sanctioned countries: sanctions a country, lifts a sanction',
  },
});
