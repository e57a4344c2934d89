import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';
import { basketItemSchema } from '../../baskets/contract/integration-events.js';

/**
 * What Order Processing publishes for other contexts, and the commands it answers for the create-order saga.
 * This folder is the only part of the module other modules may import. Money is whole cents (ADR 0006).
 */
export const ORDER_CHANNEL = 'mallbots.ordering.events.Order';
/** Where the saga sends `ordersapi.ApproveOrder` and `ordersapi.RejectOrder`; replies go to the command's replyTo. */
export const ORDERING_COMMAND_CHANNEL = 'mallbots.ordering.commands';

const id = z.uuid();

/** An order's line is the basket's line as it was checked out: its names and price are those of the checkout. */
export const orderItemSchema = basketItemSchema;
export type OrderItem = z.infer<typeof orderItemSchema>;

export const orderingMessages = {
  'ordersapi.OrderCreated': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string().min(1),
    items: z.array(orderItemSchema).min(1),
    totalCents: z.number().int().nonnegative(),
  }),
  'ordersapi.OrderRejected': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string(),
    reason: z.string(),
  }),
  'ordersapi.OrderApproved': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string(),
    shoppingListId: id,
  }),
  'ordersapi.OrderReadied': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string(),
    /** What the customer pays: the lines the stores could not supply are not charged. */
    totalCents: z.number().int().nonnegative(),
    /** The order's lines the stores could not supply (absent in messages from before: none). */
    unavailableItems: z.array(z.strictObject({ storeId: id, productId: id })).default([]),
  }),
  'ordersapi.OrderCanceled': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string(),
    /** Absent when the order was canceled before a shopping list existed. */
    shoppingListId: id.optional(),
    /** Who canceled it: the customer (while allowed) or the depot's staff (until it is completed). */
    canceledBy: z.enum(['customer', 'staff']).default('customer'),
    /** The staff's reason; absent for a customer's cancel. */
    reason: z.string().optional(),
  }),
  'ordersapi.OrderCompleted': z.strictObject({ id, customerId: id, invoiceId: z.string() }),
};

export type OrderingMessageType = keyof typeof orderingMessages;
export type OrderingMessage = MessageOf<typeof orderingMessages>;

/** Commands Order Processing handles (saga participant): the reply is a generic success or failure. */
export const orderingCommands = {
  'ordersapi.ApproveOrder': z.strictObject({ id, shoppingListId: id }),
  'ordersapi.RejectOrder': z.strictObject({ id, reason: z.string().min(1) }),
};

/** The channel Order Processing publishes on, for the AsyncAPI document. Messages are keyed by order id. */
export const orderingPublishes: readonly ChannelContract[] = [
  channelContract({
    address: ORDER_CHANNEL,
    description: 'Orders: created, approved, rejected, readied, canceled, completed',
    messages: orderingMessages,
    summaries: {
      'ordersapi.OrderCreated': 'An order was created from a checked-out basket; it waits for the saga',
      'ordersapi.OrderRejected': 'An order was rejected, with the reason (it will not be shopped)',
      'ordersapi.OrderApproved': 'An order was approved: its shopping list can be shopped',
      'ordersapi.OrderReadied': 'An order is ready for pickup at the depot, with the total to invoice',
      'ordersapi.OrderCanceled': 'An order was canceled',
      'ordersapi.OrderCompleted': 'An order was paid and picked up',
    },
  }),
];

/** The channel Order Processing receives commands on. */
export const orderingReceives: readonly ChannelContract[] = [
  channelContract({
    address: ORDERING_COMMAND_CHANNEL,
    description: 'Commands to Order Processing, from the create-order saga; keyed by order id',
    messages: orderingCommands,
    summaries: {
      'ordersapi.ApproveOrder': 'Approve a pending order with its shopping list',
      'ordersapi.RejectOrder': 'Reject a pending order, with the reason',
    },
  }),
];
