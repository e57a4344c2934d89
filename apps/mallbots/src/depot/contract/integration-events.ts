import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * What Depot Operations publishes for other contexts, and the commands it answers for the create-order saga.
 * This folder is the only part of the module other modules may import.
 */
export const SHOPPING_LIST_CHANNEL = 'mallbots.depot.events.ShoppingList';
/** Where the saga sends the shopping-list commands; replies go to the command's replyTo. */
export const DEPOT_COMMAND_CHANNEL = 'mallbots.depot.commands';

const id = z.uuid();

/** An order line a store could not supply: the whole quantity of that product from that store. */
export const unavailableItemSchema = z.strictObject({ storeId: id, productId: id });
export type UnavailableItem = z.infer<typeof unavailableItemSchema>;

/** An item of a stop, as the list was made: the whole quantity of one product. */
export const shoppingListStopItemSchema = z.strictObject({
  productId: id,
  productName: z.string(),
  quantity: z.number().int().positive(),
});
/** One store a bot visits, in the order the bot visits them. */
export const shoppingListStopSchema = z.strictObject({
  storeId: id,
  storeName: z.string(),
  storeLocation: z.string(),
  items: z.array(shoppingListStopItemSchema),
});
export type ShoppingListStop = z.infer<typeof shoppingListStopSchema>;

/** What a bot found for one item at a stop: all of it, or none (a partial pick is not modelled). */
export const itemOutcomeSchema = z.enum(['picked', 'unavailable']);

export const depotMessages = {
  /**
   * `stops`: the stores in the order a bot visits them, with their items (names as the depot knows them);
   * absent in messages from before stops were published, which then say nothing about them.
   */
  'depotapi.ShoppingListCreated': z.strictObject({
    id,
    orderId: id,
    stops: z.array(shoppingListStopSchema).default([]),
  }),
  /** Initiated: a bot may take it. */
  'depotapi.ShoppingListAvailable': z.strictObject({ id, orderId: id }),
  'depotapi.ShoppingListCanceled': z.strictObject({ id, orderId: id }),
  /** A bot took it: its name when it is one of the fleet (a runner assigned over REST has only an id). */
  'depotapi.ShoppingListAssigned': z.strictObject({
    id,
    orderId: id,
    botId: z.string().min(1).max(100),
    botName: z.string().min(1).max(100).optional(),
  }),
  /**
   * The bot shopping the list found an item at a stop, or found the store out of it. Each item is reported
   * once per assignment; a list released after its bot vanished is published `ShoppingListAvailable` again,
   * and its items are reported anew by the next bot.
   */
  'depotapi.ShoppingListItemReported': z.strictObject({
    id,
    orderId: id,
    botId: z.string().min(1).max(100),
    storeId: id,
    productId: id,
    outcome: itemOutcomeSchema,
  }),
  /**
   * Shopped and brought back to the depot: the order is ready for pickup. `unavailableItems` are the order's
   * lines the stores could not supply (the customer is not charged for them); absent in messages from before
   * bots reported items, which means none.
   */
  'depotapi.ShoppingListCompleted': z.strictObject({
    id,
    orderId: id,
    unavailableItems: z.array(unavailableItemSchema).default([]),
  }),
};

export type DepotMessageType = keyof typeof depotMessages;
export type DepotMessage = MessageOf<typeof depotMessages>;

export const shoppingListItemSchema = z.strictObject({
  storeId: id,
  productId: id,
  quantity: z.number().int().positive(),
});

/**
 * Commands Depot handles (saga participant). `CreateShoppingList` succeeds with `{ id }`, the new list's id
 * (one list per order: the same order again answers the same id); the others reply a generic success.
 * `CancelShoppingList` names the order, not the list: the saga compensates a creation that timed out without
 * ever learning the list's id, so an order with no list (yet, or ever) is a Success that does nothing.
 */
export const depotCommands = {
  'depotapi.CreateShoppingList': z.strictObject({
    orderId: id,
    items: z.array(shoppingListItemSchema).min(1),
  }),
  'depotapi.CancelShoppingList': z.strictObject({ orderId: id }),
  'depotapi.InitiateShopping': z.strictObject({ id }),
};
export const createdShoppingListResult = z.strictObject({ id });

/** The channel Depot publishes on, for the AsyncAPI document. Messages are keyed by shopping-list id. */
export const depotPublishes: readonly ChannelContract[] = [
  channelContract({
    address: SHOPPING_LIST_CHANNEL,
    description: 'Shopping lists: created, available, canceled, assigned, item by item, completed',
    messages: depotMessages,
    summaries: {
      'depotapi.ShoppingListCreated':
        "A shopping list was made from an order's items, grouped by store into the stops a bot visits",
      'depotapi.ShoppingListAvailable': 'A shopping list may be shopped: a bot can take it',
      'depotapi.ShoppingListCanceled': 'A shopping list was canceled',
      'depotapi.ShoppingListAssigned': 'A shopping list was assigned to a bot',
      'depotapi.ShoppingListItemReported':
        'The bot shopping a list picked an item at a stop, or found the store out of it',
      'depotapi.ShoppingListCompleted':
        'A bot shopped every stop and brought the goods back to the depot, naming the items stores could not supply',
    },
  }),
];

/** The channel Depot receives commands on. */
export const depotReceives: readonly ChannelContract[] = [
  channelContract({
    address: DEPOT_COMMAND_CHANNEL,
    description: 'Commands to Depot, from the create-order saga; keyed by order id',
    messages: depotCommands,
    summaries: {
      'depotapi.CreateShoppingList': "Make the shopping list of an order's items (replies with its id)",
      'depotapi.CancelShoppingList': "Cancel an order's shopping list, if it has one (compensation)",
      'depotapi.InitiateShopping': 'Make a shopping list available to the bots',
    },
  }),
];
