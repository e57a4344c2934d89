import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Bot from '../../../src/depot/domain/bot.js';

const LIST = '2d8e5c74-a06b-4b9a-9f3c-4e5d6f7a8b92';
const OTHER = '3e9f6d85-b17c-4cab-8a4d-5f6e7a8b9ca3';

const registered: Bot.Event = { type: 'depot.BotRegistered', data: { name: 'Robby' } };
const connected: Bot.Event = { type: 'depot.BotConnected', data: { name: 'Robby', session: 's1' } };
const disconnected: Bot.Event = { type: 'depot.BotDisconnected', data: {} };
const assigned: Bot.Event = { type: 'depot.BotAssigned', data: { shoppingListId: LIST } };
const shopped: Bot.Event = { type: 'depot.BotShopped', data: { shoppingListId: LIST } };
const recalled: Bot.Event = {
  type: 'depot.BotRecalled',
  data: { shoppingListId: LIST, reason: 'the order was canceled' },
};
const returned: Bot.Event = { type: 'depot.BotReturned', data: { shoppingListId: LIST } };
const released: Bot.Event = { type: 'depot.BotReleased', data: { shoppingListId: LIST } };

const connect = (name: string, session?: string) => (state: Bot.State) =>
  Bot.connect(state, { name, ...(session === undefined ? {} : { session }) });
const list = { shoppingListId: LIST };

describe('Bot', () => {
  const bot = aggregateSpec(Bot.aggregate);

  it('registers on its first connection and is idle; later connections only connect (the latest session wins)', () => {
    const state = bot.given().when(connect(' Robby ', 's1')).thenEvents(registered, connected);
    expect(Bot.statusOf(state)).toBe('idle');
    expect(state).toMatchObject({ exists: true, name: 'Robby', online: true, session: 's1' });
    const again = bot
      .given(registered, connected)
      .when(connect('Robby II', 's2'))
      .thenEvents({ type: 'depot.BotConnected', data: { name: 'Robby II', session: 's2' } });
    expect(again).toMatchObject({ name: 'Robby II', session: 's2', online: true });
  });

  it('refuses a blank or overlong name, and a blank or overlong id', () => {
    const blank = bot
      .given()
      .when(connect('   '))
      .thenFails({ kind: 'invalid_argument', code: 'bot_name_blank' });
    expect(blank.field).toBe('name');
    bot
      .given()
      .when(connect('x'.repeat(101)))
      .thenFails({ kind: 'invalid_argument', code: 'bot_name_too_long' });
    expect(() => Bot.checkBotId('  ')).toThrowError('the bot id cannot be blank');
    expect(() => Bot.checkBotId('b'.repeat(101))).toThrowError(/longer than 100/);
    expect(Bot.checkBotId(' bot-1 ')).toBe('bot-1');
  });

  it('goes offline on disconnect, keeping its list; reconnecting resumes it', () => {
    const offline = bot
      .given(registered, connected, assigned)
      .when((s) => Bot.disconnect(s))
      .thenEvents(disconnected);
    expect(Bot.statusOf(offline)).toBe('offline');
    expect(offline.errand).toEqual({ shoppingListId: LIST, phase: 'shopping' });
    const back = bot
      .given(registered, connected, assigned, disconnected)
      .when(connect('Robby'))
      .thenEvents({
        type: 'depot.BotConnected',
        data: { name: 'Robby' },
      });
    expect(Bot.statusOf(back)).toBe('shopping');
  });

  it('ignores a disconnect when offline already, or from a session a later connection replaced', () => {
    bot
      .given(registered, connected, disconnected)
      .when((s) => Bot.disconnect(s))
      .thenEvents();
    bot
      .given(registered, connected)
      .when((s) => Bot.disconnect(s, { session: 'older' }))
      .thenEvents();
    bot
      .given(registered, connected)
      .when((s) => Bot.disconnect(s, { session: 's1' }))
      .thenEvents(disconnected);
    bot
      .given()
      .when((s) => Bot.disconnect(s))
      .thenFails({ kind: 'not_found', code: 'bot_not_found' });
  });

  it('takes a list only when idle and connected', () => {
    const shopping = bot
      .given(registered, connected)
      .when((s) => Bot.assign(s, list))
      .thenEvents(assigned);
    expect(Bot.statusOf(shopping)).toBe('shopping');
    const refused = { kind: 'failed_precondition', code: 'bot_not_idle' } as const;
    bot
      .given(registered)
      .when((s) => Bot.assign(s, list))
      .thenFails(refused);
    bot
      .given(registered, connected, assigned)
      .when((s) => Bot.assign(s, { shoppingListId: OTHER }))
      .thenFails(refused);
  });

  it('returns once every item is reported, and is idle back at the depot', () => {
    const returning = bot
      .given(registered, connected, assigned)
      .when((s) => Bot.shopped(s, list))
      .thenEvents(shopped);
    expect(Bot.statusOf(returning)).toBe('returning');
    bot
      .given(registered, connected, assigned, shopped)
      .when((s) => Bot.shopped(s, list))
      .thenEvents();
    const idle = bot
      .given(registered, connected, assigned, shopped)
      .when((s) => Bot.returned(s, list))
      .thenEvents(returned);
    expect(Bot.statusOf(idle)).toBe('idle');
    expect(idle.errand).toBeUndefined();
  });

  it('cannot return before every item is reported, nor with a list it does not hold', () => {
    bot
      .given(registered, connected, assigned)
      .when((s) => Bot.returned(s, list))
      .thenFails({ kind: 'failed_precondition', code: 'items_not_reported' });
    bot
      .given(registered, connected, assigned, shopped)
      .when((s) => Bot.returned(s, { shoppingListId: OTHER }))
      .thenFails({ kind: 'failed_precondition', code: 'shopping_list_not_held' });
    bot
      .given(registered, connected)
      .when((s) => Bot.returned(s, list))
      .thenFails({ code: 'shopping_list_not_held' });
    bot
      .given()
      .when((s) => Bot.returned(s, list))
      .thenFails({ kind: 'not_found' });
  });

  it('is recalled from its list, shopping or returning, and is idle once back; another list is not its business', () => {
    const recall = (s: Bot.State) => Bot.recall(s, { ...list, reason: 'the order was canceled' });
    const coming = bot.given(registered, connected, assigned).when(recall).thenEvents(recalled);
    expect(Bot.statusOf(coming)).toBe('returning');
    bot.given(registered, connected, assigned, shopped).when(recall).thenEvents(recalled);
    bot.given(registered, connected, assigned, recalled).when(recall).thenEvents();
    bot
      .given(registered, connected, assigned)
      .when((s) => Bot.recall(s, { shoppingListId: OTHER, reason: 'x' }))
      .thenEvents();
    bot
      .given(registered, connected, assigned, recalled)
      .when((s) => Bot.returned(s, list))
      .thenEvents(returned);
  });

  it('loses its list when it stayed away holding it, unless it came back, was recalled, or holds another', () => {
    const release = (s: Bot.State) => Bot.release(s, list);
    const lost = bot.given(registered, connected, assigned, disconnected).when(release).thenEvents(released);
    expect(lost.errand).toBeUndefined();
    expect(Bot.statusOf(lost)).toBe('offline');
    bot.given(registered, connected, assigned, shopped, disconnected).when(release).thenEvents(released);
    bot.given(registered, connected, assigned).when(release).thenEvents();
    bot.given(registered, connected, assigned, recalled, disconnected).when(release).thenEvents();
    bot
      .given(registered, connected, assigned, disconnected)
      .when((s) => Bot.release(s, { shoppingListId: OTHER }))
      .thenEvents();
  });
});
