import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The events of a CoffeeBux card, as they are stored: the card's history is these, in order. Each schema is the
 * contract of one event at its current version; a shape changes only by adding a version and an upcaster.
 */
export const coffeeBuxEventSchemas = {
  /** The card was issued to a coffee lover at a store (at their first stamp there), with ten drinks to go. */
  'loyalty.CoffeeBuxIssued': z.strictObject({ coffeeLoverId: z.string().min(1), storeId: z.string().min(1) }),
  /** One drink bought with money at the store: one fewer to go until the next free drink. */
  'loyalty.StampAdded': z.strictObject({ purchaseId: z.string().min(1) }),
  /** The tenth stamp filled the card: one more free drink, and ten to go again. */
  'loyalty.FreeDrinkEarned': z.strictObject({ purchaseId: z.string().min(1) }),
  /** Free drinks paid for the drinks of a purchase. */
  'loyalty.FreeDrinksRedeemed': z.strictObject({
    purchaseId: z.string().min(1),
    drinks: z.number().int().min(1),
  }),
};

export type CoffeeBuxEventType = keyof typeof coffeeBuxEventSchemas;
export type CoffeeBuxEvent = {
  [Type in CoffeeBuxEventType]: DomainEvent<Type, z.infer<(typeof coffeeBuxEventSchemas)[Type]>>;
}[CoffeeBuxEventType];

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const coffeeBuxEventTypes = Object.entries(coffeeBuxEventSchemas).map(([name, schema]) => ({
  name,
  version: 1,
  schema,
}));
