import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The events of the Customer aggregate. Customers are stored as rows (CRUD), not as streams: these events say
 * what changed, for the in-process subscribers and the integration events, and are never replayed from storage.
 */
export const customerEventSchemas = {
  'customers.CustomerRegistered': z.strictObject({ name: z.string(), smsNumber: z.string() }),
  'customers.CustomerEnabled': z.strictObject({}),
  'customers.CustomerDisabled': z.strictObject({}),
  'customers.CustomerSmsChanged': z.strictObject({ smsNumber: z.string() }),
};

export type CustomerEvent = {
  [Type in keyof typeof customerEventSchemas]: DomainEvent<
    Type,
    z.infer<(typeof customerEventSchemas)[Type]>
  >;
}[keyof typeof customerEventSchemas];
