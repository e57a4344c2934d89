/**
 * What the bots' API (the streaming RPC in adapters/rpc) can ask of the depot. The depot's application
 * implements it (robots.ts); the RPC adapter only translates. Every call is one transaction, and every state
 * lives in the database: a bot that reconnects, to this process or another, gets what it should be doing now.
 */

export type BotStatus = 'offline' | 'idle' | 'shopping' | 'returning';
export type ItemOutcome = 'picked' | 'unavailable';

export interface BotView {
  readonly id: string;
  readonly name: string;
  readonly status: BotStatus;
  /** The list it is shopping or bringing back, if any. */
  readonly shoppingListId?: string;
  readonly lastSeenAt: Date;
}

export interface AssignedItem {
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
  /** Undefined until the bot reports it. */
  readonly outcome?: ItemOutcome;
}

export interface AssignedStop {
  readonly storeId: string;
  readonly storeName: string;
  readonly storeLocation: string;
  readonly items: readonly AssignedItem[];
}

/**
 * What a bot should be doing, derived from the stored state. `shop`: go round these stops (items already
 * reported carry their outcome, so a reconnecting bot resumes); `return`: bring the goods back to the depot and
 * report it (every item is reported); `recall`: the list was canceled, come back without finishing; `wait`: idle.
 */
export type BotInstruction =
  | { readonly kind: 'wait' }
  | {
      readonly kind: 'shop';
      readonly shoppingListId: string;
      readonly orderId: string;
      readonly stops: readonly AssignedStop[];
    }
  | { readonly kind: 'return'; readonly shoppingListId: string }
  | { readonly kind: 'recall'; readonly shoppingListId: string; readonly reason: string };

export interface RobotOperations {
  /**
   * A bot's stream opened: the bot is registered the first time (name blank: invalid argument), and comes
   * online. An idle bot may be given the oldest available list at once. Connecting again while connected
   * (a second stream) is allowed: the latest stream wins, the previous one is told to stop by `watch`.
   * `session` (optional) names the stream: a later `disconnect` naming an older session changes nothing, so
   * that a replaced stream closing does not take the bot offline.
   */
  connect(input: { botId: string; name: string; session?: string }): Promise<BotInstruction>;
  /**
   * Its stream closed. The bot goes offline; if it holds a list, the list is given back to the other bots
   * when the bot has not reconnected within the depot's bot timeout (a durable deadline). With a `session`
   * that is not the bot's latest: nothing happens. Unknown bot: not found.
   */
  disconnect(input: { botId: string; session?: string }): Promise<void>;
  /** What the bot should be doing now (after a wake-up from `watch`). Unknown bot: not found. */
  instruction(botId: string): Promise<BotInstruction>;
  /**
   * Calls `onChange` after any committed change that may change the bot's instruction (an assignment, a
   * recall, a reassignment), from any process; also once after a lost database connection. Resolves to a stop.
   * Start watching before `connect`, then read `instruction` on each call: an assignment committed just
   * after `connect` read its answer (another process's, say) is announced only to watchers already there.
   */
  watch(botId: string, onChange: () => void): Promise<() => Promise<void>>;
  /**
   * A bot reports one item of the list it holds. The same outcome again is a no-op; another outcome for an
   * item already reported is a failed precondition; an item not on the list (or at another stop) is not found;
   * a list the bot does not hold is a failed precondition.
   */
  reportItem(input: {
    botId: string;
    shoppingListId: string;
    storeId: string;
    productId: string;
    outcome: ItemOutcome;
  }): Promise<BotInstruction>;
  /**
   * The bot is back at the depot. After shopping every item: the list is completed (publishing
   * ShoppingListCompleted with the unavailable items) and the bot is idle. After a recall: the bot is idle.
   * Reporting it again is a no-op; before every item is reported it is a failed precondition.
   */
  reportReturned(input: { botId: string; shoppingListId: string }): Promise<BotInstruction>;
  /**
   * The bot's stream is still open (called every few seconds while it is): the bot is seen now. A stream
   * whose process died stops saying so, and `sweep` then takes the bot offline. Changes nothing else.
   */
  heartbeat(input: { botId: string; session: string }): Promise<void>;
}
