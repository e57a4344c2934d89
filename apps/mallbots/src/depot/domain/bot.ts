import {
  type AggregateType,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';

export type BotStatus = 'offline' | 'idle' | 'shopping' | 'returning';

/**
 * What a bot is doing with the list it holds: going round the stops, bringing the goods back (every item
 * reported), or coming back without finishing because the list was canceled.
 */
export type Phase = 'shopping' | 'returning' | 'recalled';

export interface Errand {
  readonly shoppingListId: string;
  readonly phase: Phase;
  /** Why it was recalled. */
  readonly reason?: string;
}

/**
 * A robot of the depot's fleet. Being connected and holding a list are independent: a bot that loses its
 * connection keeps its errand, so that reconnecting resumes it (its status is then `offline`).
 */
export interface State {
  readonly exists: boolean;
  readonly name: string;
  readonly online: boolean;
  /** The stream that connected it last: an older stream closing does not take the bot offline. */
  readonly session?: string;
  readonly errand?: Errand;
}

export type Event =
  | DomainEvent<'depot.BotRegistered', { name: string }>
  | DomainEvent<'depot.BotConnected', { name: string; session?: string }>
  | DomainEvent<'depot.BotDisconnected', Record<string, never>>
  | DomainEvent<'depot.BotAssigned', { shoppingListId: string }>
  /** Every item of its list is reported: it brings the goods back. */
  | DomainEvent<'depot.BotShopped', { shoppingListId: string }>
  | DomainEvent<'depot.BotRecalled', { shoppingListId: string; reason: string }>
  /** Back at the depot: idle. */
  | DomainEvent<'depot.BotReturned', { shoppingListId: string }>
  /** It stayed away too long: the list went back to the other bots. */
  | DomainEvent<'depot.BotReleased', { shoppingListId: string }>;

export const aggregate: AggregateType<State, Event> = {
  name: 'depot.Bot',
  initialState: { exists: false, name: '', online: false },
  evolve(state, event) {
    switch (event.type) {
      case 'depot.BotRegistered':
        return { exists: true, name: event.data.name, online: false };
      case 'depot.BotConnected': {
        const { session: _previous, ...rest } = state;
        const { name, session } = event.data;
        return { ...rest, name, online: true, ...(session === undefined ? {} : { session }) };
      }
      case 'depot.BotDisconnected':
        return { ...state, online: false };
      case 'depot.BotAssigned':
        return { ...state, errand: { shoppingListId: event.data.shoppingListId, phase: 'shopping' } };
      case 'depot.BotShopped':
        return { ...state, errand: { shoppingListId: event.data.shoppingListId, phase: 'returning' } };
      case 'depot.BotRecalled': {
        const { shoppingListId, reason } = event.data;
        return { ...state, errand: { shoppingListId, phase: 'recalled', reason } };
      }
      case 'depot.BotReturned':
      case 'depot.BotReleased': {
        const { errand: _done, ...rest } = state;
        return rest;
      }
    }
  },
};

export const MAX_BOT_ID_LENGTH = 100;
export const MAX_BOT_NAME_LENGTH = 100;

export const botNotFound = () => notFound('bot_not_found', 'no bot with that ID');

export function statusOf(state: State): BotStatus {
  if (!state.online) return 'offline';
  if (!state.errand) return 'idle';
  return state.errand.phase === 'shopping' ? 'shopping' : 'returning';
}

/** Bot ids come from the bots themselves: any text of 1–100 characters. */
export function checkBotId(botId: string): string {
  const id = nonBlank(botId, 'bot_id_blank', 'the bot id cannot be blank', 'botId');
  if (id.length > MAX_BOT_ID_LENGTH) {
    throw invalidArgument('bot_id_too_long', `the bot id is longer than ${MAX_BOT_ID_LENGTH}`, 'botId');
  }
  return id;
}

/** The bot comes online, registered the first time; the latest connection wins. */
export function connect(state: State, input: { name: string; session?: string }): Event[] {
  const name = nonBlank(input.name, 'bot_name_blank', 'the bot name cannot be blank', 'name');
  if (name.length > MAX_BOT_NAME_LENGTH) {
    throw invalidArgument('bot_name_too_long', `the bot name is longer than ${MAX_BOT_NAME_LENGTH}`, 'name');
  }
  const connected: Event = {
    type: 'depot.BotConnected',
    data: { name, ...(input.session === undefined ? {} : { session: input.session }) },
  };
  return state.exists ? [connected] : [{ type: 'depot.BotRegistered', data: { name } }, connected];
}

/**
 * Its connection closed; it keeps its errand. An offline bot, or a connection that an
 * later one replaced, records nothing.
 */
export function disconnect(state: State, input: { session?: string } = {}): Event[] {
  if (!state.exists) throw botNotFound();
  if (!state.online) return [];
  if (input.session !== undefined && input.session !== state.session) return [];
  return [{ type: 'depot.BotDisconnected', data: {} }];
}

/** An idle, connected bot takes a list. */
export function assign(state: State, input: { shoppingListId: string }): Event[] {
  if (!state.exists) throw botNotFound();
  if (statusOf(state) !== 'idle')
    throw failedPrecondition('bot_not_idle', 'the bot is not idle and connected');
  return [{ type: 'depot.BotAssigned', data: { shoppingListId: input.shoppingListId } }];
}

/** Every item of its list was reported: it heads back. Again records nothing. */
export function shopped(state: State, input: { shoppingListId: string }): Event[] {
  const { errand } = state;
  if (errand?.shoppingListId !== input.shoppingListId || errand.phase !== 'shopping') return [];
  return [{ type: 'depot.BotShopped', data: { shoppingListId: input.shoppingListId } }];
}

/** Its list was canceled: it comes back without finishing. A bot not holding that list records nothing. */
export function recall(state: State, input: { shoppingListId: string; reason: string }): Event[] {
  const { errand } = state;
  if (errand?.shoppingListId !== input.shoppingListId || errand.phase === 'recalled') return [];
  return [{ type: 'depot.BotRecalled', data: input }];
}

/**
 * It is back at the depot with the list it holds, which it must have shopped through or been recalled
 * from. (A repeated report, once it no longer holds the list, is the application's to recognise.)
 */
export function returned(state: State, input: { shoppingListId: string }): Event[] {
  if (!state.exists) throw botNotFound();
  const { errand } = state;
  if (errand?.shoppingListId !== input.shoppingListId) {
    throw failedPrecondition(
      'shopping_list_not_held',
      'the bot does not hold that shopping list',
      'shoppingListId',
    );
  }
  if (errand.phase === 'shopping') {
    throw failedPrecondition('items_not_reported', 'every item must be reported before returning');
  }
  return [{ type: 'depot.BotReturned', data: { shoppingListId: input.shoppingListId } }];
}

/**
 * It has been away too long while holding that list (shopping, or bringing it back): it loses the list.
 * Back online, or holding another list, or recalled (the list is canceled), it records nothing.
 */
export function release(state: State, input: { shoppingListId: string }): Event[] {
  const { errand } = state;
  if (state.online || errand?.shoppingListId !== input.shoppingListId || errand.phase === 'recalled')
    return [];
  return [{ type: 'depot.BotReleased', data: { shoppingListId: input.shoppingListId } }];
}
