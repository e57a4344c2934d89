import { defineRoles } from '@tessera/platform/identity';

/** Who Customers knows: the customers themselves, who see and change only their own. */
export const customersRoles = defineRoles({
  customer: {
    description: 'A customer of the mall: their own baskets, orders, payments, invoices and texts only',
    own: true,
  },
});
