import { randomUUID } from 'node:crypto';
import { SUCCESS_REPLY } from '@tessera/platform/messaging';
import { pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_COMMANDS_GROUP } from '../../../src/depot/adapters/messaging/commands.js';
import { StoresUnavailableError } from '../../../src/depot/application/ports.js';
import { DEPOT_COMMAND_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { sendCommand } from '../../payments/support/messages.js';
import { type DepotHost, HOST_START_MS, startDepotHost, unknownId } from '../support/host.js';

// A Failure would make the saga compensate for an outage: Stores being away is retried, then dead-lettered.
describe('Depot when Stores cannot be asked, on pglite', () => {
  let api: DepotHost;
  let asked = 0;
  beforeAll(async () => {
    const away = async () => {
      asked++;
      throw new StoresUnavailableError('Stores could not be reached');
    };
    api = await startDepotHost(pgliteTestDatabase, 'embedded', {
      storesDirectory: { findStore: away, findProduct: away },
    });
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('retries CreateShoppingList, then dead-letters it with no reply; the order’s next command flows on', async () => {
    const orderId = unknownId();
    const send = (type: string, data: unknown) =>
      sendCommand(api.host.broker, {
        type,
        channel: DEPOT_COMMAND_CHANNEL,
        data,
        replyTo: api.replyChannel,
        key: orderId,
      });
    const create = await send('depotapi.CreateShoppingList', {
      orderId,
      items: [{ storeId: randomUUID(), productId: randomUUID(), quantity: 1 }],
    });
    // The saga's compensation of a creation it never heard back from: handled after it (same key), and a
    // Success that does nothing, since no list was made.
    const fence = await send('depotapi.CancelShoppingList', { orderId });
    expect((await api.recorder.replyTo(fence.id)).type).toBe(SUCCESS_REPLY);
    const [letter] = (await api.host.broker.deadLetters.list(DEPOT_COMMANDS_GROUP)).filter(
      (dead) => dead.messageId === create.id,
    );
    expect(letter).toMatchObject({
      attempts: 5,
      reason: expect.stringContaining('Stores could not be reached'),
    });
    expect(asked).toBe(5);
    expect(api.recorder.repliesTo(create.id)).toEqual([]);
    expect(api.recorder.messages.filter((m) => m.type === 'depotapi.ShoppingListCanceled')).toEqual([]);
    const rows = await api.db.query('SELECT 1 FROM depot.shopping_lists WHERE order_id = $1', [orderId]);
    expect(rows.rows).toEqual([]);
  });
});
