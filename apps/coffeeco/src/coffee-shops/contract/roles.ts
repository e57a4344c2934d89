import { defineRoles } from '@tessera/platform/identity';

/** The people of CoffeeCo's shops. Loyalty and the other contexts admit them by these roles too. */
export const coffeeShopsRoles = defineRoles({
  coffeeLover: {
    description: 'A registered customer: buys coffee, sees only their own purchases and CoffeeBux cards',
    own: true,
  },
  barista: {
    description: 'Serves at a till: records purchases paid by card, cash or CoffeeBux',
  },
  storeManager: {
    description: 'Runs stores: opens them, sets what they sell and their store-specific discount',
  },
});
