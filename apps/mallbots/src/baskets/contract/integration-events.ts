import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * What Shopping Baskets publishes for other contexts: a checked-out basket carries everything Ordering needs
 * to create the order (event-carried state transfer). This folder is the only part of the module other
 * modules may import. Prices are whole cents, as everywhere else in the system.
 */
export const BASKET_CHANNEL = 'mallbots.baskets.events.Basket';

const id = z.uuid();

export const basketItemSchema = z.strictObject({
  storeId: id,
  productId: id,
  storeName: z.string(),
  productName: z.string(),
  priceCents: z.number().int().nonnegative(),
  quantity: z.number().int().positive(),
});

export const basketsMessages = {
  'basketsapi.BasketStarted': z.strictObject({ id, customerId: id }),
  'basketsapi.BasketCanceled': z.strictObject({ id }),
  'basketsapi.BasketCheckedOut': z.strictObject({
    id,
    customerId: id,
    paymentId: z.string().min(1),
    items: z.array(basketItemSchema).min(1),
  }),
};

export type BasketsMessageType = keyof typeof basketsMessages;
export type BasketsMessage = MessageOf<typeof basketsMessages>;

/** The channel Baskets publishes on, for the AsyncAPI document. Messages are keyed by basket id. */
export const basketsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: BASKET_CHANNEL,
    description: 'Baskets: started, canceled, checked out',
    messages: basketsMessages,
    summaries: {
      'basketsapi.BasketStarted': 'A customer started a basket at the kiosk',
      'basketsapi.BasketCanceled': 'A basket was canceled; it will not be ordered',
      'basketsapi.BasketCheckedOut':
        'A basket was checked out with a payment: its items, names and prices at checkout',
    },
  }),
];
