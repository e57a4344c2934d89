import { z } from 'zod';
import type { CustomerView } from '../../application/ports.js';

export const tags = ['customers'];

/** Ids are UUIDs; lower-cased so that one customer has one row whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

const name = z.string().trim().max(100).describe('Blank names are refused');
const smsNumber = z
  .string()
  .trim()
  .max(32)
  .describe('E.164-like: an optional +, then 7 to 15 digits; spaces and dashes are allowed and dropped');

/** A username and password make the customer an account to log in with (anyone registering gives them). */
export const newCustomerBody = z.strictObject({
  name,
  smsNumber,
  username: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, "3 to 64 letters, digits, or '.', '_', '@', '-'")
    .optional(),
  password: z.string().min(8).max(256).optional(),
});
export const changeSmsBody = z.strictObject({ smsNumber });

export const customerResponse = z.object({
  customer: z.object({ id: z.uuid(), name: z.string(), smsNumber: z.string(), enabled: z.boolean() }),
});

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toCustomerDto = ({ id, name, smsNumber, enabled }: CustomerView) => ({
  id,
  name,
  smsNumber,
  enabled,
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  notFound: 'No customer with that ID',
  conflict:
    'The customer is not in a state that allows this (see code), or it was changed concurrently: reload it and try again',
};
