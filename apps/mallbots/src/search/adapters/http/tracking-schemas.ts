import { fromCents } from '@tessera/platform/ddd';
import { nextPage } from '@tessera/platform/http';
import { z } from 'zod';
import type { OrderTrackingView } from '../../application/ports.js';
import { orderStatuses } from '../../domain/events.js';
import { customerMayCancel, trackingStatuses, trackingSteps } from '../../domain/tracking.js';

const outcome = z.enum(['picked', 'unavailable']);

/** What a customer watches of an order (and what the depot's orders board shows of every order). */
export const orderTrackingSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string().describe('Empty while Search knows no name for the customer'),
    status: z
      .enum(trackingStatuses)
      .describe(
        "Ordering's status, `placing` before Ordering made the order from its checked-out basket, and " +
          '`shopping` while an approved order is in a bot’s hands',
      ),
    orderStatus: z.enum(orderStatuses).optional().describe("Ordering's own status; absent while placing"),
    cancelable: z
      .boolean()
      .describe('The customer may cancel it now (placing, pending or approved): DELETE /api/ordering/{id}'),
    items: z.array(
      z.object({
        productId: z.string(),
        storeId: z.string(),
        productName: z.string(),
        storeName: z.string(),
        price: z.number().describe('Unit price at checkout, in currency units'),
        quantity: z.number().int(),
      }),
    ),
    total: z.number().describe('In currency units; once ready, the final total, without unavailable lines'),
    unavailableItems: z
      .array(z.object({ storeId: z.string(), productId: z.string() }))
      .describe('Once ready: the lines the stores could not supply (not charged)'),
    rejectionReason: z.string().optional(),
    canceledBy: z.enum(['customer', 'staff']).optional(),
    cancelReason: z.string().optional().describe("The staff's reason"),
    steps: z
      .array(
        z.object({
          step: z.enum(trackingSteps),
          at: z.string().describe('When the module that made the step said it happened'),
          botId: z.string().optional().describe('For botAssigned: the bot'),
          botName: z.string().optional().describe("For botAssigned: the bot's name, when it has one"),
        }),
      )
      .describe('The milestones learnt so far, in the order they happened'),
    shoppingList: z
      .object({
        id: z.string(),
        status: z.enum(['pending', 'available', 'assigned', 'active', 'completed', 'canceled']),
        botId: z.string().optional().describe('The bot shopping it'),
        botName: z.string().optional().describe("The bot's name, when it has one"),
        stops: z
          .array(
            z.object({
              storeId: z.string(),
              storeName: z.string(),
              storeLocation: z.string(),
              done: z.boolean().describe('Every item of the stop was reported'),
              items: z.array(
                z.object({
                  productId: z.string(),
                  productName: z.string(),
                  quantity: z.number().int(),
                  outcome: outcome.optional().describe('Once the bot reported it'),
                }),
              ),
            }),
          )
          .describe('In the order the bot visits them'),
      })
      .optional()
      .describe('Once Depot made it'),
    invoice: z
      .object({
        id: z.string(),
        status: z.enum(['pending', 'paid', 'canceled']),
        amount: z.number().describe('To pay, in currency units'),
      })
      .optional()
      .describe('Once the order is ready: pay it with PUT /api/payments/invoices/{id}/pay'),
    placedAt: z.string(),
    updatedAt: z.string(),
    position: z.number().int().describe('The position of its last change: the live event id'),
  })
  .meta({ id: 'OrderTracking' });

const asOf = {
  position: z
    .number()
    .int()
    .describe(
      'The position of the read model this answer shows: follow the live route from it (lastEventId)',
    ),
  rebuilding: z
    .boolean()
    .describe('The read model is being rebuilt by replay: possibly incomplete, and stale'),
};

export const trackingListResponse = z.object({
  orders: z.array(orderTrackingSchema),
  next: nextPage,
  ...asOf,
});
export const trackingResponse = z.object({ order: orderTrackingSchema, ...asOf });

export const toTrackingDto = (view: OrderTrackingView) => ({
  id: view.orderId,
  customerId: view.customerId,
  customerName: view.customerName,
  status: view.status,
  ...(view.orderStatus === undefined ? {} : { orderStatus: view.orderStatus }),
  cancelable: customerMayCancel(view),
  items: view.items.map(({ priceCents, ...item }) => ({ ...item, price: fromCents(priceCents) })),
  total: fromCents(view.totalCents),
  unavailableItems: view.unavailableItems.map(({ storeId, productId }) => ({ storeId, productId })),
  ...(view.rejectionReason === undefined ? {} : { rejectionReason: view.rejectionReason }),
  ...(view.canceledBy === undefined ? {} : { canceledBy: view.canceledBy }),
  ...(view.cancelReason === undefined ? {} : { cancelReason: view.cancelReason }),
  steps: view.steps.map(({ step, at, botId, botName }) => ({
    step,
    at,
    ...(botId === undefined ? {} : { botId }),
    ...(botName === undefined ? {} : { botName }),
  })),
  ...(view.shoppingList && {
    shoppingList: {
      id: view.shoppingList.id,
      status: view.shoppingList.status,
      ...(view.shoppingList.botId === undefined ? {} : { botId: view.shoppingList.botId }),
      ...(view.shoppingList.botName === undefined ? {} : { botName: view.shoppingList.botName }),
      stops: view.shoppingList.stops.map(({ storeId, storeName, storeLocation, items }) => ({
        storeId,
        storeName,
        storeLocation,
        done: items.every((item) => item.outcome !== undefined),
        items: items.map(({ productId, productName, quantity, outcome: found }) => ({
          productId,
          productName,
          quantity,
          ...(found === undefined ? {} : { outcome: found }),
        })),
      })),
    },
  }),
  ...(view.invoice && {
    invoice: {
      id: view.invoice.id,
      status: view.invoice.status,
      amount: fromCents(view.invoice.amountCents),
    },
  }),
  placedAt: view.placedAt,
  updatedAt: view.updatedAt.toISOString(),
  position: view.position,
});
