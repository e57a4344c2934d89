import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * What Customers publishes for other contexts (event-carried state transfer), and the command it answers for
 * the create-order saga. This folder is the only part of the module other modules may import.
 */
export const CUSTOMER_CHANNEL = 'mallbots.customers.events.Customer';
/** Where the saga sends `customersapi.AuthorizeCustomer`; replies go to the command's replyTo. */
export const CUSTOMERS_COMMAND_CHANNEL = 'mallbots.customers.commands';

const id = z.uuid();

export const customersMessages = {
  'customersapi.CustomerRegistered': z.strictObject({ id, name: z.string(), smsNumber: z.string() }),
  'customersapi.CustomerSmsChanged': z.strictObject({ id, smsNumber: z.string() }),
  'customersapi.CustomerEnabled': z.strictObject({ id }),
  'customersapi.CustomerDisabled': z.strictObject({ id }),
};

export type CustomersMessageType = keyof typeof customersMessages;
export type CustomersMessage = MessageOf<typeof customersMessages>;

/** Commands Customers handles (saga participant): the reply is a generic success or failure. */
export const customersCommands = {
  'customersapi.AuthorizeCustomer': z.strictObject({ id }),
};
export type AuthorizeCustomer = z.infer<(typeof customersCommands)['customersapi.AuthorizeCustomer']>;

/** The channels Customers publishes on, for the AsyncAPI document. Messages are keyed by customer id. */
export const customersPublishes: readonly ChannelContract[] = [
  channelContract({
    address: CUSTOMER_CHANNEL,
    description: 'Customers: registered, SMS number changed, enabled, disabled',
    messages: customersMessages,
    summaries: {
      'customersapi.CustomerRegistered': 'A customer registered; they may order at once',
      'customersapi.CustomerSmsChanged': "A customer's SMS number changed",
      'customersapi.CustomerEnabled': 'A customer may order again',
      'customersapi.CustomerDisabled': 'A customer may no longer order',
    },
  }),
];

/**
 * The channel Customers receives commands on (replies go to each command's replyTo: `reply.Success` or
 * `reply.Failure`). Ready for the AsyncAPI document once a module can declare what it receives; the
 * platform renders only what modules publish today.
 */
export const customersReceives: readonly ChannelContract[] = [
  channelContract({
    address: CUSTOMERS_COMMAND_CHANNEL,
    description: 'Commands to Customers, from the create-order saga; keyed by customer id',
    messages: customersCommands,
    summaries: {
      'customersapi.AuthorizeCustomer':
        'May this customer order? Success if registered and enabled, else Failure (permission denied)',
    },
  }),
];
