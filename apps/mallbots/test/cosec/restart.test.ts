import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import { commandIdOf } from '@tessera/platform/sagas';
import {
  authorizationFor,
  deleteTestStream,
  type OpenedTestDatabase,
  testNatsUrl,
  testSetups,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import {
  eventually,
  type Hold,
  instrumented,
  type MallbotsClient,
  mallbotsClient,
  recordOrders,
  SAGA,
  stepsOf,
} from './support.js';

const ACTIONS = [1, 2, 3, 4, 5];

interface Mall {
  readonly host: Host;
  readonly hold: Hold;
  readonly client: MallbotsClient;
  readonly orders: Awaited<ReturnType<typeof recordOrders>>;
}

// A host stopped while the saga waits at step k, and a new host on the same database (and NATS stream):
// the saga goes on from where it was persisted, and every participant does its part once.
describe.each(testSetups)(
  'the create-order saga across a restart, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let opened: OpenedTestDatabase;
    const stream = broker === 'nats' ? uniqueTestStream() : undefined;
    /** Committed handlings of every host on this database: `group messageId`. */
    const committed: string[] = [];
    let current: Mall | undefined;
    let storeId: string;
    let productIds: string[];

    /** A host on the open database (PGlite: the same client; PostgreSQL: the same database). */
    const startMall = async (): Promise<Mall> => {
      const hold: Hold = {};
      const host = await startHost({
        name: 'Restart test',
        version: 'test',
        modules: instrumented(mallbots.modules, hold, committed),
        db: opened.db,
        config: {
          ...loadConfig({}),
          port: 0,
          host: '127.0.0.1',
          logLevel: 'silent',
          ...(stream
            ? { natsUrl: testNatsUrl, natsStream: stream, natsPartitions: 4, natsAckWaitMs: 2_000 }
            : {}),
        },
      });
      const client = mallbotsClient(async (method, url, body) =>
        host.http.inject({
          method,
          url,
          headers: await authorizationFor(host),
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      );
      // The same group on every host: it resumes where the stopped host's left off.
      return { host, hold, client, orders: await recordOrders(host.broker, 'cosec-restart-orders') };
    };

    beforeAll(async () => {
      opened = await backend.open();
      current = await startMall();
      storeId = await current.client.createStore('Robot Emporium', 'Level 1');
      productIds = [
        await current.client.addProduct(storeId, 'Robot Arm', 19.99),
        await current.client.addProduct(storeId, 'Gear', 0.29),
      ];
    }, 60_000);
    afterAll(async () => {
      await current?.host.stop();
      if (stream) await deleteTestStream(stream);
      await opened?.close();
    });

    const handledOnce = (orderId: string) => {
      for (const step of ACTIONS) {
        const id = commandIdOf(SAGA, orderId, step, false);
        expect(
          committed.filter((entry) => entry.endsWith(` ${id}`)),
          `step ${step}'s action handled once`,
        ).toHaveLength(1);
      }
    };

    it.each(ACTIONS)(
      'stopped while waiting at step %i, approves the order once after the restart',
      async (k) => {
        const first = current!;
        const mall = first.client;
        const customerId = await mall.registerCustomer();
        const basketId = await mall.startBasket(customerId);
        await mall.addItem(basketId, productIds[0]!, 1);
        await mall.addItem(basketId, productIds[1]!, 2);
        const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));

        const held = commandIdOf(SAGA, basketId, k, false);
        const reached = new Promise<void>((resolve) => {
          first.hold.reached = resolve;
        });
        first.hold.commandId = held;
        await mall.checkout(basketId, paymentId);
        await reached;
        const waiting = await mall.getSaga(basketId);
        expect(waiting).toMatchObject({ status: 'running', step: k, awaiting: held });
        await first.host.stop();
        current = undefined;

        const second = await startMall();
        current = second;
        const order = await second.client.settledOrder(basketId);
        expect(order.status).toBe('approved');
        const saga = await second.client.endedSaga(basketId);
        expect(saga.status).toBe('completed');
        expect(stepsOf(saga, 'sent')).toEqual(ACTIONS);
        expect(stepsOf(saga, 'replied')).toEqual(ACTIONS);
        expect(saga.history.filter((entry) => entry.event === 'ignored')).toEqual([]);

        // Each participant did its part once.
        handledOnce(basketId);
        const lists = await second.client.shoppingListsOf(basketId);
        expect(lists.map((list) => [list.id, list.status])).toEqual([[order.shoppingListId, 'available']]);
        const versions = await opened.db.query<{ payment: number; list: number }>(
          `SELECT (SELECT version FROM payments.payments WHERE id = $1) AS payment,
                (SELECT version FROM depot.shopping_lists WHERE order_id = $2) AS list`,
          [paymentId, basketId],
        );
        // Authorized then confirmed; created then made available: one write each.
        expect(versions.rows[0]).toEqual({ payment: 2, list: 2 });
        expect((await second.client.getPayment(paymentId)).confirmed).toBe(true);
        const events = await opened.db.query<{ event_type: string }>(
          'SELECT event_type FROM ordering.events WHERE stream_name = $1 ORDER BY stream_version',
          [`ordering.Order-${basketId}`],
        );
        expect(events.rows.map((row) => row.event_type)).toEqual([
          'ordering.OrderCreated',
          'ordering.OrderApproved',
        ]);
        await eventually(
          async () => second.orders.approvals(basketId),
          (n) => n > 0,
          'OrderApproved reaches the test group',
        );
        expect(second.orders.approvals(basketId)).toBe(1);
      },
    );
  },
);
